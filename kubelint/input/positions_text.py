"""Positions read from a document's lines, without parsing it, for plain block YAML.

Nearly every manifest is written as `key: value` lines, `- item` lines, comments and block
scalars, where indentation alone gives the structure. For those, a finding's node is found by
reading the lines on the way to it: 100 K instructions for metadata.namespace of a 60-line
Deployment, against 160 K to walk libyaml's events there (a Python object per event) and 1.6 M
to compose the document.

The answer is the one `positions.locate` gives on the composed tree, or UNKNOWN. Any line on
the way that could mean something a line cannot show alone gives UNKNOWN: flow collections
that span lines or nest, quoted scalars that span lines, plain scalars continued on the next
line, anchors, aliases, tags, merge keys, quoted or complex keys, tabs, characters YAML counts
as line breaks, an empty (null) value as the answer. Block scalars are skipped by their
indentation and never answered.
"""

from __future__ import annotations

import functools
import re
from typing import List, Optional, Tuple, Union

from ..findings import Pointer, Position
from .positions import tagged_key_text
from .yaml_k8s import resolve_plain

UNKNOWN = None  # the caller asks the event stream

# What a line holds after its indentation, its `- ` and its `key: `.
BLANK, EMPTY, PLAIN, CLOSED, BLOCK = range(5)  # CLOSED: a quoted scalar or a flow collection on its line
_VALUES = (PLAIN, CLOSED)  # what a node can be answered as, besides a block collection

# A line's indentation, `- ` and a plain key as Kubernetes writes them (`app.kubernetes.io/name`)
# followed by `:` and a space or the line's end.
_HEAD = re.compile(r"( *)(?:(-)(?: +|$))?(?:([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +|$))?")
# A plain scalar on one line: its words up to a comment (` #`) or trailing spaces.
_PLAIN_VALUE = re.compile(r"[^ ]+(?: +[^ #][^ ]*)*")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
# A flow collection with no nested collection and no comment character, closed on its line.
_FLOW = re.compile(r"""[\[{](?:[^\[\]{}"'#]|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')*[\]}]""")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]{0,2}(?: +#.*)? *")
_TAIL = re.compile(r"(?: +#.*)? *")  # what may follow a closed scalar on its line
_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")  # line breaks to YAML, not to str.split("\n")
_PLAIN_REFUSED = frozenset("?:,[]{}&*!|>%@`'\"")  # indicators a plain scalar cannot start with

# A parsed line: (kind, indent, dash column or -1, key or None, key column, value start, value end)
Line = Tuple[int, int, int, Optional[str], int, int, int]
_BLANK_LINE: Line = (BLANK, -1, -1, None, -1, -1, -1)


class _Unknown(Exception):
    """A line the reader cannot be sure of: the event stream must answer."""


def _parse(text: str) -> Line:
    if text.endswith("\r"):
        text = text[:-1]
    head = _HEAD.match(text)  # always matches
    i, n = head.end(), len(text)
    if i == n or text[i] == "#":
        if head.end(2) < 0 and head.end(3) < 0:
            return _BLANK_LINE
        return (EMPTY, head.end(1), head.start(2), head.group(3), head.start(3), i, i)
    if "\t" in text or "\r" in text or (not text.isascii() and _BREAKS.search(text)):
        raise _Unknown
    dash, key = head.start(2), head.group(3)
    first = text[i]
    if first == '"' or first == "'" or first == "[" or first == "{":
        closed = (_DOUBLE_QUOTED if first == '"' else _SINGLE_QUOTED if first == "'" else _FLOW).match(text, i)
        if closed is None or not _TAIL.fullmatch(text, closed.end()):
            raise _Unknown
        return (CLOSED, head.end(1), dash, key, head.start(3), i, closed.end())  # text[i] tells which
    if first == "|" or first == ">":
        if not _BLOCK_HEADER.fullmatch(text, i):
            raise _Unknown
        return (BLOCK, head.end(1), dash, key, head.start(3), i, n)
    if key is None and dash < 0:
        if i == 0 and text.startswith(("---", "...")) and (n == 3 or text[3] == " "):
            return _END_LINE
        raise _Unknown  # a scalar alone on its line: a continued plain scalar
    if first in _PLAIN_REFUSED or first == "-" and (i + 1 == n or text[i + 1] == " "):
        raise _Unknown  # an indicator, or a sequence in a sequence item
    value = _PLAIN_VALUE.match(text, i).group()
    if ": " in value or value[-1] == ":":
        raise _Unknown
    return (PLAIN, head.end(1), dash, key, head.start(3), i, i + len(value))


_END_LINE: Line = (BLANK, -2, -1, None, -1, -1, -1)  # a document marker: the document ends there
_MAPPING, _SEQUENCE = 10, 11
# A node: (kind, line index, column, end column, its line parsed); kind is PLAIN, CLOSED,
# _MAPPING or _SEQUENCE.
Node = Tuple[int, int, int, int, Line]


def _owner(line: Line) -> int:
    """The column a line's value belongs to: its key's, else its dash's. Deeper lines are in
    that value (a block scalar's text, a nested collection)."""
    return line[4] if line[3] is not None else line[2]


@functools.lru_cache(maxsize=4096)  # keys repeat ("metadata", "name") across every position
def _key_text(name: str) -> str:
    """The JSON key a plain key becomes (`on` is "true")."""
    return tagged_key_text(resolve_plain(name), name)


def locate_text(lines: List[str], start: int, end: int, pointer: Pointer, anchor: str) -> Union[Position, None]:
    """Position of the node at `pointer` (or its deepest existing ancestor) in the document on
    `lines[start:end]`, with lines counted from `start`, as positions.locate gives it; or
    UNKNOWN."""
    try:
        return _Reader(lines, start, end).locate(pointer, anchor)
    except (_Unknown, RecursionError):
        return UNKNOWN


class _Reader:
    """The lines of one document, read forward from its start."""

    __slots__ = ("lines", "start", "end", "last")

    def __init__(self, lines: List[str], start: int, end: int) -> None:
        self.lines, self.start, self.end = lines, start, end
        self.last: Tuple[int, Line] = (start, _BLANK_LINE)  # a collection's last content line

    def locate(self, pointer: Pointer, anchor: str) -> Position:
        index, line = self.content(self.start)
        if line[0] == BLANK or line[3] is None or line[2] >= 0:
            raise _Unknown  # not a block mapping
        node: Node = (_MAPPING, index, line[4], -1, line)
        key: Optional[Node] = None  # the key above `node`, as a node
        for part in pointer:
            if node[0] == _MAPPING:
                wanted = str(part)
                for index, line in self.entries(node):
                    name = line[3]
                    if _key_text(name) == wanted:
                        key = (PLAIN, index, line[4], line[4] + len(name), line)
                        node = self.value(index, line)
                        break
                else:  # no such key: the key above, or this mapping
                    return self.position(key if anchor == "key" and key is not None else node, scanned=True)
            elif node[0] == _SEQUENCE and isinstance(part, int) and part >= 0:
                for number, (index, line) in enumerate(self.entries(node)):
                    if number == part:  # `- key: ...` starts a mapping at its key
                        key = None
                        node = (_MAPPING, index, line[4], -1, line) if line[3] is not None else self.value(index, line)
                        break
                else:  # past its end: the key above, or the sequence
                    return self.position(key if anchor == "key" and key is not None else node, scanned=True)
            else:
                if node[0] == CLOSED and self.lines[node[1]][node[2]] in "[{":
                    raise _Unknown  # into a flow collection
                break
        return self.position(key if anchor == "key" and key is not None else node)

    def position(self, node: Node, scanned: bool = False) -> Position:
        """A node's position; a collection's ends with its last value (see positions._content_end)."""
        line = node[1] - self.start + 1
        if node[0] in _VALUES:
            return Position(line, node[2] + 1, line, node[3] + 1)
        if not scanned:
            for _ in self.entries(node):
                pass
        index, last = self.last
        if last[0] not in _VALUES:
            raise _Unknown  # ends with a null, a block scalar or nothing
        end_line = index - self.start + 1
        return Position(line, node[2] + 1, line if end_line == line else end_line, last[6] + 1)

    def content(self, index: int) -> Tuple[int, Line]:
        """The first line at or after `index` that is not blank or a comment, parsed;
        (its index, a blank line) at the document's end."""
        lines, end = self.lines, self.end
        while index < end:
            line = _parse(lines[index])
            if line[0] != BLANK:
                return index, line
            if line is _END_LINE:
                break
            index += 1
        return index, _BLANK_LINE

    def after(self, index: int, line: Line) -> Tuple[int, Line]:
        """The content line after line `index` (parsed as `line`), past a block scalar's text;
        refuses a deeper line after a value closed on its line (a continued plain scalar)."""
        owner = _owner(line)
        index += 1
        if line[0] == BLOCK:  # its text: blank lines and lines deeper than its key or dash
            lines, end = self.lines, self.end
            while index < end:
                text = lines[index]
                stripped = text.lstrip(" ")
                if stripped and stripped != "\r" and len(text) - len(stripped) <= owner:
                    break
                if not text.isascii() and _BREAKS.search(text):
                    raise _Unknown
                index += 1
        following, parsed = self.content(index)
        if line[0] in _VALUES and parsed[0] != BLANK and parsed[1] > owner:
            raise _Unknown
        return following, parsed

    def value(self, index: int, line: Line) -> Node:
        """The node that line `index` holds after its key or dash."""
        kind = line[0]
        if kind in _VALUES:
            self.after(index, line)  # refuses a plain scalar continued on the next line
            return (kind, index, line[5], line[6], line)
        if kind == BLOCK:
            raise _Unknown
        # EMPTY: a block collection on the following lines, or null
        owner = _owner(line)
        following, parsed = self.content(index + 1)
        if parsed[0] != BLANK:
            deeper = parsed[1] > owner
            if parsed[2] >= 0 and (deeper or (parsed[1] == owner and line[3] is not None)):
                return (_SEQUENCE, following, parsed[2], -1, parsed)  # after a key, `- ` may start at its column
            if deeper and parsed[3] is not None and parsed[2] < 0:
                return (_MAPPING, following, parsed[4], -1, parsed)
        raise _Unknown  # null, or a scalar on the next line

    def entries(self, node: Node):
        """(line index, parsed line) of each key of a block mapping, or each `- ` of a block
        sequence, in order. Once done, `self.last` is the collection's last content line."""
        index, column, is_mapping, line = node[1], node[2], node[0] == _MAPPING, node[4]
        while True:
            yield index, line
            last = (index, line)
            while True:
                index, line = self.after(*last)
                indent = line[1]
                if line[0] == BLANK or indent < column:
                    self.last = last
                    return
                if indent == column:
                    if is_mapping and line[2] < 0:
                        if line[3] is None:
                            raise _Unknown
                        break  # the next key
                    if not is_mapping:
                        if line[2] < 0:  # a key at an indentless sequence's column ends it
                            self.last = last
                            return
                        break  # the next item
                last = (index, line)  # deeper: within this entry's value
