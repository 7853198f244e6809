"""Loaded files packed for the other processes of a parallel run, and unpacked lazily.

Each process parses a shard of the files; every process needs every object now and then (a
Service looks at the Deployments it selects). Parsed YAML is plain data (dicts, lists,
strings, numbers), which `marshal` packs about five times faster than `pickle`; whatever
marshal refuses (a recursive alias structure) falls back to pickle. A shard's packed objects
go into one memory file (memfd) that every process of the run maps, so they exist once in
memory, not once per process; the summaries the processes exchange hold only offsets. Objects
stay packed until a rule looks at them.
"""

from __future__ import annotations

import marshal
import mmap
import os
import pickle
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ..findings import LocatedIssue, ObjectRef, Pointer
from ..input.loader import LoadResult, Manifest, SourceFile

_MARSHAL, _PICKLE = b"m", b"p"


class PackStore:
    """One shard's packed objects, in a memory file created before the workers fork, so every
    process of the run can map it. Only the shard's own process writes, before any reads."""

    def __init__(self) -> None:
        self._fd = os.memfd_create("kubelint-shard", os.MFD_CLOEXEC)
        self._writer = open(self._fd, "wb", closefd=False, buffering=1 << 20)
        self._size = 0
        self._view: Optional[memoryview] = None

    def add(self, blob: bytes) -> Tuple[int, int]:
        """Append one packed object; (offset, length) to find it again."""
        offset = self._size
        self._writer.write(blob)
        self._size += len(blob)
        return offset, len(blob)

    def finish(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        """Close the file (a mapping made from it stays valid until it is no longer used)."""
        self._writer.close()
        os.close(self._fd)

    def get(self, offset: int, length: int) -> memoryview:
        if self._view is None:  # first read in this process: every shard is written by now
            size = os.fstat(self._fd).st_size
            self._view = memoryview(mmap.mmap(self._fd, size, prot=mmap.PROT_READ)) if size else memoryview(b"")
        return self._view[offset:offset + length]

    def load(self, offset: int, length: int) -> Any:
        """The object packed at (offset, length): what a Manifest calls on first use."""
        return unpack((self, offset, length))


# Where a packed object is: its shard's store, offset and length.
PackedRef = Tuple[PackStore, int, int]

# One packed object in a summary: (document number, base pointer, (apiVersion, kind, namespace,
# name), (offset, length) in its shard's store, pod template labels or None). Tuples pickle
# much faster than classes.
PackedObject = Tuple[int, Pointer, Tuple[str, str, Optional[str], Optional[str]], Tuple[int, int],
                     Optional[Dict[str, str]]]

# Text the parent process needs: comment directives, Helm `# Source:` lines, CRDs it registers.
_PARENT_NEEDS_TEXT = ("kubelint:", "# Source: ", "CustomResourceDefinition")


@dataclass
class PackedFile:
    path: str
    document_lines: List[int]
    safe_parser: bool
    text: Optional[str]  # only when the parent needs it (see _PARENT_NEEDS_TEXT)
    issues: List[LocatedIssue]
    skipped: int
    objects: List[PackedObject]


def parent_needs_text(text: str) -> bool:
    """Does the process that makes the run's result need this file's text (see _PARENT_NEEDS_TEXT)?"""
    return any(marker in text for marker in _PARENT_NEEDS_TEXT)


def pack(data: Any) -> bytes:
    try:
        return _MARSHAL + marshal.dumps(data, 4)
    except (ValueError, RecursionError):
        return _PICKLE + pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(where: PackedRef) -> Any:
    store, offset, length = where
    body = store.get(offset, length)
    return marshal.loads(body[1:]) if body[:1] == _MARSHAL else pickle.loads(body[1:])


def pack_file(result: LoadResult, template_labels: List[Optional[Dict[str, str]]], store: PackStore,
              summary: bool = True) -> Optional[PackedFile]:
    """Pack a file's objects into `store`. `template_labels`: each manifest's pod template
    labels (None: no template), in order. Each manifest remembers where its packed data is, so
    it can release the unpacked copy. Returns the file's summary for the other processes, or
    None without `summary` (a run in one process has no one to send it to)."""
    source = result.source
    objects: List[PackedObject] = []
    for manifest, labels in zip(result.manifests, template_labels):
        offset, length = store.add(pack(manifest.data))
        manifest.keep_packed((store, offset, length))
        if summary:
            ref = manifest.ref
            objects.append((manifest.document, manifest.base, (ref.api_version, ref.kind, ref.namespace, ref.name),
                            (offset, length), labels))
    if not summary:
        return None
    text = source.text if parent_needs_text(source.text) else None
    return PackedFile(source.path, source.document_lines, source.safe_parser, text,
                      result.issues, result.skipped, objects)


def unpack_file(packed: PackedFile, store: PackStore) -> Tuple[LoadResult, List[Optional[Dict[str, str]]]]:
    """A LoadResult whose manifests unpack their data from `store` on first use, and their
    template labels."""
    source = SourceFile(packed.path, packed.text or "", packed.safe_parser, packed.document_lines)
    result = LoadResult(source, issues=packed.issues, skipped=packed.skipped)
    labels: List[Optional[Dict[str, str]]] = []
    for document, base, (api_version, kind, namespace, name), (offset, length), template_labels in packed.objects:
        ref = ObjectRef(sys.intern(api_version), sys.intern(kind),  # they repeat: one copy each
                        sys.intern(namespace) if namespace is not None else None, name)
        result.manifests.append(Manifest(source, document, base, None, ref, packed=(store, offset, length)))
        labels.append(template_labels)
    return result, labels
