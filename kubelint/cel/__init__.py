"""The Kubernetes CEL environment: CRD `x-kubernetes-validations` rules compiled and evaluated
as the API server does, with the Kubernetes libraries, on Google's CEL (cel-expr-python).

The engine is an optional dependency (wheels exist for CPython 3.11 and later): without it,
`available()` is False and rules are not evaluated. Nothing here is imported by a run that has
no CRD with rules, so start-up does not pay for it.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether the CEL engine is installed."""
    try:
        import cel_expr_python.cel  # noqa: F401
    except ImportError:
        return False
    return True
