"""The view of one object that rules receive: its data with API-server defaults applied."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from ..findings import ObjectRef, Pointer
from ..input.loader import Manifest
from ..named_tuple import NamedTuple
from .defaults import with_defaults

# Kinds that carry a pod template, and where it is.
POD_TEMPLATE_PATHS: Dict[str, Pointer] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
    "Pod": (),
}
WORKLOAD_KINDS = frozenset(POD_TEMPLATE_PATHS) - {"PodTemplate"}


def get_path(data: Any, pointer: Pointer, default: Any = None) -> Any:
    for part in pointer:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return default
        if data is None:
            return default
    return data


def as_dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


class Container(NamedTuple):
    """One container of a pod spec, and its pointer within the object."""

    pointer: Pointer
    data: Dict[str, Any]
    init: bool

    @property
    def name(self) -> Optional[str]:
        name = self.data.get("name")
        return name if isinstance(name, str) else None

    def ports(self) -> Iterator[tuple]:
        for index, port in enumerate(as_list(self.data.get("ports"))):
            if isinstance(port, dict):
                yield self.pointer + ("ports", index), port


class PodTemplate:
    """The pod template (or the Pod itself) of a workload. A plain class: rules cache by it
    through weak references, and a dataclass costs a millisecond to define at start-up."""

    __slots__ = ("pointer", "labels", "spec", "__weakref__")

    def __init__(self, pointer: Pointer, labels: Dict[str, str], spec: Dict[str, Any]) -> None:
        self.pointer = pointer  # of the template: metadata at pointer+("metadata",), spec at pointer+("spec",)
        self.labels = labels
        self.spec = spec

    def __repr__(self) -> str:
        return f"PodTemplate(pointer={self.pointer!r}, labels={self.labels!r})"

    def containers(self, include_init: bool = True) -> List[Container]:
        found: List[Container] = []
        groups = ("initContainers", "containers") if include_init else ("containers",)
        for group in groups:
            for index, data in enumerate(as_list(self.spec.get(group))):
                if isinstance(data, dict):
                    found.append(Container(self.pointer + ("spec", group, index), data, group != "containers"))
        return found


_UNKNOWN: Any = object()

# Objects unpacked since the last release_unpacked(), when tracking is on (a large run that
# keeps objects packed): they are packed away again after each checked object, so that the run
# holds about one object's data at a time, whichever objects its rules looked at. A rule that
# reads the whole set once (the Services of every namespace, say) would still unpack all of
# it for that one object: past MAX_UNPACKED, the others are packed away as it goes, all but the
# object being checked (whose rules share what they derive from it).
MAX_UNPACKED = 256
_unpacked: List["K8sObject"] = []
_tracking = [False]
_checking: List[Optional["K8sObject"]] = [None]


def track_unpacked(on: bool) -> None:
    _tracking[0] = on
    _unpacked.clear()
    _checking[0] = None


def checking(obj: Optional["K8sObject"]) -> None:
    """Say which object is being checked: it stays unpacked until release_unpacked()."""
    _checking[0] = obj


def release_unpacked() -> None:
    for obj in _unpacked:
        obj.release()
    _unpacked.clear()


def _unpacking(obj: "K8sObject") -> None:
    """Note that `obj` is being unpacked; pack the others away if there are too many."""
    if len(_unpacked) >= MAX_UNPACKED:
        current = _checking[0]
        kept = [o for o in _unpacked if o is current]
        for other in _unpacked:
            if other is not current:
                other.release()
        _unpacked[:] = kept
    _unpacked.append(obj)


class K8sObject:
    """One object: its manifest, and its data with API-server defaults applied (on first use).

    Objects compare by identity. `template_labels` may be given when the object comes packed
    from another process, so the set index can be built without unpacking it. Rules read these
    attributes hundreds of thousands of times in a large run, hence plain slots, not properties."""

    __slots__ = ("manifest", "ref", "kind", "api_version", "name", "namespace", "_data", "_pod_template",
                 "_template_labels", "__weakref__")

    def __init__(self, manifest: Manifest, template_labels: Optional[Dict[str, str]] = _UNKNOWN) -> None:
        ref = manifest.ref
        self.manifest = manifest
        self.ref: ObjectRef = ref
        self.kind: str = ref.kind
        self.api_version: str = ref.api_version
        self.name: Optional[str] = ref.name
        self.namespace: str = ref.namespace or "default"  # objects that name none go to "default"
        self._data: Optional[Dict[str, Any]] = None
        self._pod_template: Optional[PodTemplate] = _UNKNOWN
        self._template_labels: Optional[Dict[str, str]] = template_labels

    @property
    def data(self) -> Dict[str, Any]:
        data = self._data
        if data is None:
            if _tracking[0]:
                _unpacking(self)
            data = self._data = with_defaults(self.manifest.data)
        return data

    def release(self) -> None:
        """Forget the unpacked data (a large parallel run checks each object once, then packs
        it away); it is unpacked again if a rule reads it later."""
        if self.manifest.release():
            self._data = None
            self._pod_template = _UNKNOWN

    @property
    def template_labels(self) -> Optional[Dict[str, str]]:
        """The pod template's string labels, or None for kinds without a template."""
        labels = self._template_labels
        if labels is _UNKNOWN:
            template = self.pod_template
            labels = self._template_labels = template.labels if template is not None else None
        return labels

    @property
    def raw(self) -> Dict[str, Any]:
        """The object as written, without defaults."""
        manifest = self.manifest
        if _tracking[0] and not manifest.unpacked:
            _unpacking(self)
        return manifest.data

    @property
    def path(self) -> str:
        return self.manifest.source.path

    @property
    def metadata(self) -> Dict[str, Any]:
        return as_dict(self.data.get("metadata"))

    @property
    def spec(self) -> Dict[str, Any]:
        return as_dict(self.data.get("spec"))

    def get(self, *pointer: Any, default: Any = None) -> Any:
        return get_path(self.data, pointer, default)

    def was_written(self, *pointer: Any) -> bool:
        """True when the field is in the manifest itself, not only filled by a default."""
        return get_path(self.raw, pointer) is not None

    @property
    def pod_template(self) -> Optional[PodTemplate]:
        template = self._pod_template
        if template is _UNKNOWN:
            template = self._pod_template = self._find_pod_template()
        return template

    def _find_pod_template(self) -> Optional[PodTemplate]:
        path = POD_TEMPLATE_PATHS.get(self.kind)
        if path is None:
            return None
        template = get_path(self.data, path) if path else self.data
        if not isinstance(template, dict):
            return None
        labels = as_dict(get_path(template, ("metadata", "labels")))
        return PodTemplate(path, {k: v for k, v in labels.items() if isinstance(v, str)},
                           as_dict(template.get("spec")))
