"""Rules KL609-KL610: the roles and ServiceAccounts that RoleBindings and ClusterRoleBindings name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted
from .refs import name_or_none

if TYPE_CHECKING:
    from ...model.context import RuleContext

_BINDINGS = frozenset({"RoleBinding", "ClusterRoleBinding"})

# Roles the API server bootstraps (plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
_BUILTIN_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})
_BUILTIN_KUBE_SYSTEM_ROLES = frozenset({"extension-apiserver-authentication-reader"})


def _builtin_role(kind: str, namespace: str, name: str) -> bool:
    if name.startswith("system:"):
        return True
    if kind == "ClusterRole":
        return name in _BUILTIN_CLUSTER_ROLES
    return namespace == "kube-system" and name in _BUILTIN_KUBE_SYSTEM_ROLES


class MissingRole(Rule):
    """A RoleBinding or ClusterRoleBinding grants a Role or ClusterRole that the set does not hold."""

    id = "KL609"
    name = "missing-role"
    severity = Severity.WARNING
    summary = "Roles and ClusterRoles named by bindings exist in the set."
    kinds = _BINDINGS
    doc = RuleDoc(
        what="Checks roleRef of RoleBindings and ClusterRoleBindings: a Role (in the binding's "
             "namespace) or ClusterRole must be in the set when the set holds objects of that kind "
             "(or is declared complete). Built-in roles (cluster-admin, admin, edit, view, system:*) "
             "always exist.",
        why="A binding to a role that does not exist grants nothing, so the subjects fail with "
            "\"forbidden\" at run time.",
        failing="kind: RoleBinding\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}\n"
                "# the Role is named pods-reader",
        passing="kind: RoleBinding\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods-reader}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        ref = as_dict(obj.get("roleRef"))
        kind, name = ref.get("kind"), name_or_none(ref.get("name"))
        if name is None or kind not in ("Role", "ClusterRole"):
            return
        if kind == "Role" and obj.kind != "RoleBinding":
            return  # a ClusterRoleBinding cannot name a Role: the schema and API server say so
        namespace = obj.namespace if kind == "Role" else None
        if _builtin_role(kind, obj.namespace, name) or not ctx.is_missing(kind, namespace, name):
            return
        where = f' in namespace "{obj.namespace}"' if kind == "Role" else ""
        yield Report(("roleRef", "name"), f'roleRef.name: {kind} "{name}" not found{where}; the binding grants '
                                          "nothing until it exists (fix the name, add the role, or list it "
                                          "in assume-present)")


# ServiceAccounts the controller manager runs as in kube-system.
_KUBE_SYSTEM_ACCOUNTS = frozenset({
    "generic-garbage-collector", "horizontal-pod-autoscaler", "persistent-volume-binder", "bootstrap-signer",
    "token-cleaner", "root-ca-cert-publisher", "legacy-service-account-token-cleaner", "pod-garbage-collector",
    "cloud-provider", "kube-proxy", "coredns", "kube-dns",
})


class MissingBindingServiceAccount(Rule):
    """A binding's subject is a ServiceAccount that the set does not hold."""

    id = "KL610"
    name = "missing-binding-service-account"
    severity = Severity.WARNING
    summary = "ServiceAccounts named as binding subjects exist in the set."
    kinds = _BINDINGS
    doc = RuleDoc(
        what="Checks subjects of kind ServiceAccount in RoleBindings and ClusterRoleBindings: the "
             "ServiceAccount (in subjects[].namespace, or the RoleBinding's own namespace when unset) "
             "must be in the set when the set holds ServiceAccounts of that namespace (or is "
             "declared complete).",
        why="A binding to a misspelt or missing ServiceAccount grants the permissions to nobody, and "
            "to whoever later creates an account with that name.",
        failing="subjects:\n- kind: ServiceAccount\n  name: prometheus-k8\n  namespace: monitoring",
        passing="subjects:\n- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for index, subject in enumerate(as_list(obj.get("subjects"))):
            subject = as_dict(subject)
            name = name_or_none(subject.get("name"))
            if subject.get("kind") != "ServiceAccount" or name is None:
                continue
            namespace = name_or_none(subject.get("namespace"))
            if namespace is None:
                if obj.kind != "RoleBinding":
                    continue  # a ClusterRoleBinding subject needs a namespace: the API server says so
                namespace = obj.namespace  # the authorizer defaults it to the binding's namespace
            if namespace == "kube-system" and (name.endswith("-controller") or name in _KUBE_SYSTEM_ACCOUNTS):
                continue
            if not ctx.is_missing("ServiceAccount", namespace, name):
                continue
            pointer = ("subjects", index, "name")
            yield Report(pointer, f'{dotted(pointer)}: ServiceAccount "{name}" not found in namespace '
                                  f'"{namespace}"; the binding grants its role to no one until it exists (fix '
                                  "the name or namespace, add the ServiceAccount, or list it in assume-present)")
