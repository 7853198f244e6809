"""Pod volumes (KL124): one source per volume and each source's own rules, as
pkg/apis/core/validation/validation.go:ValidateVolumes and validateVolumeSource check them.
Duplicate names and mounts of missing volumes are KL548-KL550.

A volume that names no source at all is not an error: the API server defaults it to emptyDir
(pkg/apis/core/v1/defaults.go:SetDefaults_Volume).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Set

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS
from ..common.values import dotted, is_int
from . import errors, syntax
from .kinds import built_in
from .version import kubernetes_minor
from .containers import field_selector, local_descending_path, resource_selector
from .storage import csi_driver, nfs_source, pvc_spec

if TYPE_CHECKING:
    from ...model.context import RuleContext

# A pod volume's sources, in the order validateVolumeSource counts them.
VOLUME_SOURCES = ("emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs",
                  "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte",
                  "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk",
                  "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image")
_SOURCE_ORDER = {key: index for index, key in enumerate(VOLUME_SOURCES)}
HOST_PATH_TYPES = ("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate",
                   "Socket")  # sorted
_HOST_PATH_TYPES = frozenset(HOST_PATH_TYPES)
VOLUME_FIELD_PATHS = ("metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace",
                      "metadata.uid")  # validVolumeDownwardAPIFieldPathExpressions, sorted
PROJECTION_SOURCES = ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle",
                      "podCertificate")
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
MAX_FILE_MODE = 0o777
MIN_TOKEN_SECONDS, MAX_TOKEN_SECONDS = 10 * 60, 1 << 32


class PodVolumes(Rule):
    """Pod volume sources as the API server validates them."""

    id = "KL124"
    name = "invalid-pod-volume"
    severity = Severity.ERROR
    summary = "Each pod volume has one source, and that source's fields are valid (validateVolumeSource)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Each volume of a Pod or pod template: a DNS-label name, at most one source (a second one is "
             "\"may not specify more than 1 volume type\"); secret volumes name a secretName and configMap volumes "
             "a name; defaultMode and item modes between 0 and 0777; items with a key and a relative path without "
             "'..'; hostPath type one of the hostPath types and no '..' in its path; persistentVolumeClaim with a "
             "claimName; nfs with a server and an absolute path; csi with a driver name; downwardAPI items with a "
             "path and exactly one of fieldRef (name, namespace, uid, labels, annotations) and resourceFieldRef "
             "(with containerName); projected sources one kind each, with names, no duplicate paths, "
             "serviceAccountToken of at least 10 minutes with a path; ephemeral volumes with a volumeClaimTemplate "
             "whose metadata holds only labels and annotations and whose spec is a valid claim spec.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (ValidateVolumes, "
            "validateVolumeSource, validateSecretVolumeSource, validateKeyToPath, validateProjectionSources, "
            "validateEphemeralVolumeSource).",
        failing="volumes:\n- name: config\n  configMap: {name: web}\n  secret: {secretName: web}",
        passing="volumes:\n- name: config\n  configMap: {name: web}\n- name: creds\n  secret: {secretName: web}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not built_in(obj):
            return
        volumes = template.spec.get("volumes")
        if not volumes or not isinstance(volumes, list):
            return
        base = template.pointer + ("spec", "volumes")
        minor = kubernetes_minor(ctx)
        for index, volume in enumerate(volumes):
            if isinstance(volume, dict):
                yield from _volume(base + (index,), volume, minor)


def _volume(at: Pointer, volume: Dict[str, Any], minor: int) -> Iterator[Report]:
    name = volume.get("name")
    if name == "":
        yield errors.required(at + ("name",), present=True)
    elif isinstance(name, str):
        for problem in syntax.dns1123_label(name):
            yield errors.invalid(at + ("name",), name, problem)
    # A volume has its name and (nearly always) one source: look at the keys it has, in the
    # server's order only when there are several.
    first, several = None, False
    for key in volume:
        if key in _SOURCE_ORDER and volume[key] is not None:
            several, first = first is not None, first or key
    if several:
        sources = sorted((k for k in volume if k in _SOURCE_ORDER and volume[k] is not None),
                         key=_SOURCE_ORDER.__getitem__)
        first = sources[0]
        for key in sources[1:]:
            yield errors.forbidden(at + (key,), "may not specify more than 1 volume type")
    if first is not None:
        key = first
        source, check = volume[key], _SOURCE_CHECKS.get(key)
        if check is not None and source.__class__ is dict:
            yield from check(at + (key,), source, minor)


def _mode(at: Pointer, mode: Any) -> Iterator[Report]:
    if is_int(mode) and not 0 <= mode <= MAX_FILE_MODE:
        hint = ""
        if mode > MAX_FILE_MODE and set(str(mode)) <= set("01234567") and int(str(mode), 8) <= MAX_FILE_MODE:
            hint = f"YAML reads {mode} as a decimal number; write 0{mode} for the octal mode, or {int(str(mode), 8)}"
        yield errors.invalid(at, mode, FILE_MODE_ERROR, hint=hint)


def local_path(at: Pointer, path: Any, field: str = "") -> Iterator[Report]:
    """ValidateLocalNonReservedPath: relative, no '..' element, not starting with '..'."""
    if not isinstance(path, str):
        return
    for problem in local_descending_path(path):
        yield errors.invalid(at, path, problem, field=field or None)
    if path.startswith("..") and not path.startswith("../"):
        yield errors.invalid(at, path, "must not start with '..'", field=field or None)


def _key_to_paths(at: Pointer, items: Any) -> Iterator[Report]:
    """validateKeyToPath for each item."""
    for index, item in enumerate(as_list(items)):
        if not isinstance(item, dict):
            continue
        where = at + (index,)
        for key in ("key", "path"):
            if item.get(key) == "":
                yield errors.required(where + (key,), present=True)
        yield from local_path(where + ("path",), item.get("path"))
        yield from _mode(where + ("mode",), item.get("mode"))


def _host_path(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    path = source.get("path")
    if path == "":
        yield errors.required(at + ("path",), present=True)
        return
    if isinstance(path, str) and ".." in path.replace("\\", "/").split("/"):
        yield errors.invalid(at + ("path",), path, "must not contain '..'")
    kind = source.get("type")
    if isinstance(kind, str) and kind not in _HOST_PATH_TYPES:
        yield errors.not_supported(at + ("type",), kind, HOST_PATH_TYPES)


def _secret(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    if not source.get("secretName"):
        yield errors.required(at + ("secretName",), present="secretName" in source)
    yield from _mode(at + ("defaultMode",), source.get("defaultMode"))
    yield from _key_to_paths(at + ("items",), source.get("items"))


def _config_map(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    if not source.get("name"):
        yield errors.required(at + ("name",), present="name" in source)
    yield from _mode(at + ("defaultMode",), source.get("defaultMode"))
    yield from _key_to_paths(at + ("items",), source.get("items"))


def _claim(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    if source.get("claimName") == "":
        yield errors.required(at + ("claimName",), present=True)


def _nfs(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    yield from nfs_source(at, source)


def _csi(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    yield from csi_driver(at + ("driver",), source.get("driver"))
    secret = source.get("nodePublishSecretRef")
    if isinstance(secret, dict):
        name = secret.get("name")
        if not name:
            yield errors.required(at + ("nodePublishSecretRef", "name"), present="name" in secret)
        elif isinstance(name, str):
            for problem in syntax.dns1123_subdomain(name):  # the server names the path `csi.name`
                yield errors.invalid(at + ("nodePublishSecretRef", "name"), name, problem, field=dotted(at + ("name",)))


def _downward_files(at: Pointer, items: Any, listed: Pointer) -> Iterator[Report]:
    """validateDownwardAPIVolumeFile; the server reports at `listed` (the source), not the item."""
    for index, item in enumerate(as_list(items)):
        if not isinstance(item, dict):
            continue
        where = at + (index,)
        path = item.get("path")
        if path == "":
            yield errors.required(where + ("path",), present=True, field=dotted(listed + ("path",)))
        yield from local_path(where + ("path",), path, field=dotted(listed + ("path",)))
        field_ref, resource_ref = item.get("fieldRef"), item.get("resourceFieldRef")
        if isinstance(field_ref, dict):
            yield from field_selector(where + ("fieldRef",), field_ref, VOLUME_FIELD_PATHS)
            if resource_ref is not None:
                yield errors.invalid(where, "resource", "fieldRef and resourceFieldRef can not be specified "
                                                        "simultaneously", field=dotted(listed))
        elif isinstance(resource_ref, dict):
            yield from resource_selector(where + ("resourceFieldRef",), resource_ref, volume=True)
        elif field_ref is None and resource_ref is None:
            yield errors.required(where, "one of fieldRef and resourceFieldRef is required", present=True,
                                  field=dotted(listed))
        yield from _mode(where + ("mode",), item.get("mode"))


def _downward_api(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    yield from _mode(at + ("defaultMode",), source.get("defaultMode"))
    yield from _downward_files(at + ("items",), source.get("items"), at)


def _projected(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    """validateProjectedVolumeSource / validateProjectionSources."""
    yield from _mode(at + ("defaultMode",), source.get("defaultMode"))
    paths: Set[str] = set()
    for index, projection in enumerate(as_list(source.get("sources"))):
        if not isinstance(projection, dict):
            continue
        where = at + ("sources", index)
        kinds = [k for k in PROJECTION_SOURCES if projection.get(k) is not None]
        for kind in ("secret", "configMap"):
            ref = projection.get(kind)
            if not isinstance(ref, dict):
                continue
            if not ref.get("name"):
                yield errors.required(where + (kind, "name"), present="name" in ref)
            yield from _key_to_paths(where + (kind, "items"), ref.get("items"))
            for j, item in enumerate(as_list(ref.get("items"))):
                path = item.get("path") if isinstance(item, dict) else None
                if isinstance(path, str) and path:
                    if path in paths:
                        yield errors.invalid(where + (kind, "items", j, "path"), ref.get("name", ""),
                                             "conflicting duplicate paths", field=dotted(at))
                    paths.add(path)
        downward = projection.get("downwardAPI")
        if isinstance(downward, dict):
            yield from _downward_files(where + ("downwardAPI", "items"), downward.get("items"), where + ("downwardAPI",))
            for j, item in enumerate(as_list(downward.get("items"))):
                path = item.get("path") if isinstance(item, dict) else None
                if isinstance(path, str) and path:
                    if path in paths:
                        yield errors.invalid(where + ("downwardAPI", "items", j, "path"), path,
                                             "conflicting duplicate paths", field=dotted(at))
                    paths.add(path)
        token = projection.get("serviceAccountToken")
        if isinstance(token, dict):
            yield from _token(where + ("serviceAccountToken",), token, at)
        if len(kinds) > 1:
            yield errors.forbidden(where, "may not specify more than 1 volume type per source", anchor="value")


def _token(at: Pointer, token: Dict[str, Any], projected: Pointer) -> Iterator[Report]:
    seconds = token.get("expirationSeconds")
    if is_int(seconds):
        if seconds < MIN_TOKEN_SECONDS:
            yield errors.invalid(at + ("expirationSeconds",), seconds, "may not specify a duration less than 10 "
                                                                       "minutes")
        if seconds > MAX_TOKEN_SECONDS:
            yield errors.invalid(at + ("expirationSeconds",), seconds, "may not specify a duration larger than 2^32 "
                                                                       "seconds")
    path = token.get("path")
    if path == "":  # the server names the projected volume's path, not the token's
        yield errors.required(at + ("path",), present=True, field=dotted(projected + ("path",)))
    else:
        yield from local_path(at + ("path",), path, field=dotted(projected + ("path",)))


def _ephemeral(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    """validateEphemeralVolumeSource: a claim template whose metadata holds only labels and annotations."""
    template = source.get("volumeClaimTemplate")
    if template is None:
        yield errors.required(at + ("volumeClaimTemplate",))
        return
    if not isinstance(template, dict):
        return
    where = at + ("volumeClaimTemplate",)
    metadata = template.get("metadata")
    if isinstance(metadata, dict):
        for key in metadata:
            if key not in ("labels", "annotations") and metadata[key] not in (None, "", [], {}):
                yield errors.forbidden(where + ("metadata", key), "cannot be set")
    spec = template.get("spec")
    yield from pvc_spec(where + ("spec",), spec if isinstance(spec, dict) else {}, minor)


def _gce(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    if source.get("pdName") == "":
        yield errors.required(at + ("pdName",), present=True)
    yield from _partition(at, source)


def _aws(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    if source.get("volumeID") == "":
        yield errors.required(at + ("volumeID",), present=True)
    yield from _partition(at, source)


def _partition(at: Pointer, source: Dict[str, Any]) -> Iterator[Report]:
    partition = source.get("partition")
    if is_int(partition) and not 0 <= partition <= 255:
        yield errors.invalid(at + ("partition",), partition, syntax.inclusive_range_error(1, 255))


def _azure_file(at: Pointer, source: Dict[str, Any], minor: int) -> Iterator[Report]:
    for key in ("secretName", "shareName"):
        if source.get(key) == "":
            yield errors.required(at + (key,), present=True)


_SOURCE_CHECKS = {
    "hostPath": _host_path, "secret": _secret, "configMap": _config_map, "persistentVolumeClaim": _claim,
    "nfs": _nfs, "csi": _csi, "downwardAPI": _downward_api, "projected": _projected, "ephemeral": _ephemeral,
    "gcePersistentDisk": _gce, "awsElasticBlockStore": _aws, "azureFile": _azure_file,
}
