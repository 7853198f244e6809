"""Loaded files packed for another process, and unpacked lazily on the other side.

A parallel run sends each worker's parsed files to the parent and to the other workers. Parsed
YAML is plain data (dicts, lists, strings, numbers), which `marshal` packs about five times
faster than `pickle`; whatever marshal refuses (a recursive alias structure) falls back to
pickle. Objects stay packed until a rule looks at them, so a worker decodes only the objects of
other shards that its own objects refer to.
"""

from __future__ import annotations

import marshal
import pickle
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from .findings import LocatedIssue, ObjectRef, Pointer
from .loader import LoadResult, Manifest, SourceFile

_MARSHAL, _PICKLE = b"m", b"p"

# One packed object: (document number, base pointer, (apiVersion, kind, namespace, name),
# packed data, pod template labels or None). Tuples pickle much faster than classes.
PackedObject = Tuple[int, Pointer, Tuple[str, str, Optional[str], Optional[str]], bytes, Optional[Dict[str, str]]]

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


def pack(data: Any) -> bytes:
    try:
        return _MARSHAL + marshal.dumps(data, 4)
    except (ValueError, RecursionError):
        return _PICKLE + pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(blob: bytes) -> Any:
    body = memoryview(blob)[1:]
    return marshal.loads(body) if blob[:1] == _MARSHAL else pickle.loads(body)


def pack_file(result: LoadResult, template_labels: List[Optional[Dict[str, str]]]) -> PackedFile:
    """`template_labels`: each manifest's pod template labels (None: no template), in order.
    Each manifest keeps its packed data, so it can release the unpacked copy."""
    source = result.source
    text = source.text if any(marker in source.text for marker in _PARENT_NEEDS_TEXT) else None
    objects: List[PackedObject] = []
    for manifest, labels in zip(result.manifests, template_labels):
        data = pack(manifest.data)
        manifest.keep_packed(data)
        ref = manifest.ref
        objects.append((manifest.document, manifest.base, (ref.api_version, ref.kind, ref.namespace, ref.name),
                        data, labels))
    return PackedFile(source.path, source.document_lines, source.safe_parser, text,
                      result.issues, result.skipped, objects)


def unpack_file(packed: PackedFile) -> Tuple[LoadResult, List[Optional[Dict[str, str]]]]:
    """A LoadResult whose manifests unpack their data on first use, and their template labels."""
    source = SourceFile(packed.path, packed.text or "", packed.safe_parser, packed.document_lines)
    result = LoadResult(source, issues=packed.issues, skipped=packed.skipped)
    labels: List[Optional[Dict[str, str]]] = []
    for document, base, ref, data, template_labels in packed.objects:
        result.manifests.append(Manifest(source, document, base, None, ObjectRef(*ref), packed=data))
        labels.append(template_labels)
    return result, labels
