"""Pod volumes as containers use them (KL548-KL550): every mount and device names a volume of the
pod, volume names are unique, and mount and device paths do not collide.

Each check follows the API server's validation of the pod spec (kubernetes/kubernetes
pkg/apis/core/validation), with the volumes a StatefulSet's claim templates add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Set, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list, get_path
from ...named_tuple import NamedTuple
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, pod_containers
from ..common.values import dotted

if TYPE_CHECKING:
    from ...model.context import RuleContext


class PodVolumes(NamedTuple):  # not a dataclass: cheaper to define on every start
    """The volumes a pod will have: name -> is it a claim (persistentVolumeClaim, ephemeral, claim template)."""

    claims: Dict[str, bool]
    pointer: Pointer  # of the pod's spec.volumes
    claim_templates: bool  # a StatefulSet's volumeClaimTemplates add volumes too

    @property
    def where(self) -> str:
        """How to name the places volumes come from, in messages (formatted only for a report)."""
        return dotted(self.pointer) + (" or spec.volumeClaimTemplates" if self.claim_templates else "")


def pod_volumes(obj: K8sObject) -> Optional[PodVolumes]:
    """None when spec.volumes is not a list (the schema reports it)."""
    template = obj.pod_template
    if template is None:
        return None
    volumes = template.spec.get("volumes")
    if volumes is not None and not isinstance(volumes, list):
        return None
    claims: Dict[str, bool] = {}
    for volume in as_list(volumes):
        if isinstance(volume, dict) and isinstance(volume.get("name"), str):
            is_claim = any(isinstance(volume.get(source), dict) for source in ("persistentVolumeClaim", "ephemeral"))
            claims[volume["name"]] = claims.get(volume["name"], False) or is_claim
    if obj.kind == "StatefulSet":
        # The StatefulSet controller adds a PVC volume per claim template, named after it.
        for claim in as_list(obj.spec.get("volumeClaimTemplates")):
            name = get_path(claim, ("metadata", "name"))
            if isinstance(name, str):
                claims[name] = True
    return PodVolumes(claims, template.pointer + ("spec", "volumes"), obj.kind == "StatefulSet")


def _named_items(container_data: Dict[str, Any], group: str) -> Iterator[Tuple[int, Dict[str, Any]]]:
    for index, item in enumerate(as_list(container_data.get(group))):
        if isinstance(item, dict):
            yield index, item


class VolumeNotFound(Rule):
    """Every volumeMount and volumeDevice names a volume of the pod."""

    id = "KL548"
    name = "volume-not-found"
    severity = Severity.ERROR
    summary = "Container volumeMounts and volumeDevices name a volume of the pod."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks volumeMounts[].name and volumeDevices[].name of every container and init container "
             "against the pod's volumes (and, for StatefulSets, spec.volumeClaimTemplates). A volumeDevice "
             "must name a persistentVolumeClaim or ephemeral volume.",
        why="The API server rejects the pod (Not found), so a workload creates no pods at all. StatefulSet "
            "pods are rejected when the controller creates them.",
        failing="volumeMounts: [{name: config, mountPath: /etc/app}]\nvolumes: [{name: cfg, configMap: {name: app}}]",
        passing="volumeMounts: [{name: cfg, mountPath: /etc/app}]\nvolumes: [{name: cfg, configMap: {name: app}}]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        volumes = pod_volumes(obj)
        if volumes is None:
            return
        for container in pod_containers(obj.pod_template):  # type: ignore[arg-type]
            for group in ("volumeMounts", "volumeDevices"):
                for index, item in _named_items(container.data, group):
                    name = item.get("name")
                    if not isinstance(name, str) or not name:
                        continue
                    pointer = container.pointer + (group, index, "name")
                    if name not in volumes.claims:
                        yield Report(pointer, f'{dotted(pointer)}: no volume named "{name}" in {volumes.where}')
                    elif group == "volumeDevices" and not volumes.claims[name]:
                        yield Report(pointer, f'{dotted(pointer)}: volume "{name}" is not a persistentVolumeClaim '
                                              "or ephemeral volume; only those can be used as block devices")


class DuplicateVolume(Rule):
    """Volume names are unique within a pod."""

    id = "KL549"
    name = "duplicate-volume"
    severity = Severity.ERROR
    summary = "Pod volume names are unique."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Reports a volume whose name an earlier entry of the pod's spec.volumes already uses.",
        why="The API server rejects the pod (Duplicate value); mounts could not tell the volumes apart.",
        failing="volumes:\n- {name: data, emptyDir: {}}\n- {name: data, configMap: {name: app}}",
        passing="volumes:\n- {name: data, emptyDir: {}}\n- {name: config, configMap: {name: app}}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        seen: Dict[str, int] = {}
        base = template.pointer + ("spec", "volumes")
        for index, volume in enumerate(as_list(template.spec.get("volumes"))):
            name = volume.get("name") if isinstance(volume, dict) else None
            if not isinstance(name, str) or not name:
                continue
            if name in seen:
                pointer = base + (index, "name")
                yield Report(pointer, f'{dotted(pointer)}: duplicate volume name "{name}" (also '
                                      f"{dotted(base + (seen[name],))}); give each volume its own name")
            else:
                seen[name] = index


class MountCollision(Rule):
    """Within one container, mount paths, device paths and volume uses do not collide."""

    id = "KL550"
    name = "mount-collision"
    severity = Severity.ERROR
    summary = "A container does not mount two volumes at one path, nor use a volume as both mount and device."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="In each container and init container: volumeMounts[].mountPath and volumeDevices[].devicePath "
             "are unique, no mountPath is also a devicePath, no volume is both mounted and used as a device, "
             "and no volumeDevices name repeats.",
        why="The API server rejects the pod (must be unique; must not already exist in volumeDevices).",
        failing="volumeMounts:\n- {name: a, mountPath: /data}\n- {name: b, mountPath: /data}",
        passing="volumeMounts:\n- {name: a, mountPath: /data/a}\n- {name: b, mountPath: /data/b}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in pod_containers(template):
            yield from self._container(container.pointer, container.data)

    @staticmethod
    def _container(base: Pointer, data: Dict[str, Any]) -> Iterator[Report]:
        mount_paths: Dict[str, int] = {}
        mount_names: Set[str] = set()
        for index, mount in _named_items(data, "volumeMounts"):
            path, name = mount.get("mountPath"), mount.get("name")
            if isinstance(name, str):
                mount_names.add(name)
            if not isinstance(path, str) or not path:
                continue
            if path in mount_paths:
                pointer = base + ("volumeMounts", index, "mountPath")
                yield Report(pointer, f'{dotted(pointer)}: "{path}" is already mounted by '
                                      f"{dotted(base + ('volumeMounts', mount_paths[path]))}; mount paths must be "
                                      "unique within a container")
            else:
                mount_paths[path] = index
        device_paths: Dict[str, int] = {}
        device_names: Dict[str, int] = {}
        for index, device in _named_items(data, "volumeDevices"):
            path, name = device.get("devicePath"), device.get("name")
            pointer = base + ("volumeDevices", index)
            if isinstance(name, str) and name:
                at = pointer + ("name",)
                if name in device_names:
                    yield Report(at, f'{dotted(at)}: volume "{name}" is already used by '
                                     f"{dotted(base + ('volumeDevices', device_names[name]))}")
                elif name in mount_names:
                    yield Report(at, f'{dotted(at)}: volume "{name}" is also in {dotted(base + ("volumeMounts",))}; '
                                     "a volume is either mounted or a block device, not both")
                device_names.setdefault(name, index)
            if not isinstance(path, str) or not path:
                continue
            at = pointer + ("devicePath",)
            if path in device_paths:
                yield Report(at, f'{dotted(at)}: "{path}" is already used by '
                                 f"{dotted(base + ('volumeDevices', device_paths[path]))}")
            elif path in mount_paths:
                yield Report(at, f'{dotted(at)}: "{path}" is also a mountPath '
                                 f"({dotted(base + ('volumeMounts', mount_paths[path]))})")
            device_paths.setdefault(path, index)
