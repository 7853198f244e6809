"""The formatter interface: a RunResult in, text out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Optional, TextIO

from ..named_tuple import NamedTuple

if TYPE_CHECKING:
    from ..findings import RunResult


class OutputOptions(NamedTuple):  # not a dataclass: 3x cheaper to define at start-up
    color: bool = False
    show_source: bool = False  # the source line and a caret under the column
    source_lines: Optional[Callable[[str, int], Optional[str]]] = None  # (path, line) -> text
    fail_on: str = "error"  # the lowest severity that fails the run (--fail-on)


class Formatter:
    def __init__(self, options: Optional[OutputOptions] = None) -> None:
        self.options = options or OutputOptions()

    def format(self, result: "RunResult") -> str:
        raise NotImplementedError

    def write(self, result: "RunResult", out: TextIO) -> None:
        """Write the report to `out`. A format whose report grows with the findings writes it
        in pieces (see json), so a large run never holds the whole text."""
        out.write(self.format(result))


def object_label(finding: "object") -> str:
    """` [Kind namespace/name]` after a finding's message, naming the kustomize overlay whose
    output held the object; empty for file-level findings."""
    ref = getattr(finding, "object", None)
    overlay = getattr(finding, "overlay", None)
    if ref is None:
        return f" [{overlay}]" if overlay else ""
    return f" [{ref.label()} in {overlay}]" if overlay else f" [{ref.label()}]"


def fails(severity: "object", fail_on: str) -> bool:
    """Does a finding of `severity` fail the run under --fail-on `fail_on`?"""
    from ..findings import Severity

    return severity.rank >= Severity.parse(fail_on).rank  # type: ignore[attr-defined]


def summary_counts(result: "RunResult") -> Dict[str, int]:
    from ..findings import Severity

    return {"files": result.files, "objects": result.objects, "skipped": result.skipped,
            "errors": result.count(Severity.ERROR), "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO), "suppressed": result.suppressed}
