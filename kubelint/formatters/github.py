"""`--format github`: workflow commands that GitHub shows as annotations on pull-request lines."""

from __future__ import annotations

from .base import Formatter, fails, object_label, summary_counts
from .escape import stripped

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """GitHub's workflow-command escaping (%, CR, LF), after dropping every other control
    character: GitHub passes ESC and NUL on to the log and the annotation."""
    return stripped(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        lines = []
        for f in result.active():
            p = f.position
            properties = [f"file={escape_property(f.path)}", f"line={p.line}", f"col={p.column}"]
            if p.end_line > p.line or (p.end_line == p.line and p.end_column > p.column):
                properties += [f"endLine={p.end_line}", f"endColumn={p.end_column}"]
            properties.append(f"title={escape_property(f'{f.rule} {f.name}')}")
            lines.append(f"::{_LEVELS[f.severity.value]} {','.join(properties)}::{escape_data(f.message + object_label(f))}")
        counts = summary_counts(result)
        fail_on = self.options.fail_on
        failing = sum(1 for f in result.active() if fails(f.severity, fail_on))
        verdict = (f"fails: {failing} at or above {fail_on}" if failing
                   else f"passes: nothing at or above {fail_on}")
        lines.append(f"kubelint: {counts['files']} files, {counts['objects']} objects: {counts['errors']} errors, "
                     f"{counts['warnings']} warnings, {counts['infos']} infos; {verdict} (--fail-on {fail_on})")
        return "\n".join(lines) + "\n"
