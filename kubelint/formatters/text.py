"""`--format text`: one line per finding, the source line with a caret on a terminal, a summary."""

from __future__ import annotations

from typing import Iterator, List, TextIO

from ..findings import Severity
from .base import Formatter, object_label, summary_counts
from .escape import visible

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# Lines written at a time: a large run's whole report as one string (and its list of lines) was
# the peak of its memory.
_BATCH = 2048


class TextFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        return "".join(line + "\n" for line in self._lines(result))

    def write(self, result, out: TextIO) -> None:  # type: ignore[no-untyped-def]
        batch: List[str] = []
        for line in self._lines(result):
            batch.append(line + "\n")
            if len(batch) == _BATCH:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))

    def _lines(self, result) -> Iterator[str]:  # type: ignore[no-untyped-def]
        color = self.options.color
        findings = result.active()
        group = 0  # where the findings on the current line start
        for number, f in enumerate(findings):
            if number and (findings[number - 1].path, findings[number - 1].line) != (f.path, f.line):
                group = number
            severity = f.severity.value
            if color:
                severity = f"{_COLORS[f.severity]}{severity}{_RESET}"
            where = f"{visible(f.path)}:{f.line}:{f.column}:"
            if color:
                where = f"{_BOLD}{where}{_RESET}"
            yield f"{where} {severity} {f.rule} {visible(f.message + object_label(f))}"
            following = findings[number + 1] if number + 1 < len(findings) else None
            if following is not None and (following.path, following.line) == (f.path, f.line):
                continue  # findings on one line share one source snippet, after the last of them
            if self.options.show_source and self.options.source_lines:
                source = self.options.source_lines(f.path, f.line)
                if source is not None:
                    yield from self._snippet(source, findings[group:number + 1])
        counts = summary_counts(result)
        summary = (f"{_plural(counts['files'], 'file')}, {_plural(counts['objects'], 'object')}"
                   f" ({counts['skipped']} skipped): {_plural(counts['errors'], 'error')}, "
                   f"{_plural(counts['warnings'], 'warning')}, {_plural(counts['infos'], 'info')}")
        if counts["suppressed"]:
            summary += f", {counts['suppressed']} suppressed"
        yield f"{_DIM}{summary}{_RESET}" if color else summary

    def _snippet(self, source: str, on_line: List) -> List[str]:  # type: ignore[type-arg]
        """The source line, and a caret under each column a finding points at (coloured by the
        most severe finding there)."""
        color = self.options.color
        source = visible(source.rstrip("\n").expandtabs(1))
        worst = {}
        for f in on_line:
            if f.column not in worst or f.severity.rank > worst[f.column].rank:
                worst[f.column] = f.severity
        carets = ""
        for column in sorted(worst):
            carets += " " * max(0, column - 1 - len(_visible(carets)))
            caret = "^"
            carets += f"{_COLORS[worst[column]]}{caret}{_RESET}" if color else caret
        return [f"    {source}", f"    {carets}"]


def _visible(text: str) -> str:
    for code in list(_COLORS.values()) + [_RESET]:
        text = text.replace(code, "")
    return text
