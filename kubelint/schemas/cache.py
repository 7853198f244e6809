"""The on-disk cache of downloaded schemas: one body file and one metadata file per URL.

Files are named by the sha256 of the URL and written atomically (temporary file, then
os.replace), so a run killed half-way or two runs at once never leave a torn entry. The
metadata (URL, time fetched, ETag, Last-Modified, sha256 of the body) is written after the
body; an entry whose body does not match its metadata is treated as absent.

This module is imported only when a remote schema location is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Optional

CACHE_ENV = "KUBELINT_CACHE_DIR"


def default_cache_dir() -> str:
    """$KUBELINT_CACHE_DIR, else $XDG_CACHE_HOME/kubelint, else ~/.cache/kubelint."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kubelint")


@dataclass
class Entry:
    url: str
    fetched_at: float  # when the body was last known to be current (download or 304)
    body: Optional[bytes]  # None: the URL answered 404 (a cached "no schema here")
    etag: Optional[str] = None
    last_modified: Optional[str] = None

    def age(self, now: Optional[float] = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at

    @property
    def missing(self) -> bool:
        return self.body is None


class DiskCache:
    """Cached HTTP bodies under `directory`/schemas, keyed by URL."""

    def __init__(self, directory: Optional[str] = None) -> None:
        self.directory = os.path.join(directory or default_cache_dir(), "schemas")

    def _paths(self, url: str) -> "tuple[str, str]":
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return os.path.join(self.directory, key + ".body"), os.path.join(self.directory, key + ".meta.json")

    def path_for(self, url: str) -> str:
        return self._paths(url)[0]

    def get(self, url: str) -> Optional[Entry]:
        body_path, meta_path = self._paths(url)
        try:
            with open(meta_path, encoding="utf-8") as handle:
                meta = json.load(handle)
            if meta.get("url") != url:  # a hash collision or a foreign file: not ours
                return None
            body: Optional[bytes] = None
            if not meta.get("missing"):
                with open(body_path, "rb") as handle:
                    body = handle.read()
                if hashlib.sha256(body).hexdigest() != meta.get("sha256"):
                    return None
            return Entry(url, float(meta["fetched_at"]), body, meta.get("etag"), meta.get("last_modified"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, entry: Entry, body_changed: bool = True) -> None:
        """Store an entry; a cache that cannot be written is not an error (the run goes on)."""
        body_path, meta_path = self._paths(entry.url)
        meta = {"url": entry.url, "fetched_at": entry.fetched_at, "etag": entry.etag,
                "last_modified": entry.last_modified, "missing": entry.body is None,
                "sha256": hashlib.sha256(entry.body).hexdigest() if entry.body is not None else None}
        try:
            os.makedirs(self.directory, exist_ok=True)
            if entry.body is not None and body_changed:
                _write_atomically(body_path, entry.body)
            _write_atomically(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        except OSError:
            pass

    def touch(self, entry: Entry, now: Optional[float] = None) -> Entry:
        """Mark a cached body current again (the server answered 304 Not Modified)."""
        fresh = Entry(entry.url, time.time() if now is None else now, entry.body, entry.etag, entry.last_modified)
        self.put(fresh, body_changed=False)
        return fresh


def _write_atomically(path: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
