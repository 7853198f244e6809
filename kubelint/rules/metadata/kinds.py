"""Which objects are Kubernetes API objects: a kind's API group, whether kube-apiserver itself
serves it, whether it is sent to the API server at all; and metadata fields as written."""

from __future__ import annotations

import functools
from typing import Any, Dict, Optional

from ...model.objects import K8sObject, as_dict
from ...named_tuple import NamedTuple
from ..common.values import api_group

# API groups served by kube-apiserver itself (the core group is "").
BUILTIN_GROUPS = frozenset({
    "apps", "batch", "autoscaling", "policy", "extensions", "admissionregistration.k8s.io",
    "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "lifecycle.k8s.io", "networking.k8s.io",
    "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io",
    "storagemigration.k8s.io",
})
# Kinds of the core group ("v1"); `kind: Config` (a kubeconfig) is not one of them.
CORE_KINDS = frozenset({
    "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
    "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
    "ResourceQuota", "Secret", "Service", "ServiceAccount",
})
# Files that look like manifests but are tool configuration, never sent to the API server
# (kubeadm, kubelet, scheduler, kustomize, audit policy, kind clusters, kpt function lists...).
CONFIG_GROUPS = frozenset({
    "kubeadm.k8s.io", "audit.k8s.io", "apiserver.k8s.io", "admission.k8s.io", "imagepolicy.k8s.io",
    "client.authentication.k8s.io", "kind.x-k8s.io", "config.kubernetes.io", "abac.authorization.kubernetes.io",
    "eventratelimit.admission.k8s.io",
})


class KindClass(NamedTuple):
    """What an apiVersion and kind say about an object."""

    group: str
    builtin: bool  # served by kube-apiserver itself
    api_object: bool  # False for tool configuration files that only look like manifests


@functools.lru_cache(maxsize=1024)  # a run has a few dozen apiVersion/kind pairs, every rule asks
def _kind_class(api_version: str, kind: str) -> KindClass:
    group = api_group(api_version)
    if group == "":
        core = kind in CORE_KINDS
        return KindClass(group, core, core)
    return KindClass(group, group in BUILTIN_GROUPS,
                     group not in CONFIG_GROUPS and not group.endswith("config.k8s.io"))


def kind_class(obj: K8sObject) -> KindClass:
    return _kind_class(obj.api_version, obj.kind)


def is_builtin(obj: K8sObject) -> bool:
    return kind_class(obj).builtin


def is_api_object(obj: K8sObject) -> bool:
    return kind_class(obj).api_object


def raw_meta(obj: K8sObject) -> Dict[str, Any]:
    return as_dict(obj.raw.get("metadata"))


def raw_string(obj: K8sObject, key: str) -> Optional[str]:
    """metadata.<key> as written, when it is a non-empty string."""
    value = raw_meta(obj).get(key)
    return value if isinstance(value, str) and value else None
