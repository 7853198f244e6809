"""A file's YAML nodes with their exact character spans, and the layout of its text.

The nodes come from the same composer that places findings (kubelint.input.positions), so a
pointer walks here exactly as it does for a finding's line and column. Nodes that text edits
must not touch are refused (`Unplaceable`): a node reached through an alias or a merge key
(editing it would change every place that shares it), and one written with an anchor or a tag.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

import yaml

from ..findings import Pointer
from ..input.positions import compose_documents, key_text
from ..named_tuple import NamedTuple

MergeTag = "tag:yaml.org,2002:merge"


class Unplaceable(Exception):
    """A fix cannot be written as text edits at this place."""


class Located(NamedTuple):
    node: yaml.Node
    key: Optional[yaml.ScalarNode]  # the key node, when the node is a mapping value
    parent: Optional[yaml.Node]
    entry: int  # its entry's index in the parent (-1 for the root)


class Layout(NamedTuple):
    """How the file indents: spaces per mapping level, and where a block sequence's dash sits
    relative to its parent key (0: `key:\\n- item`, 2: `key:\\n  - item`)."""

    mapping: int
    dash_offset: int


def is_plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style


def is_empty_plain(node: yaml.Node) -> bool:
    """A value written as nothing at all (`key:` with no value): its marks are unreliable."""
    return is_plain(node) and node.value == ""


class YamlText:
    """One file's text and, composed on first use, its documents' node trees."""

    def __init__(self, text: str, is_json: bool = False, safe_parser: bool = False) -> None:
        self.text = text
        self.is_json = is_json
        self.safe_parser = safe_parser
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self._roots: Optional[List[Optional[yaml.Node]]] = None
        self._shared: Dict[int, Set[int]] = {}
        self._layout: Optional[Layout] = None

    # -- nodes ---------------------------------------------------------------------------

    def root(self, document: int) -> yaml.Node:
        if self._roots is None:
            self._roots = compose_documents(self.text, self.safe_parser)
        if document >= len(self._roots) or self._roots[document] is None:
            raise Unplaceable("the document did not parse")
        return self._roots[document]  # type: ignore[return-value]

    def _shared_ids(self, document: int) -> Set[int]:
        """Ids of the nodes of a document that are reached more than once (through aliases)."""
        if document not in self._shared:
            seen: Set[int] = set()
            shared: Set[int] = set()
            stack = [self.root(document)]
            while stack:
                node = stack.pop()
                if id(node) in seen:
                    shared.add(id(node))
                    continue
                seen.add(id(node))
                if isinstance(node, yaml.MappingNode):
                    for key, value in node.value:
                        stack.extend((key, value))
                elif isinstance(node, yaml.SequenceNode):
                    stack.extend(node.value)
            self._shared[document] = shared
        return self._shared[document]

    def locate(self, document: int, pointer: Pointer) -> Located:
        """The node at `pointer`, refusing any step through shared, anchored or merged nodes."""
        shared = self._shared_ids(document)
        node = self.root(document)
        located = Located(node, None, None, -1)
        self._check_unshared(node, shared)
        for part in pointer:
            if isinstance(node, yaml.MappingNode):
                found = None
                for index, (key, value) in enumerate(node.value):
                    if isinstance(key, yaml.ScalarNode) and key.tag != MergeTag and key_text(key) == str(part):
                        found = Located(value, key, node, index)
                        break
                if found is None:
                    if any(isinstance(key, yaml.ScalarNode) and key.tag == MergeTag for key, _ in node.value):
                        raise Unplaceable("the field comes from a merge key (<<)")
                    raise Unplaceable(f"no field {part!r} in the text")
                located = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                located = Located(node.value[part], None, node, part)
            else:
                raise Unplaceable(f"no field {part!r} in the text")
            node = located.node
            self._check_unshared(node, shared)
        return located

    @staticmethod
    def _check_unshared(node: yaml.Node, shared: Set[int]) -> None:
        if id(node) in shared:
            raise Unplaceable("the value is shared through a YAML alias")

    def check_rewritable(self, node: yaml.Node) -> None:
        """Refuse to rewrite the text of `node` if it or a node inside it has an anchor or a
        tag: the rewrite would drop them (and break the aliases that use an anchor)."""
        stack = [node]
        while stack:
            current = stack.pop()
            start = current.start_mark.index
            if start < len(self.text) and self.text[start] in "&!" and not is_empty_plain(current):
                raise Unplaceable("the value has a YAML anchor or tag")
            if isinstance(current, yaml.MappingNode):
                for key, value in current.value:
                    stack.extend((key, value))
            elif isinstance(current, yaml.SequenceNode):
                stack.extend(current.value)

    # -- spans ---------------------------------------------------------------------------

    def content_end(self, node: yaml.Node) -> int:
        """Just past the last character that belongs to `node` (a block collection's end mark
        lies after any comments and blank lines that follow it)."""
        if isinstance(node, yaml.ScalarNode):
            end = node.end_mark.index
            if node.style in ("|", ">"):
                while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if node.flow_style or not node.value:
            return node.end_mark.index
        if isinstance(node, yaml.MappingNode):
            key, value = node.value[-1]
            return self.entry_end(key, value)
        return self.content_end(node.value[-1])

    def entry_end(self, key: yaml.Node, value: yaml.Node) -> int:
        """The end of a mapping entry: its value's end, or its colon's when it has no value."""
        if is_empty_plain(value):
            return self.colon_end(key)
        return self.content_end(value)

    def colon_end(self, key: yaml.Node) -> int:
        at = self.content_end(key)
        while at < len(self.text) and self.text[at] in " \t":
            at += 1
        if at >= len(self.text) or self.text[at] != ":":
            raise Unplaceable("unusual key layout")
        return at + 1

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def next_line_start(self, offset: int) -> int:
        """The start of the line after the one holding `offset` (the text's end on the last line)."""
        at = self.text.find("\n", offset)
        return len(self.text) if at < 0 else at + 1

    def comments_above(self, line_start: int) -> int:
        """The start of the comment lines right above the line at `line_start` (they describe
        it, so what is inserted before that line goes above them)."""
        at = line_start
        while at > 0:
            previous = self.text.rfind("\n", 0, at - 1) + 1
            if not self.text[previous:at].strip().startswith("#"):
                break
            at = previous
        return at

    def own_line(self, node: yaml.Node) -> bool:
        """Does `node` start its line (only spaces before it)?"""
        start = node.start_mark.index
        return self.text[self.line_start(start):start].strip(" ") == ""

    def line_indent(self, offset: int) -> str:
        """The leading spaces (or tabs: JSON may use them) of the line holding `offset`."""
        start = self.line_start(offset)
        end = start
        while end < len(self.text) and self.text[end] in " \t":
            end += 1
        return self.text[start:end]

    # -- layout --------------------------------------------------------------------------

    def layout(self) -> Layout:
        """The file's indentation, read from its first nested block mapping and block sequence."""
        if self._layout is None:
            mapping: Optional[int] = None
            dash: Optional[int] = None
            stack: List[Any] = [root for root in (self._roots_or_empty())]
            seen: Set[int] = set()
            while stack and (mapping is None or dash is None):
                node = stack.pop(0)
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, yaml.MappingNode) and not node.flow_style:
                    for key, value in node.value:
                        if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value \
                                and value.start_mark.line > key.start_mark.line and mapping is None:
                            mapping = value.value[0][0].start_mark.column - key.start_mark.column
                        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value \
                                and value.start_mark.line > key.start_mark.line and dash is None:
                            dash = value.start_mark.column - key.start_mark.column
                        stack.append(value)
                elif isinstance(node, yaml.SequenceNode):
                    stack.extend(node.value)
            mapping = mapping if mapping is not None and mapping > 0 else 2
            dash = dash if dash is not None and 0 <= dash < 8 else 0
            self._layout = Layout(mapping, dash)
        return self._layout

    def _roots_or_empty(self) -> List[yaml.Node]:
        try:
            self.root(0)
        except Unplaceable:
            return []
        return [root for root in self._roots or [] if root is not None]
