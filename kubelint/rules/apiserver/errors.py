"""Field errors in the API server's own words, as `field.ErrorList` builds them.

Mirrors k8s.io/apimachinery/pkg/util/validation/field/errors.go: each error is
`<field path>: <type>[: <value>][: <detail>]`, with the types Required, Invalid, NotSupported,
Duplicate, Forbidden, TooLong, TooMany and NotFound. Values are printed as Go's `%q` / `%v`
print them. Only called when something is wrong: a valid object allocates nothing here.

Placement (the engine turns pointers into lines): a bad value is reported at the value; a
forbidden field at its key; a required field that is absent at its parent (the positioner falls
back to the deepest node that exists), and at the value when it is present but empty.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from ...findings import Pointer, Severity
from ...named_tuple import NamedTuple
from ..base import Report
from ..common.values import dotted

REQUIRED = "Required value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
DUPLICATE = "Duplicate value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
NOT_FOUND = "Not found"

_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v",
            '"': '\\"', "\\": "\\\\"}


def go_quote(text: str) -> str:
    """strconv.Quote: printable characters as they are (non-ASCII too), the rest escaped."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    out = []
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


class Verbatim(NamedTuple):
    """A bad value printed as it is (a list or map, which Go prints with %#v)."""

    text: str


def go_value(value: Any) -> str:
    """A bad value as ErrorBody prints it: strings quoted, numbers and booleans bare, nil as null."""
    if isinstance(value, Verbatim):
        return value.text
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # Go's %v prints 2.0 as 2
    return str(value)


def quoted_list(values: Iterable[str]) -> str:
    """`"a", "b"`: how NotSupported lists the supported values."""
    return ", ".join(go_quote(v) for v in values)


def _report(pointer: Pointer, body: str, anchor: str, severity: Optional[Severity], hint: str,
            field: Optional[str]) -> Report:
    message = f"{dotted(pointer) if field is None else field}: {body}"
    if hint:
        message += f" ({hint})"
    return Report(pointer, message, anchor, severity)


# Every helper takes the same keywords: `severity` (None: the rule's), `hint` (kubelint's
# advice, appended in parentheses) and `field` (the field path to print when the API server
# names another node than the one the finding points at, e.g. a list for an item's error).

def required(pointer: Pointer, detail: str = "", present: bool = False, *, severity: Optional[Severity] = None,
             hint: str = "", field: Optional[str] = None) -> Report:
    """field.Required. `present`: the field is written but empty ("" or []), so the finding goes
    to its value; otherwise to its parent (the deepest node that exists)."""
    body = f"{REQUIRED}: {detail}" if detail else REQUIRED
    return _report(pointer, body, "value" if present else "key", severity, hint, field)


def invalid(pointer: Pointer, value: Any, detail: str = "", *, anchor: str = "value",
            severity: Optional[Severity] = None, hint: str = "", field: Optional[str] = None) -> Report:
    """field.Invalid: `Invalid value: <value>: <detail>`."""
    body = f"{INVALID}: {go_value(value)}"
    if detail:
        body += f": {detail}"
    return _report(pointer, body, anchor, severity, hint, field)


def invalid_omitted(pointer: Pointer, detail: str, *, anchor: str = "value", severity: Optional[Severity] = None,
                    hint: str = "", field: Optional[str] = None) -> Report:
    """field.Invalid without the value (a secret, a list or object, a huge value): `Invalid value: <detail>`."""
    return _report(pointer, f"{INVALID}: {detail}", anchor, severity, hint, field)


def not_supported(pointer: Pointer, value: Any, supported: Sequence[str], *, severity: Optional[Severity] = None,
                  hint: str = "", field: Optional[str] = None) -> Report:
    """field.NotSupported: `Unsupported value: "x": supported values: "A", "B"`. When the value
    differs from a supported one only in case or surrounding spaces, the hint names it."""
    body = f"{NOT_SUPPORTED}: {go_value(value)}"
    if supported:
        body += f": supported values: {quoted_list(supported)}"
    if not hint and isinstance(value, str):
        folded = value.strip().lower()
        for candidate in supported:
            if candidate.lower() == folded:
                hint = f'did you mean "{candidate}"?'
                break
    return _report(pointer, body, "value", severity, hint, field)


def duplicate(pointer: Pointer, value: Any, *, severity: Optional[Severity] = None, hint: str = "",
              field: Optional[str] = None) -> Report:
    """field.Duplicate: `Duplicate value: <value>`."""
    return _report(pointer, f"{DUPLICATE}: {go_value(value)}", "value", severity, hint, field)


def forbidden(pointer: Pointer, detail: str, *, anchor: str = "key", severity: Optional[Severity] = None,
              hint: str = "", field: Optional[str] = None) -> Report:
    """field.Forbidden: `Forbidden: <detail>`, at the field's key by default."""
    return _report(pointer, f"{FORBIDDEN}: {detail}", anchor, severity, hint, field)


def too_long(pointer: Pointer, max_bytes: int, *, severity: Optional[Severity] = None, hint: str = "",
             field: Optional[str] = None) -> Report:
    """field.TooLong: `Too long: must have at most N bytes` (the value is not repeated)."""
    return _report(pointer, f"{TOO_LONG}: must have at most {max_bytes} bytes", "value", severity, hint, field)


def too_many(pointer: Pointer, actual: int, max_items: int, *, severity: Optional[Severity] = None,
             hint: str = "", field: Optional[str] = None) -> Report:
    """field.TooMany: `Too many: <n>: must have at most <max> items`."""
    return _report(pointer, f"{TOO_MANY}: {actual}: must have at most {max_items} items", "value", severity,
                   hint, field)


def not_found(pointer: Pointer, value: Any, *, severity: Optional[Severity] = None, hint: str = "",
              field: Optional[str] = None) -> Report:
    """field.NotFound: `Not found: <value>`."""
    return _report(pointer, f"{NOT_FOUND}: {go_value(value)}", "value", severity, hint, field)


def warning(pointer: Pointer, text: str, *, anchor: str = "value", hint: str = "",
            field: Optional[str] = None) -> Report:
    """An API warning (pkg/api/pod/warnings.go and the like): `<field path>: <text>`, severity warning."""
    return _report(pointer, text, anchor, Severity.WARNING, hint, field)


def is_bad_enum(value: Any, supported: "frozenset[str]") -> bool:
    """A string outside `supported`. Other types are the schema check's (KL101); the common case
    (a supported value, or none) costs one membership test."""
    return isinstance(value, str) and value not in supported
