"""RBAC that grants more than it seems (KL705-KL707): wildcards, the verbs that escalate,
reading every Secret, and cluster-admin for a ServiceAccount. Warnings, as peers report them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, List

from ...findings import Severity
from ...model.objects import as_list
from ..base import Report, Rule, RuleDoc

if TYPE_CHECKING:
    from ...model.context import RuleContext
    from ...model.objects import K8sObject

W = Severity.WARNING
ROLE_KINDS = frozenset({"Role", "ClusterRole"})
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})


def _rules(obj: "K8sObject") -> Iterator[tuple]:
    for index, rule in enumerate(as_list(obj.get("rules"))):
        if isinstance(rule, dict):
            yield index, rule


def _strings(value: object) -> List[str]:
    return [item if isinstance(item, str) else "" for item in as_list(value)]


class RbacWildcard(Rule):
    id = "KL705"
    name = "rbac-wildcard"
    severity = W
    kinds = ROLE_KINDS
    summary = "A Role or ClusterRole grants `*` verbs or resources."
    doc = RuleDoc(
        "Reports each `*` in a rule's verbs or resources of a Role or ClusterRole, at the item. Equivalents: "
        "kube-linter wildcard-in-rules; Polaris and kube-score have none.",
        "`*` grants every verb or resource, including ones added to the API later (escalate, bind, impersonate, "
        "new custom resources): least privilege lists what is needed.",
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]",
        "rules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get, list, watch]")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        for index, rule in _rules(obj):
            for field in ("resources", "verbs"):
                for position, item in enumerate(_strings(rule.get(field))):
                    if item == "*":
                        yield Report(("rules", index, field, position),
                                     f"rules[{index}].{field} grants every {field[:-1]} (\"*\")")


ESCALATING_VERBS = {
    "escalate": "lets its holder grant permissions it does not have",
    "bind": "lets its holder bind any role, including ones with more permissions than its own",
    "impersonate": "lets its holder act as other users, groups or ServiceAccounts",
}
SECRET_READ_VERBS = ("list", "watch")


class RbacEscalation(Rule):
    id = "KL706"
    name = "rbac-escalation"
    severity = W
    kinds = ROLE_KINDS
    summary = "A Role or ClusterRole grants escalate, bind, impersonate, or list/watch on Secrets."
    doc = RuleDoc(
        "Reports the verbs escalate, bind and impersonate, and list or watch on secrets, at the verb. Wildcards are "
        "KL705's. Equivalents: kube-linter access-to-secrets (get/list/watch on secrets) and access-to-create-pods; "
        "Polaris and kube-score have none.",
        "escalate and bind step around RBAC's escalation prevention, impersonate becomes anyone, and list or watch "
        "on Secrets reads every Secret of the namespace (or cluster) with their contents.",
        "rules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get, list]",
        "rules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  resourceNames: [app-tls]\n  verbs: [get]")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        for index, rule in _rules(obj):
            resources = _strings(rule.get("resources"))
            for position, verb in enumerate(_strings(rule.get("verbs"))):
                pointer = ("rules", index, "verbs", position)
                if verb in ESCALATING_VERBS:
                    yield Report(pointer, f'verb "{verb}" {ESCALATING_VERBS[verb]}')
                elif verb in SECRET_READ_VERBS and "secrets" in resources:
                    yield Report(pointer, f'verb "{verb}" on secrets reads every Secret '
                                          f'{"of the cluster" if obj.kind == "ClusterRole" else "of the namespace"}, '
                                          "contents included; grant get on named Secrets (resourceNames) instead")


class ClusterAdminServiceAccount(Rule):
    id = "KL707"
    name = "cluster-admin-service-account"
    severity = W
    kinds = BINDING_KINDS
    summary = "A ServiceAccount is bound to cluster-admin."
    doc = RuleDoc(
        "Reports each ServiceAccount subject of a ClusterRoleBinding or RoleBinding whose roleRef is the "
        "ClusterRole cluster-admin, at the subject. Equivalents: kube-linter cluster-admin-role-binding, Polaris "
        "clusterrolebindingClusterAdmin and rolebindingClusterAdminClusterRole; kube-score has none.",
        "Every pod running as that ServiceAccount holds full control of the cluster (or namespace): one "
        "compromised pod is a compromised cluster.",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
        "subjects:\n- {kind: ServiceAccount, name: deployer, namespace: ci}",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}\n"
        "subjects:\n- {kind: ServiceAccount, name: deployer, namespace: ci}")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        role = obj.get("roleRef")
        if not isinstance(role, dict) or role.get("kind") != "ClusterRole" or role.get("name") != "cluster-admin":
            return
        scope = "the whole cluster" if obj.kind == "ClusterRoleBinding" else f'namespace "{obj.namespace}"'
        for index, subject in enumerate(as_list(obj.get("subjects"))):
            if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount":
                namespace = subject.get("namespace") or obj.namespace
                yield Report(("subjects", index), f'ServiceAccount "{namespace}/{subject.get("name")}" is bound to '
                                                  f"cluster-admin: its pods control {scope}")
