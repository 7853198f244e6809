"""What `kubelint fix` (and `check --fix` / `--diff`) prints besides the findings that remain:
the diff, one line per fix applied, and a summary, on stderr unless it is the diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Sequence, TextIO

from ..findings import RunResult
from ..input.files import InputFile
from .runner import FixOutcome, Fixer, checked_roots, unified_diff

if TYPE_CHECKING:
    from ..run.engine import Checker


def run_fix(checker: "Checker", inputs: Sequence[InputFile], paths: Sequence[str], *, diff: bool,
            unsafe: bool, out: TextIO, err: TextIO) -> FixOutcome:
    """Fix (or with `diff`, print the diff of the fixes) and report; returns the outcome."""
    fixer = Fixer(checker, inputs, unsafe=unsafe, roots=checked_roots(paths))
    outcome = fixer.run(write=not diff)
    if diff:
        out.write("".join(unified_diff(state) for state in outcome.files))
    err.write("".join(report_lines(outcome, diff)))
    return outcome


def report_lines(outcome: FixOutcome, diff: bool) -> List[str]:
    lines = []
    verb = "would fix" if diff else "fixed"
    for planned in sorted(outcome.applied, key=lambda p: p.finding.sort_key()):
        f = planned.finding
        lines.append(f"{f.path}:{f.line}:{f.column}: {verb} {f.rule} ({planned.fix.applicability.value}): "
                     f"{planned.fix.description}\n")
    for path, why in outcome.problems:
        lines.append(f"kubelint: error: {path}: {why}\n")
    for path, bug in outcome.internal_errors:
        lines.append(f"kubelint: warning: {path}: not fixed, internal error ({bug})\n")
    files = len(outcome.files)
    summary = f"kubelint: {verb} {len(outcome.applied)} finding{'s' if len(outcome.applied) != 1 else ''}" \
              f" in {files} file{'s' if files != 1 else ''}"
    remaining = len(outcome.result.active())
    summary += f"; {remaining} remain{'s' if remaining == 1 else ''}"
    unsafe = outcome.unsafe_left()
    if unsafe:
        summary += f" ({unsafe} fixable with --unsafe-fixes)"
    lines.append(summary + "\n")
    return lines


def mark_fixable(checker: "Checker", inputs: Sequence[InputFile], result: RunResult) -> RunResult:
    """The check's result with `fixable` set where `kubelint fix` has a fix (for JSON output)."""
    return Fixer(checker, inputs).mark_fixable(result)
