"""The fast parse path: yaml-rs (Rust, YAML 1.2) for files it reads exactly as Kubernetes'
YAML 1.1 typing would, PyYAML (kubelint.input.yaml_k8s) for every other file.

YAML 1.2 and go-yaml v2 disagree on a few plain scalars (yes/no/on/off/y/n in their cases,
leading-zero and signed hex/octal numbers, underscore-led numbers) and on features this path
leaves to the exact loader (anchors and aliases, merge keys, tags, directives, tabs, CR line
ends, non-string keys). Cheap text checks catch what only the text shows (numbers written
with a leading zero, anchors, tags); a walk over the parsed result catches the rest (a string
that YAML 1.1 would have read as a boolean, a key that is not a string). Any doubt, a parse
error or a duplicate key sends the file to the exact loader, which also says where an error
is. A false alarm only costs speed.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from ..lazy_regex import lazy_compile
from .shared_strings import SHARED_STRING_MAX, SHARED_STRINGS

try:  # optional: without it every file takes the exact path
    import yaml_rs
except ImportError:  # pragma: no cover - depends on the platform and Python version
    yaml_rs = None

# Plain scalars go-yaml v2 reads as booleans. Quoted ones parse to the same string, so a
# string equal to one of these (rare in manifests) sends the file to the exact loader.
YAML11_BOOLEANS = frozenset({"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                             "on", "On", "ON", "off", "Off", "OFF"})
INT64_MAX = 2**63 - 1
INT64_MIN = -2**63

# Numbers the two typings read differently: leading-zero ones other than plain octals (09,
# 0_1), signed ones with a base prefix (+0x1F), underscore-led ones (_1). Unsigned 0x/0o/0b
# prefixes mean the same in both. A number starts after whitespace, `[` or `,`.
# Each pattern starts with a literal, so the regex engine skips ahead to it: seven times
# faster than a pattern led by a character class or a lookbehind.
_LEADING_ZERO = re.compile(r"0(?:(?<=[\s\[,]0)[0-9_]|(?<=[\s\[,][-+]0)[0-9_xXoObB])")
_LEADING_UNDERSCORE = re.compile(r"_(?=[0-9_])(?:(?<=[\s\[,]_)|(?<=[\s\[,][-+]_))")
# YAML 1.1 octals written as plain scalars (defaultMode: 0644): rewritten to YAML 1.2's 0o644,
# which yaml-rs reads as the same number. Lines and line numbers do not change.
_PLAIN_OCTAL = lazy_compile(r"0(?<=[\s\[,]0)(?=[0-7]+[ \t]*(?:$|[,\]}#]))", re.M)
_NODE_PROPERTY = lazy_compile(r"[&*!](?=\S)")  # anchor, alias or tag candidates
# Directives, document ends, content on a marker line, each at a line start. Led by the line
# break, which the regex engine skips ahead to: eight times faster than ^ with re.M.
_STRUCTURE = re.compile(r"\n(?:%|\.\.\.(?:[ \t]|$)|---[ \t]+[^\s#])", re.M)
# yaml-rs reads an empty block scalar at the end of a document as "\n"; libyaml as "".
_TRAILING_BLOCK_SCALAR = re.compile(r"(?:[:\-][ \t]+|^[ \t]*)[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\n\s*\Z", re.M)
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)
# Characters YAML 1.1 (go-yaml v2) refuses, or reads as line breaks where YAML 1.2 does not
# (NEL, LS, PS). Tab and CR are declined before this is asked.
_NOT_YAML_12_ALIKE = lazy_compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def available() -> bool:
    return yaml_rs is not None


# Bytes libyaml accepts in a stream: tab, LF, CR, printable ASCII, and any byte of a multi-byte
# UTF-8 character (the C1 controls among those are looked for separately).
_LIBYAML_BYTES = bytes([9, 10, 13]) + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_C1_OR_NONCHARACTER = lazy_compile(b"\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")


def has_refused_characters(data: bytes) -> bool:
    """Does the file hold a character libyaml refuses (a raw NUL, ESC or other control)? yaml-rs
    accepts them, so such a file takes the exact loader, which reports where. A C-speed pass
    (bytes.translate deletes every allowed byte): half a percent of a run."""
    if data.translate(None, _LIBYAML_BYTES):
        return True
    return not data.isascii() and _C1_OR_NONCHARACTER.search(data) is not None


def fast_load(text: str, share_strings: bool = False) -> Optional[Tuple[List[Any], List[int]]]:
    """(documents, 0-based first content line of each) or None: use the exact loader.

    With `share_strings`, documents are rebuilt with one shared copy of each key and short
    string: slower, but it takes a large run's memory down by a third.
    """
    if yaml_rs is None or "\r" in text or "\t" in text or "<<" in text or (text and not text.endswith("\n")):
        # CR ends defeat the line patterns; the parsers differ on tabs; merge keys are YAML
        # 1.1 only; yaml-rs adds a line break to a block scalar that ends the file.
        return None
    if _LEADING_UNDERSCORE.search(text):  # the octal rewrite below never makes these right
        return None
    if not (text.replace("\n", "").isprintable() if text.isascii() else _NOT_YAML_12_ALIKE.search(text) is None):
        return None  # control characters (an error for kubectl) or YAML 1.1 line breaks
    octals = 0
    if _LEADING_ZERO.search(text):
        text, octals = _PLAIN_OCTAL.subn("0o", text)
        if _LEADING_ZERO.search(text):  # one that is not a plain octal
            return None
    if _has_structure(text) or _has_node_property(text):
        return None
    documents: List[Any] = []
    lines: List[int] = []
    line = counted = 0  # lines before offset `counted`: counting on from there keeps it linear
    markers = _marker_lines(text)  # each body starts after its marker's line break (the text ends with one)
    bodies = zip([0] + [text.index("\n", marker) + 1 for marker in markers], markers + [len(text)])
    try:
        for number, (start, end) in enumerate(bodies):
            content = _CONTENT_LINE.search(text, start, end)
            if number == 0 and content is None:
                continue  # comments or nothing before the first marker: not a document
            documents.append(_load_document(text[start:end], share_strings, octals > 0))
            first = content.start() if content is not None else start
            line += text.count("\n", counted, first)
            counted = first
            lines.append(line)
    except (_Differs, RecursionError):
        return None
    return documents, lines


def _has_structure(text: str) -> bool:
    """A directive, a document end or content on a marker line (`--- {a: 1}`): left to the
    exact loader. The added line break puts the first line in the pattern's reach."""
    return _STRUCTURE.search("\n" + text) is not None


def _has_node_property(text: str) -> bool:
    """An anchor, alias or tag where a node starts (after `: `, `- `, a flow bracket or comma,
    or at the start of a line); a `*` inside a plain string such as a cron schedule is not."""
    if "&" not in text and "*" not in text and "!" not in text:
        return False
    for match in _NODE_PROPERTY.finditer(text):
        before = text[max(0, match.start() - 40):match.start()].rstrip(" \t")
        if not before or before[-1] in "\n:-[{,":
            return True
    return False


def _marker_lines(text: str) -> List[int]:
    """Offsets of the `---` lines that start documents (a find loop: five times faster than
    a multi-line regex)."""
    markers = [0] if _is_marker(text, 0) else []
    newline = text.find("\n---")
    while newline != -1:
        if _is_marker(text, newline + 1):
            markers.append(newline + 1)
        newline = text.find("\n---", newline + 4)
    return markers


def _is_marker(text: str, start: int) -> bool:
    return text.startswith("---", start) and text[start + 3:start + 4] in ("", " ", "\t", "\n")


def _load_document(body: str, share_strings: bool, rewritten: bool) -> Any:
    """One document's data; _Differs when the exact loader must read the file."""
    tail = body[-200:]
    if ("|" in tail or ">" in tail) and _TRAILING_BLOCK_SCALAR.search(tail):
        raise _Differs
    try:
        document = yaml_rs.loads(body, parse_datetime=False)
    except Exception:  # syntax errors, duplicate keys: the exact loader says where
        raise _Differs from None
    if document is not None and not isinstance(document, (dict, list)):
        raise _Differs  # a scalar document is no manifest, and the parsers differ on odd ones
    if not _same_in_yaml11(document, rewritten):
        raise _Differs
    return _shared_copy(document, SHARED_STRINGS) if share_strings else document


def _same_in_yaml11(document: Any, rewritten: bool = False) -> bool:
    """Would go-yaml v2 have built the same data? (string keys, no YAML 1.1 booleans, int64)

    After the octal rewrite, a key or string holding "0o" means the rewrite may have touched
    text rather than a number (an octal line inside a block scalar or a multi-line string);
    it also sends the rare genuine "0o" string to the exact loader. This walk is the fast
    path's largest cost after parsing: scalars are tested inline, keys all at once at the end.
    """
    keys: List[Any] = []
    nodes = [document]
    for node in nodes:  # grows as nested containers turn up
        if type(node) is dict:
            keys += node
            values: Any = node.values()
        elif type(node) is list:
            values = node
        else:  # an empty document
            continue
        for value in values:
            kind = type(value)
            if kind is str:
                if value in YAML11_BOOLEANS or (rewritten and "0o" in value):
                    return False
            elif kind is dict or kind is list:
                nodes.append(value)
            elif kind is int and not INT64_MIN <= value <= INT64_MAX:
                return False
    return _keys_same_in_yaml11(keys, rewritten)


def _keys_same_in_yaml11(keys: List[Any], rewritten: bool) -> bool:
    """All strings, none a YAML 1.1 boolean, none the octal rewrite may have made. Tested at C
    speed: joining fails on a key that is not a string."""
    try:
        joined = "\n".join(keys)
    except TypeError:
        return False
    return YAML11_BOOLEANS.isdisjoint(keys) and not (rewritten and "0o" in joined)


class _Differs(Exception):
    """go-yaml v2 would have read this document differently."""


def _shared_copy(node: Any, strings: Dict[str, str]) -> Any:
    """A copy with keys and short strings shared through `strings` (a 60,000-object run holds
    millions of repeated keys: sharing them takes its memory down by a third). Recursion is
    bounded: deeply nested files never take this path."""
    if type(node) is dict:
        return {strings.setdefault(key, key): _shared_copy(value, strings) for key, value in node.items()}
    if type(node) is list:
        return [_shared_copy(value, strings) for value in node]
    if type(node) is str and len(node) <= SHARED_STRING_MAX:
        return strings.setdefault(node, node)
    return node
