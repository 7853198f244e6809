"""A small block-style YAML writer that renders manifests the way people type them."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Comments", "Octal", "Quoted", "Style", "emit_document", "scalar"]


class Quoted(str):
    """A string that a person would quote even where YAML does not need it."""


class Octal(int):
    """An int that a person writes in octal, like file modes (`defaultMode: 0440`)."""


@dataclass(frozen=True)
class Style:
    """Per-file habits: how lists are indented, which quotes, flow lists for short scalars."""

    indent_sequences: bool = True  # "containers:\n  - name" (True) or kubectl's "containers:\n- name"
    single_quotes: bool = False
    flow_scalar_lists: bool = False  # verbs: ["get", "list"]


@dataclass
class Comments:
    """Comments keyed by the path of the key they annotate."""

    above: dict[tuple[Any, ...], str] = field(default_factory=dict)
    inline: dict[tuple[Any, ...], str] = field(default_factory=dict)


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
# go-yaml v2 (YAML 1.1) also reads these as booleans; PyYAML does not.
_GO_BOOLS = {"y", "Y", "n", "N"}
_PLAIN_OK = re.compile(r"[A-Za-z0-9_./$(][^\x00-\x1f\"'`#]*")
_SCALAR_CACHE: dict[tuple[str, bool], str] = {}


def _needs_quotes(s: str) -> bool:
    if not s or s != s.strip() or s in _GO_BOOLS:
        return True
    if not _PLAIN_OK.fullmatch(s):
        return True
    if ": " in s or " #" in s or s.endswith(":") or any(c in s for c in "{}[],&*!|>%@"):
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) != _STR_TAG


def scalar(value: Any, style: Style = Style()) -> str:
    """Render one scalar so that a YAML 1.1 reader gets the same value back."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, Octal):
        return "0" + format(int(value), "o")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot render {type(value).__name__}")
    quoted = isinstance(value, Quoted)
    key = (value, style.single_quotes)
    if not quoted:
        cached = _SCALAR_CACHE.get(key)
        if cached is not None:
            return cached
    if quoted or _needs_quotes(value):
        if style.single_quotes and "'" not in value and value.isprintable():
            out = f"'{value}'"
        else:
            out = json.dumps(value, ensure_ascii=False)
    else:
        out = value
    if not quoted and len(_SCALAR_CACHE) < 200_000:
        _SCALAR_CACHE[key] = out
    return out


def _block_literal(text: str, indent: int) -> list[str]:
    """Lines of a `|` / `|-` block scalar body (the header goes on the key's line)."""
    pad = " " * indent
    body = text[:-1] if text.endswith("\n") else text
    return [pad + line if line else "" for line in body.split("\n")]


def _literal_header(text: str) -> str:
    return "|" if text.endswith("\n") else "|-"


def _is_literal(value: Any) -> bool:
    return (
        isinstance(value, str)
        and "\n" in value
        and not value.startswith((" ", "\n"))
        and not value.endswith("\n\n")
        and all(not line.endswith(" ") for line in value.split("\n"))
    )


class _Writer:
    def __init__(self, style: Style, comments: Comments) -> None:
        self.style = style
        self.comments = comments
        self.out: list[str] = []

    def mapping(self, d: dict[str, Any], indent: int, path: tuple[Any, ...]) -> None:
        pad = " " * indent
        above = self.comments.above
        inline = self.comments.inline
        for k, v in d.items():
            p = path + (k,)
            if above and p in above:
                self.out.append(f"{pad}# {above[p]}")
            key = scalar(k, self.style)
            if isinstance(v, dict):
                if v:
                    self.out.append(f"{pad}{key}:")
                    self.mapping(v, indent + 2, p)
                else:
                    self.out.append(f"{pad}{key}: {{}}")
            elif isinstance(v, list):
                if not v:
                    self.out.append(f"{pad}{key}: []")
                elif self.style.flow_scalar_lists and _short_scalar_list(v):
                    items = ", ".join(scalar(Quoted(x) if isinstance(x, str) else x, self.style) for x in v)
                    self.out.append(f"{pad}{key}: [{items}]")
                else:
                    self.out.append(f"{pad}{key}:")
                    self.sequence(v, indent + 2 if self.style.indent_sequences else indent, p)
            elif _is_literal(v):
                self.out.append(f"{pad}{key}: {_literal_header(v)}")
                self.out.extend(_block_literal(v, indent + 2))
            else:
                line = f"{pad}{key}: {scalar(v, self.style)}"
                if inline and p in inline:
                    line += f"  # {inline[p]}"
                self.out.append(line)

    def sequence(self, items: list[Any], indent: int, path: tuple[Any, ...]) -> None:
        pad = " " * indent
        for i, item in enumerate(items):
            p = path + (i,)
            if isinstance(item, dict) and item:
                start = len(self.out)
                self.mapping(item, indent + 2, p)
                first = self.out[start]
                if first.lstrip().startswith("#"):
                    raise ValueError(f"comment on the first key of a list item at {p}")
                self.out[start] = pad + "- " + first[indent + 2 :]
            elif isinstance(item, (dict, list)):
                raise ValueError(f"unsupported nested collection at {p}")
            elif _is_literal(item):
                self.out.append(f"{pad}- {_literal_header(item)}")
                self.out.extend(_block_literal(item, indent + 2))
            else:
                self.out.append(f"{pad}- {scalar(item, self.style)}")


def _short_scalar_list(v: list[Any]) -> bool:
    return len(v) <= 6 and all(isinstance(x, str) and "\n" not in x and len(x) < 24 for x in v)


def emit_document(obj: dict[str, Any], style: Style = Style(), comments: Comments | None = None) -> str:
    """Render one document body (no `---`), ending with a newline."""
    w = _Writer(style, comments or Comments())
    w.mapping(obj, 0, ())
    return "\n".join(w.out) + "\n"
