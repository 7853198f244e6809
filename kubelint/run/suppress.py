"""Suppressions: the `kubelint.io/ignore` annotation, `# kubelint: disable-...` comments and
per-file ignores from config; and the report of those that matched nothing."""

from __future__ import annotations

import fnmatch
from typing import Dict, List, Optional, Set, Tuple

from ..lazy_regex import lazy_compile
from ..findings import Position

ANNOTATION = "kubelint.io/ignore"
_COMMENT = lazy_compile(r"#\s*kubelint:\s*(disable-line|disable-next-line|disable-file)\s*=\s*([\w\-, ]+)")


class Suppression:
    """One suppression and the rule keys (ids or names) it names, and which of them were used.
    A plain class, not a dataclass: cheaper to define on every start."""

    __slots__ = ("keys", "position", "scope", "line", "used")

    def __init__(self, keys: List[str], position: Position, scope: str, line: int = 0) -> None:
        self.keys = keys
        self.position = position
        self.scope = scope  # "line", "file" or "object"
        self.line = line  # the line it covers, for "line"
        self.used: Set[str] = set()


def parse_keys(text: str) -> List[str]:
    """`"KL301, latest-tag -- reason"` -> ["KL301", "latest-tag"]. The reason starts at the
    first "--" (rule names have single hyphens only), with or without spaces around it."""
    return [k.strip() for k in text.split("--", 1)[0].split(",") if k.strip()]


def comment_suppressions(text: str) -> List[Suppression]:
    """Comment directives of one file (cheap: only files that mention `kubelint:` are scanned)."""
    if "kubelint:" not in text:
        return []
    found: List[Suppression] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "kubelint:" not in line:
            continue
        for match in _COMMENT.finditer(line):
            directive, keys = match.group(1), parse_keys(match.group(2))
            column = match.start() + 1
            position = Position(number, column, number, match.end() + 1)
            if directive == "disable-file":
                found.append(Suppression(keys, position, "file"))
            else:
                target = number if directive == "disable-line" else number + 1
                found.append(Suppression(keys, position, "line", target))
    return found


def matches(keys: List[str], rule_id: str, rule_name: str) -> Optional[str]:
    for key in keys:
        if key.upper() == rule_id or key == rule_name or key == "all":
            return key
    return None


def per_file_ignored(path: str, per_file: Dict[str, List[str]], rule_id: str, rule_name: str) -> bool:
    for pattern, keys in per_file.items():
        if fnmatch.fnmatch(path, pattern) and matches(keys, rule_id, rule_name):
            return True
    return False


def annotation_keys(metadata: dict) -> Tuple[List[str], bool]:
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(value, str):
        return [], False
    return parse_keys(value), True
