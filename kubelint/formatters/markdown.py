"""`--format markdown`: a report for a person reading a page, such as a GitHub job summary
(`--output markdown:$GITHUB_STEP_SUMMARY`). GitHub shows at most 10 error and 10 warning
annotations per step; the summary lists every finding up to a cap.

The verdict (as the exit code gives it), counts per severity and per rule, then a table of
findings, each linked to its line when the run is on GitHub (GITHUB_SERVER_URL,
GITHUB_REPOSITORY and GITHUB_SHA are set), capped with a note of how many more there are.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import List, Optional
from urllib.parse import quote

from .base import Formatter, fails, object_label, summary_counts

MAX_ROWS = 200
_ICONS = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no HTML."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;").replace("`", "'"))


def _link_base() -> Optional[str]:
    server, repository, sha = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repository and sha):
        return None
    return f"{server.rstrip('/')}/{repository}/blob/{sha}/"


def _repository_path(path: str) -> Optional[str]:
    """`path` relative to the repository (GITHUB_WORKSPACE, else the working directory)."""
    if path == "-":
        return None
    workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(workspace))
    return None if relative.startswith("..") else relative.replace(os.sep, "/")


class MarkdownFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        findings = result.active()
        counts = summary_counts(result)
        fail_on = self.options.fail_on
        failing = sum(1 for f in findings if fails(f.severity, fail_on))
        verdict = (f"❌ **Failed**: {failing} finding{'' if failing == 1 else 's'} at or above `{fail_on}`"
                   if failing else f"✅ **Passed**: nothing at or above `{fail_on}`")
        lines: List[str] = [
            "## kubelint", "", verdict, "",
            f"{counts['files']} files, {counts['objects']} objects: {counts['errors']} errors, "
            f"{counts['warnings']} warnings, {counts['infos']} infos"
            + (f", {counts['suppressed']} suppressed" if counts["suppressed"] else ""), ""]
        if not findings:
            return "\n".join(lines) + "\n"
        per_rule = Counter((f.rule, f.name, f.severity.value) for f in findings)
        lines += ["| rule | severity | findings |", "| --- | --- | ---: |"]
        for (rule, name, severity), count in sorted(per_rule.items(),
                                                    key=lambda item: (-_rank(item[0][2]), -item[1], item[0][0])):
            lines.append(f"| {rule} {name} | {_ICONS[severity]} {severity} | {count} |")
        lines += ["", "| | where | rule | message |", "| --- | --- | --- | --- |"]
        base = _link_base()
        ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key()))
        for f in ordered[:MAX_ROWS]:
            where = f"{f.path}:{f.line}"
            relative = _repository_path(f.path)
            if base is not None and relative is not None:
                where = f"[{_cell(where)}]({base}{quote(relative)}#L{f.line})"
            else:
                where = _cell(where)
            lines.append(f"| {_ICONS[f.severity.value]} | {where} | {f.rule} | "
                         f"{_cell(f.message + object_label(f))} |")
        if len(ordered) > MAX_ROWS:
            lines += ["", f"… and {len(ordered) - MAX_ROWS} more findings (the full list is in the step's log)."]
        return "\n".join(lines) + "\n"


def _rank(severity: str) -> int:
    return {"error": 3, "warning": 2, "info": 1}[severity]
