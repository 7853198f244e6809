"""`--new-from-rev REF`: report only findings that do not exist at git REF.

The same check runs on the files as they are at REF (exported into a temporary directory, the
working directory mapped to the same place in it), and the current findings that REF also has,
matched by identity (kubelint.run.identity), are dropped.
"""

from __future__ import annotations

import os
import tempfile
from typing import Callable, List

from ..findings import Finding
from ..input import git
from .engine import Checker
from .plan import CheckRequest, NothingToCheck, run_request


def findings_at(rev: str, request: CheckRequest, make_checker: Callable[[], Checker]) -> List[Finding]:
    """The active findings of `request` run on the tree of git revision `rev`."""
    top = git.toplevel(os.getcwd())
    if top is None:
        raise git.GitError("--new-from-rev needs a git repository (the working directory is not in one)")
    commit = git.resolve(top, rev)
    prefix = git.relative_to_top(top, os.getcwd()) or ""
    whole_tree = request.kustomize or request.context is not None
    paths = []
    for path in request.paths:
        if path == "-":
            continue  # stdin has no past
        relative = git.relative_to_top(top, path)
        if relative is None:
            continue
        paths.append((path, relative))
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="kubelint-rev-") as tree:
        git.export(top, commit, tree, () if whole_tree else [relative or "." for _, relative in paths])
        here = os.path.join(tree, prefix)
        at_rev = []
        for path, relative in paths:
            # As given: a relative path from the same directory of the old tree, an absolute one mapped into it.
            mapped = os.path.join(tree, relative) if os.path.isabs(path) else path
            if os.path.lexists(os.path.join(here, mapped)):
                at_rev.append(mapped)
        if not at_rev:
            return []
        previous = os.getcwd()
        os.chdir(here)
        try:
            result = run_request(make_checker(), request._replace(paths=at_rev, at_revision=True), [])
        except NothingToCheck:
            return []
        finally:
            os.chdir(previous)
    return result.active()
