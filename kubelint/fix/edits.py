"""Operations on pointers (kubelint.fix.ops) as text edits of one document.

Each edit touches only the node it changes: a scalar is replaced within its quotes' span, an
entry is added on lines of its own at its siblings' indentation (or after a comma in a flow
mapping or JSON), an entry is removed with its own lines only. Whatever cannot be done that way
raises Unplaceable, and the fix is not offered.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import yaml

from ..findings import Edit, Pointer
from . import render
from .ops import Add, Op, ReplaceEntry, Remove, RenameKey, SetValue
from .tree import Located, Unplaceable, YamlText, is_empty_plain


class DocumentEditor:
    """Turns operations on one document of a file into edits of the file's text."""

    def __init__(self, text: YamlText, document: int) -> None:
        self.text = text
        self.document = document

    def edits(self, op: Op) -> List[Edit]:
        if isinstance(op, SetValue):
            return self._set_value(op)
        if isinstance(op, RenameKey):
            return self._rename(op)
        if isinstance(op, ReplaceEntry):
            return self._replace_entry(op.pointer, op.new_key, op.value)
        if isinstance(op, Remove):
            return self._remove(op)
        if isinstance(op, Add):
            return self._add(op)
        raise Unplaceable(f"unknown operation {op!r}")

    def _locate(self, pointer: Pointer) -> Located:
        return self.text.locate(self.document, pointer)

    # -- values and keys -----------------------------------------------------------------

    def _set_value(self, op: SetValue) -> List[Edit]:
        found = self._locate(op.pointer)
        node = found.node
        if isinstance(op.value, (dict, list)) or not isinstance(node, yaml.ScalarNode) or node.style in ("|", ">"):
            if found.key is None:
                raise Unplaceable("only a mapping entry's value can be rewritten as a block")
            return self._replace_entry(op.pointer, str(op.pointer[-1]), op.value)
        self.text.check_rewritable(node)
        if is_empty_plain(node):
            if found.key is None:
                raise Unplaceable("an empty list item")
            at = self.text.colon_end(found.key)
            return [Edit(at, at, " " + render.scalar(op.value, op.style, self.text.is_json))]
        style = op.style or (node.style if node.style in ('"', "'") else None)
        return [Edit(node.start_mark.index, node.end_mark.index, render.scalar(op.value, style, self.text.is_json))]

    def _rename(self, op: RenameKey) -> List[Edit]:
        found = self._locate(op.pointer)
        key = found.key
        if key is None:
            raise Unplaceable("not a mapping entry")
        self.text.check_rewritable(key)
        style = key.style if key.style in ('"', "'") else None
        return [Edit(key.start_mark.index, key.end_mark.index, render.scalar(op.new_key, style, self.text.is_json))]

    def _replace_entry(self, pointer: Pointer, new_key: str, value: object) -> List[Edit]:
        found = self._locate(pointer)
        key, parent = found.key, found.parent
        if key is None or parent is None:
            raise Unplaceable("not a mapping entry")
        self.text.check_rewritable(key)
        self.text.check_rewritable(found.node)
        start, end = key.start_mark.index, self.text.entry_end(key, found.node)
        replacement = self._entry_text(parent, key, new_key, value)
        first, newline, rest = replacement.partition(self.text.newline)
        if newline and not parent.flow_style:
            # A comment after the old entry stays on the new entry's first line, not its last.
            line_end = self.text.next_line_start(end)
            tail = self.text.text[end:line_end].rstrip("\r\n")
            if tail.strip().startswith("#"):
                return [Edit(start, end + len(tail), first + tail + newline + rest)]
        return [Edit(start, end, replacement)]

    # -- removing ------------------------------------------------------------------------

    def _remove(self, op: Remove) -> List[Edit]:
        found = self._locate(op.pointer)
        key, parent, index = found.key, found.parent, found.entry
        if key is None or not isinstance(parent, yaml.MappingNode):
            raise Unplaceable("only mapping entries can be removed")
        self.text.check_rewritable(key)
        self.text.check_rewritable(found.node)
        entries = parent.value
        following = entries[index + 1][0] if index + 1 < len(entries) else None
        end = self.text.entry_end(key, found.node)
        if parent.flow_style:
            if following is not None:  # `a: 1, b: 2` -> `b: 2`
                return [Edit(key.start_mark.index, following.start_mark.index, "")]
            if index > 0:  # `a: 1, b: 2` -> `a: 1`
                before_key, before_value = entries[index - 1]
                return [Edit(self.text.entry_end(before_key, before_value), end, "")]
            return [Edit(key.start_mark.index, end, "")]  # `{a: 1}` -> `{}`
        if self.text.own_line(key):  # its own lines, with a comment at the end of the last one
            return [Edit(self.text.line_start(key.start_mark.index), self.text.next_line_start(end), "")]
        if following is not None:  # `- a: 1\n  b: 2` -> `- b: 2`
            return [Edit(key.start_mark.index, following.start_mark.index, "")]
        raise Unplaceable("removing the only entry of a list item")

    # -- adding --------------------------------------------------------------------------

    def _add(self, op: Add) -> List[Edit]:
        found = self._locate(op.pointer)
        mapping = found.node
        if not isinstance(mapping, yaml.MappingNode):
            raise Unplaceable("not a mapping")
        names = [_key_name(k) for k, _ in mapping.value]
        if op.key in names:
            raise Unplaceable(f"{op.key!r} is already there")
        if mapping.flow_style:
            return self._add_flow(mapping, op)
        if not mapping.value:
            raise Unplaceable("an empty block mapping")
        text, newline = self.text, self.text.newline
        column = mapping.value[0][0].start_mark.column
        entry = render.block_entry(op.key, op.value, text.layout(), column, newline)
        if op.before is not None and op.before in names:
            key = mapping.value[names.index(op.before)][0]
            if text.own_line(key):
                at = text.comments_above(text.line_start(key.start_mark.index))
                return [Edit(at, at, " " * column + entry + newline)]
            at = key.start_mark.index  # the first key of a list item: `- new: 1\n  old: 2`
            return [Edit(at, at, entry + newline + " " * column)]
        after = len(names) - 1
        if op.after is not None and op.after in names:
            after = names.index(op.after)
        last_key, last_value = mapping.value[after]
        at = text.next_line_start(text.entry_end(last_key, last_value))
        if at == len(text.text) and not text.text.endswith("\n"):
            return [Edit(at, at, newline + " " * column + entry)]
        return [Edit(at, at, " " * column + entry + newline)]

    def _add_flow(self, mapping: yaml.MappingNode, op: Add) -> List[Edit]:
        text = self.text
        if not mapping.value:
            start, end = mapping.start_mark.index, mapping.end_mark.index
            return [Edit(start, end, "{" + self._flow_entry(mapping, None, op.key, op.value) + "}")]
        last_key, last_value = mapping.value[-1]
        at = text.entry_end(last_key, last_value)
        if text.is_json and self._multiline(mapping):
            indent = text.line_indent(last_key.start_mark.index)
            return [Edit(at, at, "," + text.newline + indent + self._flow_entry(mapping, last_key, op.key, op.value))]
        return [Edit(at, at, ", " + self._flow_entry(mapping, last_key, op.key, op.value))]

    # -- entry text ----------------------------------------------------------------------

    def _entry_text(self, parent: yaml.Node, key: yaml.ScalarNode, new_key: str, value: object) -> str:
        if parent.flow_style:
            return self._flow_entry(parent, key, new_key, value)
        style = key.style if key.style in ('"', "'") else None
        if style is not None and not isinstance(value, (dict, list)):
            return f"{render.scalar(new_key, style)}: {render.scalar(value)}"
        return render.block_entry(new_key, value, self.text.layout(), key.start_mark.column, self.text.newline)

    def _flow_entry(self, mapping: yaml.Node, sibling: Optional[yaml.Node], key: str, value: object) -> str:
        text = self.text
        if text.is_json:
            base = text.line_indent(sibling.start_mark.index) if sibling is not None else ""
            return render.json_entry(key, value, self._json_indent(mapping), base, text.newline)
        return f"{render.scalar(key)}: {render.flow(value)}"

    def _multiline(self, mapping: yaml.MappingNode) -> bool:
        return mapping.value[0][0].start_mark.line > mapping.start_mark.line

    def _json_indent(self, mapping: yaml.Node) -> Optional[str]:
        """The indentation one level adds in a pretty-printed JSON file (None: on one line)."""
        if not isinstance(mapping, yaml.MappingNode) or not mapping.value or not self._multiline(mapping):
            return None
        own = self.text.line_indent(mapping.start_mark.index)
        child = self.text.line_indent(mapping.value[0][0].start_mark.index)
        return child[len(own):] if child.startswith(own) and len(child) > len(own) else "  "


def _key_name(node: yaml.Node) -> str:
    from ..input.positions import key_text

    return key_text(node) if isinstance(node, yaml.ScalarNode) else ""


def combine(edits: Sequence[Edit]) -> List[Edit]:
    """One fix's edits in text order, insertions at one place joined in the order given;
    overlapping edits are a provider's mistake (Unplaceable)."""
    # At one place, an insertion into a more deeply nested mapping comes first: entries added to
    # `capabilities` and to its parent `securityContext` both go after the last line of
    # `capabilities`, and the parent's must come after the child's.
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end > item[1].start,
                                                         -_indent(item[1].replacement), item[0]))
    result: List[Edit] = []
    for _, edit in ordered:
        if result:
            last = result[-1]
            if last.start == last.end == edit.start:  # insertions at one place (then maybe a replacement)
                result[-1] = Edit(last.start, edit.end, last.replacement + edit.replacement)
                continue
            if edit.start < last.end:
                raise Unplaceable("a fix's edits overlap")
        result.append(edit)
    return result


def collide(first: Sequence[Edit], second: Sequence[Edit]) -> bool:
    """Do two fixes touch the same text (or the same place)? Touching spans count, so the
    order of two edits at one place never matters."""
    return any(a.start <= b.end and b.start <= a.end for a in first for b in second)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with non-overlapping edits applied."""
    parts: List[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[position:edit.start])
        parts.append(edit.replacement)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def line_column(text: str, offset: int) -> Tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _indent(text: str) -> int:
    """The indentation an inserted block entry starts with (0 for other edits)."""
    body = text.lstrip("\r\n")
    return len(body) - len(body.lstrip(" ")) if body.strip() else 0
