"""Resource lists as admission plugins read them: quantities parsed once, rounded up to milli
units as SetDefaults_ResourceList (pkg/apis/core/v1/defaults.go) leaves them."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

from ..model.objects import as_dict
from ..model.quantity import QuantityError, parse_quantity, round_up_milli

if TYPE_CHECKING:
    from ..model.objects import K8sObject

Scope = Tuple[str, str]


def admission_scope(obj: "K8sObject") -> Scope:
    """Which namespace admission sees the object in, as far as the set can tell.

    A manifest that names its namespace is admitted there. One that does not lands in whatever
    namespace it is applied to (`kubectl apply -n`), so it is related only to the objects of its
    own directory that name none either: a LimitRange or ResourceQuota of an unrelated example
    elsewhere in the tree must not judge it."""
    if obj.was_written("metadata", "namespace"):
        return obj.namespace, ""
    return obj.namespace, os.path.dirname(obj.path)


_CACHE: Dict[Any, Optional[Decimal]] = {}
_CACHE_MAX = 10_000  # hostile input must not grow it without bound


def quantity(value: Any) -> Optional[Decimal]:
    """The value the server holds for a manifest quantity; None when it does not parse."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    key = value if type(value) is str else (type(value), value)
    if key in _CACHE:
        return _CACHE[key]
    try:
        found: Optional[Decimal] = round_up_milli(parse_quantity(value))
    except (QuantityError, ArithmeticError, ValueError):
        found = None
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = found
    return found


class Amount:
    """A quantity with the text it was written as (messages quote the text)."""

    __slots__ = ("value", "text")

    def __init__(self, value: Decimal, text: str) -> None:
        self.value = value
        self.text = text

    def __repr__(self) -> str:
        return f"Amount({self.text})"


def resource_list(value: Any) -> Dict[str, Amount]:
    """name -> Amount of a requests/limits/min/max map; entries that do not parse are left out
    (the schema and quantity rules report them)."""
    found: Dict[str, Amount] = {}
    for name, raw in as_dict(value).items():
        parsed = quantity(raw)
        if isinstance(name, str) and parsed is not None:
            found[name] = Amount(parsed, str(raw) if not isinstance(raw, str) else raw)
    return found


_BINARY = (("Ei", 2 ** 60), ("Pi", 2 ** 50), ("Ti", 2 ** 40), ("Gi", 2 ** 30), ("Mi", 2 ** 20), ("Ki", 2 ** 10))


def format_amount(value: Decimal, resource: str = "") -> str:
    """A Decimal as a short quantity text: 1.5, 250m, 4; bytes of memory or storage as 512Mi."""
    if value == value.to_integral_value():
        if value > 0 and ("memory" in resource or "storage" in resource):
            for suffix, size in _BINARY:
                if value % size == 0:
                    return f"{int(value) // size}{suffix}"
        return str(int(value))
    milli = value * 1000
    if milli == milli.to_integral_value():
        return f"{int(milli)}m"
    return str(value.normalize())
