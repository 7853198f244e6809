"""The syntax tree of a compiled CEL expression, read from the engine's serialized CheckedExpr
(cel/expr/checked.proto, syntax.proto) with a minimal protobuf wire reader: kubelint needs the
tree to see which variables a rule uses (`oldSelf`) and to bound its cost before running it.
Macros arrive expanded: `all`, `map`, `filter`... are comprehensions; `has()` is a test-only select.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple


@dataclass
class Node:
    """One expression. `kind` is const, ident, select, call, list, struct or comprehension."""

    kind: str
    name: str = ""  # ident name, select field, call function, comprehension iteration variable
    value: Any = None  # a constant's value
    children: List["Node"] = field(default_factory=list)
    # call: children = [target?] + args and `target` says whether children[0] is the receiver;
    # comprehension: children = [range, init, condition, step, result], `accumulator` its name.
    target: bool = False
    test_only: bool = False
    accumulator: str = ""
    second: str = ""  # a two-variable comprehension's second variable


class DecodeError(ValueError):
    """The bytes are not a CheckedExpr this reader understands."""


def _fields(data: bytes) -> Iterator[Tuple[int, int, Any]]:
    """(field number, wire type, value) of each field of one message."""
    position, end = 0, len(data)
    while position < end:
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 1:
            value, position = data[position:position + 8], position + 8
        elif wire == 2:
            length, position = _varint(data, position)
            value, position = data[position:position + length], position + length
        elif wire == 5:
            value, position = data[position:position + 4], position + 4
        else:
            raise DecodeError(f"wire type {wire}")
        if position > end:
            raise DecodeError("truncated")
        yield number, wire, value


def _varint(data: bytes, position: int) -> Tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise DecodeError("bad varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _string(value: Any) -> str:
    return bytes(value).decode("utf-8", "replace")


def parse_checked(serialized: bytes) -> Node:
    """The root expression of a serialized CheckedExpr (possibly wrapped in a protobuf Any)."""
    message = bytes(serialized)
    wrapped = dict((number, value) for number, _, value in _fields(message))
    if isinstance(wrapped.get(1), (bytes, bytearray)) and _string(wrapped[1]).endswith("CheckedExpr"):
        message = bytes(wrapped.get(2, b""))
    for number, wire, value in _fields(message):
        if number == 4 and wire == 2:
            return _expr(bytes(value), 0)
    raise DecodeError("no expression")


_MAX_DEPTH = 500  # the CEL parser refuses deeper expressions long before this


def _expr(data: bytes, depth: int) -> Node:
    if depth > _MAX_DEPTH:
        raise DecodeError("too deep")
    for number, wire, value in _fields(data):
        if wire != 2:
            continue
        body = bytes(value)
        if number == 3:
            return Node("const", value=_constant(body))
        if number == 4:
            return Node("ident", name=_string(dict(_pairs(body)).get(1, b"")))
        if number == 5:
            return _select(body, depth)
        if number == 6:
            return _call(body, depth)
        if number == 7:
            return Node("list", children=[_expr(bytes(v), depth + 1) for n, w, v in _fields(body) if n == 1 and w == 2])
        if number == 8:
            return _struct(body, depth)
        if number == 9:
            return _comprehension(body, depth)
    return Node("const", value=None)


def _pairs(data: bytes) -> Iterator[Tuple[int, Any]]:
    for number, _, value in _fields(data):
        yield number, value


def _constant(data: bytes) -> Any:
    for number, wire, value in _fields(data):
        if number == 1:
            return None
        if number == 2:
            return bool(value)
        if number in (3, 4):
            return value - (1 << 64) if number == 3 and value >= 1 << 63 else value
        if number == 5:
            import struct

            return struct.unpack("<d", bytes(value))[0]
        if number == 6:
            return _string(value)
        if number == 7:
            return bytes(value)
    return None


def _select(data: bytes, depth: int) -> Node:
    node = Node("select")
    for number, wire, value in _fields(data):
        if number == 1 and wire == 2:
            node.children = [_expr(bytes(value), depth + 1)]
        elif number == 2 and wire == 2:
            node.name = _string(value)
        elif number == 3 and wire == 0:
            node.test_only = bool(value)
    return node


def _call(data: bytes, depth: int) -> Node:
    target: Optional[Node] = None
    args: List[Node] = []
    function = ""
    for number, wire, value in _fields(data):
        if number == 1 and wire == 2:
            target = _expr(bytes(value), depth + 1)
        elif number == 2 and wire == 2:
            function = _string(value)
        elif number == 3 and wire == 2:
            args.append(_expr(bytes(value), depth + 1))
    return Node("call", name=function, children=([target] if target else []) + args, target=target is not None)


def _struct(data: bytes, depth: int) -> Node:
    children: List[Node] = []
    for number, wire, value in _fields(data):
        if number == 2 and wire == 2:
            for entry_number, entry_wire, entry_value in _fields(bytes(value)):
                if entry_number in (3, 4) and entry_wire == 2:
                    children.append(_expr(bytes(entry_value), depth + 1))
    return Node("struct", children=children)


def _comprehension(data: bytes, depth: int) -> Node:
    parts: Dict[int, Node] = {}
    names: Dict[int, str] = {}
    for number, wire, value in _fields(data):
        if wire != 2:
            continue
        if number in (1, 3, 8):
            names[number] = _string(value)
        elif number in (2, 4, 5, 6, 7):
            parts[number] = _expr(bytes(value), depth + 1)
    empty = Node("const", value=None)
    return Node("comprehension", name=names.get(1, ""), accumulator=names.get(3, ""), second=names.get(8, ""),
                children=[parts.get(n, empty) for n in (2, 4, 5, 6, 7)])


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def uses_variable(node: Node, name: str) -> bool:
    return any(n.kind == "ident" and n.name == name for n in walk(node))
