"""Which objects these rules validate: a built-in kind in the API group that serves it. A
`kind: Deployment` with `apiVersion: v1`, or a custom resource that happens to be called Job,
never reaches this validation (the API server refuses the first for its version, and validates
the second against its CRD)."""

from __future__ import annotations

import functools
from typing import Dict, FrozenSet

from ...model.objects import K8sObject
from ..common.values import api_group

CORE = frozenset({""})
APPS = frozenset({"apps", "extensions"})
GROUPS: Dict[str, FrozenSet[str]] = {
    "Pod": CORE, "PodTemplate": CORE, "ReplicationController": CORE, "ConfigMap": CORE, "Secret": CORE,
    "PersistentVolume": CORE, "PersistentVolumeClaim": CORE, "Namespace": CORE, "Endpoints": CORE,
    "LimitRange": CORE, "ResourceQuota": CORE, "ServiceAccount": CORE,
    "Deployment": APPS, "StatefulSet": APPS, "DaemonSet": APPS, "ReplicaSet": APPS,
    "Job": frozenset({"batch"}), "CronJob": frozenset({"batch"}),
}


@functools.lru_cache(maxsize=256)
def _served(api_version: str, kind: str) -> bool:
    groups = GROUPS.get(kind)
    return groups is not None and api_group(api_version) in groups


def built_in(obj: K8sObject) -> bool:
    """The object is the built-in kind its name says (its apiVersion is of the kind's group)."""
    return _served(obj.api_version, obj.kind)
