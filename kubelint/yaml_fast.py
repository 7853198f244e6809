"""The fast parse path: yaml-rs (Rust, YAML 1.2) for files it reads exactly as Kubernetes'
YAML 1.1 typing would, PyYAML (kubelint.yaml_k8s) for every other file.

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

from .yaml_k8s import SHARED_STRING_MAX, SHARED_STRINGS

try:  # optional: without it every file takes the exact path
    import yaml_rs
except ImportError:  # pragma: no cover - depends on the platform and Python version
    yaml_rs = None

# Plain scalars go-yaml v2 reads as booleans. Quoted ones parse to the same string, so a
# string equal to one of these (rare in manifests) sends the file to the exact loader.
YAML11_BOOLEANS = frozenset({"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                             "on", "On", "ON", "off", "Off", "OFF"})
INT64_MAX = 2**63 - 1

# Each pattern starts with a literal so the regex engine can skip ahead quickly.
# Numbers the two typings read differently: leading-zero ones other than plain octals (09,
# 0_1), signed ones with a base prefix (+0x1F), underscore-led ones (_1). Unsigned 0x/0o/0b
# prefixes mean the same in both.
_NUMBER_PREFIXES = re.compile(
    r"[0_](?:(?<=[\s\[,][0_])|(?<=[\s\[,][-+][0_]))"
    r"(?:(?<=0)(?:[0-9_]|(?<=[-+]0)[xXoObB])|(?<=_)[0-9_])")
# YAML 1.1 octals written as plain scalars (defaultMode: 0644): rewritten to YAML 1.2's 0o644,
# which yaml-rs reads as the same number. Lines and line numbers do not change.
_PLAIN_OCTAL = re.compile(r"(?<=[\s\[,])0(?=[0-7]+" + r"(?=[ \t]*(?:$|[,\]}]|\#)))", re.M)
_NODE_PROPERTY = re.compile(r"[&*!](?=\S)")  # anchor, alias or tag candidates
_STRUCTURE = re.compile(r"^(?:%|\.\.\.(?:[ \t]|$)|---[ \t]+[^\s#])", re.M)  # directives, ends, marker content


def _has_node_property(text: str) -> bool:
    """An anchor, alias or tag where a node starts (after `: `, `- `, a flow bracket or comma,
    or at the start of a line); a `*` inside a plain string such as a cron schedule is not."""
    for match in _NODE_PROPERTY.finditer(text):
        before = text[max(0, match.start() - 40):match.start()].rstrip(" \t")
        if not before or before[-1] in "\n:-[{,":
            return True
    return False


# yaml-rs reads an empty block scalar at the end of a document as "\n"; libyaml as "".
_TRAILING_BLOCK_SCALAR = re.compile(r"(?:[:\-][ \t]+|^[ \t]*)[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\n\s*\Z", re.M)
_MARKER = re.compile(r"^---(?:[ \t]|$)", re.M)
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)


def available() -> bool:
    return yaml_rs is not None


def fast_load(text: str, share_strings: bool = False) -> Optional[Tuple[List[Any], List[int]]]:
    """(documents, 0-based first content line of each) or None: use the exact loader.

    With `share_strings`, documents are rebuilt with one shared copy of each key and short
    string: slower, but it takes a large run's memory down by a third.
    """
    if yaml_rs is None or "\r" in text or "\t" in text or "<<" in text or (text and not text.endswith("\n")):
        # CR ends defeat the line patterns; the parsers differ on tabs; merge keys are YAML
        # 1.1 only; yaml-rs adds a line break to a block scalar that ends the file.
        return None
    rewritten = False
    if _NUMBER_PREFIXES.search(text):
        text, rewritten = _PLAIN_OCTAL.subn("0o", text)
        if _NUMBER_PREFIXES.search(text):
            return None
    if ("%" in text or "..." in text or "--- " in text) and _STRUCTURE.search(text):
        return None
    if ("&" in text or "*" in text or "!" in text) and _has_node_property(text):
        return None
    documents: List[Any] = []
    lines: List[int] = []
    bounds = [m.start() for m in _MARKER.finditer(text)]
    segments = ([(0, bounds[0])] if bounds else [(0, len(text))]) + \
        [(start, bounds[i + 1] if i + 1 < len(bounds) else len(text)) for i, start in enumerate(bounds)]
    for number, (start, end) in enumerate(segments):
        body_start = text.find("\n", start, end) + 1 if number > 0 else start  # after the marker line
        if number > 0 and body_start == 0:
            body_start = end
        content = _CONTENT_LINE.search(text, body_start, end)
        if number == 0 and content is None:
            continue  # comments or nothing before the first marker: not a document
        body = text[body_start:end]
        if _TRAILING_BLOCK_SCALAR.search(body[-200:]):
            return None
        try:
            document = yaml_rs.loads(body, parse_datetime=False)
        except Exception:  # syntax errors, duplicate keys: the exact loader says where
            return None
        if document is not None and not isinstance(document, (dict, list)):
            return None  # a scalar document is no manifest, and the parsers differ on odd ones
        try:
            if share_strings:
                document = _rebuild(document, SHARED_STRINGS, rewritten)
            elif not _same_in_yaml11(document, rewritten):
                return None
        except (_Differs, RecursionError):
            return None
        documents.append(document)
        first = content.start() if content is not None else body_start
        lines.append(text.count("\n", 0, first))
    return documents, lines


def _same_in_yaml11(document: Any, rewritten: bool = False) -> bool:
    """Would go-yaml v2 have built the same data? (string keys, no YAML 1.1 booleans, int64)

    After the octal rewrite, a key or string holding "0o" means the rewrite may have touched
    text rather than a number (an octal line inside a block scalar or a multi-line string);
    it also sends the rare genuine "0o" string to the exact loader.
    """
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(type(key) is not str or _differs(key, rewritten) for key in node):
                return False
            values: Any = node.values()
        elif isinstance(node, list):
            values = node
        else:  # an empty document
            continue
        for value in values:
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif _differs(value, rewritten):
                return False
    return True


def _differs(value: Any, rewritten: bool) -> bool:
    """A scalar go-yaml v2 would read differently, or that the octal rewrite may have made."""
    if type(value) is str:
        return value in YAML11_BOOLEANS or (rewritten and "0o" in value)
    return type(value) is int and not -INT64_MAX - 1 <= value <= INT64_MAX


class _Differs(Exception):
    """go-yaml v2 would have read this document differently."""


def _rebuild(node: Any, strings: Dict[str, str], rewritten: bool = False) -> Any:
    """A copy with keys and short strings shared through `strings` (a 60,000-object run holds
    millions of repeated keys: sharing them takes its memory down by a third), checked on the
    way as _same_in_yaml11 checks: _Differs when go-yaml v2 would read it differently.
    Recursion is bounded: deeply nested files never take this path."""
    if isinstance(node, dict):
        copy = {}
        for key, value in node.items():
            if type(key) is not str or _differs(key, rewritten):
                raise _Differs
            copy[strings.setdefault(key, key)] = _rebuild(value, strings, rewritten)
        return copy
    if isinstance(node, list):
        return [_rebuild(value, strings, rewritten) for value in node]
    if _differs(node, rewritten):
        raise _Differs
    if type(node) is str and len(node) <= SHARED_STRING_MAX:
        return strings.setdefault(node, node)
    return node
