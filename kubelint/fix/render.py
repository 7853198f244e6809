"""New values written the way the file writes them: scalars in the node's quote style, blocks
with the file's indentation, JSON as JSON.

A plain scalar is written plain only if Kubernetes' YAML 1.1 typing reads it back as the same
string (`yes`, `0644`, `1e3`, `~` get quotes). Block collections are dumped with ruamel.yaml in
YAML 1.1 mode (so it quotes those scalars too) with the file's mapping indent and dash offset.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, List, Optional

from ..input.yaml_k8s import resolve_plain
from .tree import Layout

STR_TAG = "tag:yaml.org,2002:str"
# Characters a plain scalar may hold here; anything else gets quotes. ':' is left out because
# in a flow collection it ends a plain scalar.
_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./+=@-]*\Z")


def plain_ok(text: str) -> bool:
    """Can `text` be written as a plain scalar and read back as this string?"""
    return bool(_PLAIN.match(text)) and resolve_plain(text) == STR_TAG


def double_quoted(text: str) -> str:
    # JSON's escapes are all YAML double-quoted escapes too.
    return json.dumps(text, ensure_ascii=False)


def scalar(value: Any, style: Optional[str] = None, is_json: bool = False) -> str:
    """A scalar's text. `style`: the quote style to keep ('"' or "'"), or None for plain
    where possible."""
    if is_json:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    if style == "'" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    if style != '"' and plain_ok(text):
        return text
    return double_quoted(text)


def flow(value: Any) -> str:
    """A value in YAML flow style: `{name: web, port: {number: 80}}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def block_entry(key: str, value: Any, layout: Layout, column: int, newline: str) -> str:
    """`key: value` as block YAML whose first line starts at `column` (its indentation is not
    included) and whose other lines are indented for that column."""
    if not isinstance(value, (dict, list)) or not value:
        return f"{scalar(key)}: {flow(value) if isinstance(value, (dict, list)) else scalar(value)}"
    lines = _ruamel_block({key: value}, layout)
    return (newline + " " * column).join(lines)


def _ruamel_block(value: Any, layout: Layout) -> List[str]:
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.version = (1, 1)  # quote what YAML 1.1 would retype (yes, on, y, 0644)
    yaml.indent(mapping=layout.mapping, sequence=layout.dash_offset + 2, offset=layout.dash_offset)
    yaml.width = 1 << 30  # never fold a long line
    buffer = io.StringIO()
    yaml.dump(_quoted_where_retyped(value), buffer)
    lines = buffer.getvalue().split("\n")
    if lines and lines[0].startswith("%YAML"):
        lines = lines[lines.index("---") + 1:] if "---" in lines else lines[1:]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _quoted_where_retyped(value: Any) -> Any:
    """Strings that Kubernetes' typing would read as something else (go-yaml also takes 0o17,
    0b1 and 1_000 as numbers, where ruamel's YAML 1.1 does not) forced into double quotes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        return {_quoted_where_retyped(k): _quoted_where_retyped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_quoted_where_retyped(v) for v in value]
    if isinstance(value, str) and (value == "" or resolve_plain(value) != STR_TAG):
        return DoubleQuotedScalarString(value)
    return value


def json_entry(key: str, value: Any, indent: Optional[str], base: str, newline: str) -> str:
    """`"key": value` as JSON; nested lines are indented by `indent` more than `base`."""
    return f"{json.dumps(key, ensure_ascii=False)}: {json_value(value, indent, base, newline)}"


def json_value(value: Any, indent: Optional[str], base: str, newline: str) -> str:
    if indent is None or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    lines = json.dumps(value, ensure_ascii=False, indent=indent).split("\n")
    return (newline + base).join(lines)
