"""Lazy positions: map a JSON pointer inside a document to the line and column of its node.

Parsing for validation keeps no marks. Only when an object has findings is its file composed
into nodes (with marks) and each finding's pointer walked down that tree.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

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

END_OF_LINE = 0  # end column placeholder, replaced by the line's real length


def node_position(node: yaml.Node) -> Position:
    start, end = node.start_mark, node.end_mark
    end_line, end_col = end.line + 1, end.column + 1
    if end_line > start.line + 1 and end.column == 0:
        # A block node ends at the start of the next line; point at the end of its last line.
        end_line, end_col = end_line - 1, END_OF_LINE
    return Position(start.line + 1, start.column + 1, end_line, end_col)


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
    merged: List[yaml.Node] = []
    for key_node, value_node in node.value:
        if _tag(key_node) == MERGE_TAG:
            merged.append(value_node)
        elif isinstance(key_node, yaml.ScalarNode) and key_text(key_node) == key:
            return key_node, value_node
    for source in merged:  # keys brought in by `<<: *anchor`
        candidates = source.value if isinstance(source, yaml.SequenceNode) else [source]
        for candidate in candidates:
            if isinstance(candidate, yaml.MappingNode):
                found = _mapping_entry(candidate, key)
                if found:
                    return found
    return None


def _tag(node: yaml.Node) -> str:
    """A node's tag; plain scalars are composed untagged and resolved only when asked."""
    return resolve_plain(node.value) if node.tag == UNRESOLVED_PLAIN else node.tag


def key_text(node: yaml.ScalarNode) -> str:
    """A key node's text as the key of the JSON object Kubernetes builds (`on` -> "true")."""
    tag = _tag(node)
    if tag == BOOL_TAG:
        return "true" if node.value in _TRUE else "false"
    if tag == NULL_TAG:
        return "null"
    if tag.endswith(":number"):
        return json_key(go_number(node.value))
    return node.value


def locate(root: Optional[yaml.Node], pointer: Pointer, anchor: str = "value") -> Optional[Position]:
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
