"""Volume types: policy/check_restrictedVolumes.go (restricted, v1.0+, overriding
hostPathVolumes). Only configMap, csi, downwardAPI, emptyDir, ephemeral, image,
persistentVolumeClaim, projected and secret volumes are allowed."""

from __future__ import annotations

from typing import List, Set

from ...model.objects import as_list
from .api import RESTRICTED, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, join_quote, pluralize, result
from .check_host_path_volumes import CHECK_ID as HOST_PATH_ID

ALLOWED_SOURCES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
                   "projected", "secret")
# In the order of upstream's switch: the first one set names the volume's type.
RESTRICTED_SOURCES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
                      "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
                      "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
                      "scaleIO", "storageos")


def restricted_volumes_1_0(pod: Pod) -> CheckResult:
    names: List[str] = []
    types: Set[str] = set()
    violations: List[Violation] = []
    for index, volume in enumerate(as_list(pod.spec.get("volumes"))):
        if not isinstance(volume, dict):
            continue
        if any(volume.get(source) is not None for source in ALLOWED_SOURCES):
            continue
        source = next((s for s in RESTRICTED_SOURCES if volume.get(s) is not None), None)
        if source is None:
            # No source at all (upstream's "unknown" cannot happen): the API server defaults it
            # to emptyDir before admission (pkg/apis/core/v1/defaults.go SetDefaults_Volume).
            continue
        name = str(volume.get("name") or "")
        names.append(name)
        types.add(source)
        violations.append(Violation(pod.at("volumes", index, source),
                                    f"volume {join_quote([name])} uses restricted volume type {join_quote([source])}",
                                    "key"))
    if not names:
        return ALLOWED
    return result("restricted volume types", " ".join((
        pluralize("volume", "volumes", len(names)), join_quote(names), pluralize("uses", "use", len(names)),
        pluralize("restricted volume type", "restricted volume types", len(types)), join_quote(sorted(types)))),
        violations)


CHECK = Check("restrictedVolumes", RESTRICTED, (VersionedCheck(v(0), restricted_volumes_1_0, (HOST_PATH_ID,)),))
