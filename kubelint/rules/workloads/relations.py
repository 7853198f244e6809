"""Workloads and the objects around them (KL547, KL551-KL552): a StatefulSet's governing Service,
an autoscaler's target, the pods a disruption budget selects.

All warnings: the API server accepts these objects; they just do nothing useful.
"""

from __future__ import annotations

import functools
import weakref
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Tuple

from ...findings import Severity
from ...model.objects import K8sObject, as_dict
from ..base import Report, Rule, RuleDoc
from .selectors import LabelSelector, parse_label_selector

if TYPE_CHECKING:
    from ...model.context import RuleContext


# ---------------------------------------------------------------------------------------------
# KL547: StatefulSet governing Service


class StatefulSetService(Rule):
    """spec.serviceName should name a headless Service of the set."""

    id = "KL547"
    name = "statefulset-service"
    severity = Severity.WARNING
    summary = "A StatefulSet's serviceName names a headless Service that exists."
    kinds = frozenset({"StatefulSet"})
    doc = RuleDoc(
        what="Reports spec.serviceName naming a Service that is missing from the set (when the set holds "
             "Services of that namespace) or one that is not headless (spec.clusterIP is not None). "
             "serviceName itself is optional since Kubernetes 1.33 and is not required.",
        why="The governing Service gives each pod its stable DNS name (web-0.web.ns.svc). Without it, or "
            "with a normal ClusterIP Service, those names do not resolve.",
        failing="kind: StatefulSet\nspec:\n  serviceName: db\n---\nkind: Service\nmetadata: {name: db}\n"
                "spec:\n  selector: {app: db}",
        passing="kind: StatefulSet\nspec:\n  serviceName: db\n---\nkind: Service\nmetadata: {name: db}\n"
                "spec:\n  clusterIP: None\n  selector: {app: db}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = obj.spec.get("serviceName")
        if not isinstance(name, str) or not name:
            return
        pointer = ("spec", "serviceName")
        service = ctx.index.get("Service", obj.namespace, name)
        if service is None:
            if ctx.is_missing("Service", obj.namespace, name):
                yield Report(pointer, f'spec.serviceName: Service "{name}" is not in namespace "{obj.namespace}"; '
                                      "create a headless Service (clusterIP: None) selecting these pods, or the "
                                      "pods get no stable DNS names")
            return
        # Several files may define the same Service; one headless definition is enough.
        if any(s.spec.get("clusterIP") == "None" for s in ctx.index.all_named("Service", obj.namespace, name)):
            return
        cluster_ip = service.spec.get("clusterIP")
        if cluster_ip != "None":
            shown = f'its spec.clusterIP is "{cluster_ip}"' if isinstance(cluster_ip, str) and cluster_ip \
                else "it does not set spec.clusterIP: None"
            yield Report(pointer, f'spec.serviceName: Service "{name}" is not headless ({shown}), so the pods get '
                                  f'no per-pod DNS names like {obj.name or "pod"}-0.{name}; set clusterIP: None on '
                                  "the Service")


# ---------------------------------------------------------------------------------------------
# KL551-KL552: objects that point at workloads

SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})


class HpaTargetMissing(Rule):
    """An autoscaler's scaleTargetRef names a workload of the set."""

    id = "KL551"
    name = "hpa-target-missing"
    severity = Severity.WARNING
    summary = "A HorizontalPodAutoscaler's scaleTargetRef names a workload that exists."
    kinds = frozenset({"HorizontalPodAutoscaler"})
    doc = RuleDoc(
        what="Reports spec.scaleTargetRef naming a Deployment, StatefulSet, ReplicaSet or "
             "ReplicationController that is missing from the set, when the set holds objects of that kind "
             "in the namespace (or is declared complete).",
        why="The autoscaler has nothing to scale and reports FailedGetScale; usually a typo or a renamed "
            "workload.",
        failing="scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wbe}",
        passing="scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        ref = obj.spec.get("scaleTargetRef")
        if not isinstance(ref, dict):
            return
        kind, name = ref.get("kind"), ref.get("name")
        if not isinstance(kind, str) or kind not in SCALABLE_KINDS or not isinstance(name, str) or not name:
            return
        if ctx.is_missing(kind, obj.namespace, name):
            yield Report(("spec", "scaleTargetRef", "name"), f'spec.scaleTargetRef.name: {kind} "{name}" is not in '
                                                             f'namespace "{obj.namespace}"; the autoscaler has '
                                                             "nothing to scale")


class PdbSelectsNoPods(Rule):
    """A PodDisruptionBudget's selector matches some pod template of the set."""

    id = "KL552"
    name = "pdb-selects-no-pods"
    severity = Severity.WARNING
    summary = "A PodDisruptionBudget's selector matches pods of some workload."
    kinds = frozenset({"PodDisruptionBudget"})
    doc = RuleDoc(
        what="Reports a PodDisruptionBudget whose spec.selector (with matchLabels; matchExpressions are "
             "applied as well) matches no pod template in its namespace, when the set holds pod templates "
             "there (or is declared complete). It stays quiet when a custom resource of the namespace may "
             "own the pods through an operator: the selector matches the resource's labels, or names it.",
        why="A budget that selects no pods protects nothing during node drains; usually the labels drifted "
            "from the workload's.",
        failing="spec:\n  selector:\n    matchLabels: {app: wbe}",
        passing="spec:\n  selector:\n    matchLabels: {app: web}")

    def __init__(self) -> None:
        # Per set: custom resources by namespace, as (name, labels). Built once per index.
        self._custom: "weakref.WeakKeyDictionary[Any, Dict[str, List[Tuple[str, Dict[str, str]]]]]" = \
            weakref.WeakKeyDictionary()

    def _custom_resources(self, ctx: "RuleContext", namespace: str) -> List[Tuple[str, Dict[str, str]]]:
        by_namespace = self._custom.get(ctx.index)
        if by_namespace is None:
            by_namespace = {}
            for other in ctx.index.objects:
                if _is_custom_group(other.api_version):
                    labels = {k: v for k, v in as_dict(other.metadata.get("labels")).items() if isinstance(v, str)}
                    by_namespace.setdefault(other.namespace, []).append((other.name or "", labels))
            self._custom[ctx.index] = by_namespace
        return by_namespace.get(namespace, [])

    def _operator_may_own(self, selector: LabelSelector, ctx: "RuleContext", namespace: str) -> bool:
        """Could an operator make the selected pods from a custom resource of the set? Operators label
        pods with the resource's name (alertmanager=main, strimzi.io/cluster=kafka) or copy its labels."""
        values = {v for t in selector.requirements for v in t.values}
        return any(name in values or all(t.matches(labels) for t in selector.requirements)
                   for name, labels in self._custom_resources(ctx, namespace))

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        selector = parse_label_selector(obj.spec.get("selector"), ("spec", "selector"))
        if selector is None or selector.problems:
            return
        wanted = selector.match_labels()
        if not wanted:
            return  # the index looks pods up by label; without matchLabels we cannot tell cheaply
        if not (ctx.complete or ctx.index.has_pod_templates(obj.namespace)):
            return
        expressions = [t for t in selector.requirements if t.operator != "="]
        for workload in ctx.index.pods_selected_by(obj.namespace, wanted):
            # template_labels, not pod_template: another worker's object stays packed
            if all(t.matches(workload.template_labels or {}) for t in expressions):
                return
        if self._operator_may_own(selector, ctx, obj.namespace):
            return
        terms = ", ".join(t.text() for t in selector.requirements)
        yield Report(("spec", "selector"), f'spec.selector: selects no pods: no workload in namespace '
                                           f'"{obj.namespace}" has pod labels matching {terms}')


@functools.lru_cache(maxsize=1024)  # asked for every object of the set; a set has few apiVersions
def _is_custom_group(api_version: str) -> bool:
    """A custom resource's group: dotted and not Kubernetes' own (*.k8s.io); core groups have no dot."""
    group = api_version.rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")
