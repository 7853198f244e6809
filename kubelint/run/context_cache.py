"""The context files of a run (`--context DIR`), loaded once and remembered between runs.

A pre-commit run checks one or two files against a repository of thousands of objects. Those
objects are only context: cross-object rules look things up in them, nothing validates them.
So each context file is parsed once; its objects' identities (kind, namespace, name, pod
template labels) and their data, packed with marshal, are kept in a cache file per context
directory. A later run re-reads only files whose size, mtime, ctime or inode changed, and
unpacks an object's data only when a rule looks at it.

The cache lives under `$KUBELINT_CACHE_DIR` (default `$XDG_CACHE_HOME/kubelint`); a cache that
cannot be read or written only makes the run slower.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from .. import __version__
from ..findings import ObjectRef, Pointer
from ..input.files import InputFile
from ..input.loader import LoadResult, Manifest, SourceFile, load_file
from ..model.objects import K8sObject
from .packing import pack, unpack

CACHE_FORMAT = 1

Stamp = Tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
# (document, base pointer, apiVersion, kind, namespace, name, pod template labels, offset, length)
CachedObject = Tuple[int, Pointer, str, str, Optional[str], Optional[str], Optional[Dict[str, str]], int, int]


class CachedFile(NamedTuple):
    stamp: Stamp
    document_lines: List[int]
    safe_parser: bool
    objects: List[CachedObject]


class _OldStore:
    """The packed data of the cache file that was read: manifests unpack from it directly."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def get(self, offset: int, length: int) -> memoryview:
        return memoryview(self.blob)[offset:offset + length]

    def load(self, offset: int, length: int) -> Any:
        return unpack((self, offset, length))  # type: ignore[arg-type]


class _BlobStore:
    """Packed data of the files this run parsed; what their manifests unpack from."""

    def __init__(self) -> None:
        self.parts: List[bytes] = []
        self.size = 0
        self._joined: Optional[bytes] = None

    def add(self, blob: bytes) -> Tuple[int, int]:
        offset = self.size
        self.parts.append(blob)
        self.size += len(blob)
        self._joined = None
        return offset, len(blob)

    def get(self, offset: int, length: int) -> memoryview:
        if self._joined is None:
            self._joined = b"".join(self.parts)
            self.parts = [self._joined]
        return memoryview(self._joined)[offset:offset + length]

    def load(self, offset: int, length: int) -> Any:
        return unpack((self, offset, length))  # type: ignore[arg-type]


def _stamp(path: str) -> Optional[Stamp]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def cache_path(context_dir: str, cache_dir: Optional[str] = None) -> str:
    from ..schemas.cache import default_cache_dir

    key = hashlib.sha256(os.path.realpath(context_dir).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return os.path.join(cache_dir or default_cache_dir(), "context", f"{key}.marshal")


class ContextFiles:
    """The context files' objects, from the cache where it is current, else parsed now."""

    def __init__(self, context_dir: str, max_file_size: int, cache_dir: Optional[str] = None,
                 use_cache: bool = True) -> None:
        self.path = cache_path(context_dir, cache_dir)
        self.use_cache = use_cache
        self.max_file_size = max_file_size
        self.store = _BlobStore()
        self._files: Dict[str, Tuple[CachedFile, Any]] = {}  # real path -> entry, store of its data
        self._old: Dict[str, CachedFile] = {}
        self._old_store = _OldStore(b"")
        self._changed = False
        self.reparsed: List[str] = []  # files parsed by this run (not current in the cache)
        if use_cache:
            self._read()

    def _read(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                header, files, blob = marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            return
        if header != (CACHE_FORMAT, __version__, self.max_file_size):
            return
        self._old = {path: CachedFile(*entry) for path, entry in files.items()}
        self._old_store = _OldStore(blob)

    def load(self, inputs: Sequence[InputFile]) -> List[LoadResult]:
        """A LoadResult per context file: its manifests unpack their data on first use. File
        problems (syntax errors) are not kept: context files are not reported on."""
        results = []
        for item in inputs:
            key = os.path.realpath(item.real_path)
            stamp = _stamp(item.real_path)
            cached = self._old.get(key)
            if cached is None or stamp is None or tuple(cached.stamp) != stamp:
                cached = self._parse(item, stamp)
                self.reparsed.append(item.path)
                self._files[key] = (cached, self.store)
            else:
                self._files[key] = (cached, self._old_store)
            results.append(self._result(item, *self._files[key]))
        return results

    def _parse(self, item: InputFile, stamp: Optional[Stamp]) -> CachedFile:
        self._changed = True
        try:
            with open(item.real_path, "rb") as handle:
                data = handle.read(self.max_file_size + 1)
        except OSError:
            return CachedFile(stamp or (0, 0, 0, 0), [], False, [])
        result = load_file(item.path, data, self.max_file_size)
        objects: List[CachedObject] = []
        for manifest in result.manifests:
            ref = manifest.ref
            labels = K8sObject(manifest).template_labels
            offset, length = self.store.add(pack(manifest.data))
            objects.append((manifest.document, manifest.base, ref.api_version, ref.kind, ref.namespace, ref.name,
                            labels, offset, length))
        return CachedFile(stamp or (0, 0, 0, 0), result.source.document_lines, result.source.safe_parser, objects)

    def _result(self, item: InputFile, cached: CachedFile, store: Any) -> LoadResult:
        source = SourceFile(item.path, "", cached.safe_parser, list(cached.document_lines))
        source.forget_text(item.real_path)  # positions and comments read it only when needed
        result = LoadResult(source)
        for document, base, api_version, kind, namespace, name, labels, offset, length in cached.objects:
            ref = ObjectRef(sys.intern(api_version), sys.intern(kind),
                            sys.intern(namespace) if namespace is not None else None, name)
            result.manifests.append(Manifest(source, document, tuple(base), None, ref,
                                             packed=(store, offset, length)))
        return result

    def template_labels(self, item: InputFile) -> List[Optional[Dict[str, str]]]:
        cached, _ = self._files[os.path.realpath(item.real_path)]
        return [entry[6] for entry in cached.objects]

    def save(self) -> None:
        """Write the cache when this run parsed anything (atomically; failures are ignored)."""
        if not self._changed or not self.use_cache:
            return
        parts: List[bytes] = []
        size = 0
        merged: Dict[str, tuple] = {}
        every = {key: (entry, self._old_store) for key, entry in self._old.items()}
        every.update(self._files)
        for key, (entry, store) in every.items():
            if key not in self._files and not os.path.exists(key):
                continue  # deleted since: forget it
            objects = []
            for *head, offset, length in entry.objects:
                parts.append(store.get(offset, length).tobytes())
                objects.append((*head, size, length))
                size += length
            merged[key] = (entry.stamp, entry.document_lines, entry.safe_parser, objects)
        # Entries of files this run did not see (report files now, say) stay, with their data.
        payload = marshal.dumps(((CACHE_FORMAT, __version__, self.max_file_size), merged, b"".join(parts)))
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".context-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(temporary, self.path)
        except OSError:
            pass
