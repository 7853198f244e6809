"""What `kubelint check PATHS` checks, as sets: the plain files (with their context, when asked),
and each rendered kustomization root on its own (an overlay is one deployable set; two
overlays rendering the same base are two sets, so nothing is a duplicate of itself).
Their results are merged into one RunResult.
"""

from __future__ import annotations

import os
from typing import Callable, List, Optional, Sequence, Tuple

from ..findings import Finding, Position, RunResult
from ..input.discover import discover
from ..input.loader import Manifest, load_file
from ..named_tuple import NamedTuple
from .engine import Checker


class CheckRequest(NamedTuple):
    paths: Sequence[str]
    exclude: Sequence[str] = ()
    kustomize: bool = False
    context: Optional[str] = None  # directory whose manifests are context (--context)
    at_revision: bool = False  # a run on an exported past tree: no git, no context cache


class NothingToCheck(Exception):
    """No manifest file under the given paths (exit code 2)."""


def run_request(checker: Checker, request: CheckRequest, notices: List[str],
                progress: Optional[Callable[[int, int], None]] = None) -> RunResult:
    """Check what `request` names; notices for the person running it go to `notices`."""
    roots: List[str] = []
    kustomize_inputs: set = set()
    if request.kustomize:
        from ..input.kustomize import find_roots

        found = find_roots(request.paths)
        roots = [root for root in found.render if not _excluded_dir(root, request.exclude)]
        kustomize_inputs = found.inputs
    inputs = [item for item in discover(request.paths, request.exclude)
              if item.real_path == "-" or os.path.abspath(item.real_path) not in kustomize_inputs]
    if not inputs and not roots:
        if request.kustomize and kustomize_inputs:
            return _empty(checker)
        if discover(request.paths, ()):
            notices.append("every given path is excluded (--exclude or config `exclude`): nothing checked")
            return _empty(checker)
        raise NothingToCheck("nothing to check: no .yaml, .yml or .json files under " + " ".join(request.paths))
    results = []
    if inputs:
        if request.context is not None:
            from .context import ContextRun

            results.append(ContextRun(checker, inputs, request.context, request.exclude, notices,
                                      live=not request.at_revision).run())
        else:
            results.append(checker.run(inputs, progress=progress))
    for root in roots:
        results.append(check_root(checker, root))
    return merge(results, checker)


def _excluded_dir(path: str, patterns: Sequence[str]) -> bool:
    from ..input.discover import is_excluded

    return bool(patterns) and is_excluded(path, patterns)


def _empty(checker: Checker) -> RunResult:
    return RunResult(checker.store.version, [], files=0, objects=0, skipped=0)


def merge(results: Sequence[RunResult], checker: Checker) -> RunResult:
    if len(results) == 1:
        return results[0]
    findings: List[Finding] = [f for r in results for f in r.findings]
    findings.sort(key=Finding.sort_key)
    return RunResult(checker.store.version, findings, files=sum(r.files for r in results),
                     objects=sum(r.objects for r in results), skipped=sum(r.skipped for r in results),
                     checked=[entry for r in results for entry in r.checked],
                     file_paths=[path for r in results for path in r.file_paths])


def check_root(checker: Checker, root: str) -> RunResult:
    """Render one kustomization root and check its output as one set. Findings sit in the files
    that defined the offending fields (see kubelint.input.origins) and name the root."""
    from ..input.kustomize import ORIGIN, TRANSFORMATIONS, kustomization_file, render
    from ..input.origins import Origin, OriginLocator, parse_origin

    rendered = render(root)
    name = os.path.normpath(root)
    label = os.path.join(name, "(rendered)")
    loaded = load_file(label, rendered.output, checker.settings.max_file_size)
    origins = {}
    for manifest in loaded.manifests:
        metadata = manifest.data.get("metadata")
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        origins[id(manifest)] = parse_origin(annotations, rendered.wrapper)
        if isinstance(annotations, dict):
            for key in (ORIGIN, TRANSFORMATIONS):
                if key not in rendered.keep_annotations:
                    annotations.pop(key, None)
            if not annotations:
                del metadata["annotations"]  # type: ignore[union-attr]
    locator = OriginLocator()
    fallback = kustomization_file(root) or root
    absolute_root = os.path.isabs(root)

    def show(path: str) -> str:
        return path if absolute_root else os.path.relpath(path)

    def relocate(manifest: Manifest, pointer: Tuple, anchor: str) -> Optional[Tuple[str, Position]]:
        origin = origins.get(id(manifest), Origin(None, None, ()))
        try:
            located = locator.where(origin, manifest.data, pointer, anchor)
        except Exception:  # a source kubelint cannot follow must not cost the finding
            located = None
        if located is None:  # a remote resource: the root's kustomization names it
            return fallback, Position(1, 1, 1, 1)
        return show(located.path), located.position

    checker.relocate = relocate
    try:
        result = checker.check_loaded([loaded])
    finally:
        checker.relocate = None
    findings = []
    for finding in result.findings:
        changes = {"overlay": name}
        if finding.path == label:  # about the stream itself (kustomize wrote bad YAML?)
            changes["path"] = fallback
        findings.append(finding.replace(**changes))
    findings.sort(key=Finding.sort_key)
    return RunResult(result.kubernetes_version, findings, files=1, objects=result.objects, skipped=result.skipped,
                     checked=[(name, ref) for _, ref in result.checked], file_paths=[name])

