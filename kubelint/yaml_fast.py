"""The fast parse path: yaml-rs (Rust, YAML 1.2) for files whose plain scalars mean the same
under Kubernetes' YAML 1.1 typing, PyYAML (kubelint.yaml_k8s) for every other file.

YAML 1.2 and go-yaml v2 disagree only on a few plain scalars (yes/no/on/off/y/n in their
cases, leading-zero octals) and on features this path leaves to the exact loader (anchors,
aliases and merge keys, tags, directives, tab indentation, non-string keys). A cheap regular
expression finds any of them in the raw text; a match, a parse error or a duplicate key
sends the file to the exact loader, which also reports errors with their positions. A false
match only costs speed.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional, Tuple

try:  # optional: without it every file takes the exact path
    import yaml_rs
except ImportError:  # pragma: no cover - depends on the platform and Python version
    yaml_rs = None

_END = r"(?=[ \t]*(?:$|[,\]}]|\#|:(?:[ \t]|$)))"  # end of a plain scalar (or of a key)
_START = r"(?:^|(?<=[\s\[{,]))"  # where a plain scalar may start
_EXACT_ONLY = re.compile(
    r"\r"  # CR line ends: the patterns below match at \n only
    r"|^%"  # directives
    r"|^\.\.\.(?:[ \t]|$)"  # document end markers
    r"|^---[ \t]+[^\s#]"  # content on the document marker line
    r"|^[|>]"  # a block scalar as a whole document
    r"|^[ ]*\t"  # tab indentation (libyaml rejects it, as go-yaml does)
    r"|(?:^[ \t]*|[:\-][ \t]+|[\[{,][ \t]*)[&*!](?=\S)"  # anchors, aliases, tags where a node starts
    + r"|<<"  # merge keys
    + r"|" + _START + r"(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)" + _END  # YAML 1.1 booleans
    + r"|" + _START + r"[-+]?0[0-9][0-9_.eE+-]*" + _END  # leading-zero octal numbers
    + r"|" + _START + r"[-+]?(?:[0-9][0-9a-zA-Z_.+-]*|\.[0-9][0-9_eE+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN))[ \t]*:(?:[ \t]|$)"  # numeric keys
    + r"|" + _START + r"[-+]?_[0-9_.]*" + _END  # underscore-led numbers: yaml-rs reads _0 as 0, go-yaml as a string
    + r"|" + _START + r"(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)[ \t]*:(?:[ \t]|$)"  # bool/null keys
    + r"|^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)"  # complex keys
    + r"|" + _START + r":(?:[ \t]|$)"  # an empty key
    + r"|[\[{,][ \t]*[\[{]"  # a flow collection that may be a key (and Helm's {{ ... }})
    + r"|^[ \t]*(?:-[ \t]+)*[\[{][^\n]*[\]}][ \t]*:(?:[ \t]|$)",  # a flow collection as a block key
    re.M,
)
# yaml-rs reads an empty block scalar at the end of a document as "\n"; libyaml as "".
_TRAILING_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\n\s*\Z")
_MARKER = re.compile(r"^---(?:[ \t]|$)", re.M)
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)


def available() -> bool:
    return yaml_rs is not None


def fast_load(text: str) -> Optional[Tuple[List[Any], List[int]]]:
    """(documents, 0-based first content line of each) or None: use the exact loader."""
    if yaml_rs is None or _EXACT_ONLY.search(text):
        return None
    if text and not text.endswith("\n"):
        return None  # yaml-rs adds a line break to a block scalar that ends the file; libyaml does not
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
        if _TRAILING_BLOCK_SCALAR.search(body):
            return None
        try:
            document = yaml_rs.loads(body, parse_datetime=False)
        except Exception:  # syntax errors, duplicate keys: the exact loader says where
            return None
        if document is not None and not isinstance(document, (dict, list)):
            return None  # a scalar document is no manifest, and the parsers differ on odd ones
        documents.append(document)
        first = content.start() if content is not None else body_start
        lines.append(text.count("\n", 0, first))
    return documents, lines
