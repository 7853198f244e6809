"""Helm's `# Source:` comments: which template each document of a `helm template` stream came from.

Only a stream Helm wrote counts: the comment opens its document (it follows a `---` line, or
starts the file) and names a relative path. A `# Source: https://...` note a person wrote at
the top of a manifest, or a comment further down a document, names no template.
"""

from __future__ import annotations

import bisect
import re
from typing import List, Optional, Tuple

from ..lazy_regex import lazy_compile

SOURCE_PREFIX = "# Source: "
_SEPARATOR = lazy_compile(r"^---(?:[ \t].*)?$", re.M)


class SourceComments:
    """Where Helm's `# Source: chart/templates/x.yaml` comments are in a rendered stream."""

    def __init__(self, text: str) -> None:
        self._lines: List[int] = []  # 1-based line of each comment
        self._ends: List[int] = []  # 1-based line of the next document separator (or a large number)
        self._paths: List[str] = []
        if SOURCE_PREFIX not in text:
            return
        # Find loops and running line counts, not `^# Source: (\S.*?)\s*$` and a count from
        # the start per comment: those took quadratic time (a long run of spaces, many documents).
        separators: List[int] = []
        line, counted = 1, 0
        for match in _SEPARATOR.finditer(text):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            separators.append(line)
        opens_document = set(separators)
        line, counted = 1, 0
        start = 0 if text.startswith(SOURCE_PREFIX) else _next_comment(text, 0)
        while start != -1:
            end = text.find("\n", start)
            end = len(text) if end == -1 else end
            line += text.count("\n", counted, start)
            counted = start
            path = text[start + len(SOURCE_PREFIX):end].rstrip()
            if (path and not path[0].isspace() and "://" not in path and not path.startswith("/")
                    and (line == 1 or line - 1 in opens_document)):
                at = bisect.bisect_right(separators, line)
                self._lines.append(line)
                self._ends.append(separators[at] if at < len(separators) else 1 << 62)
                self._paths.append(path)
            start = _next_comment(text, end)

    def __bool__(self) -> bool:
        return bool(self._lines)

    def attribute(self, line: int) -> Optional[Tuple[str, int]]:
        """(template path, line within its rendered document) for a line of the stream."""
        at = bisect.bisect_right(self._lines, line) - 1
        if at < 0 or self._lines[at] == line or line >= self._ends[at]:
            return None
        return self._paths[at], line - self._lines[at]


def _next_comment(text: str, after: int) -> int:
    """Offset of the next line at or after `after` that starts with `# Source: `, or -1."""
    found = text.find("\n" + SOURCE_PREFIX, after)
    return -1 if found == -1 else found + 1
