"""`kubelint fix`: check, fix what can be fixed, check again, until nothing more changes.

Each pass fixes the findings of the whole set's check (cross-object rules included) and checks
the set again with the fixed texts, so a fix that reveals another fixable finding (a migrated
Ingress whose path then lacks a pathType) is fixed in the next pass. Files are written only
at the end, each atomically; the result reports what remains.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from ..findings import Applicability, Finding, RunResult
from ..input.files import InputFile
from .providers import Provider, providers

if TYPE_CHECKING:
    from ..run.engine import Checker
    from .planner import Planned

# A run with nothing to fix imports no more than this module and the providers' cheap `wants`:
# the planner (PyYAML node trees, rendering) is imported when some finding has a candidate fix.

MAX_PASSES = 6  # each pass re-checks the whole set; fixes reach a fixed point in two or three


@dataclass
class FileState:
    """A file being fixed: the bytes read, and its text now."""

    path: str
    real_path: str
    read: bytes
    original: str  # the text read (without its BOM)
    text: str
    bom: bool = False

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def encoded(self) -> bytes:
        return ("\ufeff" if self.bom else "").encode("utf-8") + self.text.encode("utf-8")


@dataclass
class FixOutcome:
    result: RunResult  # the check of the fixed files: what remains
    applied: List[Planned] = field(default_factory=list)  # the findings fixed (in the files as read)
    files: List[FileState] = field(default_factory=list)  # the files that changed
    problems: List[Tuple[str, str]] = field(default_factory=list)  # (path, why it was not written)
    internal_errors: List[Tuple[str, str]] = field(default_factory=list)  # (path, the bug): not fixed

    def unsafe_left(self) -> int:
        return sum(1 for f in self.result.active()
                   if f.fix is not None and f.fix.applicability == Applicability.UNSAFE)


class Fixer:
    """One `kubelint fix` run over a checker and its inputs."""

    def __init__(self, checker: "Checker", inputs: Sequence[InputFile], unsafe: bool = False,
                 roots: Sequence[str] = (), chosen: Optional[Sequence[Provider]] = None) -> None:
        self.checker = checker
        self.inputs = list(inputs)
        self.unsafe = unsafe
        self.roots = list(roots)
        self.providers = list(chosen) if chosen is not None else providers()
        # Only files read from disk can be fixed (not stdin, not rendered kustomize output).
        self._fixable = {item.path: item for item in self.inputs if item.content is None and item.real_path != "-"}
        self._states: Dict[str, FileState] = {}
        self._unreadable: set = set()
        self._real_paths: Dict[str, str] = {}  # real file -> the path it is fixed through
        self.internal_errors: List[Tuple[str, str]] = []  # (path, what went wrong): left unfixed

    def run(self, write: bool = True) -> FixOutcome:
        result = self.checker.run(self.inputs)
        applied: List[Planned] = []
        for _ in range(MAX_PASSES):
            result, done = self._pass(result, apply=True)
            if not done:
                break
            applied.extend(done)
            result = self.checker.run(self._current_inputs())
        else:
            result, _ = self._pass(result, apply=False)
        outcome = FixOutcome(result, applied, [s for s in self._states.values() if s.changed])
        outcome.internal_errors = self.internal_errors
        if write and outcome.files:
            self._write(outcome)
        return outcome

    def mark_fixable(self, result: RunResult) -> RunResult:
        """`result` with each finding that has a fix marked fixable (what `check` reports)."""
        marked, _ = self._pass(result, apply=False)
        return marked

    # -- passes --------------------------------------------------------------------------

    def _pass(self, result: RunResult, apply: bool) -> Tuple[RunResult, List[Planned]]:
        """Plan (and with `apply`, apply) the fixes of `result`'s findings; returns `result`
        with fixable findings marked, and the fixes applied."""
        wanted: Dict[str, List[Finding]] = {}
        for finding in result.active():
            if finding.path in self._fixable and any(p.wants(finding) for p in self.providers):
                wanted.setdefault(finding.path, []).append(finding)
        if not wanted:
            return result, []
        from .planner import FilePlanner
        from .providers.base import FixContext

        context = FixContext(self.checker.store, frozenset(
            ref.name for _, ref in result.checked if ref.kind == "IngressClass" and ref.name))
        fixes: Dict[int, Planned] = {}
        applied: List[Planned] = []
        for path, findings in wanted.items():
            state = self._state(path)
            if state is None:
                continue
            try:
                planner = FilePlanner(path, state.text, context, self.providers)
                planned = planner.plan(findings)
                text, done = planner.apply(planned, self.unsafe) if apply and planned else (state.text, [])
            except Exception as exc:  # a bug must not stop the run: this file stays as it is
                self.internal_errors.append((path, f"{type(exc).__name__}: {exc}"))
                self._unreadable.add(path)  # no more fixes here; those of earlier passes stand
                continue
            fixes.update((id(p.finding), p) for p in planned)
            if done:
                state.text = text
                applied.extend(done)
        if not fixes:
            return result, applied
        findings = [f.replace(fixable=True, fix=fixes[id(f)].fix) if id(f) in fixes else f
                    for f in result.findings]
        return RunResult(**{**result.__dict__, "findings": findings}), applied

    def _state(self, path: str) -> Optional[FileState]:
        if path in self._unreadable:
            return None
        if path in self._states:
            return self._states[path]
        item = self._fixable[path]
        # Two paths to one file (a symlink beside its target) are fixed through the first.
        real = os.path.realpath(item.real_path)
        if self._real_paths.setdefault(real, path) != path:
            self._unreadable.add(path)
            return None
        try:
            with open(item.real_path, "rb") as handle:
                read = handle.read()
            text = read.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            self._unreadable.add(path)
            return None
        bom = text.startswith("\ufeff")
        text = text[1:] if bom else text
        state = self._states[path] = FileState(path, item.real_path, read, text, text, bom)
        return state

    def _current_inputs(self) -> List[InputFile]:
        return [item._replace(content=self._states[item.path].encoded())
                if item.path in self._states and self._states[item.path].changed else item
                for item in self.inputs]

    # -- writing -------------------------------------------------------------------------

    def _write(self, outcome: FixOutcome) -> None:
        from .write import replace_file, writable_path

        for state in outcome.files:
            target, why = writable_path(state.real_path, self.roots)
            if target is not None:
                why = replace_file(target, state.encoded(), state.read)
            if why is not None:
                outcome.problems.append((state.path, why))
                state.text = state.original
        if outcome.problems:  # report what is on disk: those files as they were
            failed = {path for path, _ in outcome.problems}
            outcome.applied = [p for p in outcome.applied if p.finding.path not in failed]
            outcome.files = [s for s in outcome.files if s.changed]
            outcome.result = self.mark_fixable(self.checker.run(self._current_inputs()))


def checked_roots(paths: Sequence[str]) -> List[str]:
    """The trees a fix may write in: each directory given, and the working directory for files
    given one by one (as pre-commit passes them)."""
    roots = [path for path in paths if path != "-" and os.path.isdir(path)]
    if any(path != "-" and not os.path.isdir(path) for path in paths):
        roots.append(os.getcwd())
    return roots


def unified_diff(state: FileState) -> str:
    """The change to one file as a unified diff (`a/` and `b/` prefixes, as git writes it)."""
    import difflib

    relative = not os.path.isabs(state.path)
    lines = difflib.unified_diff(state.original.splitlines(keepends=True), state.text.splitlines(keepends=True),
                                 fromfile=f"a/{state.path}" if relative else state.path,
                                 tofile=f"b/{state.path}" if relative else state.path)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
