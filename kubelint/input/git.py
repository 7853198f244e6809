"""What git knows about the files being checked: the repository they are in, what changed since a
revision, and file contents at a revision. Every call runs `git` with an argument list (never a
shell), and a failing or absent git is an answer ("not in a repository"), not an exception,
except where the user named a revision (`GitError`).

Imported only by runs that compare against a revision (--context, --new-from-rev).
"""

from __future__ import annotations

import os
import subprocess
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..named_tuple import NamedTuple
from .files import GitError

GIT_TIMEOUT_SECONDS = 120
__all__ = ["GitError", "Change", "toplevel", "has_commit", "resolve", "merge_base", "changed_since",
           "read_blobs", "present_at", "export", "relative_to_top"]


class Change(NamedTuple):
    status: str  # "A", "M", "D", ... as `git diff --name-status` writes it
    path: str  # relative to the repository's top directory, "/"-separated


def _git(top: str, *args: str, input: Optional[bytes] = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    # No lock taken on the index: a pre-commit hook runs while git holds it.
    return subprocess.run(["git", "-C", top, *args], capture_output=True, input=input, env=env,
                          timeout=GIT_TIMEOUT_SECONDS)


_toplevels: Dict[str, Optional[str]] = {}


def toplevel(path: str) -> Optional[str]:
    """The top directory of the git work tree holding `path` (a file or directory), or None."""
    directory = os.path.abspath(path if os.path.isdir(path) else (os.path.dirname(path) or "."))
    if directory not in _toplevels:
        try:
            completed = _git(directory, "rev-parse", "--show-toplevel")
            found = completed.stdout.decode("utf-8", "surrogateescape").strip() if completed.returncode == 0 else ""
        except (OSError, subprocess.TimeoutExpired):
            found = ""
        _toplevels[directory] = os.path.realpath(found) if found else None
    return _toplevels[directory]


def has_commit(top: str, rev: str = "HEAD") -> bool:
    try:
        return _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def resolve(top: str, rev: str) -> str:
    """The commit id `rev` names; GitError when it names none."""
    if rev.startswith("-"):
        raise GitError(f"{rev!r} is not a revision")
    completed = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if completed.returncode != 0:
        raise GitError(f"unknown git revision {rev!r} in {top} (a shallow clone may lack it: fetch it first)")
    return completed.stdout.decode().strip()


def merge_base(top: str, a: str, b: str) -> Optional[str]:
    completed = _git(top, "merge-base", "--end-of-options", a, b)
    return completed.stdout.decode().strip() if completed.returncode == 0 else None


def changed_since(top: str, rev: str, pathspecs: Sequence[str] = ()) -> List[Change]:
    """Paths whose working-tree content differs from `rev` (renames as a deletion plus an
    addition: identity of findings does not depend on paths)."""
    args = ["diff", "--name-status", "--no-renames", "-z", "--no-ext-diff", rev, "--", *(pathspecs or ["."])]
    completed = _git(top, *args)
    if completed.returncode != 0:
        raise GitError(completed.stderr.decode("utf-8", "replace").strip() or "git diff failed")
    fields = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    changes = []
    for status, path in zip(fields[0::2], fields[1::2]):
        if status and path:
            changes.append(Change(status[0], path))
    return changes


def _cat_file(top: str, rev: str, paths: Iterable[str], mode: str) -> Tuple[List[str], bytes]:
    """Ask `git cat-file <mode>` (--batch or --batch-check) about `paths` at `rev`: the paths asked,
    each once (a path with a newline cannot be asked), and git's answer. No path, no git run."""
    wanted = [p for p in dict.fromkeys(paths) if "\n" not in p]
    if not wanted:
        return [], b""
    request = "".join(f"{rev}:{path}\n" for path in wanted).encode("utf-8", "surrogateescape")
    completed = _git(top, "cat-file", mode, input=request)
    if completed.returncode != 0:
        raise GitError(completed.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
    return wanted, completed.stdout


def read_blobs(top: str, rev: str, paths: Iterable[str]) -> Dict[str, Optional[bytes]]:
    """Contents of repository-relative `paths` at `rev`; None for a path absent there."""
    wanted, out = _cat_file(top, rev, paths, "--batch")
    found: Dict[str, Optional[bytes]] = {}
    position = 0
    try:
        for path in wanted:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            position = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[path] = out[position:position + size]
                position += size + 1
            else:  # "<name> missing", or a tree
                found[path] = None
    except ValueError:
        raise GitError("unexpected output from git cat-file") from None
    return found


def present_at(top: str, rev: str, paths: Iterable[str]) -> Dict[str, bool]:
    """Which of the repository-relative `paths` exist (as files) at `rev`."""
    wanted, out = _cat_file(top, rev, paths, "--batch-check")
    lines = out.split(b"\n")
    return {path: len(line.split()) == 3 and line.split()[1] == b"blob" for path, line in zip(wanted, lines)}


def export(top: str, rev: str, destination: str, pathspecs: Sequence[str] = ()) -> None:
    """Write the files of `rev` (under `pathspecs`, repository-relative) into `destination`."""
    import io
    import tarfile

    args = ["archive", "--format=tar", rev]
    if pathspecs:
        args += ["--", *pathspecs]
    completed = _git(top, *args)
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()
        if "did not match any files" in message:
            return  # nothing of those paths existed at rev
        raise GitError(message or f"git archive {rev} failed")
    root = os.path.realpath(destination)
    data_filter = getattr(tarfile, "data_filter", None)  # Python 3.12+ (and security releases)
    with tarfile.open(fileobj=io.BytesIO(completed.stdout)) as archive:
        for member in archive.getmembers():
            target = os.path.realpath(os.path.join(root, member.name))
            if not (member.isfile() or member.isdir() or member.issym()) or \
                    os.path.commonpath([root, target]) != root:
                continue  # git writes only these, inside the tree; anything else is skipped
            try:
                if data_filter is not None:
                    archive.extract(member, root, set_attrs=False, filter="data")
                else:
                    archive.extract(member, root, set_attrs=False)
            except (tarfile.TarError, OSError):
                continue  # a link pointing out of the tree, say: not a manifest to check


def relative_to_top(top: str, path: str) -> Optional[str]:
    """`path` (as given, relative to the working directory) relative to `top`, "/"-separated;
    None when it lies outside the work tree."""
    absolute = os.path.realpath(path)
    if os.path.commonpath([top, absolute]) != top:
        return None
    relative = os.path.relpath(absolute, top)
    return "" if relative == "." else relative.replace(os.sep, "/")
