"""The Kubernetes CEL environment for CRD rules: compile an expression once, evaluate it many
times. Built like the API server's base environment (k8s.io/apiserver/pkg/cel/environment/
base.go): standard macros, the strings extension, optional types, the Kubernetes libraries
(library.py), and the variables `self` and `oldSelf`. Types come from the data (`self` is
dynamic), so the engine checks less at compile time than the API server, never more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from .checked import DecodeError, Node, parse_checked, uses_variable
from .library import UNSUPPORTED, UNSUPPORTED_NAMES

_env: Any = None
_envs: dict = {}  # other variable sets (admission policies: object, params, request...)


class CompileError(Exception):
    """An expression the engine refuses. `unsupported`: it uses something of the Kubernetes
    environment this engine lacks, so the API server may well accept it."""

    def __init__(self, message: str, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


class EvaluationError(Exception):
    """A rule that failed to evaluate. `unsupported`: because of kubelint's engine, not the rule."""

    def __init__(self, message: str, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


@dataclass
class Compiled:
    source: str
    expression: Any
    tree: Optional[Node]  # None when the engine's serialization could not be read
    uses_old_self: bool
    result_type: str  # the checked type: BOOL, STRING, DYN...


def _environment(variables: Optional[tuple] = None) -> Any:
    global _env
    if variables is not None:
        found = _envs.get(variables)
        if found is None:
            from cel_expr_python import cel
            from cel_expr_python.ext import ext_optional, ext_strings

            from .formats import declarations as format_declarations
            from .library import declarations

            found = _envs[variables] = cel.NewEnv(variables={name: cel.Type.DYN for name in variables},
                                                  extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional()],
                                                  functions=declarations(cel) + format_declarations(cel))
        return found
    if _env is None:
        from cel_expr_python import cel
        from cel_expr_python.ext import ext_optional, ext_strings

        from .formats import declarations as format_declarations
        from .library import declarations

        _env = cel.NewEnv(variables={"self": cel.Type.DYN, "oldSelf": cel.Type.DYN},
                          extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional()],
                          functions=declarations(cel) + format_declarations(cel))
    return _env


_REFERENCE = re.compile(r"(?:undeclared reference to|no matching overload for) '([^']+)'")


def compile_expression(source: str, variables: Optional[tuple] = None) -> Compiled:
    """Compile `source` with `self` and `oldSelf` (CRD rules), or with the given variable names
    (all dynamic), e.g. an admission policy's object, oldObject, params, request."""
    from .formats import optional_calls

    try:
        expression = _environment(variables).compile(optional_calls(source))
    except Exception as exc:  # the engine reports every compile problem as an exception
        message = _clean(str(exc))
        names = set(_REFERENCE.findall(message))
        # The engine nests expressions at most 32 deep; cel-go allows more.
        unsupported = bool(names & set(UNSUPPORTED_NAMES)) or "recursion limit" in message
        raise CompileError(message, unsupported=unsupported) from None
    try:
        tree: Optional[Node] = parse_checked(expression.serialize())
    except (DecodeError, Exception):  # an unreadable serialization only costs the cost bound
        tree = None
    uses_old_self = tree is not None and uses_variable(tree, "oldSelf") or (tree is None and "oldSelf" in source)
    return Compiled(source, expression, tree, uses_old_self, expression.return_type().name())


def _clean(text: str) -> str:
    """The engine's error as one line: `ERROR: <input>:1:3: found no matching overload ...`."""
    text = text.strip()
    for prefix in ("INVALID_ARGUMENT: ", "CANCELLED: "):
        text = text[len(prefix):] if text.startswith(prefix) else text
    lines = [line for line in text.splitlines() if line.startswith("ERROR:")] or text.splitlines()[:1]
    return "; ".join(line.replace(" [INVALID_ARGUMENT]", "").strip() for line in lines) or "compilation failed"


def evaluate(compiled: Compiled, self_value: Any, data: Optional[dict] = None) -> Any:
    """The value of the expression with `self` bound (or the variables of `data`), or
    EvaluationError."""
    try:
        result = compiled.expression.eval(data={"self": self_value} if data is None else data)
    except Exception as exc:  # the engine's iteration budget, a value it cannot carry...
        message = str(exc).strip()
        raise EvaluationError(message.replace(" [INTERNAL]", ""),
                              unsupported="budget" not in message.lower()) from None
    if result.type().name() == "ERROR":
        message = str(result.value())
        unsupported = UNSUPPORTED in message or bool(
            re.search(r"No matching overloads found : (indexOf|lastIndexOf)\(", message))
        for prefix in ("UNKNOWN: ", "INVALID_ARGUMENT: ", "NOT_FOUND: ", "OUT_OF_RANGE: "):
            message = message[len(prefix):] if message.startswith(prefix) else message
        raise EvaluationError(message, unsupported=unsupported)
    return result.value()


# -- values the engine needs in its own types -------------------------------------------------------

def timestamp(text: str) -> Any:
    """A protobuf Timestamp for an RFC 3339 date-time or a date, or None (then `self` carries the
    string and a rule comparing it as a timestamp fails to evaluate)."""
    from datetime import datetime, timezone

    try:
        from google.protobuf import timestamp_pb2
    except ImportError:  # pragma: no cover - protobuf comes with the CEL engine's extra
        return None
    try:
        if len(text) == 10:
            moment = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


_DURATION_NANOS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
                   "m": 60_000_000_000, "h": 3_600_000_000_000, "d": 86_400_000_000_000, "w": 604_800_000_000_000}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h|d|w)")


def duration(text: str) -> Any:
    """A protobuf Duration for a Go duration (`1h30m`, `-2.5s`), or None."""
    try:
        from google.protobuf import duration_pb2
    except ImportError:  # pragma: no cover
        return None
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if body == "0":
        return duration_pb2.Duration()
    from decimal import Decimal

    position, nanos = 0, Decimal(0)
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None or match.group(1) in ("", "."):
            return None
        nanos += Decimal(match.group(1)) * _DURATION_NANOS[match.group(2)]
        position = match.end()
    if not body:
        return None
    whole, rest = divmod(int(nanos), 1_000_000_000)
    return duration_pb2.Duration(seconds=sign * whole, nanos=sign * rest)
