"""The view of one object that rules receive: its data with API-server defaults applied."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Dict, Iterator, List, Optional

from .defaults import with_defaults
from .findings import ObjectRef, Pointer
from .loader import Manifest

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


@dataclass(frozen=True)
class Container:
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


@dataclass
class PodTemplate:
    """The pod template (or the Pod itself) of a workload."""

    pointer: Pointer  # of the template: metadata at pointer+("metadata",), spec at pointer+("spec",)
    labels: Dict[str, str]
    spec: Dict[str, Any]

    def containers(self, include_init: bool = True) -> List[Container]:
        found: List[Container] = []
        groups = ("initContainers", "containers") if include_init else ("containers",)
        for group in groups:
            for index, data in enumerate(as_list(self.spec.get(group))):
                if isinstance(data, dict):
                    found.append(Container(self.pointer + ("spec", group, index), data, group != "containers"))
        return found


_UNKNOWN: Any = object()


class K8sObject:
    """One object: its manifest, and its data with API-server defaults applied (on first use).

    Objects compare by identity. `template_labels` may be given when the object comes packed
    from another process, so the set index can be built without unpacking it."""

    def __init__(self, manifest: Manifest, template_labels: Optional[Dict[str, str]] = _UNKNOWN) -> None:
        self.manifest = manifest
        if template_labels is not _UNKNOWN:
            self.__dict__["template_labels"] = template_labels

    @cached_property
    def data(self) -> Dict[str, Any]:
        return with_defaults(self.manifest.data)

    def release(self) -> None:
        """Forget the unpacked data (a large parallel run checks each object once, then packs
        it away); it is unpacked again if a rule reads it later."""
        if self.manifest.release():
            self.__dict__.pop("data", None)
            self.__dict__.pop("pod_template", None)

    @cached_property
    def template_labels(self) -> Optional[Dict[str, str]]:
        """The pod template's string labels, or None for kinds without a template."""
        template = self.pod_template
        return template.labels if template is not None else None

    @property
    def raw(self) -> Dict[str, Any]:
        """The object as written, without defaults."""
        return self.manifest.data

    @property
    def ref(self) -> ObjectRef:
        return self.manifest.ref

    @property
    def kind(self) -> str:
        return self.manifest.ref.kind

    @property
    def api_version(self) -> str:
        return self.manifest.ref.api_version

    @property
    def name(self) -> Optional[str]:
        return self.manifest.ref.name

    @property
    def namespace(self) -> str:
        """The namespace it will live in; objects that name none go to "default"."""
        return self.manifest.ref.namespace or "default"

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

    @cached_property
    def pod_template(self) -> Optional[PodTemplate]:
        path = POD_TEMPLATE_PATHS.get(self.kind)
        if path is None:
            return None
        template = get_path(self.data, path) if path else self.data
        if not isinstance(template, dict):
            return None
        labels = as_dict(get_path(template, ("metadata", "labels")))
        return PodTemplate(path, {k: v for k, v in labels.items() if isinstance(v, str)},
                           as_dict(template.get("spec")))
