"""`--format text`: one line per finding, the source line with a caret on a terminal, a summary."""

from __future__ import annotations

from typing import List

from ..findings import Severity
from .base import Formatter, summary_counts
from .escape import visible

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class TextFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        color = self.options.color
        lines: List[str] = []
        for f in result.active():
            severity = f.severity.value
            if color:
                severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
            where = f"{visible(f.path)}:{f.line}:{f.column}:"
            if color:
                where = f"{_BOLD}{where}{_RESET}"
            label = f" [{f.object.label()}]" if f.object else ""
            lines.append(f"{where} {severity} {f.rule} {visible(f.message + label)}")
            if self.options.show_source and self.options.source_lines:
                source = self.options.source_lines(f.path, f.line)
                if source is not None:
                    source = visible(source.rstrip("\n").expandtabs(1))
                    lines.append(f"    {source}")
                    caret = " " * (f.column - 1) + "^"
                    lines.append(f"    {_COLORS[f.severity] if color else ''}{caret}{_RESET if color else ''}")
        counts = summary_counts(result)
        summary = (f"{_plural(counts['files'], 'file')}, {_plural(counts['objects'], 'object')}"
                   f" ({counts['skipped']} skipped): {_plural(counts['errors'], 'error')}, "
                   f"{_plural(counts['warnings'], 'warning')}, {_plural(counts['infos'], 'info')}")
        if counts["suppressed"]:
            summary += f", {counts['suppressed']} suppressed"
        lines.append(f"{_DIM}{summary}{_RESET}" if color else summary)
        return "\n".join(lines) + "\n"
