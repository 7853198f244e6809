"""Read files into Kubernetes objects: bytes -> text -> YAML/JSON documents -> objects.

Every problem with the input becomes a LocatedIssue (KL0xx) rather than an exception, so one
bad file never stops the others from being checked.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..lazy_regex import lazy_compile
from ..findings import (
    FILE_START,
    LocatedIssue,
    ObjectRef,
    Pointer,
    Position,
    pointer_to_json_path,
)
from ..named_tuple import NamedTuple
from .reading import Identity
from .yaml_fast import fast_load, has_refused_characters

if TYPE_CHECKING:
    import yaml

# Where a packed object lies: (store, offset, length). The store (kubelint.run.packing.PackStore)
# unpacks it; the loader knows only that it has a `load(offset, length)` method.
PackedRef = Tuple[Any, int, int]

# PyYAML (the exact loader, and node positions) is imported only when a file or a finding
# needs it: a run whose files all take the fast path and pass does not pay for its import.

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
# An alias-expansion bomb: the document expands to far more nodes than it holds.
MAX_EXPANDED_NODES = 1_000_000
MAX_ALIAS_RATIO = 10
# Nodes that aliases may add to a file, per byte of it: every check walks the expanded data, so
# this keeps a run's work linear in its input (thousands of small documents, each under the
# limits above, took 12 s from 600 KB). Anchors reused as written in manifests add far fewer.
ALIAS_NODES_PER_BYTE = 4
EXPANSION_CAP = 2**62
# libyaml recurses in C and can crash on very deep nesting; beyond this many brackets or a
# long run of block indicators, the pure-Python parser (which raises RecursionError) is used.
DEEP_NESTING_BRACKETS = 4000
_DEEP_BLOCK = re.compile(r"\n[ \t?:-]{1000,}")  # at a line start; searched in "\n" + text


# Positions of one document read before it is composed instead: from its lines (positions_text,
# about 100 K instructions for metadata.namespace of a 60-line Deployment) or its event stream
# (160 K), against 1.6 M to compose it. Each read walks from the document's start, so a document
# with many findings is composed once and its tree kept.
READ_ASKS = 8


class SourceFile:
    """One input file's text, where its documents start, and (on demand) their node trees.
    A plain class, not a dataclass: cheaper to define on every start."""

    __slots__ = ("path", "text", "safe_parser", "document_lines", "identity", "_nodes", "_lines", "_reread_from",
                 "_asked")

    def __init__(self, path: str, text: str = "", safe_parser: bool = False,
                 document_lines: Optional[List[int]] = None) -> None:
        self.path = path
        self.text = text
        self.safe_parser = safe_parser
        self.document_lines: List[int] = document_lines if document_lines is not None else []
        self.identity: Optional[Identity] = None  # the file as read (see forget_text)
        self._nodes: Dict[int, Tuple[Optional[Any], int]] = {}
        self._lines: Optional[List[str]] = None
        self._reread_from: Optional[str] = None
        self._asked: Optional[Dict[int, int]] = None  # document -> positions read from it

    def forget_text(self, real_path: str) -> None:
        """Drop the text to save memory; positions read it again from `real_path` when needed
        (a large run reports positions for few files). If the file has changed or gone by
        then, positions fall back on each document's first line."""
        self.text, self._reread_from = "", real_path

    def _full_text(self) -> str:
        if self._reread_from is not None and not self.text:
            from .reading import read_file

            read = read_file(self._reread_from, DEFAULT_MAX_FILE_SIZE if self.identity is None
                             else self.identity[2])
            # No identity (a context file from the cache, say): whatever is there now is read.
            if read.data is not None and (self.identity is None or read.identity == self.identity):
                try:
                    self.text = read.data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    pass
            if not self.text:  # changed or gone: positions fall back, without trying again
                self._reread_from = None
        return self.text

    def release_positions(self) -> None:
        """Drop what positions built (node trees, lines) and the text if it can be read again:
        a large run is done with this file's objects, and would otherwise end up holding
        every file with a finding."""
        self._nodes = {}
        self._lines = None
        self._asked = None
        if self._reread_from is not None:
            self.text = ""

    def position(self, document: int, pointer: Pointer, anchor: str = "value") -> Position:
        """Line and column of `pointer` in document number `document` (composed on demand)."""
        from .positions import END_OF_CONTENT, END_OF_LINE, locate

        found = self._read_position(document, pointer, anchor)
        if found is not None:
            offset = self.document_lines[document]
        else:
            node, offset = self._document_node(document)
            found = locate(node, pointer, anchor) if node is not None else None
        if found is None:
            line = self.document_lines[document] + 1 if document < len(self.document_lines) else 1
            return Position(line, 1, line, 1)
        line, end_line, end_column = found.line + offset, found.end_line + offset, found.end_column
        if end_column in (END_OF_LINE, END_OF_CONTENT):
            # The end of the last line with content (see positions.END_OF_LINE).
            while end_line > line and _no_content(self._line_text(end_line), end_column == END_OF_CONTENT):
                end_line -= 1
            end_column = self._line_end(end_line)
        # One int object when a finding spans one line: a large run keeps every position.
        return Position(line, found.column, line if end_line == line else end_line, end_column)

    def _read_position(self, document: int, pointer: Pointer, anchor: str) -> Optional[Position]:
        """The first READ_ASKS positions asked of a document are read without composing it:
        from its lines where they are plain block YAML (positions_text), else from the event
        stream up to the node (positions_stream). A document asked more often, or one neither
        can answer, is composed once and kept (None here)."""
        if self.safe_parser or document in self._nodes or document >= len(self.document_lines):
            return None
        if self._asked is None:
            self._asked = {}
        asked = self._asked.get(document, 0)
        if asked >= READ_ASKS:
            return None
        from . import positions_text

        start, end = self._document_span(document)
        found = positions_text.locate_text(self._text_lines(), start, end, pointer, anchor)
        if found is positions_text.UNKNOWN:
            from .positions_stream import UNKNOWN, locate_streaming

            found = locate_streaming(self._document_text(document), pointer, anchor)
            if found is UNKNOWN:
                self._asked[document] = READ_ASKS
                return None
        self._asked[document] = asked + 1
        return found

    def _document_span(self, document: int) -> Tuple[int, int]:
        """The indexes in _text_lines() of one document's lines: from its first node to the next
        document's (within the text as read again, which may have changed)."""
        lines = self._text_lines()
        start = self.document_lines[document]
        end = self.document_lines[document + 1] if document + 1 < len(self.document_lines) else len(lines)
        if end == len(lines) and lines[-1] == "":
            end -= 1  # the empty string after the file's last newline is no line of it
        return start, min(end, len(lines))

    def _document_text(self, document: int) -> str:
        """The lines of one document (from its first node to the next document's), as text."""
        start, end = self._document_span(document)
        return "\n".join(self._text_lines()[start:end]) + "\n"

    def _document_node(self, document: int) -> Tuple[Optional[Any], int]:
        """The node tree of one document and the line offset of its marks. Only that
        document's lines are composed: a file with one finding does not pay for the rest."""
        if document not in self._nodes:
            from .positions import compose_documents

            start = self.document_lines[document] if document < len(self.document_lines) else 0
            nodes: list = []
            if document < len(self.document_lines):
                nodes = compose_documents(self._document_text(document), self.safe_parser)
            if nodes and nodes[0] is not None:
                self._nodes[document] = (nodes[0], start)
            else:  # the slice does not stand alone (unusual layout): compose the whole file
                whole = compose_documents(self._full_text(), self.safe_parser)
                self._nodes[document] = (whole[document] if document < len(whole) else None, 0)
        return self._nodes[document]

    def _text_lines(self) -> List[str]:
        if self._lines is None:
            self._lines = self._full_text().split("\n")
        return self._lines

    def text_at(self, position: Position) -> str:
        """The source text a one-line position spans ("" when it spans lines)."""
        lines = self._text_lines()
        if position.end_line != position.line or not 0 < position.line <= len(lines):
            return ""
        return lines[position.line - 1][position.column - 1:position.end_column - 1]

    def _line_text(self, line: int) -> str:
        """The text of 1-based `line` ("" past the end of the file)."""
        lines = self._text_lines()
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""

    def _line_end(self, line: int) -> int:
        """1-based column just past the last character of `line`."""
        return len(self._line_text(line)) + 1


def _no_content(line: str, comments_too: bool) -> bool:
    text = line.strip()
    return not text or (comments_too and text.startswith("#"))


# A packed object's length takes the low bits of Manifest._where, its offset the others.
_LENGTH_BITS = 40
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


class Manifest:
    """One Kubernetes object and where it came from.

    `data` may arrive packed (see kubelint.run.packing) from another worker process; it is then
    unpacked the first time a rule looks at it."""

    __slots__ = ("source", "document", "base", "ref", "_data", "_store", "_where")

    def __init__(self, source: SourceFile, document: int, base: Pointer, data: Optional[Dict[str, Any]],
                 ref: ObjectRef, packed: Optional[PackedRef] = None) -> None:
        self.source = source
        self.document = document
        self.base = base  # () for a document, ("items", n) for an item of a List
        self.ref = ref
        self._data = data
        self._store: Any = None
        self._where = 0
        if packed is not None:
            self.keep_packed(packed)

    @property
    def data(self) -> Dict[str, Any]:
        if self._data is None:
            where = self._where
            self._data = self._store.load(where >> _LENGTH_BITS, where & _LENGTH_MASK)
        return self._data

    @property
    def unpacked(self) -> bool:
        """Is the data at hand (not only packed)?"""
        return self._data is not None

    def keep_packed(self, packed: PackedRef) -> None:
        """Remember the packed data, so `release` can drop the unpacked copy. Offset and length
        are kept as one int: a large run holds this for every object (a tuple and two ints
        were 120 bytes of it)."""
        store, offset, length = packed
        if not 0 <= length <= _LENGTH_MASK:
            raise ValueError(f"packed object of {length} bytes")
        self._store, self._where = store, offset << _LENGTH_BITS | length

    def release(self) -> bool:
        """Drop the unpacked data if it can be unpacked again (and say whether it was)."""
        if self._store is None:
            return False
        self._data = None
        return True

    def position(self, pointer: Pointer, anchor: str = "value") -> Position:
        return self.source.position(self.document, self.base + tuple(pointer), anchor)


class LoadResult:
    """One file's manifests and file-level issues."""

    __slots__ = ("source", "manifests", "issues", "skipped")

    def __init__(self, source: SourceFile, manifests: Optional[List[Manifest]] = None,
                 issues: Optional[List[LocatedIssue]] = None, skipped: int = 0) -> None:
        self.source = source
        self.manifests: List[Manifest] = manifests if manifests is not None else []
        self.issues: List[LocatedIssue] = issues if issues is not None else []
        self.skipped = skipped  # documents that are not manifests (no apiVersion and no kind)


def read_text(path: str, data: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Tuple[Optional[str], List[LocatedIssue]]:
    """Decode bytes as UTF-8 text (BOM accepted), or say why not."""
    if len(data) > max_size:
        return None, [LocatedIssue("KL007", FILE_START,
                                   f"file is {len(data):,} bytes, over the {max_size:,}-byte limit; "
                                   "raise it with --max-file-size if it is really a manifest")]
    if b"\x00" in data[:8192]:
        return None, [LocatedIssue("KL006", FILE_START, "binary file, not YAML or JSON text")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [LocatedIssue("KL006", Position(line, 1, line, 1),
                                   f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x}); "
                                   "Kubernetes manifests must be UTF-8")]
    return text, []


def load_file(path: str, data: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE,
              share_strings: bool = False) -> LoadResult:
    """Parse one file's bytes into manifests and file-level issues (`share_strings`: see
    yaml_fast.fast_load; large runs trade a little speed for a third less memory)."""
    text, issues = read_text(path, data, max_size)
    source = SourceFile(path=path, text=text or "")
    result = LoadResult(source=source, issues=issues)
    if text is None:
        return result
    parsed = parse_documents(path, text, share_strings, data)
    documents, lines, error = parsed.documents, parsed.lines, parsed.error
    source.safe_parser, may_alias = parsed.safe_parser, parsed.may_alias
    source.document_lines = lines
    if error is not None:
        result.issues.append(error)
    result.issues.extend(parsed.later_errors)
    budget = [ALIAS_NODES_PER_BYTE * len(text)]
    for index, document in enumerate(documents):
        _collect(result, index, document, may_alias, budget)
    return result


class ParsedText(NamedTuple):
    """A file's documents as Kubernetes reads them, before they become manifests."""

    documents: List[Any]
    lines: List[int]  # 0-based line each document starts on
    error: Optional[LocatedIssue]  # the error that ended parsing (documents before it are kept)
    is_json: bool
    safe_parser: bool  # parsed with the pure-Python parser (deep nesting)
    may_alias: bool  # parsed by the exact loader, which accepts aliases
    later_errors: Tuple[LocatedIssue, ...] = ()  # in documents after the first broken one


def parse_documents(path: str, text: str, share_strings: bool = False, data: Optional[bytes] = None) -> ParsedText:
    """Every document of a file's text, typed as Kubernetes types them (JSON for a .json file
    that starts like JSON, else YAML 1.1 the go-yaml way). `data`: the file's bytes, if at hand."""
    if path.endswith(".json") and text.lstrip().startswith(("{", "[")):
        documents, lines, error = _parse_json(text)
        return ParsedText(documents, lines, error, True, False, False)
    safe = _looks_deep(text)
    refused = has_refused_characters(data if data is not None else text.encode("utf-8", "surrogatepass"))
    fast = None if safe or refused else fast_load(text, share_strings)
    if fast is not None:
        return ParsedText(fast[0], fast[1], None, False, False, False)
    documents, lines, errors = _parse_yaml_documents(text, safe)
    # only the exact YAML loader accepts aliases (the fast path refuses them)
    return ParsedText(documents, lines, errors[0] if errors else None, False, safe, "*" in text, tuple(errors[1:]))


def _looks_deep(text: str) -> bool:
    return _most_brackets_in_a_document(text) > DEEP_NESTING_BRACKETS or bool(_DEEP_BLOCK.search("\n" + text))


def _most_brackets_in_a_document(text: str) -> int:
    """Flow brackets of the document with the most: nesting cannot be deeper. Counted per
    document, so a stream of many small flow-style documents does not take the slow parser
    (2,000 such documents took 12 s). A `---` line inside a flow collection ends the parse
    with an error there, so it cannot hide depth either."""
    most = text.count("[") + text.count("{")
    if most <= DEEP_NESTING_BRACKETS:
        return most
    most, start = 0, 0
    while True:
        marker = text.find("\n---", start)
        end = len(text) if marker == -1 else marker
        most = max(most, text.count("[", start, end) + text.count("{", start, end))
        if marker == -1:
            return most
        start = marker + 4


def _parse_yaml(text: str, safe: bool) -> Tuple[List[Any], List[int], Optional[LocatedIssue]]:
    """The exact loader (Kubernetes' YAML 1.1 typing); `safe`: the pure-Python parser."""
    import yaml

    from .yaml_k8s import DuplicateKey, RefusedTag, load_documents

    try:
        documents, lines = load_documents(text, safe=safe)
        return documents, lines, None
    except (yaml.YAMLError, DuplicateKey, RefusedTag, RecursionError) as exc:
        # The documents finished before the error are still checked.
        documents = getattr(exc, "documents", [])
        return documents, getattr(exc, "starts", [])[:len(documents)], _parse_error(text, exc, safe)


def _parse_yaml_documents(text: str, safe: bool) -> Tuple[List[Any], List[int], List[LocatedIssue]]:
    """Like _parse_yaml, but a broken document does not hide the ones after it: kubectl splits
    a stream at its `---` lines before it parses anything (k8s.io/apimachinery/pkg/util/yaml
    YAMLReader), so every other document is still applied and must still be checked. The
    broken document stays in the list as None, so each document keeps its number and lines."""
    documents: List[Any] = []
    lines: List[int] = []
    errors: List[LocatedIssue] = []
    offset = 0
    while True:
        found, starts, error = _parse_yaml(text, safe)
        documents += found
        lines += [start + offset for start in starts]
        if error is None:
            break
        errors.append(_shifted(error, offset))
        if error.rule == "KL003":  # an unrendered template: one finding for the file says it all
            break
        broken_line = error.position.line - 1
        start, after = _document_bounds(text, broken_line)
        if after is None:
            break
        documents.append(None)  # the broken document: no object, but it holds its lines
        lines.append(start + offset)
        text = "\n".join(text.split("\n")[after:])
        offset += after
    return documents, lines, errors


def _document_bounds(text: str, line: int) -> Tuple[int, Optional[int]]:
    """(0-based line of the `---` that opens the document holding `line`, or 0; 0-based line
    after the `---` that closes it, or None at the end of the text). A separator is `---` at
    the start of a line followed by nothing but spaces or a comment, as YAMLReader reads it."""
    rows = text.split("\n")
    line = max(0, min(line, len(rows) - 1))
    start = next((n for n in range(line - 1, -1, -1) if _is_separator(rows[n])), 0)
    # A parser often notices an unfinished document only at the next `---` ("got <document
    # start>"): a separator on the error's own line closes the broken document.
    for number in range(max(line, start + 1), len(rows)):
        if _is_separator(rows[number]):
            return start, number + 1
    return start, None


def _is_separator(row: str) -> bool:
    if not row.startswith("---"):
        return False
    rest = row[3:].strip()
    return not rest or rest.startswith("#")


def _shifted(issue: LocatedIssue, lines: int) -> LocatedIssue:
    if not lines:
        return issue
    p = issue.position
    return issue._replace(position=Position(p.line + lines, p.column, p.end_line + lines, p.end_column))


def _parse_error(text: str, exc: BaseException, safe: bool) -> LocatedIssue:
    import yaml

    from .yaml_k8s import DuplicateKey, RefusedTag

    if isinstance(exc, DuplicateKey):
        return LocatedIssue("KL002", _mark_position(exc.second),
                            f'duplicate key "{exc.key}" (first defined on line {exc.first.line + 1})')
    if isinstance(exc, RefusedTag):
        return LocatedIssue("KL010", _mark_position(exc.mark),
                            f"tag {exc.tag.replace('tag:yaml.org,2002:', '!!')} is refused: "
                            "manifests are loaded safely and may not construct objects")
    if isinstance(exc, RecursionError):
        return LocatedIssue("KL009", FILE_START, "nesting too deep to be a Kubernetes manifest")
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_error(text, exc)
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.position, int):
        # A raw control character. libyaml counts the offset in UTF-8 bytes, the pure-Python
        # reader (`safe`) in characters.
        offset = exc.position
        if not safe and not text.isascii():
            offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        character = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
        return LocatedIssue("KL001", _offset_position(text, min(offset, len(text))),
                            f"YAML syntax error: character #x{character:04x} is not allowed (control characters "
                            "are refused, as kubectl refuses them)")
    return LocatedIssue("KL001", FILE_START, f"YAML error: {exc}")


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> LocatedIssue:
    helm = _template_expression(text)
    if helm is not None:
        start = _offset_position(text, helm[0])
        return LocatedIssue("KL003", Position(start.line, start.column, start.line, start.column + helm[1] - helm[0]),
                            "this looks like a Helm or Go template ({{ ... }}); render it first: "
                            "helm template RELEASE CHART | kubelint check -")
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    position = _mark_position(mark) if mark else FILE_START
    if mark is not None and _char_at(text, mark.index) == "\t":
        problem = "tabs are not allowed for indentation; indent with spaces"
    return LocatedIssue("KL001", position, f"YAML syntax error: {problem}")


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _template_expression(text: str) -> Optional[Tuple[int, int]]:
    r"""(start, end) of the first `{{ ... }}` within one line, as `\{\{.*?\}\}` finds it, in
    linear time: that regex took quadratic time on a long line of `{`. When the first `{{`
    of a line has no `}}` after it on that line, no later `{{` of the line has one either."""
    start = text.find("{{")
    while start != -1:
        line_end = text.find("\n", start)
        line_end = len(text) if line_end == -1 else line_end
        close = text.find("}}", start + 2, line_end)
        if close != -1:
            return start, close + 2
        start = text.find("{{", line_end)
    return None


def _mark_position(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1)


class _DuplicateJSONKey(ValueError):
    pass


def _no_duplicates(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    result: Dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJSONKey(key)
        result[key] = value
    return result


class _NotJSONNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJSONNumber(name)


_JSON_CONSTANT = lazy_compile(r"(?<![\w\"])(?:-?Infinity|NaN)(?![\w\"])")


def _parse_json(text: str) -> Tuple[List[Any], List[int], Optional[LocatedIssue]]:
    try:
        return [json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)], [0], None
    except _NotJSONNumber as exc:
        # Python's json reads NaN and Infinity; JSON (and Kubernetes' decoder) has no such numbers.
        found = _JSON_CONSTANT.search(text)
        return [], [], LocatedIssue("KL001", _offset_position(text, found.start()) if found else FILE_START,
                                    f"JSON syntax error: {exc} is not a JSON number")
    except _DuplicateJSONKey as exc:
        key = str(exc)
        match = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
        offset = match[1] if len(match) > 1 else 0
        first = text.count("\n", 0, match[0]) + 1 if match else 1
        return [], [], LocatedIssue("KL002", _offset_position(text, offset),
                                    f'duplicate key "{key}" (first defined on line {first})')
    except json.JSONDecodeError as exc:
        return [], [], LocatedIssue("KL001", Position(exc.lineno, exc.colno, exc.lineno, exc.colno),
                                    f"JSON syntax error: {exc.msg}")
    except RecursionError:
        return [], [], LocatedIssue("KL009", FILE_START, "nesting too deep to be a Kubernetes manifest")


def _offset_position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Position(line, column, line, column)


class Expansion(NamedTuple):
    expanded: int  # nodes (containers and scalars) once every alias is expanded
    containers: int  # distinct containers
    written: int  # distinct containers and the scalars they hold: the nodes as written
    cyclic: bool  # an alias contains itself


def expanded_size(document: Any) -> Expansion:
    """How far aliases expand `document`, in time linear in its distinct nodes and without
    expanding anything. Sizes are capped at EXPANSION_CAP, so a bomb's count stays small."""
    sizes: Dict[int, int] = {}
    scalars = 0
    open_nodes: set = set()  # containers whose children are being measured (the current path)
    stack: List[Tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = node.values() if isinstance(node, dict) else node
        if children_done:
            open_nodes.discard(key)
            sizes[key] = min(EXPANSION_CAP, 1 + sum(sizes.get(id(c), 1) for c in children))
            continue
        if key in sizes:
            continue
        if key in open_nodes:  # reached again from inside itself: `a: &a [*a]`
            return Expansion(EXPANSION_CAP, len(sizes), len(sizes) + scalars, True)
        open_nodes.add(key)
        stack.append((node, True))
        containers = [c for c in children if isinstance(c, (dict, list))]
        scalars += len(node) - len(containers)
        stack.extend((c, False) for c in containers)
    return Expansion(sizes.get(id(document), 1), len(sizes), len(sizes) + scalars, False)


def _collect(result: LoadResult, index: int, document: Any, may_alias: bool, budget: List[int]) -> None:
    source = result.source
    if document is None:
        return  # an empty document
    line = source.document_lines[index] + 1 if index < len(source.document_lines) else 1
    if may_alias and isinstance(document, (dict, list)):
        refused = _alias_problem(document, budget)
        if refused is not None:
            result.issues.append(LocatedIssue("KL008", Position(line, 1, line, 1), refused))
            return
    _collect_object(result, index, (), document, line)


def _alias_problem(document: Any, budget: List[int]) -> Optional[str]:
    """Why this document's aliases are refused, or None. `budget` holds the nodes aliases may
    still add in this file; what this document adds is taken from it."""
    expanded, _, written, cyclic = expanded_size(document)
    if cyclic:
        return "an alias refers to a node that contains it, so the document is infinite: refused"
    added = expanded - written
    if added == 0:
        # No alias repeats a mapping or sequence: however large, the document is as written, and
        # as the fast path and JSON (which have no aliases) would take it.
        return None
    if expanded > MAX_EXPANDED_NODES or (expanded > 10_000 and expanded > MAX_ALIAS_RATIO * written):
        return (f"aliases expand this document to {expanded:,} nodes from {written:,} written: "
                "refused as an alias-expansion bomb")
    if added > budget[0]:
        return (f"aliases expand this document to {expanded:,} nodes from {written:,} written, more than this file's "
                f"size allows ({ALIAS_NODES_PER_BYTE} added nodes per byte): refused as an alias-expansion bomb")
    budget[0] -= added
    return None


def _collect_object(result: LoadResult, index: int, base: Pointer, document: Any, line: int) -> None:
    source = result.source
    where = source.position(index, base) if base else Position(line, 1, line, 1)
    if not isinstance(document, dict):
        kind = "list" if isinstance(document, list) else type(document).__name__
        kind = {"str": "string", "int": "number", "float": "number", "bool": "boolean", "NoneType": "null"}.get(kind, kind)
        result.issues.append(LocatedIssue(
            "KL004", where, f"a manifest must be a mapping with apiVersion and kind, not a {kind}",
            json_path=pointer_to_json_path(base)))
        return
    if "apiVersion" not in document and "kind" not in document:
        result.skipped += 1
        return
    api_version, kind = document.get("apiVersion"), document.get("kind")
    problems = []
    for key, value in (("apiVersion", api_version), ("kind", kind)):
        if key not in document:
            problems.append(f"{key} is missing")
        elif value is None or value == "":
            problems.append(f"{key} is empty")
        elif not isinstance(value, str):
            problems.append(f"{key} must be a string, not {value!r}")
    if problems:
        result.issues.append(LocatedIssue("KL005", where, "not a valid manifest: " + "; ".join(problems),
                                          json_path=pointer_to_json_path(base)))
        return
    if kind.endswith("List") and isinstance(document.get("items"), list):
        for number, item in enumerate(document["items"]):
            _collect_object(result, index, base + ("items", number), item, line)
        return
    metadata = document.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    namespace, name = metadata.get("namespace"), metadata.get("name") or metadata.get("generateName")
    # Interned: a large run holds every object's reference, and these few strings repeat.
    ref = ObjectRef(sys.intern(api_version), sys.intern(kind),
                    sys.intern(namespace) if isinstance(namespace, str) else None,
                    name if isinstance(name, str) else None)
    result.manifests.append(Manifest(source, index, base, document, ref))
