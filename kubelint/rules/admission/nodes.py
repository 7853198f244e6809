"""Bin packing rules (KL840, KL841), only with config `nodes:` (kubelint/admission/nodes.py)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

from ...findings import Severity
from ...model.objects import WORKLOAD_KINDS
from ..base import Report, Rule, RuleDoc

_shapes: Dict[int, Tuple[Any, Any]] = {}  # id(config nodes) -> (config nodes, shapes): parsed once per run


def _node_shapes(config: Any) -> Any:
    from ...admission.nodes import shapes

    found = _shapes.get(id(config))
    if found is None or found[0] is not config:
        _shapes.clear()
        found = _shapes[id(config)] = (config, shapes(config))
    return found[1]


class Unschedulable(Rule):
    """A pod whose requests, nodeSelector, node affinity or tolerations fit no configured node shape."""

    id = "KL840"
    name = "unschedulable"
    severity = Severity.ERROR
    summary = "Each pod fits at least one node shape of config nodes."
    kinds = WORKLOAD_KINDS
    doc = RuleDoc(
        what="With config `nodes:` (node shapes: cpu, memory, ephemeral-storage, pods, count, labels, taints), "
             "checks each Pod and pod template against every shape as the scheduler's filters would: nodeSelector "
             "and required node affinity against the shape's labels, NoSchedule/NoExecute taints against the "
             "tolerations, and the pod's requests (after LimitRange defaults; containers summed, the max with "
             "init containers, plus overhead) against the shape's allocatable. Without `nodes:` it does nothing.",
        why="A pod that fits no node stays Pending forever.",
        failing="# nodes: [{name: general, cpu: 4, memory: 16Gi}]\nresources:\n  requests: {cpu: \"8\"}",
        passing="# nodes: [{name: general, cpu: 4, memory: 16Gi}]\nresources:\n  requests: {cpu: \"2\"}")

    def check(self, obj: Any, ctx: Any) -> Iterator[Report]:
        if not ctx.nodes or obj.kind == "PodTemplate":
            return
        from ...admission.nodes import unschedulable

        for finding in unschedulable(obj, ctx.index, _node_shapes(ctx.nodes)):
            yield Report(finding.pointer, finding.message)


class OverCapacity(Rule):
    """The set's requests go past the configured nodes' total allocatable."""

    id = "KL841"
    name = "cluster-over-capacity"
    severity = Severity.WARNING
    summary = "The set's pods fit the total allocatable of config nodes."
    kinds = WORKLOAD_KINDS
    doc = RuleDoc(
        what="With config `nodes:`, adds up in set order every workload's replicas × pod requests (a DaemonSet's "
             "pod once per node whose labels and taints it fits, a Job's parallelism) and the pod count, and warns "
             "on the object that takes cpu, memory, ephemeral-storage or pods past the nodes' total allocatable "
             "(count × shape), with the figures. Fragmentation is not modelled: fitting the total does not prove "
             "the pods pack.",
        why="Pods beyond the cluster's capacity stay Pending.",
        failing="# nodes: [{cpu: 4, count: 2}]\nreplicas: 10\n...\n  requests: {cpu: \"1\"}",
        passing="# nodes: [{cpu: 4, count: 3}]\nreplicas: 10\n...\n  requests: {cpu: \"1\"}")

    def check(self, obj: Any, ctx: Any) -> Iterator[Report]:
        if not ctx.nodes or obj.kind == "PodTemplate":
            return
        from ...admission.nodes import over_capacity

        for finding in over_capacity(obj, ctx.index, _node_shapes(ctx.nodes)):
            yield Report(finding.pointer, finding.message)


def rules() -> List[Rule]:
    return [Unschedulable(), OverCapacity()]
