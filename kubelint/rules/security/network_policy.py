"""Pods that no NetworkPolicy isolates, in a namespace that has NetworkPolicies (KL708)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

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


_policies: "weakref.WeakKeyDictionary[SetIndex, Dict[str, List[Tuple[str, Optional[Matcher]]]]]" = \
    weakref.WeakKeyDictionary()


def namespace_policies(index: "SetIndex") -> Dict[str, List[Tuple[str, Optional[Matcher]]]]:
    """NetworkPolicies by namespace with their podSelector, once per set."""
    found = _policies.get(index)
    if found is None:
        found = {}
        for policy in index.of_kind("NetworkPolicy"):
            found.setdefault(policy.namespace, []).append(
                (policy.name or "", label_selector(as_dict(policy.get("spec")).get("podSelector", {}))))
        _policies[index] = found
    return found


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
        policies = namespace_policies(ctx.index).get(obj.namespace)
        template = obj.pod_template
        if not policies or template is None:
            return
        labels = template.labels
        # A policy whose selector cannot be read might select the pods: do not guess.
        if any(matcher is None or matcher(labels) for _, matcher in policies):
            return
        names = ", ".join(sorted(f'"{name}"' for name, _ in policies)[:5]) + (", ..." if len(policies) > 5 else "")
        shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"
        has_labels = bool(as_dict(as_dict(obj.get(*template.pointer, "metadata")).get("labels")))
        pointer = template.pointer + (("metadata", "labels") if has_labels else ("metadata",))
        yield Report(pointer, f"no NetworkPolicy selects these pods ({shown}), so all their traffic is allowed; "
                              f'namespace "{obj.namespace}" has NetworkPolicies ({names}) that select other pods',
                     "key")
