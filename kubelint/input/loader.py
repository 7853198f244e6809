"""Read files into Kubernetes objects: bytes -> text -> YAML/JSON documents -> objects.

Every problem with the input becomes a LocatedIssue (KL0xx) rather than an exception, so one
bad file never stops the others from being checked.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..findings import (
    FILE_START,
    LocatedIssue,
    ObjectRef,
    Pointer,
    Position,
    pointer_to_json_path,
)
from .yaml_fast import fast_load

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
# libyaml recurses in C and can crash on very deep nesting; beyond this many brackets or a
# long run of block indicators, the pure-Python parser (which raises RecursionError) is used.
DEEP_NESTING_BRACKETS = 4000
_DEEP_BLOCK = re.compile(r"\n[ \t?:-]{1000,}")  # at a line start; searched in "\n" + text
_HELM = re.compile(r"\{\{.*?\}\}")


class SourceFile:
    """One input file's text, where its documents start, and (on demand) their node trees.
    A plain class, not a dataclass: cheaper to define on every start."""

    __slots__ = ("path", "text", "safe_parser", "document_lines", "_nodes", "_lines", "_reread_from")

    def __init__(self, path: str, text: str = "", safe_parser: bool = False,
                 document_lines: Optional[List[int]] = None) -> None:
        self.path = path
        self.text = text
        self.safe_parser = safe_parser
        self.document_lines: List[int] = document_lines if document_lines is not None else []
        self._nodes: Dict[int, Tuple[Optional[Any], int]] = {}
        self._lines: Optional[List[str]] = None
        self._reread_from: Optional[str] = None

    def forget_text(self, real_path: str) -> None:
        """Drop the text to save memory; positions read it again from `real_path` when needed
        (a large run reports positions for few files)."""
        self.text, self._reread_from = "", real_path

    def _full_text(self) -> str:
        if self._reread_from is not None:
            with open(self._reread_from, "rb") as handle:
                self.text = handle.read().decode("utf-8-sig")
            self._reread_from = None
        return self.text

    def position(self, document: int, pointer: Pointer, anchor: str = "value") -> Position:
        """Line and column of `pointer` in document number `document` (composed on demand)."""
        from .positions import END_OF_CONTENT, END_OF_LINE, locate

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
        return Position(line, found.column, end_line, end_column)

    def _document_node(self, document: int) -> Tuple[Optional[Any], int]:
        """The node tree of one document and the line offset of its marks. Only that
        document's lines are composed: a file with one finding does not pay for the rest."""
        if document not in self._nodes:
            from .positions import compose_documents

            start = self.document_lines[document] if document < len(self.document_lines) else 0
            nodes: list = []
            if document < len(self.document_lines):
                lines = self._text_lines()
                end = self.document_lines[document + 1] if document + 1 < len(self.document_lines) else len(lines)
                if end == len(lines) and lines[-1] == "":
                    end -= 1  # the empty string after the file's last newline is no line of it
                nodes = compose_documents("\n".join(lines[start:end]) + "\n", self.safe_parser)
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


class Manifest:
    """One Kubernetes object and where it came from.

    `data` may arrive packed (see kubelint.run.packing) from another worker process; it is then
    unpacked the first time a rule looks at it."""

    __slots__ = ("source", "document", "base", "ref", "_data", "_packed")

    def __init__(self, source: SourceFile, document: int, base: Pointer, data: Optional[Dict[str, Any]],
                 ref: ObjectRef, packed: Optional[PackedRef] = None) -> None:
        self.source = source
        self.document = document
        self.base = base  # () for a document, ("items", n) for an item of a List
        self.ref = ref
        self._data = data
        self._packed = packed

    @property
    def data(self) -> Dict[str, Any]:
        if self._data is None:
            store, offset, length = self._packed  # type: ignore[misc]
            self._data = store.load(offset, length)
        return self._data

    @property
    def unpacked(self) -> bool:
        """Is the data at hand (not only packed)?"""
        return self._data is not None

    def keep_packed(self, packed: PackedRef) -> None:
        """Remember the packed data, so `release` can drop the unpacked copy."""
        self._packed = packed

    def release(self) -> bool:
        """Drop the unpacked data if it can be unpacked again (and say whether it was)."""
        if self._packed is None:
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
    may_alias = False  # only the exact YAML loader accepts aliases (the fast path refuses them)
    if path.endswith(".json") and text.lstrip().startswith(("{", "[")):
        documents, lines, error = _parse_json(text)
    else:
        source.safe_parser = _looks_deep(text)
        fast = None if source.safe_parser else fast_load(text, share_strings)
        if fast is not None:
            (documents, lines), error = fast, None
        else:
            documents, lines, error = _parse_yaml(text, source.safe_parser)
            may_alias = "*" in text
    source.document_lines = lines
    if error is not None:
        result.issues.append(error)
    for index, document in enumerate(documents):
        _collect(result, index, document, may_alias)
    return result


def _looks_deep(text: str) -> bool:
    return (text.count("[") + text.count("{") > DEEP_NESTING_BRACKETS) or bool(_DEEP_BLOCK.search("\n" + text))


def _parse_yaml(text: str, safe: bool) -> Tuple[List[Any], List[int], Optional[LocatedIssue]]:
    """The exact loader (Kubernetes' YAML 1.1 typing); `safe`: the pure-Python parser."""
    import yaml

    from .yaml_k8s import DuplicateKey, RefusedTag, load_documents

    try:
        documents, lines = load_documents(text, safe=safe)
        return documents, lines, None
    except (yaml.YAMLError, DuplicateKey, RefusedTag, RecursionError) as exc:
        # The documents finished before the error are still checked.
        return getattr(exc, "documents", []), getattr(exc, "starts", []), _parse_error(text, exc)


def _parse_error(text: str, exc: BaseException) -> LocatedIssue:
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
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, at its place
        return LocatedIssue("KL001", _offset_position(text, exc.position),
                            f"YAML syntax error: character #x{exc.character:04x} is not allowed (control characters "
                            "are refused, as kubectl refuses them)")
    return LocatedIssue("KL001", FILE_START, f"YAML error: {exc}")


def _syntax_error(text: str, exc: yaml.MarkedYAMLError) -> LocatedIssue:
    helm = _HELM.search(text)
    if helm:
        start = _offset_position(text, helm.start())
        return LocatedIssue("KL003", Position(start.line, start.column, start.line, start.column + len(helm.group())),
                            "this looks like a Helm or Go template ({{ ... }}); render it first: "
                            "helm template RELEASE CHART | kubelint check -")
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    position = _mark_position(mark) if mark else FILE_START
    return LocatedIssue("KL001", position, f"YAML syntax error: {problem}")


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


def _parse_json(text: str) -> Tuple[List[Any], List[int], Optional[LocatedIssue]]:
    try:
        return [json.loads(text, object_pairs_hook=_no_duplicates)], [0], None
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


def _expanded_size(document: Any) -> Tuple[int, int]:
    """(nodes after alias expansion, nodes as written), without expanding anything.

    A mapping or sequence is written once however many aliases repeat it; the scalars in it
    are written once with it. (Counting only mappings and sequences as written made a long
    list of scalars look like a bomb: 10,001 addresses in one list are 10,001 nodes from 1.)"""
    sizes: Dict[int, int] = {}
    written = 0
    stack: List[Tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)) or (id(node) in sizes and not children_done):
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 1) for c in children)
        else:
            written += 1 + sum(1 for c in children if not isinstance(c, (dict, list)))
            stack.append((node, True))
            stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
    return sizes.get(id(document), 1), written


def _collect(result: LoadResult, index: int, document: Any, may_alias: bool) -> None:
    source = result.source
    if document is None:
        return  # an empty document
    line = source.document_lines[index] + 1 if index < len(source.document_lines) else 1
    if may_alias and isinstance(document, (dict, list)):
        expanded, distinct = _expanded_size(document)
        if expanded > MAX_EXPANDED_NODES or (expanded > 10_000 and expanded > MAX_ALIAS_RATIO * distinct):
            result.issues.append(LocatedIssue(
                "KL008", Position(line, 1, line, 1),
                f"aliases expand this document to {expanded:,} nodes from {distinct:,} written: "
                "refused as an alias-expansion bomb"))
            return
    _collect_object(result, index, (), document, line)


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
