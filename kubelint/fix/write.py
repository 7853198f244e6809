"""Replacing a file's content so that a crash leaves it either as it was or fully fixed.

The new content goes to a temporary file in the same directory, is flushed to disk, gets the
old file's mode and owner, and is renamed over the old file (`os.replace`, atomic on POSIX).
Nothing is written when the file changed on disk since it was read, when it is a symlink that
leads out of the checked tree, or when its owner cannot be kept.
"""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Optional, Sequence

TEMP_SUFFIX = ".kubelint-fix.tmp"


def within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def writable_path(path: str, roots: Sequence[str]) -> "tuple[Optional[str], Optional[str]]":
    """(the real file to write for `path`, None) or (None, why it must not be written). A path
    through symlinks is written at its target only when that target is inside one of `roots`
    (the checked tree), so a link cannot make `kubelint fix` write elsewhere."""
    real = os.path.realpath(path)
    if real != os.path.abspath(path) and not any(within(real, os.path.realpath(root)) for root in roots):
        return None, f"it is a symlink to {real}, outside the checked tree; not written"
    return real, None


def replace_file(real_path: str, data: bytes, read: bytes) -> Optional[str]:
    """Write `data` as the content of `real_path`, which must still hold `read`; returns why
    it was not written, or None."""
    try:
        before = os.stat(real_path)
        if _content(real_path) != read:
            return "it changed on disk since it was read; not written"
    except OSError as exc:
        return f"cannot read it again: {exc.strerror or exc}"
    directory = os.path.dirname(real_path) or "."
    try:
        handle, temporary = tempfile.mkstemp(prefix="." + os.path.basename(real_path) + ".",
                                             suffix=TEMP_SUFFIX, dir=directory)
    except OSError as exc:
        return f"cannot write in {directory}: {exc.strerror or exc}"
    replaced = False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        made = os.stat(temporary)
        if (made.st_uid, made.st_gid) != (before.st_uid, before.st_gid):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)
            except OSError:
                return "its owner or group could not be kept; not written"
        # Checked again just before the rename, so an editor's save in between is not lost.
        if _content(real_path) != read:
            return "it changed on disk while it was being fixed; not written"
        os.replace(temporary, real_path)
        replaced = True
    except OSError as exc:
        return f"cannot write it: {exc.strerror or exc}"
    finally:
        if not replaced:  # whatever stopped us (an interrupt too), the original stays and no litter
            _remove(temporary)
    _sync_directory(directory)
    return None


def _content(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (where the platform allows opening a directory)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
