"""validateMatchConditions (kubernetes/kubernetes pkg/apis/admissionregistration/validation/
validation.go), shared by webhook configurations (KL154) and ValidatingAdmissionPolicies
(KL157): at most 64 conditions, each with a name (a qualified name, unique) and an expression
that compiles as CEL in the admission environment (k8s.io/apiserver/pkg/admission/plugin/cel
compile.go createEnvForOpts: object, oldObject, namespaceObject, request, authorizer, and params
only for a policy with a paramKind) and evaluates to bool.

kubelint's CEL engine lacks some of the Kubernetes libraries (authorizer, math, base64, cel.bind,
lists...), so only what does not depend on them is reported: syntax errors, references to
variables the environment does not declare (params in a webhook), and a result that is certainly
not a bool. An expression that fails for any other reason is left alone.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator, Optional, Tuple

from ...lazy_regex import lazy_compile
from ...findings import Pointer
from ..base import Report
from . import syntax
from .errors import duplicate, invalid, required, too_many

MAX_CONDITIONS = 64
WEBHOOK_VARIABLES = ("object", "oldObject", "namespaceObject", "request", "authorizer")
# A policy's conditions: `variables` is declared too, so that kubelint never refuses an
# expression for it (whether the API server compiles match conditions with the policy's
# variables is not something kubelint asserts).
POLICY_VARIABLES = WEBHOOK_VARIABLES + ("variables",)
# Library namespaces of the Kubernetes environment: `math.greatest(...)` is a function, not an
# undeclared variable `math`, even where kubelint's engine does not have it.
_NAMESPACES = frozenset({"math", "base64", "lists", "sets", "strings", "cel", "optional", "format", "regex",
                         "authorizer"})
_UNDECLARED = lazy_compile(r"undeclared reference to '([^']+)'")
_MAX_CACHED = 1024


def match_conditions(conditions: Any, at: Pointer, variables: Tuple[str, ...]) -> Iterator[Report]:
    """validateMatchConditions; `variables`: the names the expressions may use."""
    if not isinstance(conditions, list):
        return  # absent, or the wrong type (the schema reports that)
    if len(conditions) > MAX_CONDITIONS:
        yield too_many(at, len(conditions), MAX_CONDITIONS)
    names = set()
    for index, condition in enumerate(conditions):
        if not isinstance(condition, dict):
            continue
        expression, name = condition.get("expression"), condition.get("name")
        trimmed = expression.strip() if isinstance(expression, str) else ""
        if not trimmed:
            if expression is None or isinstance(expression, str):
                yield required(at + (index, "expression"), present=expression is not None)
        else:
            problem = compile_problem(trimmed, variables)
            if problem is not None:
                yield invalid(at + (index, "expression"), trimmed, problem)
        if name is None or name == "":
            yield required(at + (index, "name"), present=name == "")
        elif isinstance(name, str):
            for message in syntax.label_key(name):  # ValidateQualifiedName
                yield invalid(at + (index, "name"), name, message)
            if name in names:
                yield duplicate(at + (index, "name"), name)
            names.add(name)


@functools.lru_cache(maxsize=_MAX_CACHED)
def compile_problem(expression: str, variables: Tuple[str, ...]) -> Optional[str]:
    """What the API server says of a condition that certainly does not compile (`compilation
    failed: ...`, `must evaluate to bool`), or None. Compiled once per expression and variable set."""
    from ...cel.environment import CompileError, compile_expression

    try:
        compiled = compile_expression(expression, variables)
    except CompileError as error:
        return None if error.unsupported or not _certain(str(error), expression) else f"compilation failed: {error}"
    except Exception:  # the engine must never take the run down; an expression it chokes on is skipped
        return None
    if compiled.result_type not in ("BOOL", "DYN"):
        return "must evaluate to bool"
    return None


def _certain(message: str, expression: str) -> bool:
    """A syntax error, or only references to variables no environment declares."""
    if "Syntax error" in message:
        return True
    errors = [part for part in message.split("; ") if part.startswith("ERROR:")]
    undeclared = _UNDECLARED.findall(message)
    if not errors or len(undeclared) != len(errors):
        return False  # another kind of error (an overload the engine types differently...)
    for name in undeclared:
        head, last = name.split(".")[0], name.split(".")[-1]
        if head in _NAMESPACES or re.search(r"(?<![\w.])" + re.escape(head) + r"\s*\(", expression) or \
                re.search(r"\." + re.escape(last) + r"\s*\(", expression):
            return False  # a function (or a macro's variable) of a library kubelint's engine may lack
    return True
