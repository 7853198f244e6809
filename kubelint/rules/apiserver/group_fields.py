"""Value checks the non-core API groups' validation shares (int32 fields, non-negative counts,
int-or-percent values, label selectors), worded as the API server words them.

Each follows k8s.io/kubernetes pkg/apis/core/validation (ValidateNonnegativeField),
pkg/apis/apps/validation (ValidatePositiveIntOrPercent, IsNotMoreThan100Percent) and
k8s.io/apimachinery/pkg/util/validation (IsValidPercent).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Optional

from ...lazy_regex import lazy_compile
from ...findings import Pointer
from ..base import Report
from ..common.values import is_int
from .errors import invalid, not_supported, required

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1
_PERCENT = lazy_compile(r"[0-9]+%\Z")
PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')"


def get(data: Any, *pointer: Any) -> Any:
    """The value at `pointer` in plain mappings and lists, or None."""
    for part in pointer:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def mapping(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def nonnegative32(pointer: Pointer, value: Any) -> Iterator[Report]:
    """ValidateNonnegativeField on an int32 field; out of the int32 range is the schema step's
    KL101 (the decoder refuses it before validation runs)."""
    if not is_int(value) or not INT32_MIN <= value <= INT32_MAX:
        return
    if value < 0:
        yield invalid(pointer, value, "must be greater than or equal to 0")


def enum(pointer: Pointer, value: Any, supported: Iterable[str], required_when_empty: bool = False) \
        -> Iterator[Report]:
    """field.NotSupported for a string outside `supported` (other types are the schema's)."""
    if value is None or value == "":
        if required_when_empty:
            yield required(pointer, present=value == "")
        return
    if isinstance(value, str) and value not in supported:
        yield not_supported(pointer, value, supported)


def percent_value(raw: Any) -> Optional[int]:
    """getIntOrPercentValue: a percent's number, an int as is; None when neither."""
    if is_int(raw):
        return raw
    if isinstance(raw, str) and _PERCENT.match(raw):
        return int(raw[:-1])
    return None


def positive_int_or_percent(pointer: Pointer, raw: Any, at_most_100: bool = False) -> Iterator[Report]:
    """ValidatePositiveIntOrPercent, and IsNotMoreThan100Percent when asked."""
    if isinstance(raw, str):
        if not _PERCENT.match(raw):
            yield invalid(pointer, raw, PERCENT_MESSAGE)
        elif at_most_100 and int(raw[:-1]) > 100:
            yield invalid(pointer, raw, "must not be greater than 100%")
    elif is_int(raw):
        yield from nonnegative32(pointer, raw)


SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def selector_requirements(pointer: Pointer, selector: Any) -> Iterator[Report]:
    """ValidateLabelSelectorRequirement for each matchExpressions entry (key and value syntax are
    KL202's)."""
    from .errors import forbidden

    for index, expression in enumerate(items(mapping(selector).get("matchExpressions"))):
        if not isinstance(expression, dict):
            continue
        at = pointer + ("matchExpressions", index)
        operator, values = expression.get("operator"), items(expression.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                yield required(at + ("values",), "must be specified when `operator` is 'In' or 'NotIn'",
                               present="values" in expression)
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                yield forbidden(at + ("values",), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif isinstance(operator, str):
            yield invalid(at + ("operator",), operator, "not a valid selector operator")
