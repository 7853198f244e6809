"""Lazy positions: map a JSON pointer inside a document to the line and column of its node.

Parsing for validation keeps no marks. Only when an object has findings is its file composed
into nodes (with marks) and each finding's pointer walked down that tree.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import yaml

from ..findings import Pointer, Position
from .yaml_k8s import (
    _TRUE,
    BOOL_TAG,
    MERGE_TAG,
    NULL_TAG,
    UNRESOLVED_PLAIN,
    FastComposer,
    SafeComposer,
    go_number,
    json_key,
    resolve_plain,
)

# End-column placeholders, replaced by the loader (which has the text) with the length of the
# last line that has content, at or before the end line: stepping back over blank lines only
# (after a block scalar, whose last line may well begin with "#"), or over comments too.
END_OF_LINE = 0
END_OF_CONTENT = -1


def node_position(node: yaml.Node) -> Position:
    end_node, exact = _content_end(node)
    return marks_position(node.start_mark, end_node.end_mark, exact)


def marks_position(start: yaml.Mark, end: yaml.Mark, exact: bool) -> Position:
    """A node's position from its start mark and the mark where its content ends."""
    end_line, end_col = end.line + 1, end.column + 1
    if end_line > start.line + 1 and end.column == 0:
        # The node ends at the start of a later line: its content ends on a line before.
        end_line, end_col = end_line - 1, END_OF_LINE if exact else END_OF_CONTENT
    return Position(start.line + 1, start.column + 1, end_line, end_col)


def _content_end(node: yaml.Node) -> Tuple[yaml.Node, bool]:
    """The node whose end is where `node`'s content ends, and whether that end is exact.

    A block mapping or sequence ends where the next token starts: after the blank lines and
    comments that follow it, at the next document or at the end of the file. Its content ends
    with its last value, so that value (recursively) gives the end. An alias as the last value
    is composed as the anchored node, which lies elsewhere: then the collection's own end is
    used, not exact (comments may come between)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        if isinstance(node, yaml.MappingNode):
            before, child = last[0].end_mark.index, last[1]
        else:
            before = node.value[-2].end_mark.index if len(node.value) > 1 else node.start_mark.index
            child = last
        if child.start_mark.index < before:  # an alias
            return node, False
        node = child
    return node, True


def compose_documents(text: str, safe: bool) -> List[Optional[yaml.Node]]:
    """Nodes of every document that parses; stops quietly at the first syntax error."""
    composer = (SafeComposer if safe else FastComposer)(text)
    nodes: List[Optional[yaml.Node]] = []
    try:
        while composer.check_node():
            nodes.append(composer.get_node())
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        composer.dispose()
    return nodes


def _mapping_entry(node: yaml.MappingNode, key: str) -> Optional[Tuple[yaml.Node, yaml.Node]]:
    keys, merged = _key_index(node)
    found = keys.get(key)
    if found is not None:
        return found
    for source in merged:  # keys brought in by `<<: *anchor`
        candidates = source.value if isinstance(source, yaml.SequenceNode) else [source]
        for candidate in candidates:
            if isinstance(candidate, yaml.MappingNode):
                found = _mapping_entry(candidate, key)
                if found:
                    return found
    return None


def _key_index(node: yaml.MappingNode) -> Tuple[Dict[str, Tuple[yaml.Node, yaml.Node]], List[yaml.Node]]:
    """The mapping's own keys (the first of each) and its merged values, read once per node: a
    composed document serves all of its findings, and scanning a 5,000-key mapping for each of
    5,000 findings took 85 s."""
    index = getattr(node, "_kubelint_keys", None)
    if index is None:
        keys: Dict[str, Tuple[yaml.Node, yaml.Node]] = {}
        merged: List[yaml.Node] = []
        for key_node, value_node in node.value:
            if _tag(key_node) == MERGE_TAG:
                merged.append(value_node)
            elif isinstance(key_node, yaml.ScalarNode):
                keys.setdefault(key_text(key_node), (key_node, value_node))
        index = node._kubelint_keys = (keys, merged)  # type: ignore[attr-defined]
    return index


def _tag(node: yaml.Node) -> str:
    """A node's tag; plain scalars are composed untagged and resolved only when asked."""
    return resolve_plain(node.value) if node.tag == UNRESOLVED_PLAIN else node.tag


def key_text(node: yaml.ScalarNode) -> str:
    """A key node's text as the key of the JSON object Kubernetes builds (`on` -> "true")."""
    return tagged_key_text(_tag(node), node.value)


def tagged_key_text(tag: str, value: str) -> str:
    """The JSON key a scalar key with this resolved tag becomes."""
    if tag == BOOL_TAG:
        return "true" if value in _TRUE else "false"
    if tag == NULL_TAG:
        return "null"
    if tag.endswith(":number"):
        return json_key(go_number(value))
    return value


def locate(root: Optional[yaml.Node], pointer: Pointer, anchor: str) -> Optional[Position]:
    """Position of the node at `pointer`, or of its deepest existing ancestor."""
    if root is None:
        return None
    node: yaml.Node = root
    key_node: Optional[yaml.Node] = None
    for part in pointer:
        if isinstance(node, yaml.MappingNode):
            entry = _mapping_entry(node, str(part))
            if entry is None:
                return node_position(key_node if key_node is not None and anchor == "key" else node)
            key_node, node = entry
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    if anchor == "key" and key_node is not None:
        return node_position(key_node)
    return node_position(node)
