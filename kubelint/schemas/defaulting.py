"""Structural defaulting of custom resources, as the API server applies it while decoding a
request, before it validates the object (apiextensions-apiserver
pkg/apiserver/schema/defaulting/algorithm.go: Default).

A field that is missing, or null where its schema is not nullable, takes the `default` of its
property; a null list item or additionalProperties value that is not nullable takes the
default of `items` or `additionalProperties`. Defaults apply to defaulted values too (a default
object gets its fields' defaults), at every level of the structural schema; allOf/anyOf/oneOf/
not branches are not structural and never default. So a field that is `required` and has a
default is never missing.

The object is not changed: `apply` returns a copy of the parts it defaults and shares the rest.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Optional

from ..named_tuple import NamedTuple

_MISSING = object()


class Slot(NamedTuple):
    """What the schema says about one property, the items or the additionalProperties."""

    has_default: bool
    default: Any
    nullable: bool
    child: Optional["Defaults"]  # defaults further down, or None when there are none


class Defaults(NamedTuple):
    """The defaults of one object or array schema node, and of the nodes under it."""

    fields: Dict[str, Slot]
    items: Optional[Slot]
    extra: Optional[Slot]  # additionalProperties


def build(schema: Any, depth_limit: int) -> Optional[Defaults]:
    """The defaults of a CRD version's openAPIV3Schema, or None when it has none. The custom
    resource's own metadata is never defaulted (the server forbids defaults there)."""
    return _node(schema, depth_limit, root=True)


def _slot(schema: Any, depth: int) -> Optional[Slot]:
    if not isinstance(schema, dict):
        return None
    child = _node(schema, depth - 1) if depth > 0 else None
    has_default = "default" in schema
    if not has_default and child is None:
        return None
    return Slot(has_default, schema.get("default"), schema.get("nullable") is True, child)


def _node(schema: Any, depth: int, root: bool = False) -> Optional[Defaults]:
    if not isinstance(schema, dict):
        return None
    fields: Dict[str, Slot] = {}
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if root and name == "metadata":
                continue
            slot = _slot(sub, depth)
            if slot is not None:
                fields[name] = slot
    items = _slot(schema.get("items"), depth)
    extra = _slot(schema.get("additionalProperties"), depth)
    if not fields and items is None and extra is None:
        return None
    return Defaults(fields, items, extra)


def apply(value: Any, defaults: Optional[Defaults]) -> Any:
    """`value` with the schema's defaults applied; `value` itself when nothing changes."""
    if defaults is None:
        return value
    if isinstance(value, dict):
        return _apply_object(value, defaults)
    if isinstance(value, list) and defaults.items is not None:
        return _apply_list(value, defaults.items)
    return value


def _apply_object(value: Dict[str, Any], defaults: Defaults) -> Dict[str, Any]:
    result = value
    for name, slot in defaults.fields.items():
        if slot.has_default:
            current = value.get(name, _MISSING)
            if current is _MISSING or (current is None and not slot.nullable):
                if result is value:
                    result = dict(value)
                result[name] = copy.deepcopy(slot.default)
    for key in list(result):
        slot = defaults.fields.get(key)
        sub = result[key]
        if slot is None:
            slot = defaults.extra
            if slot is None:
                continue
            if sub is None and not slot.nullable and slot.has_default:
                sub = copy.deepcopy(slot.default)
        new = apply(sub, slot.child)
        if new is not result[key]:
            if result is value:
                result = dict(value)
            result[key] = new
    return result


def _apply_list(value: list, slot: Slot) -> list:
    result = value
    for index, item in enumerate(value):
        new = item
        if item is None and not slot.nullable and slot.has_default:
            new = copy.deepcopy(slot.default)
        new = apply(new, slot.child)
        if new is not item:
            if result is value:
                result = list(value)
            result[index] = new
    return result
