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

import marshal
import os
import sys
import zlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import __version__
from ..findings import ObjectRef, Pointer
from ..input.files import InputFile
from ..input.loader import LoadResult, Manifest, SourceFile, load_file
from ..model.objects import K8sObject
from ..named_tuple import NamedTuple

_MARSHAL, _PICKLE = b"m", b"p"  # as kubelint.run.packing writes them; pickle only for what marshal refuses


def pack(data: Any) -> bytes:
    try:
        return _MARSHAL + marshal.dumps(data, 4)
    except (ValueError, RecursionError):
        import pickle

        return _PICKLE + pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(where: Tuple[Any, int, int]) -> Any:
    store, offset, length = where
    body = store.get(offset, length)
    if body[:1] == _MARSHAL:
        return marshal.loads(body[1:])
    import pickle

    return pickle.loads(body[1:])

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


class ContextFile(NamedTuple):
    """One context file's cached entry; `objects(keep)` makes the objects a run needs."""

    item: InputFile
    entry: CachedFile
    store: Any

    def kinds_and_namespaces(self) -> List[Tuple[str, Optional[str]]]:
        return [(entry[3], entry[4]) for entry in self.entry.objects]

    def objects(self, keep: Sequence[bool]) -> Tuple[LoadResult, List[K8sObject]]:
        """A LoadResult holding the objects whose `keep` is true (their data unpacked on first
        use; the file's text read again only for positions and comments), and those objects."""
        source = SourceFile(self.item.path, "", self.entry.safe_parser, list(self.entry.document_lines))
        source.forget_text(self.item.real_path)
        result = LoadResult(source)
        objects = []
        for wanted, (document, base, api_version, kind, namespace, name, labels, offset, length) in \
                zip(keep, self.entry.objects):
            if not wanted:
                continue
            ref = ObjectRef(sys.intern(api_version), sys.intern(kind),
                            sys.intern(namespace) if namespace is not None else None, name)
            manifest = Manifest(source, document, tuple(base), None, ref, packed=(self.store, offset, length))
            result.manifests.append(manifest)
            objects.append(K8sObject(manifest, labels))
        return result, objects


def _stamp(path: str) -> Optional[Stamp]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def cache_path(context_dir: str, cache_dir: Optional[str] = None) -> str:
    from ..schemas.cache import default_cache_dir

    # A short name from two checksums of the directory (hashlib costs 10 ms to import); the
    # directory itself is in the file's header, so a clash only costs a re-parse.
    name = os.path.realpath(context_dir).encode("utf-8", "surrogateescape")
    key = f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}"
    return os.path.join(cache_dir or default_cache_dir(), "context", f"{key}.marshal")


class ContextFiles:
    """The context files' objects, from the cache where it is current, else parsed now."""

    def __init__(self, context_dir: str, max_file_size: int, cache_dir: Optional[str] = None,
                 use_cache: bool = True) -> None:
        self.path = cache_path(context_dir, cache_dir)
        self.header = (CACHE_FORMAT, __version__, max_file_size, os.path.realpath(context_dir))
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
        """The cache file, when it is one this version wrote for this directory; anything else
        (absent, torn, from another version, not even marshal data) means starting empty."""
        try:
            with open(self.path, "rb") as handle:
                header, files, blob = marshal.loads(handle.read())
            if header != self.header or not isinstance(files, dict) or not isinstance(blob, bytes):
                return
            old = {path: CachedFile(*entry) for path, entry in files.items()}
        except (OSError, ValueError, EOFError, TypeError):
            return
        self._old = old
        self._old_store = _OldStore(blob)

    def load(self, inputs: Sequence[InputFile]) -> List["ContextFile"]:
        """Each context file's cached entry (parsed now when the cache has none or an old one)."""
        found = []
        for item in inputs:
            key = os.path.abspath(item.real_path)
            stamp = _stamp(item.real_path)
            if stamp is None:
                continue  # gone, or not a file
            cached = self._old.get(key)
            if cached is None or tuple(cached.stamp) != stamp:
                cached = self._parse(item, stamp)
                self.reparsed.append(item.path)
                self._files[key] = (cached, self.store)
            else:
                self._files[key] = (cached, self._old_store)
            found.append(ContextFile(item, *self._files[key]))
        return found

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
        payload = marshal.dumps((self.header, merged, b"".join(parts)))
        directory = os.path.dirname(self.path)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(directory, exist_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(temporary, self.path)  # atomic: a reader sees the old file or the new one
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass
