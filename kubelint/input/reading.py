"""Bounded reading: only regular files, never more than the size limit plus one byte.

A path in a checked directory can be a named pipe (reading waits for a writer forever), a
symlink to /dev/zero (endless) or a 200 MB dump. Each file is opened without blocking, checked
with fstat on the open descriptor (so a file swapped for a pipe after the check is still
refused), and read up to the limit plus one byte: more than that is reported without reading
the rest.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import BinaryIO, Optional, Tuple

from ..named_tuple import NamedTuple

# What a file was when it was read: positions that read it again check it is still the same.
Identity = Tuple[int, int, int, int]  # (st_dev, st_ino, st_size, st_mtime_ns)

_CHUNK = 1024 * 1024
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class Read(NamedTuple):
    data: Optional[bytes]  # None: not read (see `problem`)
    problem: Optional[str] = None  # why not, for a finding ("cannot read file: ...")
    too_large: bool = False  # `problem` is the size limit (KL007), not unreadability (KL006)
    identity: Optional[Identity] = None


def size_message(size: str, max_size: int) -> str:
    return (f"file is {size} bytes, over the {max_size:,}-byte limit; "
            "raise it with --max-file-size if it is really a manifest")


def read_file(path: str, max_size: int) -> Read:
    """The bytes of a regular file of at most `max_size` bytes, or why not."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return Read(None, f"cannot read file: {exc.strerror or exc}")
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            return Read(None, f"cannot read file: not a regular file ({kind})")
        if info.st_size > max_size:
            return Read(None, size_message(f"{info.st_size:,}", max_size), too_large=True)
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read(info.st_size + 1)  # one allocation, as the size is known
            if len(data) > info.st_size:  # it grew after fstat
                data += read_at_most(handle, max_size + 1 - len(data))
        if len(data) > max_size:  # it grew after fstat
            return Read(None, size_message(f"over {max_size:,}", max_size), too_large=True)
        return Read(data, identity=identity)
    except OSError as exc:
        return Read(None, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(descriptor)


def read_stdin(max_size: int, stream: Optional[BinaryIO] = None) -> Read:
    try:
        data = read_at_most(stream or sys.stdin.buffer, max_size + 1)
    except OSError as exc:
        return Read(None, f"cannot read standard input: {exc.strerror or exc}")
    if len(data) > max_size:
        return Read(None, f"standard input is over the {max_size:,}-byte limit; "
                          "raise it with --max-file-size if it is really a manifest", too_large=True)
    return Read(data)


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes, in chunks (one read(limit) would allocate the whole limit)."""
    parts = []
    left = limit
    while left > 0:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def identity_of(path: str) -> Optional[Identity]:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None
