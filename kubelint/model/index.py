"""The index of the whole input set that cross-object rules query (never O(n²) loops)."""

from __future__ import annotations

import weakref
from collections import defaultdict
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from .objects import K8sObject

Key = Tuple[str, str, str]  # (kind, namespace, name)


class SetIndex:
    def __init__(self, objects: Iterable[K8sObject]) -> None:
        self.objects: List[K8sObject] = list(objects)
        # (kind, namespace) -> name -> object: one dict entry per object, no key tuple or list
        # each (a large run holds this for every object); names given twice also go to
        # _duplicates, with every object of that name in set order.
        self._by_name: Dict[Tuple[str, str], Dict[str, K8sObject]] = {}
        self._duplicates: Dict[Key, List[K8sObject]] = {}
        self._kinds: Dict[Tuple[str, str], int] = defaultdict(int)  # (kind, namespace) -> count
        self._kind_anywhere: Dict[str, int] = defaultdict(int)
        self.namespaces: Set[str] = set()
        # Pod templates by namespace, and a label index: (namespace, key, value) -> templates.
        self._templates: Dict[str, List[K8sObject]] = defaultdict(list)
        self._by_label: Dict[Tuple[str, str, str], List[K8sObject]] = defaultdict(list)
        for obj in self.objects:
            namespace = obj.namespace if is_namespaced(obj.kind) else ""
            if obj.name:
                self._add_named(obj, namespace)
            self._kinds[(obj.kind, namespace)] += 1
            self._kind_anywhere[obj.kind] += 1
            if obj.kind == "Namespace" and obj.name:
                self.namespaces.add(obj.name)
            labels = obj.template_labels
            if labels is not None and obj.kind != "PodTemplate":
                self._templates[obj.namespace].append(obj)
                for key, value in labels.items():
                    self._by_label[(obj.namespace, key, value)].append(obj)

    def _add_named(self, obj: K8sObject, namespace: str) -> None:
        names = self._by_name.get((obj.kind, namespace))
        if names is None:
            names = self._by_name[(obj.kind, namespace)] = {}
        first = names.setdefault(obj.name, obj)  # type: ignore[arg-type]
        if first is not obj:
            self._duplicates.setdefault((obj.kind, namespace, obj.name), [first]).append(obj)  # type: ignore[arg-type]

    def get(self, kind: str, namespace: str, name: str) -> Optional[K8sObject]:
        """The first object of the set with this kind, namespace and name."""
        names = self._by_name.get((kind, namespace if is_namespaced(kind) else ""))
        return names.get(name) if names is not None else None

    def all_named(self, kind: str, namespace: str, name: str) -> List[K8sObject]:
        """Every object of the set with this kind, namespace and name, in set order."""
        namespace = namespace if is_namespaced(kind) else ""
        names = self._by_name.get((kind, namespace))
        first = names.get(name) if names is not None else None
        if first is None:
            return []
        return self._duplicates.get((kind, namespace, name)) or [first]

    def has_kind(self, kind: str, namespace: Optional[str] = None) -> bool:
        """Does the set hold any object of `kind` (in `namespace`, when given)?"""
        if namespace is None:
            return self._kind_anywhere.get(kind, 0) > 0
        return self._kinds.get((kind, namespace if is_namespaced(kind) else ""), 0) > 0

    def of_kind(self, kind: str, namespace: Optional[str] = None) -> List[K8sObject]:
        return [o for o in self.objects if o.kind == kind and (namespace is None or o.namespace == namespace)]

    def has_pod_templates(self, namespace: str) -> bool:
        return bool(self._templates.get(namespace))

    def pods_selected_by(self, namespace: str, selector: Dict[str, str]) -> List[K8sObject]:
        """Workloads whose pod template labels include every pair of `selector` (equality)."""
        if not selector:
            return []
        candidates: Optional[List[K8sObject]] = None
        for key, value in selector.items():
            matches = self._by_label.get((namespace, key, str(value)), [])
            if candidates is None or len(matches) < len(candidates):
                candidates = matches
        if not candidates:
            return []
        return [o for o in candidates
                if all(o.template_labels.get(k) == str(v) for k, v in selector.items())]


# Cluster-scoped built-in kinds; everything else is treated as namespaced.
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "CSIDriver", "CSINode", "VolumeAttachment", "CustomResourceDefinition", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "PriorityClass", "RuntimeClass", "IngressClass", "PodSecurityPolicy", "CertificateSigningRequest",
    "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus", "ClusterTrustBundle",
    "DeviceClass", "ResourceSlice", "IPAddress", "ServiceCIDR", "StorageVersion",
    "StorageVersionMigration", "VolumeAttributesClass", "TokenReview", "SelfSubjectReview",
    "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview",
})


def is_namespaced(kind: str) -> bool:
    return kind not in CLUSTER_SCOPED


# Caches of facts about one set, kept by the rules and admission checks that derive them. A
# fact usually holds the set it is about, so a weak key alone would keep both alive to the end
# of the process (20 MiB at 122,500 objects): forget_set drops every cache's entry for a set.
_SET_CACHES: List["weakref.WeakKeyDictionary[SetIndex, Any]"] = []


def per_set_cache() -> "weakref.WeakKeyDictionary[SetIndex, Any]":
    """A cache keyed by set, emptied of a set by forget_set."""
    cache: "weakref.WeakKeyDictionary[SetIndex, Any]" = weakref.WeakKeyDictionary()
    _SET_CACHES.append(cache)
    return cache


def forget_set(index: SetIndex) -> None:
    """Drop what every per-set cache holds for `index` (its objects have all been checked)."""
    for cache in _SET_CACHES:
        cache.pop(index, None)
