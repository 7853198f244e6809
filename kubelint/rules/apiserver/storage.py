"""PersistentVolumes and PersistentVolumeClaims (KL128): access modes, capacity and requests,
volume sources, node affinity, classes and data sources, as
pkg/apis/core/validation/validation.go:ValidatePersistentVolumeSpec and
ValidatePersistentVolumeClaimSpec check them. The claim spec check is shared with generic
ephemeral volumes (KL124). Quantities that do not parse or are negative are KL501's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

from ...findings import Pointer, Severity
from ...model.objects import K8sObject
from ...model.quantity import QuantityError, parse_quantity
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted
from . import errors, syntax
from .kinds import built_in
from .version import kubernetes_minor
from .pod_scheduling import label_selector, node_selector

if TYPE_CHECKING:
    from ...model.context import RuleContext

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")  # sorted
RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
VOLUME_MODES = ("Block", "Filesystem")
_ACCESS, _RECLAIM, _MODES = frozenset(ACCESS_MODES), frozenset(RECLAIM_POLICIES), frozenset(VOLUME_MODES)
# A PersistentVolume's sources, in the order ValidatePersistentVolumeSpec counts them.
PV_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd",
              "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
              "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi")
VOLUME_ATTRIBUTES_CLASS_SINCE = 34  # VolumeAttributesClass GA: the class name is validated


class PersistentStorage(Rule):
    """PersistentVolume and PersistentVolumeClaim specs as the API server validates them on create."""

    id = "KL128"
    name = "invalid-persistent-volume"
    severity = Severity.ERROR
    summary = "PersistentVolume and PersistentVolumeClaim specs are valid (access modes, sizes, sources)."
    kinds = frozenset({"PersistentVolume", "PersistentVolumeClaim"})
    doc = RuleDoc(
        what="PersistentVolumeClaims: at least one access mode, each ReadWriteOnce, ReadOnlyMany, ReadWriteMany or "
             "ReadWriteOncePod (alone), a resources.requests.storage greater than zero, a storageClassName that is "
             "a DNS subdomain, volumeMode Block or Filesystem, dataSource/dataSourceRef with a kind and name "
             "(PersistentVolumeClaim in the core group) that agree. PersistentVolumes: access modes likewise, a "
             "capacity of storage only and positive, exactly one volume source (local needs nodeAffinity), "
             "nodeAffinity with required terms, reclaim policy Delete, Recycle or Retain, a CSI driver name and "
             "volumeHandle, an absolute NFS path.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go "
            "(ValidatePersistentVolumeSpec, ValidatePersistentVolumeClaimSpec, validateDataSource).",
        failing="kind: PersistentVolumeClaim\nspec:\n  accessModes: [ReadWriteOne]\n  resources: {requests: {storage: 1Gi}}",
        passing="kind: PersistentVolumeClaim\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if not built_in(obj):
            return
        spec = obj.raw.get("spec")
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            return
        if obj.kind == "PersistentVolumeClaim":
            yield from pvc_spec(("spec",), spec, kubernetes_minor(ctx))
        else:
            yield from _pv_spec(spec, kubernetes_minor(ctx))


def access_modes(at: Pointer, spec: Dict[str, Any], detail: str = "") -> Iterator[Report]:
    """The access-mode checks both specs share (errors name the list, as the server does)."""
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes:
        if modes is None or isinstance(modes, list):
            yield errors.required(at + ("accessModes",), detail, present=modes is not None)
        return
    listed = dotted(at + ("accessModes",))
    once_pod = other = False
    for index, mode in enumerate(modes):
        if not isinstance(mode, str):
            continue
        if mode not in _ACCESS:
            yield errors.not_supported(at + ("accessModes", index), mode, ACCESS_MODES, field=listed)
        elif mode == "ReadWriteOncePod":
            once_pod = True
        else:
            other = True
    if once_pod and other:
        yield errors.forbidden(at + ("accessModes",), "may not use ReadWriteOncePod with other access modes",
                               anchor="value")


def _quantity(value: Any) -> Optional[Decimal]:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return parse_quantity(value)
    except (QuantityError, ValueError, ArithmeticError):
        return None  # KL501 reports it


def pvc_spec(at: Pointer, spec: Dict[str, Any], minor: int) -> Iterator[Report]:
    """ValidatePersistentVolumeClaimSpec."""
    yield from access_modes(at, spec, "at least 1 access mode is required")
    selector = spec.get("selector")
    if isinstance(selector, dict):
        yield from label_selector(at + ("selector",), selector)
    resources = spec.get("resources")
    requests = resources.get("requests") if isinstance(resources, dict) else None
    storage_path = dotted(at + ("resources",)) + "[storage]"
    if not isinstance(requests, dict) or "storage" not in requests:
        if requests is None or isinstance(requests, dict):
            yield errors.required(at + ("resources", "requests", "storage"), field=storage_path)
    else:
        size = _quantity(requests["storage"])
        if size is not None and size == 0:
            yield errors.invalid(at + ("resources", "requests", "storage"), "0", "must be greater than zero",
                                 field=storage_path)
    yield from _class_and_mode(at, spec)
    yield from _data_sources(at, spec)
    attributes = spec.get("volumeAttributesClassName")
    if isinstance(attributes, str) and attributes and minor >= VOLUME_ATTRIBUTES_CLASS_SINCE:
        for problem in syntax.dns1123_subdomain(attributes):
            yield errors.invalid(at + ("volumeAttributesClassName",), attributes, problem)


def _class_and_mode(at: Pointer, spec: Dict[str, Any]) -> Iterator[Report]:
    """storageClassName (ValidateClassName: a DNS subdomain) and volumeMode (supportedVolumeModes),
    which ValidatePersistentVolumeClaimSpec and ValidatePersistentVolumeSpec check alike."""
    class_name = spec.get("storageClassName")
    if isinstance(class_name, str) and class_name:
        for problem in syntax.dns1123_subdomain(class_name):
            yield errors.invalid(at + ("storageClassName",), class_name, problem)
    mode = spec.get("volumeMode")
    if isinstance(mode, str) and mode not in _MODES:
        yield errors.not_supported(at + ("volumeMode",), mode, VOLUME_MODES)


def _data_sources(at: Pointer, spec: Dict[str, Any]) -> Iterator[Report]:
    """validateDataSource, validateDataSourceRef and their agreement."""
    source, ref = spec.get("dataSource"), spec.get("dataSourceRef")
    for key, reference in (("dataSource", source), ("dataSourceRef", ref)):
        if not isinstance(reference, dict):
            continue
        where = at + (key,)
        for field_name in ("name", "kind"):
            if not reference.get(field_name):
                yield errors.required(where + (field_name,), present=field_name in reference)
        group, kind = reference.get("apiGroup") or "", reference.get("kind") or ""
        if not isinstance(group, str) or not isinstance(kind, str):
            continue
        if not group and kind != "PersistentVolumeClaim":
            yield errors.invalid(where + ("kind",), kind, "must be 'PersistentVolumeClaim' when referencing the "
                                                          "default apiGroup", field=dotted(where))
        for problem in syntax.dns1123_subdomain(group) if group else ():
            yield errors.invalid(where + ("apiGroup",), group, problem)
        namespace = reference.get("namespace") if key == "dataSourceRef" else None
        if isinstance(namespace, str) and namespace:
            for problem in syntax.dns1123_label(namespace):
                yield errors.invalid(where + ("namespace",), namespace, problem)
    if not isinstance(source, dict) or not isinstance(ref, dict):
        return
    if ref.get("namespace"):
        yield errors.invalid(at + ("dataSource",), dotted(at + ("dataSource",)),
                             "may not be specified when dataSourceRef.namespace is specified", field=dotted(at))
    elif any(source.get(k) != ref.get(k) for k in ("apiGroup", "kind", "name")):
        yield errors.invalid(at + ("dataSource",), dotted(at + ("dataSource",)), "must match dataSourceRef",
                             field=dotted(at))


def _pv_spec(spec: Dict[str, Any], minor: int) -> Iterator[Report]:
    """ValidatePersistentVolumeSpec for a PersistentVolume (not an inline spec)."""
    at: Pointer = ("spec",)
    yield from access_modes(at, spec)
    capacity = spec.get("capacity")
    if isinstance(capacity, dict) or capacity is None:
        capacity = capacity or {}
        if not capacity:
            yield errors.required(at + ("capacity",), present="capacity" in spec)
        if "storage" not in capacity or len(capacity) > 1:
            others = [k for k in capacity if k != "storage"]
            where = at + ("capacity", others[0]) if others else at + ("capacity",)
            yield errors.not_supported(where, errors.Verbatim(_capacity_text(capacity)), ("storage",), field="spec.capacity")
        for name, value in capacity.items():
            size = _quantity(value)
            if size is not None and size == 0:
                yield errors.invalid(at + ("capacity", name), "0", "must be greater than zero",
                                     field=f"spec.capacity[{name}]")
    policy = spec.get("persistentVolumeReclaimPolicy")
    if isinstance(policy, str) and policy and policy not in _RECLAIM:
        yield errors.not_supported(at + ("persistentVolumeReclaimPolicy",), policy, RECLAIM_POLICIES)
    affinity = spec.get("nodeAffinity")
    if isinstance(affinity, dict):
        required = affinity.get("required")
        if isinstance(required, dict):
            yield from node_selector(at + ("nodeAffinity", "required"), required)
        elif required is None:
            yield errors.required(at + ("nodeAffinity", "required"), "must specify required node constraints")
    yield from _pv_sources(at, spec, node_affinity=isinstance(affinity, dict))
    yield from _class_and_mode(at, spec)


def _capacity_text(capacity: Dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in capacity.items()) + "}"


def _pv_sources(at: Pointer, spec: Dict[str, Any], node_affinity: bool) -> Iterator[Report]:
    found = None
    for key in PV_SOURCES:
        source = spec.get(key)
        if source is None:
            continue
        if found is not None and key != "flexVolume":  # the server counts flexVolume without this check
            yield errors.forbidden(at + (key,), "may not specify more than 1 volume type")
            continue
        found = found or key
        if not isinstance(source, dict):
            continue
        where = at + (key,)
        if key == "local":
            path = source.get("path")
            if path == "":
                yield errors.required(where + ("path",), present=True)
            elif isinstance(path, str) and ".." in path.split("/"):
                yield errors.invalid(where + ("path",), path, "must not contain '..'")
            if not node_affinity:
                yield errors.required(at + ("nodeAffinity",), "Local volume requires node affinity")
        elif key == "hostPath":
            path = source.get("path")
            if path == "":
                yield errors.required(where + ("path",), present=True)
            elif isinstance(path, str) and ".." in path.split("/"):
                yield errors.invalid(where + ("path",), path, "must not contain '..'")
            if isinstance(path, str) and path.rstrip("/") == "" and path and \
                    spec.get("persistentVolumeReclaimPolicy") == "Recycle":
                yield errors.forbidden(at + ("persistentVolumeReclaimPolicy",), "may not be 'recycle' for a hostPath "
                                                                                "mount of '/'")
        elif key == "nfs":
            yield from nfs_source(where, source)
        elif key == "csi":
            yield from csi_driver(where + ("driver",), source.get("driver"))
            if not source.get("volumeHandle"):
                yield errors.required(where + ("volumeHandle",), present="volumeHandle" in source)
            for ref in ("controllerPublishSecretRef", "controllerExpandSecretRef", "nodePublishSecretRef",
                        "nodeExpandSecretRef"):
                secret = source.get(ref)
                if isinstance(secret, dict):
                    yield from _secret_reference(where + (ref,), secret)
    if found is None:
        yield errors.required(at, "must specify a volume type", present=True)


def _secret_reference(at: Pointer, secret: Dict[str, Any]) -> Iterator[Report]:
    """validatePVSecretReference."""
    name, namespace = secret.get("name"), secret.get("namespace")
    if not name:
        yield errors.required(at + ("name",), present="name" in secret)
    elif isinstance(name, str):
        for problem in syntax.dns1123_subdomain(name):
            yield errors.invalid(at + ("name",), name, problem)
    if not namespace:
        yield errors.required(at + ("namespace",), present="namespace" in secret)
    elif isinstance(namespace, str):
        for problem in syntax.dns1123_label(namespace):
            yield errors.invalid(at + ("namespace",), namespace, problem)


def nfs_source(at: Pointer, source: Dict[str, Any]) -> Iterator[Report]:
    """validateNFSVolumeSource."""
    server, path = source.get("server"), source.get("path")
    if server == "":
        yield errors.required(at + ("server",), present=True)
    if isinstance(path, str):
        if path == "":
            yield errors.required(at + ("path",), present=True)
        if not path.startswith("/"):
            yield errors.invalid(at + ("path",), path, "must be an absolute path")


def csi_driver(at: Pointer, driver: Any) -> Iterator[Report]:
    """ValidateCSIDriverName."""
    if not isinstance(driver, str):
        return
    if not driver:
        yield errors.required(at, present=True)
    if len(driver) > 63:
        yield errors.too_long(at, 63)
    for problem in syntax.dns1123_subdomain(driver.lower()):
        yield errors.invalid(at, driver, problem)
