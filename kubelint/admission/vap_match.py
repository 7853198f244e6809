"""Which objects a ValidatingAdmissionPolicy and its binding apply to, as
k8s.io/apiserver/pkg/admission/plugin/policy/matching/matching.go and
k8s.io/apiserver/pkg/admission/plugin/webhook/predicates (namespace, object, rules) decide it
for a CREATE of the object."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..model.index import is_namespaced
from ..model.objects import K8sObject, as_dict, as_list

UNKNOWN = None  # a selector the set cannot decide (the Namespace is not in it)


def selector_matches(selector: Any, labels: Dict[str, Any]) -> Optional[bool]:
    """metav1.LabelSelectorAsSelector then Matches; None for an invalid operator."""
    selector = as_dict(selector)
    for key, value in as_dict(selector.get("matchLabels")).items():
        if str(labels.get(key)) != str(value) or key not in labels:
            return False
    for expression in as_list(selector.get("matchExpressions")):
        expression = as_dict(expression)
        key, operator = expression.get("key"), expression.get("operator")
        values = [str(v) for v in as_list(expression.get("values"))]
        present = key in labels
        if operator == "In":
            matched = present and str(labels[key]) in values
        elif operator == "NotIn":
            matched = not present or str(labels[key]) not in values
        elif operator == "Exists":
            matched = present
        elif operator == "DoesNotExist":
            matched = not present
        else:
            return None
        if not matched:
            return False
    return True


def _rule_matches(rule: Any, group: str, version: str, resource: str, namespaced: bool) -> bool:
    """One NamedRuleWithOperations against a CREATE of group/version/resource (no subresource)."""
    rule = as_dict(rule)
    operations = [str(o) for o in as_list(rule.get("operations"))]
    if "*" not in operations and "CREATE" not in operations:
        return False
    if not _one_of(group, rule.get("apiGroups")) or not _one_of(version, rule.get("apiVersions")):
        return False
    resources = [str(r) for r in as_list(rule.get("resources"))]
    if not any(r in ("*", "*/*", resource) for r in resources):
        return False
    names = [str(n) for n in as_list(rule.get("resourceNames"))]
    if names:
        return False  # resourceNames: a CREATE has no name to match before it exists (conservative)
    scope = rule.get("scope", "*")
    if scope == "Cluster" and namespaced or scope == "Namespaced" and not namespaced:
        return False
    return True


def _one_of(value: str, allowed: Any) -> bool:
    allowed = [str(a) for a in as_list(allowed)]
    return "*" in allowed or value in allowed


def resources_match(match: Any, obj: K8sObject, group: str, version: str, resource: str,
                    namespace_labels: Optional[Dict[str, Any]]) -> Optional[bool]:
    """MatchResources (policy matchConstraints or binding matchResources) against the object:
    True, False, or None when the namespaceSelector cannot be decided from the set."""
    match = as_dict(match)
    namespaced = is_namespaced(obj.kind)
    rules = as_list(match.get("resourceRules"))
    # matching.go matches(): no resourceRules matches every resource (a binding's matchResources
    # often only selects namespaces; a policy's matchConstraints must name some).
    if rules and not any(_rule_matches(r, group, version, resource, namespaced) for r in rules):
        return False
    if any(_rule_matches(r, group, version, resource, namespaced) for r in as_list(match.get("excludeResourceRules"))):
        return False
    object_selector = match.get("objectSelector")
    if object_selector and selector_matches(object_selector, as_dict(obj.metadata.get("labels"))) is not True:
        return False
    namespace_selector = as_dict(match.get("namespaceSelector"))
    if namespace_selector and (namespaced or obj.kind == "Namespace"):
        labels = as_dict(obj.metadata.get("labels")) if obj.kind == "Namespace" else namespace_labels
        if labels is None:
            return UNKNOWN
        labels = dict(labels)
        # The API server labels every Namespace with its name.
        labels.setdefault("kubernetes.io/metadata.name", obj.name if obj.kind == "Namespace" else obj.namespace)
        matched = selector_matches(namespace_selector, labels)
        if matched is not True:
            return matched if matched is None else False
    return True


def paths_read(tree: Any, root: str = "object") -> List[tuple]:
    """The field paths (object.a.b) an expression reads, from its checked tree: each select chain
    rooted at the identifier `root`, longest form only."""
    from ..cel.checked import walk

    found = set()
    parents = set()
    for node in walk(tree):
        if node.kind != "select":
            continue
        chain = []
        current = node
        while current.kind == "select" and current.children:
            chain.append(current.name)
            current = current.children[0]
        if current.kind == "ident" and current.name == root:
            path = tuple(reversed(chain))
            found.add(path)
            for size in range(1, len(path)):
                parents.add(path[:size])
    return sorted(found - parents)
