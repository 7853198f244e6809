"""KL146 rbac-binding and KL147 rbac-role: what the API server's rbac validation refuses in
bindings and roles.

Follows kubernetes/kubernetes pkg/apis/rbac/validation/validation.go (ValidateRoleBinding,
ValidateClusterRoleBinding, ValidateRoleBindingSubject, ValidateRBACName, ValidatePolicyRule,
ValidateRole, ValidateClusterRole) after the rbac/v1 defaults (pkg/apis/rbac/v1/defaults.go:
roleRef.apiGroup and the apiGroup of User and Group subjects default to
rbac.authorization.k8s.io).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .errors import invalid, invalid_omitted, not_supported, required
from .group_fields import items, mapping, selector_requirements

if TYPE_CHECKING:
    from ...model.context import RuleContext

RBAC_GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ("ServiceAccount", "User", "Group")


def rbac_name_problems(name: str) -> List[str]:
    """ValidateRBACName: path.IsValidPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


class RbacBinding(Rule):
    """ValidateRoleBinding and ValidateClusterRoleBinding."""

    id = "KL146"
    name = "rbac-binding"
    severity = Severity.ERROR
    summary = "A RoleBinding's or ClusterRoleBinding's roleRef and subjects are ones the API server accepts."
    kinds = frozenset({"RoleBinding", "ClusterRoleBinding"})
    doc = RuleDoc(
        what="roleRef: apiGroup rbac.authorization.k8s.io (the default), kind ClusterRole (or Role in a "
             "RoleBinding), a name that is not '.' or '..' and has no '/' or '%'. subjects: a name; kind "
             "ServiceAccount, User or Group; a ServiceAccount has a DNS-subdomain name, no apiGroup and, in a "
             "ClusterRoleBinding, a namespace; a User or Group has apiGroup rbac.authorization.k8s.io (the "
             "default when omitted).",
        why="The API server refuses the binding (ValidateRoleBinding, ValidateClusterRoleBinding, "
            "ValidateRoleBindingSubject in pkg/apis/rbac/validation/validation.go).",
        failing="kind: ClusterRoleBinding\nsubjects:\n- kind: ServiceAccount\n  name: builder",
        passing="kind: ClusterRoleBinding\nsubjects:\n- kind: ServiceAccount\n  name: builder\n  namespace: ci")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        namespaced = obj.kind == "RoleBinding"
        ref = raw.get("roleRef")
        if isinstance(ref, dict):
            yield from self._role_ref(ref, namespaced)
        for index, subject in enumerate(items(raw.get("subjects"))):
            if isinstance(subject, dict):
                yield from self._subject(subject, ("subjects", index), namespaced)

    @staticmethod
    def _role_ref(ref: Dict[str, Any], namespaced: bool) -> Iterator[Report]:
        group = ref.get("apiGroup")
        if isinstance(group, str) and group and group != RBAC_GROUP:
            yield not_supported(("roleRef", "apiGroup"), group, (RBAC_GROUP,))
        kinds = ("Role", "ClusterRole") if namespaced else ("ClusterRole",)
        kind = ref.get("kind")
        if isinstance(kind, str) and kind not in kinds:
            yield not_supported(("roleRef", "kind"), kind, kinds)
        name = ref.get("name")
        if name == "":
            yield required(("roleRef", "name"), present=True)
        elif isinstance(name, str):
            for problem in rbac_name_problems(name):
                yield invalid(("roleRef", "name"), name, problem)

    @staticmethod
    def _subject(subject: Dict[str, Any], at: Pointer, namespaced: bool) -> Iterator[Report]:
        name, kind = subject.get("name"), subject.get("kind")
        group = subject.get("apiGroup")
        if name == "":
            yield required(at + ("name",), present=True)
        if kind == "ServiceAccount":
            if isinstance(name, str) and name:
                for problem in validation.dns1123_subdomain(name):
                    yield invalid(at + ("name",), name, problem)
            if isinstance(group, str) and group:
                yield not_supported(at + ("apiGroup",), group, ("",))
            namespace = subject.get("namespace")
            if not namespaced and (namespace is None or namespace == ""):
                yield required(at + ("namespace",), "a ServiceAccount subject of a ClusterRoleBinding needs the "
                                                    "ServiceAccount's namespace", present=namespace == "")
        elif kind in ("User", "Group"):
            if isinstance(group, str) and group and group != RBAC_GROUP:
                yield not_supported(at + ("apiGroup",), group, (RBAC_GROUP,))
        elif isinstance(kind, str):
            yield not_supported(at + ("kind",), kind, SUBJECT_KINDS)


class RbacRole(Rule):
    """ValidateRole and ValidateClusterRole: every rule's shape."""

    id = "KL147"
    name = "rbac-role"
    severity = Severity.ERROR
    summary = "Role and ClusterRole rules have verbs and either resources with apiGroups or nonResourceURLs."
    kinds = frozenset({"Role", "ClusterRole"})
    doc = RuleDoc(
        what="Each rule needs verbs. A rule with nonResourceURLs may not name apiGroups, resources or "
             "resourceNames, and only a ClusterRole may have one; any other rule needs apiGroups and "
             "resources. A ClusterRole's aggregationRule needs clusterRoleSelectors with valid operators.",
        why="The API server refuses the role (ValidatePolicyRule, ValidateRole, ValidateClusterRole in "
            "pkg/apis/rbac/validation/validation.go).",
        failing="rules:\n- resources: [pods]\n  verbs: [get]",
        passing='rules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]')

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        namespaced = obj.kind == "Role"
        for index, rule in enumerate(items(raw.get("rules"))):
            if isinstance(rule, dict):
                yield from self._rule(rule, ("rules", index), namespaced)
        aggregation = raw.get("aggregationRule")
        if obj.kind == "ClusterRole" and isinstance(aggregation, dict):
            selectors = aggregation.get("clusterRoleSelectors")
            if not items(selectors):
                yield required(("aggregationRule", "clusterRoleSelectors"),
                               "at least one clusterRoleSelector required if aggregationRule is non-nil",
                               present=selectors is not None)
            for index, selector in enumerate(items(selectors)):
                yield from selector_requirements(("aggregationRule", "clusterRoleSelectors", index), mapping(selector))

    @staticmethod
    def _rule(rule: Dict[str, Any], at: Pointer, namespaced: bool) -> Iterator[Report]:
        if not items(rule.get("verbs")):
            yield required(at + ("verbs",), "verbs must contain at least one value", present="verbs" in rule)
        urls = items(rule.get("nonResourceURLs"))
        if urls:
            if namespaced:
                yield invalid_omitted(at + ("nonResourceURLs",), "namespaced rules cannot apply to non-resource URLs")
            if items(rule.get("apiGroups")) or items(rule.get("resources")) or items(rule.get("resourceNames")):
                yield invalid_omitted(at + ("nonResourceURLs",),
                                      "rules cannot apply to both regular resources and non-resource URLs")
            return
        if not items(rule.get("apiGroups")):
            yield required(at + ("apiGroups",), "resource rules must supply at least one api group",
                           present="apiGroups" in rule)
        if not items(rule.get("resources")):
            yield required(at + ("resources",), "resource rules must supply at least one resource",
                           present="resources" in rule)
