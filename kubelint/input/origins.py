"""Where a rendered kustomize object's fields were written: the resource file that defined the
object, or the patch that last set the field.

kustomize's origin annotation names the file of each object (`config.kubernetes.io/origin`:
`path:`), or the kustomization whose generator made it (`configuredIn:`); its transformations
annotation lists the kustomization files whose transformers touched the object, patches among
them, in the order they ran. A finding's JSON pointer (into the rendered object) is looked up,
last writer first, in each patch of those files that targets the object, then in the object's
own document in its file. List items are matched by their merge key (`name`, `mountPath`,
`containerPort`, ...), since patches and transformers reorder lists. When no source has the
field (a value a transformer generated), the finding points at the object's first line in its
file.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..findings import Pointer, Position
from ..named_tuple import NamedTuple
from .kustomize import ORIGIN, TRANSFORMATIONS, Kustomization, Patch, read_kustomization

PATCH_TRANSFORMERS = frozenset({"PatchTransformer", "PatchStrategicMergeTransformer", "PatchJson6902Transformer"})
# Keys that identify an item of a list, as strategic merge patches match them.
MERGE_KEYS = ("name", "mountPath", "containerPort", "port", "ip", "devicePath", "topologyKey", "type")
MAX_SOURCE_BYTES = 10 * 1024 * 1024


class Origin(NamedTuple):
    """Where one rendered object came from (absolute paths)."""

    path: Optional[str]  # the resource file that defined it
    configured_in: Optional[str]  # the kustomization that generated it
    patched_in: Tuple[str, ...]  # kustomization files whose patches may have touched it, in order


def parse_origin(annotations: Any, wrapper: str) -> Origin:
    """The origin of an object from its annotations (paths are relative to `wrapper`)."""
    import yaml

    def absolute(value: Any) -> Optional[str]:
        if not isinstance(value, str) or not value or "://" in value:
            return None
        return os.path.normpath(os.path.join(wrapper, value))

    path = configured_in = None
    patched: List[str] = []
    if isinstance(annotations, dict):
        try:
            origin = yaml.safe_load(annotations.get(ORIGIN) or "") or {}
            transformations = yaml.safe_load(annotations.get(TRANSFORMATIONS) or "") or []
        except yaml.YAMLError:
            origin, transformations = {}, []
        if isinstance(origin, dict) and not origin.get("repo"):
            path = absolute(origin.get("path"))
            configured_in = absolute(origin.get("configuredIn"))
        for entry in transformations if isinstance(transformations, list) else []:
            if not isinstance(entry, dict):
                continue
            by = entry.get("configuredBy")
            if isinstance(by, dict) and by.get("kind") in PATCH_TRANSFORMERS:
                file = absolute(entry.get("configuredIn"))
                if file is not None and file not in patched:
                    patched.append(file)
    return Origin(path, configured_in, tuple(patched))


class _Source:
    """A YAML file read for positions: its documents' data and a position finder."""

    def __init__(self, path: str, text: str, offset: Optional[Callable[[Position], Position]] = None) -> None:
        from .loader import SourceFile
        from .yaml_k8s import load_documents

        self.path = path
        self.offset = offset
        try:
            self.documents, starts = load_documents(text)
        except Exception as exc:  # a broken source: use what parsed
            self.documents, starts = getattr(exc, "documents", []), getattr(exc, "starts", [])
        self.file = SourceFile(path, text, document_lines=list(starts))

    def position(self, document: int, pointer: Pointer, anchor: str) -> Position:
        found = self.file.position(document, pointer, anchor)
        return self.offset(found) if self.offset is not None else found

    def first_line(self, document: int) -> Position:
        line = self.file.document_lines[document] + 1 if document < len(self.file.document_lines) else 1
        found = Position(line, 1, line, 1)
        return self.offset(found) if self.offset is not None else found


class Located(NamedTuple):
    path: str  # absolute
    position: Position


class OriginLocator:
    """Answers `where(origin, rendered object data, pointer, anchor)` for one rendered root."""

    def __init__(self) -> None:
        self._sources: Dict[Tuple[str, Tuple[Any, ...]], Optional[_Source]] = {}

    def where(self, origin: Origin, data: Dict[str, Any], pointer: Pointer, anchor: str) -> Optional[Located]:
        pointer = tuple(pointer)
        source_name = None
        own = self._source(origin.path) if origin.path else None
        own_document = _find_document(own, data) if own is not None else None
        if own_document is not None and isinstance(own.documents[own_document], dict):  # type: ignore[union-attr]
            source_name = _name(own.documents[own_document])  # type: ignore[union-attr]
        merged_into: Optional[Located] = None  # the latest patch that only merges into the node
        for kustomization_file in reversed(origin.patched_in):
            kustomization = read_kustomization(os.path.dirname(kustomization_file))
            if kustomization is None:
                continue
            for patch in reversed(kustomization.patches()):
                found = self._in_patch(kustomization, patch, data, source_name, pointer, anchor)
                if found is None:
                    continue
                located, wrote = found
                if wrote:
                    return located
                merged_into = merged_into or located
        if own is not None and own_document is not None:
            translated = translate(data, own.documents[own_document], pointer)
            if translated is not None:
                return Located(own.path, own.position(own_document, translated, anchor))
            return merged_into or Located(own.path, own.first_line(own_document))
        if merged_into is not None:
            return merged_into
        if origin.configured_in is not None:  # generated: point at the generator entry
            return self._generator(origin.configured_in, data)
        return None

    # -- sources -------------------------------------------------------------------------------

    def _source(self, path: Optional[str], inline: Optional[Tuple[Kustomization, Patch]] = None) -> Optional[_Source]:
        key = (path or "", inline[1].pointer if inline else ())
        if inline is not None:
            key = (inline[0].file, inline[1].pointer)
        if key in self._sources:
            return self._sources[key]
        source: Optional[_Source] = None
        try:
            if inline is not None:
                source = _inline_source(*inline, self._source(inline[0].file))
            elif path is not None:
                with open(path, "rb") as handle:
                    raw = handle.read(MAX_SOURCE_BYTES + 1)
                if len(raw) <= MAX_SOURCE_BYTES:
                    source = _Source(path, raw.decode("utf-8-sig", "replace"))
        except OSError:
            source = None
        self._sources[key] = source
        return source

    def _in_patch(self, kustomization: Kustomization, patch: Patch, data: Dict[str, Any],
                  source_name: Optional[str], pointer: Pointer, anchor: str) -> Optional[Tuple[Located, bool]]:
        """Where `patch` has the field at `pointer`, and whether it wrote it (a value or a key
        it sets, everything a JSON patch adds) or only merges into it (a mapping, or a list
        item named by its merge key, whose other fields may come from elsewhere)."""
        source = self._source(patch.path) if patch.path else self._source(None, (kustomization, patch))
        if source is None:
            return None
        for number, document in enumerate(source.documents):
            if isinstance(document, list):  # a JSON 6902 patch: a list of operations
                if patch.target is None or not _target_matches(patch.target, data, source_name):
                    continue
                found = _in_json_patch(document, data, pointer)
                if found is not None:
                    return Located(source.path, source.position(number, found, anchor)), True
            elif isinstance(document, dict):  # a strategic merge patch
                if patch.target is not None:
                    if not _target_matches(patch.target, data, source_name):
                        continue
                elif not _same_object(document, data, source_name):
                    continue
                translated = translate(data, document, pointer)
                if translated is not None and translated:
                    node = _at(document, translated)
                    wrote = anchor == "key" or not isinstance(node, (dict, list))
                    return Located(source.path, source.position(number, translated, anchor)), wrote
        return None

    def _generator(self, kustomization_file: str, data: Dict[str, Any]) -> Optional[Located]:
        source = self._source(kustomization_file)
        if source is None:
            return None
        name = _name(data) or ""
        document = source.documents[0] if source.documents else None
        if isinstance(document, dict):
            for key in ("configMapGenerator", "secretGenerator"):
                items = document.get(key)
                for index, item in enumerate(items if isinstance(items, list) else []):
                    if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"] and \
                            item["name"] in name:
                        return Located(source.path, source.position(0, (key, index, "name"), "value"))
        return Located(source.path, source.first_line(0))


def _inline_source(kustomization: Kustomization, patch: Patch, file: Optional[_Source]) -> Optional[_Source]:
    """An inline patch, with positions moved to where its text is in the kustomization file
    (a literal block scalar `patch: |-`; otherwise at the `patch:` value)."""
    if file is None or patch.text is None:
        return None
    at = file.position(0, patch.pointer, "value")
    lines = file.file.text.split("\n")
    header = lines[at.line - 1][at.column - 1:] if 0 < at.line <= len(lines) else ""
    if header.startswith("|"):
        body = lines[at.line:]
        indent = next((len(line) - len(line.lstrip(" ")) for line in body if line.strip()), 0)

        def moved(position: Position) -> Position:
            return Position(at.line + position.line, position.column + indent,
                            at.line + position.end_line, position.end_column + indent)
        return _Source(kustomization.file, patch.text, moved)
    return _Source(kustomization.file, patch.text, lambda _: at)


# -- matching ----------------------------------------------------------------------------------

def _name(data: Any) -> Optional[str]:
    metadata = data.get("metadata") if isinstance(data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def _find_document(source: _Source, data: Dict[str, Any]) -> Optional[int]:
    """The document of `source` that the rendered object came from: same kind, and the same
    name or one that a name prefix or suffix turned into the rendered name."""
    kind, name = data.get("kind"), _name(data) or ""
    same_kind = [i for i, d in enumerate(source.documents) if isinstance(d, dict) and d.get("kind") == kind]
    exact = [i for i in same_kind if _name(source.documents[i]) == name]
    if exact:
        return exact[0]
    within = [i for i in same_kind if (_name(source.documents[i]) or "\0") in name]
    if within:
        return max(within, key=lambda i: len(_name(source.documents[i]) or ""))
    return same_kind[0] if len(same_kind) == 1 else None


def _same_object(patch: Dict[str, Any], data: Dict[str, Any], source_name: Optional[str]) -> bool:
    if patch.get("kind") not in (None, data.get("kind")):
        return False
    name = _name(patch)
    return name is None or name in (_name(data), source_name)


def _target_matches(target: Dict[str, Any], data: Dict[str, Any], source_name: Optional[str]) -> bool:
    api_version = data.get("apiVersion") if isinstance(data.get("apiVersion"), str) else ""
    group, _, version = api_version.rpartition("/")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    checks = (("kind", data.get("kind")), ("group", group), ("version", version),
              ("namespace", metadata.get("namespace")))
    for key, value in checks:
        wanted = target.get(key)
        if isinstance(wanted, str) and wanted and not _regex_match(wanted, value if isinstance(value, str) else ""):
            return False
    wanted_name = target.get("name")
    if isinstance(wanted_name, str) and wanted_name:
        names = [n for n in (_name(data), source_name) if n]
        if not any(_regex_match(wanted_name, n) for n in names):
            return False
    for key, field in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        selector = target.get(key)
        if isinstance(selector, str) and selector:
            values = metadata.get(field) if isinstance(metadata.get(field), dict) else {}
            if not _selector_matches(selector, values):
                return False
    return True


def _regex_match(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return pattern == value


def _selector_matches(selector: str, values: Dict[str, Any]) -> bool:
    """Equality-based selectors (`a=b,c!=d`, `key`); anything richer counts as a match."""
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        if "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if str(values.get(key)) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.split("=", 1))
            if str(values.get(key.rstrip("="))) != value.lstrip("="):
                return False
        elif " " not in term and term not in values:
            return False
    return True


def translate(rendered: Any, source: Any, pointer: Pointer) -> Optional[Pointer]:
    """`pointer` (into the rendered object) as a pointer into `source`, when `source` has that
    field; list items are matched by merge key, else by position in lists of equal length."""
    result: List[Any] = []
    for part in pointer:
        if isinstance(part, int):
            if not isinstance(rendered, list) or not isinstance(source, list) or not 0 <= part < len(rendered):
                return None
            index = _matching_item(rendered[part], source, part, len(rendered))
            if index is None:
                return None
            result.append(index)
            rendered, source = rendered[part], source[index]
        else:
            if not isinstance(source, dict) or part not in source:
                return None
            result.append(part)
            rendered = rendered.get(part) if isinstance(rendered, dict) else None
            source = source[part]
    return tuple(result)


def _matching_item(item: Any, items: List[Any], index: int, length: int) -> Optional[int]:
    if isinstance(item, dict):
        for key in MERGE_KEYS:
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                for number, candidate in enumerate(items):
                    if isinstance(candidate, dict) and candidate.get(key) == value:
                        return number
                return None
    if len(items) == length:
        return index
    if not isinstance(item, (dict, list)) and item in items:
        return items.index(item)
    return None


def _at(data: Any, pointer: Pointer) -> Any:
    for part in pointer:
        data = data[part]
    return data


def _in_json_patch(operations: Sequence[Any], data: Dict[str, Any], pointer: Pointer) -> Optional[Pointer]:
    """The pointer, within a JSON 6902 patch document, of the value its last operation that
    wrote `pointer` (or an ancestor of it) put there."""
    for number in range(len(operations) - 1, -1, -1):
        operation = operations[number]
        if not isinstance(operation, dict) or operation.get("op") not in ("add", "replace") or \
                "value" not in operation or not isinstance(operation.get("path"), str):
            continue
        path = _json_pointer(operation["path"])
        if len(path) > len(pointer) or not all(
                p == "-" or p == str(q) for p, q in zip(path, pointer)):
            continue
        rest = pointer[len(path):]
        target: Any = data
        for part in pointer[:len(path)]:
            target = target[part] if isinstance(target, (dict, list)) and _has(target, part) else None
        translated = translate(target, operation["value"], rest)
        if translated is not None:
            return (number, "value") + translated
    return None


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(part, int) and 0 <= part < len(container)


def _json_pointer(text: str) -> Tuple[str, ...]:
    if not text.startswith("/"):
        return ()
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/"))
