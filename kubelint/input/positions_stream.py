"""Positions from libyaml's event stream, without composing a node tree.

A finding's pointer usually lies near the top of its document (`metadata.namespace`,
`spec.selector`), so reading events only up to that node, and skipping the subtrees on the
way without building them, costs a fraction of composing the whole document. The answer is
the one `positions.locate` gives on the composed tree; where that would take aliases or
merge keys into account, this returns UNKNOWN and the caller composes the document.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import yaml

from ..findings import Pointer, Position
from .positions import marks_position, tagged_key_text
from .yaml_k8s import _RESOLVER, MERGE_TAG, resolve_plain

try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml: always compose
    CParser = None


class _Unknown(Exception):
    """The pointer reaches an alias or a merged key: only the composed tree can answer."""


UNKNOWN = None  # returned when the caller must compose the document
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
# A node's extent as node_position needs it: (start mark, content end mark, end is exact).
Extent = Tuple[Any, Any, bool]


def locate_streaming(text: str, pointer: Pointer, anchor: str) -> Union[Position, None]:
    """Position of the node at `pointer` (or its deepest existing ancestor) in the first
    document of `text`, as positions.locate gives it, or UNKNOWN."""
    if CParser is None:
        return UNKNOWN
    parser = CParser(text)
    try:
        parser.get_event()  # StreamStart
        if not isinstance(parser.get_event(), yaml.DocumentStartEvent):
            return UNKNOWN
        root = parser.get_event()
        if not isinstance(root, _NODE_EVENTS):  # an empty document
            return UNKNOWN
        return _walk(parser, root, pointer, anchor)
    except (_Unknown, yaml.YAMLError, RecursionError):
        return UNKNOWN
    finally:
        parser.dispose()


def _walk(parser: Any, event: Any, pointer: Pointer, anchor: str) -> Position:
    key_extent: Optional[Extent] = None
    for part in pointer:
        if isinstance(event, yaml.AliasEvent):
            raise _Unknown
        if isinstance(event, yaml.MappingStartEvent):
            found, extent = _find_key(parser, event, str(part))
            if found is None:  # no such key: the key above it, or this mapping
                return _answer(key_extent, anchor, extent)
            key_extent, event = found
        elif isinstance(event, yaml.SequenceStartEvent) and isinstance(part, int) and part >= 0:
            item, extent = _find_item(parser, event, part)
            if item is None:  # past its end: the sequence (or the key above it)
                return _answer(key_extent, anchor, extent)
            key_extent, event = None, item
        else:
            break
    if anchor == "key" and key_extent is not None:
        return marks_position(*key_extent)
    if isinstance(event, yaml.AliasEvent):
        raise _Unknown
    return marks_position(*_skip(parser, event))


def _answer(key_extent: Optional[Extent], anchor: str, extent: Extent) -> Position:
    return marks_position(*(key_extent if anchor == "key" and key_extent is not None else extent))


def _find_key(parser: Any, start: Any, key: str) -> Tuple[Optional[Tuple[Extent, Any]], Extent]:
    """Read the mapping opened by `start` up to the value of `key`: ((key's extent, the
    value's first event), None), or (None, the mapping's extent) when it has no such key."""
    merged = False
    last: Optional[Extent] = None
    last_alias = False
    while True:
        event = parser.get_event()
        if isinstance(event, yaml.MappingEndEvent):
            if merged:  # the key may come from a merged mapping
                raise _Unknown
            return None, _collection_extent(start, event, last, last_alias)
        if isinstance(event, yaml.ScalarEvent):
            tag = _scalar_tag(event)
            if tag == MERGE_TAG:
                merged = True
            elif tagged_key_text(tag, event.value) == key:
                return ((event.start_mark, event.end_mark, True), parser.get_event()), (None, None, True)
        else:
            _skip(parser, event)  # a complex key
        value = parser.get_event()
        last_alias = isinstance(value, yaml.AliasEvent)
        last = None if last_alias else _skip(parser, value)


def _find_item(parser: Any, start: Any, index: int) -> Tuple[Any, Extent]:
    """Read the sequence opened by `start` up to item `index`: (its first event, None), or
    (None, the sequence's extent) when it is shorter."""
    last: Optional[Extent] = None
    last_alias = False
    position = 0
    while True:
        event = parser.get_event()
        if isinstance(event, yaml.SequenceEndEvent):
            return None, _collection_extent(start, event, last, last_alias)
        if position == index:
            return event, (None, None, True)
        position += 1
        last_alias = isinstance(event, yaml.AliasEvent)
        last = None if last_alias else _skip(parser, event)


def _skip(parser: Any, event: Any) -> Extent:
    """Consume the node that `event` starts; its extent as positions.node_position has it."""
    if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
        return event.start_mark, event.end_mark, True
    end_type = yaml.MappingEndEvent if isinstance(event, yaml.MappingStartEvent) else yaml.SequenceEndEvent
    last: Optional[Extent] = None
    last_alias = False
    while True:
        child = parser.get_event()
        if isinstance(child, end_type):
            return _collection_extent(event, child, last, last_alias)
        last_alias = isinstance(child, yaml.AliasEvent)
        last = None if last_alias else _skip(parser, child)


def _collection_extent(start: Any, end: Any, last: Optional[Extent], last_alias: bool) -> Extent:
    """A collection's extent: a block one's content ends with its last value (see
    positions._content_end); after an alias its own end is used, not exact."""
    if start.flow_style or (last is None and not last_alias):
        return start.start_mark, end.end_mark, True
    if last_alias:
        return start.start_mark, end.end_mark, False
    return start.start_mark, last[1], last[2]


def _scalar_tag(event: Any) -> str:
    """The tag the composer gives a scalar (plain ones resolved the Kubernetes way)."""
    if event.tag is not None and event.tag != "!":
        return event.tag
    if event.implicit[0]:
        return resolve_plain(event.value)
    return _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
