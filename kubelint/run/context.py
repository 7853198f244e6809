"""`--context DIR`: check some files against the rest of the repository, and report what the
change broke elsewhere.

The report set is the files given (pre-commit passes the changed ones). Every manifest under
DIR is context: in the set that cross-object rules query, never validated itself. Reported
are every finding located in the report set, and each finding located in a context file that
the change introduced: one that does not occur when the changed files are taken as they are at
git HEAD (files deleted since HEAD count as changed). Findings are matched by identity (rule,
object, JSON pointer; see kubelint.run.identity), never by line. Outside git no context
finding is reported.

Only context objects the change can affect are checked, with rules only (their schema
findings cannot change): those in a namespace that a changed object is in or names, and the
cluster-scoped ones; every one when a changed object is cluster-scoped (a StorageClass, an
IngressClass: objects of any namespace may refer to it).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Set

from ..findings import Finding, RunResult
from ..input.files import InputFile
from ..input.loader import LoadResult, load_file
from ..model.index import SetIndex, is_namespaced
from ..model.objects import K8sObject
from .identity import identity

if TYPE_CHECKING:
    from .engine import Checker

ALL_NAMESPACES = "*"
MAX_NAMESPACE_WALK = 100_000  # nodes of one changed object searched for namespace names


class ContextRun:
    def __init__(self, checker: "Checker", report: Sequence[InputFile], context_dir: str,
                 exclude: Sequence[str] = (), notices: Optional[List[str]] = None, live: bool = True) -> None:
        self.checker = checker
        self.live = live  # False: an exported past tree (no git to compare with, nothing to cache)
        self.report = list(report)
        self.context_dir = context_dir
        self.exclude = exclude
        self.notices = notices if notices is not None else []

    def run(self) -> RunResult:
        from .context_cache import ContextFiles

        settings = self.checker.settings
        report_paths = {os.path.realpath(item.real_path) for item in self.report if item.real_path != "-"}
        # Report files are found by their real path (pre-commit may name them through a link);
        # an absolute path is enough to tell context files apart (a realpath each costs syscalls).
        report_absolute = {os.path.abspath(item.real_path) for item in self.report} | report_paths
        context_inputs = [item for item in context_files(self.context_dir, self.exclude)
                          if os.path.abspath(item.real_path) not in report_absolute]
        files = ContextFiles(self.context_dir, settings.max_file_size, use_cache=self.live)
        context = files.load(context_inputs)
        files.save()
        report_loaded = [self.checker._load(item) for item in self.report]
        # With no context file (every file was given), nothing elsewhere can be broken.
        before = self._before(report_loaded) if self.live and context else None

        changed_now = [K8sObject(m) for r in report_loaded for m in r.manifests]
        changed_before = [K8sObject(m) for r in (before or []) for m in r.manifests]
        namespaces = affected_namespaces(changed_now + changed_before)
        everywhere = ALL_NAMESPACES in namespaces
        context_objects: List[K8sObject] = []
        kept_loaded: List[LoadResult] = []
        for entry in context:
            # Only objects the change can affect are made at all (a large repository has thousands).
            keep = [everywhere or not is_namespaced(kind) or (namespace or "default") in namespaces
                    for kind, namespace in entry.kinds_and_namespaces()]
            if any(keep):
                result, objects = entry.objects(keep)
                kept_loaded.append(result)
                context_objects.extend(objects)

        result = self.checker.check_loaded(report_loaded, context=context_objects, context_loaded=kept_loaded)
        if before is None:  # outside git (or no commit yet): only the report set is reported on
            return result
        now_findings = [f for f in self.checker.object_findings(
            context_objects, SetIndex(changed_now + context_objects), schema=False) if not f.suppressed]
        # Only objects with findings now can have new ones; each is checked again in the set as it
        # was, as a fresh object (rules remember what they derive per object).
        with_findings = {id(f.object) for f in now_findings}
        fresh = {id(o): K8sObject(o.manifest, o.template_labels) for o in context_objects if id(o.ref) in with_findings}
        before_findings: List[Finding] = []
        if fresh:
            before_set = changed_before + [fresh.get(id(o), o) for o in context_objects]
            before_findings = self.checker.object_findings(list(fresh.values()), SetIndex(before_set), schema=False)
        introduced = new_findings(now_findings, [f for f in before_findings if not f.suppressed])
        if introduced:
            result.findings.extend(self.checker.suppress(introduced))
            result.findings.sort(key=Finding.sort_key)
        return result

    def _before(self, report_loaded: List[LoadResult]) -> Optional[List[LoadResult]]:
        """The changed files as they are at HEAD: the report files (those unchanged since HEAD
        as they were loaded now; added ones have none), and the files deleted since (renamed
        ones too: a rename is a deletion and an addition). None outside git."""
        from ..input import git

        top = git.toplevel(self.context_dir)
        if top is None or not git.has_commit(top, "HEAD"):
            return None
        report: Dict[str, LoadResult] = {}  # repository path -> the file as loaded now
        for item, loaded in zip(self.report, report_loaded):
            relative = git.relative_to_top(top, item.real_path) if item.real_path != "-" else None
            if relative:
                report[relative] = loaded
        scope = git.relative_to_top(top, self.context_dir) or "."
        wanted: Dict[str, str] = {}  # repository path -> path to show
        unchanged = dict(report)
        try:
            for change in git.changed_since(top, "HEAD", [scope, *report]):
                unchanged.pop(change.path, None)
                shown = os.path.relpath(os.path.join(top, change.path))
                if change.path in report:
                    if change.status != "A":
                        wanted[change.path] = report[change.path].source.path
                elif change.status == "D" and change.path.endswith(MANIFEST_SUFFIXES) and \
                        not _excluded(shown, self.exclude):
                    wanted[change.path] = shown
            blobs = git.read_blobs(top, "HEAD", wanted)
            # git diff does not list files git does not track yet: new ones, with no past.
            present = git.present_at(top, "HEAD", unchanged)
        except git.GitError as exc:
            self.notices.append(f"context: cannot compare with HEAD ({exc}); reporting the given files only")
            return None
        max_size = self.checker.settings.max_file_size
        loaded = [load_file(wanted[path], data, max_size) for path, data in sorted(blobs.items()) if data is not None]
        return loaded + [result for path, result in unchanged.items() if present.get(path)]


MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    from ..input.discover import is_excluded

    return is_excluded(path, patterns)


def context_files(directory: str, exclude: Sequence[str]) -> List[InputFile]:
    """The manifests under `directory`: in a git work tree the files git tracks or would track
    (so ignored build output and vendored trees stay out), else every manifest file found."""
    from ..input import git
    from ..input.discover import discover

    top = git.toplevel(directory)
    listed = _git_files(top, directory) if top is not None else None
    if listed is None:
        return discover([directory], exclude)
    # Files listed but gone from the work tree are dropped when they are loaded.
    return [InputFile(path, path) for path in listed if not _excluded(path, exclude)]


def _git_files(top: str, directory: str) -> Optional[List[str]]:
    import subprocess

    try:
        completed = subprocess.run(
            ["git", "-C", directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name",
             "--", "."], capture_output=True, timeout=120, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    paths = []
    for name in sorted(set(completed.stdout.decode("utf-8", "surrogateescape").split("\0"))):
        if not name.endswith(MANIFEST_SUFFIXES):
            continue
        parts = name.split("/")
        if any(part.startswith(".") for part in parts):
            continue  # hidden files and directories, as directory walks skip them
        paths.append(os.path.normpath(os.path.relpath(os.path.join(top, name))))
    return paths


def affected_namespaces(changed: Sequence[K8sObject]) -> Set[str]:
    """Namespaces whose objects a change of `changed` can affect: the ones they are in and the
    ones they name (a RoleBinding's subjects, a webhook's service); ALL_NAMESPACES when one of
    them is cluster-scoped."""
    namespaces: Set[str] = set()
    for obj in changed:
        if obj.kind == "Namespace":
            if obj.name:
                namespaces.add(obj.name)
        elif not is_namespaced(obj.kind):
            namespaces.add(ALL_NAMESPACES)
        else:
            namespaces.add(obj.namespace)
        namespaces.update(_named_namespaces(obj.manifest.data))
    return namespaces


def _named_namespaces(data: Any) -> Iterator[str]:
    stack = [data]
    seen = 0
    while stack and seen < MAX_NAMESPACE_WALK:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "namespace" and isinstance(value, str):
                    yield value
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))


def new_findings(now: Sequence[Finding], before: Sequence[Finding]) -> List[Finding]:
    """Findings of `now` that `before` does not have, matched by identity (as many times as
    `before` has each identity)."""
    remaining: Counter = Counter(identity(f) for f in before)
    result = []
    for finding in now:
        key = identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            result.append(finding)
    return result
