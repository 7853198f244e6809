"""Pods that no NetworkPolicy isolates, in a namespace that has NetworkPolicies (KL708)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

from ...findings import Severity
from ...model.objects import WORKLOAD_KINDS, as_dict, as_list
from ..base import Report, Rule, RuleDoc

if TYPE_CHECKING:
    from ...model.context import RuleContext
    from ...model.index import SetIndex
    from ...model.objects import K8sObject

Matcher = Callable[[Dict[str, str]], bool]


def label_selector(selector: Any) -> Optional[Matcher]:
    """A metav1.LabelSelector as a predicate on labels (matchLabels and matchExpressions with
    In, NotIn, Exists, DoesNotExist; all must hold; {} matches everything), or None when it is
    not a selector the API server would accept."""
    if not isinstance(selector, dict):
        return None
    tests: List[Matcher] = []
    for key, value in as_dict(selector.get("matchLabels")).items():
        tests.append(lambda labels, k=key, v=str(value): labels.get(k) == v)
    for expression in as_list(selector.get("matchExpressions")):
        if not isinstance(expression, dict):
            return None
        key, operator = expression.get("key"), expression.get("operator")
        values = {str(v) for v in as_list(expression.get("values"))}
        if operator == "In":
            tests.append(lambda labels, k=key, vs=values: k in labels and labels[k] in vs)
        elif operator == "NotIn":
            tests.append(lambda labels, k=key, vs=values: k not in labels or labels[k] not in vs)
        elif operator == "Exists":
            tests.append(lambda labels, k=key: k in labels)
        elif operator == "DoesNotExist":
            tests.append(lambda labels, k=key: k not in labels)
        else:
            return None
    return lambda labels: all(test(labels) for test in tests)


class _Namespace:
    """One namespace's NetworkPolicies and, once computed, the ids of the workloads they select."""

    __slots__ = ("policies", "selected")

    def __init__(self) -> None:
        self.policies: List[Tuple[str, Any]] = []  # (name, podSelector)
        self.selected: Optional[Set[int]] = None


_namespaces: "weakref.WeakKeyDictionary[SetIndex, Dict[str, _Namespace]]" = weakref.WeakKeyDictionary()


def _by_namespace(index: "SetIndex") -> Dict[str, _Namespace]:
    found = _namespaces.get(index)
    if found is None:
        found = {}
        for policy in index.of_kind("NetworkPolicy"):
            found.setdefault(policy.namespace, _Namespace()).policies.append(
                (policy.name or "", as_dict(policy.get("spec")).get("podSelector", {})))
        _namespaces[index] = found
    return found


def _selected(index: "SetIndex", namespace: str, entry: _Namespace) -> Optional[Set[int]]:
    """Ids of the namespace's workloads some policy selects, once per namespace; None when a
    policy selects every pod or cannot be read (then nothing is reported there). Selectors of
    matchLabels alone go through the set's label index; others test each workload."""
    if entry.selected is None:
        selected: Set[int] = set()
        every: Optional[List["K8sObject"]] = None
        for _, selector in entry.policies:
            matcher = label_selector(selector)
            if matcher is None or not selector or (not selector.get("matchLabels")
                                                    and not selector.get("matchExpressions")):
                entry.selected = None
                return None
            match_labels = as_dict(selector.get("matchLabels"))
            if match_labels and not selector.get("matchExpressions"):
                candidates = index.pods_selected_by(namespace, {k: str(v) for k, v in match_labels.items()})
            else:
                if every is None:
                    every = [o for o in index.objects if o.namespace == namespace and o.kind in WORKLOAD_KINDS]
                candidates = [o for o in every if matcher(o.template_labels or {})]
            selected.update(id(o) for o in candidates)
        entry.selected = selected
    return entry.selected


class NoNetworkPolicy(Rule):
    id = "KL708"
    name = "no-network-policy"
    severity = Severity.WARNING
    kinds = WORKLOAD_KINDS
    summary = "No NetworkPolicy selects the pods, though their namespace has NetworkPolicies."
    doc = RuleDoc(
        "Reports Pods and workloads whose pod labels no NetworkPolicy of their namespace selects (podSelector with "
        "matchLabels and matchExpressions), when the set holds NetworkPolicies in that namespace; namespaces without "
        "any are not judged (the set may not hold them). Equivalents: kube-linter non-isolated-pod, kube-score "
        "pod-networkpolicy; Polaris has none.",
        "A pod no NetworkPolicy selects accepts and sends all traffic: in a namespace that isolates its other pods, "
        "it is usually one that was forgotten.",
        "kind: NetworkPolicy\nspec:\n  podSelector: {matchLabels: {app: api}}\n---\nkind: Deployment\n"
        "spec:\n  template:\n    metadata: {labels: {app: web}}",
        "kind: NetworkPolicy\nspec:\n  podSelector: {matchExpressions: [{key: app, operator: In, values: [api, web]}]}")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        entry = _by_namespace(ctx.index).get(obj.namespace)
        template = obj.pod_template
        if entry is None or template is None:
            return
        selected = _selected(ctx.index, obj.namespace, entry)
        # None: a policy selects every pod, or cannot be read and might select these: no guess.
        if selected is None or id(obj) in selected:
            return
        labels = template.labels
        policies = entry.policies
        names = ", ".join(sorted(f'"{name}"' for name, _ in policies)[:5]) + (", ..." if len(policies) > 5 else "")
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"
        has_labels = bool(as_dict(as_dict(obj.get(*template.pointer, "metadata")).get("labels")))
        pointer = template.pointer + (("metadata", "labels") if has_labels else ("metadata",))
        yield Report(pointer, f"no NetworkPolicy selects these pods ({shown}), so all their traffic is allowed; "
                              f'namespace "{obj.namespace}" has NetworkPolicies ({names}) that select other pods',
                     "key")
