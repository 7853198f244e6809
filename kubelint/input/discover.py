"""Which files to check: walk directories, honour excludes, read stdin."""

from __future__ import annotations

import fnmatch
import os
from typing import Iterable, List, Optional, Sequence, Tuple

from .files import DiscoveryError, InputFile

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    normalized = path[2:] if path.startswith("./") else path
    parts = normalized.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(normalized, pattern) or fnmatch.fnmatch(os.path.basename(normalized), pattern):
            return True
        # A pattern naming a directory excludes everything under it.
        if any(fnmatch.fnmatch("/".join(parts[: i + 1]), pattern) for i in range(len(parts) - 1)):
            return True
    return False


def discover(paths: Iterable[str], exclude: Sequence[str] = ()) -> List[InputFile]:
    """Files to check, in a stable order: arguments in order, each directory sorted."""
    found: List[InputFile] = []
    seen = set()
    for path in paths:
        if path == "-":
            found.append(InputFile("-", "-"))
            continue
        if os.path.isdir(path):
            for file_path, problem in _walk(path):
                if file_path not in seen and not _excluded(file_path, exclude):
                    seen.add(file_path)
                    found.append(InputFile(file_path, file_path, problem=problem))
        elif os.path.exists(path) or os.path.islink(path):
            # A file named explicitly is checked whatever its suffix (pre-commit passes files).
            if path not in seen and not _excluded(path, exclude):
                seen.add(path)
                found.append(InputFile(path, path))
        else:
            raise DiscoveryError(f"path not found: {path}")
    return found


def _walk(root: str) -> List[Tuple[str, Optional[str]]]:
    """(path, None) for each manifest file under `root`, and (directory, why) for each
    directory that cannot be listed: reported, not skipped in silence. Symlinks to
    directories are not followed (os.walk's default)."""
    files: List[Tuple[str, Optional[str]]] = []

    def unlistable(error: OSError) -> None:
        where = os.path.normpath(error.filename) if error.filename else os.path.normpath(root)
        files.append((where, f"cannot read directory: {error.strerror or error}"))

    for directory, subdirs, names in os.walk(root, onerror=unlistable):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                files.append((os.path.normpath(os.path.join(directory, name)), None))
    return files


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """Does an --exclude or config `exclude` pattern match `path` (as discovery would show it)?"""
    return _excluded(path, patterns)
