"""Field errors worded as the API server words them (k8s.io/apimachinery/pkg/util/validation/field,
errors.go: `Error.Error()` is "<field path>: <type>[: <value>][: <detail>]").

Each helper returns a Report at the offending field's pointer; the engine places it (a missing
field lands on its deepest written ancestor).

NOTE: a minimal local copy of the interface that api-core owns; the lead keeps api-core's
version at merge.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from ...findings import Pointer
from ..base import Report
from ..common.values import dotted


def show_value(value: Any) -> str:
    """A bad value as field.Error prints it: strings quoted (%q), numbers and booleans bare,
    nothing as null, anything else as compact JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(value)


def _body(kind: str, detail: str) -> str:
    return f"{kind}: {detail}" if detail else kind


def required(pointer: Pointer, detail: str = "", anchor: str = "value") -> Report:
    return Report(pointer, f"{dotted(pointer)}: {_body('Required value', detail)}", anchor)


def forbidden(pointer: Pointer, detail: str = "", anchor: str = "value") -> Report:
    return Report(pointer, f"{dotted(pointer)}: {_body('Forbidden', detail)}", anchor)


def invalid(pointer: Pointer, value: Any, detail: str = "", anchor: str = "value",
            omit_value: bool = False) -> Report:
    head = "Invalid value" if omit_value else f"Invalid value: {show_value(value)}"
    return Report(pointer, f"{dotted(pointer)}: {_body(head, detail)}", anchor)


def not_supported(pointer: Pointer, value: Any, supported: Iterable[str], anchor: str = "value") -> Report:
    values = ", ".join(json.dumps(s) for s in supported)
    return Report(pointer, f"{dotted(pointer)}: Unsupported value: {show_value(value)}: supported values: {values}",
                  anchor)


def duplicate(pointer: Pointer, value: Any, anchor: str = "value") -> Report:
    return Report(pointer, f"{dotted(pointer)}: Duplicate value: {show_value(value)}", anchor)


def too_long(pointer: Pointer, limit: int, anchor: str = "value") -> Report:
    return Report(pointer, f"{dotted(pointer)}: Too long: may not be more than {limit} bytes", anchor)


def too_many(pointer: Pointer, count: Optional[int], limit: int, anchor: str = "value") -> Report:
    got = f"has {count}, " if count is not None else ""
    return Report(pointer, f"{dotted(pointer)}: Too many: {got}must have at most {limit} items", anchor)
