"""Helm's `# Source:` comments: which template each document of a `helm template` stream came from.

Only a stream Helm wrote counts: the comment opens its document (it follows a `---` line, or
starts the file) and names a relative path. A `# Source: https://...` note a person wrote at
the top of a manifest, or a comment further down a document, names no template.
"""

from __future__ import annotations

import bisect
import re
from typing import List, Optional, Tuple

_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.M)
_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.M)


class SourceComments:
    """Where Helm's `# Source: chart/templates/x.yaml` comments are in a rendered stream."""

    def __init__(self, text: str) -> None:
        self._lines: List[int] = []  # 1-based line of each comment
        self._ends: List[int] = []  # 1-based line of the next document separator (or a large number)
        self._paths: List[str] = []
        if "# Source: " not in text:
            return
        separators = [text.count("\n", 0, m.start()) + 1 for m in _SEPARATOR.finditer(text)]
        for match in _SOURCE.finditer(text):
            path = match.group(1)
            line = text.count("\n", 0, match.start()) + 1
            if "://" in path or path.startswith("/") or not (line == 1 or line - 1 in separators):
                continue
            at = bisect.bisect_right(separators, line)
            self._lines.append(line)
            self._ends.append(separators[at] if at < len(separators) else 1 << 62)
            self._paths.append(path)

    def __bool__(self) -> bool:
        return bool(self._lines)

    def attribute(self, line: int) -> Optional[Tuple[str, int]]:
        """(template path, line within its rendered document) for a line of the stream."""
        at = bisect.bisect_right(self._lines, line) - 1
        if at < 0 or self._lines[at] == line or line >= self._ends[at]:
            return None
        return self._paths[at], line - self._lines[at]
