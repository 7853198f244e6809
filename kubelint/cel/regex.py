"""Whether a regular expression is valid RE2 syntax, the dialect of Go's regexp that the API
server compiles CRD `pattern`s and CEL `matches` with. Answered by the CEL engine's RE2."""

from __future__ import annotations

from typing import Dict, Optional

from . import available

UNKNOWN = "unknown"  # no RE2 at hand: validity cannot be decided here
_answers: Dict[str, Optional[str]] = {}
_program = None


def re2_problem(pattern: str) -> Optional[str]:
    """None when RE2 compiles `pattern`, RE2's complaint when it does not, or UNKNOWN."""
    if pattern in _answers:
        return _answers[pattern]
    if not available():
        return UNKNOWN
    global _program
    if _program is None:
        from cel_expr_python import cel

        _program = cel.NewEnv(variables={"p": cel.Type.STRING}).compile("''.matches(p)")
    result = _program.eval(data={"p": pattern})
    problem: Optional[str] = None
    if result.type().name() == "ERROR":
        problem = str(result.value())
        for prefix in ("INVALID_ARGUMENT: ", "invalid regular expression: "):
            problem = problem[len(prefix):] if problem.startswith(prefix) else problem
    if len(_answers) < 4096:
        _answers[pattern] = problem
    return problem
