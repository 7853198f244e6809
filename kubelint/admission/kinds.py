"""Built-in kinds as admission names them: the resource (plural) and group of a kind, for quota's
`count/<resource>.<group>` and admission policies' resourceRules."""

from __future__ import annotations

from typing import Dict, Tuple

# kind -> (resource, group) for the built-in kinds, from their REST storage (pkg/registry/*).
BUILTIN: Dict[str, Tuple[str, str]] = {
    "Pod": ("pods", ""), "Service": ("services", ""), "ConfigMap": ("configmaps", ""),
    "Secret": ("secrets", ""), "PersistentVolumeClaim": ("persistentvolumeclaims", ""),
    "PersistentVolume": ("persistentvolumes", ""), "ServiceAccount": ("serviceaccounts", ""),
    "ReplicationController": ("replicationcontrollers", ""), "ResourceQuota": ("resourcequotas", ""),
    "LimitRange": ("limitranges", ""), "Namespace": ("namespaces", ""), "Endpoints": ("endpoints", ""),
    "Event": ("events", ""), "Node": ("nodes", ""), "PodTemplate": ("podtemplates", ""),
    "Deployment": ("deployments", "apps"), "ReplicaSet": ("replicasets", "apps"),
    "StatefulSet": ("statefulsets", "apps"), "DaemonSet": ("daemonsets", "apps"),
    "ControllerRevision": ("controllerrevisions", "apps"),
    "Job": ("jobs", "batch"), "CronJob": ("cronjobs", "batch"),
    "Ingress": ("ingresses", "networking.k8s.io"), "IngressClass": ("ingressclasses", "networking.k8s.io"),
    "NetworkPolicy": ("networkpolicies", "networking.k8s.io"),
    "HorizontalPodAutoscaler": ("horizontalpodautoscalers", "autoscaling"),
    "PodDisruptionBudget": ("poddisruptionbudgets", "policy"),
    "Role": ("roles", "rbac.authorization.k8s.io"), "RoleBinding": ("rolebindings", "rbac.authorization.k8s.io"),
    "ClusterRole": ("clusterroles", "rbac.authorization.k8s.io"),
    "ClusterRoleBinding": ("clusterrolebindings", "rbac.authorization.k8s.io"),
    "StorageClass": ("storageclasses", "storage.k8s.io"), "CSIDriver": ("csidrivers", "storage.k8s.io"),
    "PriorityClass": ("priorityclasses", "scheduling.k8s.io"), "RuntimeClass": ("runtimeclasses", "node.k8s.io"),
    "EndpointSlice": ("endpointslices", "discovery.k8s.io"), "Lease": ("leases", "coordination.k8s.io"),
    "CustomResourceDefinition": ("customresourcedefinitions", "apiextensions.k8s.io"),
    "ValidatingAdmissionPolicy": ("validatingadmissionpolicies", "admissionregistration.k8s.io"),
    "ValidatingAdmissionPolicyBinding": ("validatingadmissionpolicybindings", "admissionregistration.k8s.io"),
    "ValidatingWebhookConfiguration": ("validatingwebhookconfigurations", "admissionregistration.k8s.io"),
    "MutatingWebhookConfiguration": ("mutatingwebhookconfigurations", "admissionregistration.k8s.io"),
}


def guessed_plural(kind: str) -> str:
    """The plural apimachinery's meta.UnsafeGuessKindToResource gives a kind (CRDs name theirs;
    this is the fallback): lower case; "endpoints" stays; s -> ses, y -> ies (even after a
    vowel, as upstream does), else + s."""
    lower = kind.lower()
    if not lower or lower.endswith("endpoints"):
        return lower
    if lower.endswith("s"):
        return lower + "es"
    if lower.endswith("y"):
        return lower[:-1] + "ies"
    return lower + "s"


def resource_of(kind: str, api_version: str) -> Tuple[str, str]:
    """(resource, group) of an object."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    known = BUILTIN.get(kind)
    if known is not None and known[1] == group:
        return known
    return guessed_plural(kind), group
