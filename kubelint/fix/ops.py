"""What a fix changes, in terms of the object's data: operations on JSON pointers.

Providers describe fixes with these; `edits` turns them into text edits, and `apply` gives the
data the fixed file must parse to (the check that nothing else changed). Pointers are relative
to the document's root (a List item's pointer starts with "items", n).
"""

from __future__ import annotations

import copy
from typing import Any, List, Optional, Sequence, Union

from ..findings import Pointer
from ..named_tuple import NamedTuple


class SetValue(NamedTuple):
    """Replace the scalar at `pointer` with `value` (a scalar). `style` forces a quote style
    ('"' or "'"); otherwise the node keeps its own where the new value allows it."""

    pointer: Pointer
    value: Any
    style: Optional[str] = None


class RenameKey(NamedTuple):
    """Rename the mapping key at `pointer` (its value is untouched)."""

    pointer: Pointer
    new_key: str


class ReplaceEntry(NamedTuple):
    """Replace the mapping entry at `pointer` (key and value) with `new_key: value`, in place."""

    pointer: Pointer
    new_key: str
    value: Any


class Remove(NamedTuple):
    """Delete the mapping entry at `pointer`."""

    pointer: Pointer


class Add(NamedTuple):
    """Add `key: value` to the mapping at `pointer`: after the entry `after`, before the entry
    `before`, or else after its last entry."""

    pointer: Pointer
    key: str
    value: Any
    after: Optional[str] = None
    before: Optional[str] = None


Op = Union[SetValue, RenameKey, ReplaceEntry, Remove, Add]


class OpError(Exception):
    """An operation does not fit the data (a provider's mistake, or data that changed)."""


def apply(document: Any, ops: Sequence[Op]) -> Any:
    """A copy of `document` with `ops` applied, in order."""
    result = copy.deepcopy(document)
    for op in ops:
        result = _apply_one(result, op)
    return result


def _apply_one(document: Any, op: Op) -> Any:
    if isinstance(op, Add):
        mapping = resolve(document, op.pointer)
        if not isinstance(mapping, dict) or op.key in mapping:
            raise OpError(f"cannot add {op.key!r} at {list(op.pointer)}")
        mapping[op.key] = op.value
        return document
    if not op.pointer:
        raise OpError("an operation needs a field")
    parent = resolve(document, op.pointer[:-1])
    last = op.pointer[-1]
    if isinstance(op, SetValue):
        _check_member(parent, last, op)
        parent[last] = op.value
    elif isinstance(op, Remove):
        _check_member(parent, last, op)
        del parent[last]
    elif isinstance(op, (RenameKey, ReplaceEntry)):
        if not isinstance(parent, dict) or last not in parent:
            raise OpError(f"no field at {list(op.pointer)}")
        new_key = op.new_key
        if new_key != last and new_key in parent:
            raise OpError(f"{new_key!r} already exists at {list(op.pointer[:-1])}")
        value = op.value if isinstance(op, ReplaceEntry) else parent[last]
        entries = [(new_key, value) if key == last else (key, item) for key, item in parent.items()]
        parent.clear()
        parent.update(entries)
    return document


def _check_member(parent: Any, last: Union[str, int], op: Op) -> None:
    if isinstance(parent, dict) and last in parent:
        return
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        return
    raise OpError(f"no field at {list(op.pointer)}")


def resolve(document: Any, pointer: Pointer) -> Any:
    """The value at `pointer`; OpError when it is not there."""
    node = document
    for part in pointer:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            raise OpError(f"no field at {list(pointer)}")
    return node


def get(document: Any, pointer: Pointer, default: Any = None) -> Any:
    """The value at `pointer`, or `default`."""
    try:
        return resolve(document, pointer)
    except OpError:
        return default


def parse_json_path(document: Any, json_path: str) -> Optional[List[Union[str, int]]]:
    """A finding's JSON pointer text as parts, typed by the data it walks ("0" is an index in
    a list and a key in a mapping); None when the text is not a pointer."""
    if not json_path:
        return []
    if not json_path.startswith("/"):
        return None
    parts: List[Union[str, int]] = []
    node = document
    for raw in json_path[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if not part.isdigit():
                return None
            index = int(part)
            parts.append(index)
            node = node[index] if index < len(node) else None
        else:
            parts.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return parts
