"""Bin packing against the node shapes of config `nodes:`: does each pod fit some node, and does
the whole set fit the cluster? The scheduler's filters as the set can apply them
(pkg/scheduler/framework/plugins: noderesources Fit on requests, nodeaffinity for nodeSelector
and required node affinity, tainttoleration for NoSchedule/NoExecute taints).

Per pod template, once: its requests after LimitRange defaults (the quota evaluator's pod usage:
containers summed, the max with init containers, plus overhead). Per set, once: the running sum
of every workload's replicas × pod (a DaemonSet's pod once per node it fits) against the total
allocatable."""

from __future__ import annotations

import weakref
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from ..findings import Pointer
from ..model.index import SetIndex
from ..model.objects import K8sObject, PodTemplate, as_dict, as_list
from ..named_tuple import NamedTuple
from .limit_ranger import defaulted_containers, limit_ranges
from .quota import _pod_usage, _replicas
from .resources import format_amount, quantity

RESOURCES = ("cpu", "memory", "ephemeral-storage")


class Shape(NamedTuple):
    name: str
    allocatable: Dict[str, Decimal]  # cpu, memory, ephemeral-storage, pods (absent: unlimited)
    count: int
    labels: Dict[str, str]
    taints: Tuple[Dict[str, Any], ...]


def shapes(config: Tuple[Dict[str, Any], ...]) -> Tuple[Shape, ...]:
    out = []
    for number, raw in enumerate(config):
        allocatable: Dict[str, Decimal] = {}
        for key in RESOURCES:
            value = quantity(raw.get(key))
            if value is not None:
                allocatable[key] = value
        if isinstance(raw.get("pods"), int):
            allocatable["pods"] = Decimal(raw["pods"])
        out.append(Shape(str(raw.get("name") or f"nodes[{number}]"), allocatable, int(raw.get("count", 1)),
                         {str(k): str(v) for k, v in as_dict(raw.get("labels")).items()},
                         tuple(as_dict(t) for t in as_list(raw.get("taints")))))
    return tuple(out)


class PackFinding(NamedTuple):
    kind: str  # UNSCHEDULABLE or OVER_CAPACITY
    pointer: Pointer
    message: str


UNSCHEDULABLE, OVER_CAPACITY = "unschedulable", "over-capacity"


def _term_matches(term: Dict[str, Any], shape: Shape) -> bool:
    """A NodeSelectorTerm: every matchExpression holds (matchFields name nodes: assumed to hold)."""
    labels = shape.labels
    for expression in as_list(term.get("matchExpressions")):
        expression = as_dict(expression)
        key, operator = str(expression.get("key")), expression.get("operator")
        values = [str(v) for v in as_list(expression.get("values"))]
        present = key in labels
        if operator == "In":
            ok = present and labels[key] in values
        elif operator == "NotIn":
            ok = not present or labels[key] not in values
        elif operator == "Exists":
            ok = present
        elif operator == "DoesNotExist":
            ok = not present
        elif operator in ("Gt", "Lt") and present and values:
            try:
                ok = int(labels[key]) > int(values[0]) if operator == "Gt" else int(labels[key]) < int(values[0])
            except ValueError:
                ok = False
        else:
            ok = False
        if not ok:
            return False
    return True


def _tolerates(tolerations: List[Dict[str, Any]], taint: Dict[str, Any]) -> bool:
    """v1helper.TolerationsTolerateTaint."""
    for toleration in tolerations:
        effect = toleration.get("effect")
        if effect and effect != taint.get("effect"):
            continue
        key = toleration.get("key")
        operator = toleration.get("operator", "Equal")
        if operator == "Exists":
            if not key or key == taint.get("key"):
                return True
        elif key == taint.get("key") and str(toleration.get("value", "")) == str(taint.get("value", "")):
            return True
    return False


def why_not(template: PodTemplate, requests: Dict[str, Decimal], shape: Shape) -> Optional[str]:
    """Why the pod cannot run on a node of this shape; None when it can."""
    spec = template.spec
    selector = as_dict(spec.get("nodeSelector"))
    for key, value in selector.items():
        if shape.labels.get(str(key)) != str(value):
            return f"nodeSelector {key}={value}"
    required = as_dict(as_dict(as_dict(spec.get("affinity")).get("nodeAffinity")).get(
        "requiredDuringSchedulingIgnoredDuringExecution"))
    terms = [as_dict(t) for t in as_list(required.get("nodeSelectorTerms"))]
    if terms and not any(_term_matches(t, shape) for t in terms):
        return "required node affinity"
    tolerations = [as_dict(t) for t in as_list(spec.get("tolerations"))]
    for taint in shape.taints:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(tolerations, taint):
            value = f"={taint.get('value')}" if taint.get("value") else ""
            return f"taint {taint.get('key')}{value}:{taint.get('effect')} not tolerated"
    for key in RESOURCES:
        need, have = requests.get(key), shape.allocatable.get(key)
        if need is not None and have is not None and need > have:
            return f"{key} request {format_amount(need, key)} > allocatable {format_amount(have, key)}"
    if shape.allocatable.get("pods", Decimal(1)) < 1:
        return "pods allocatable 0"
    return None


def pod_requests(obj: K8sObject, index: SetIndex) -> Optional[Dict[str, Decimal]]:
    template = obj.pod_template
    if template is None:
        return None
    usage = _pod_usage(template, defaulted_containers(template, limit_ranges(index, obj)))
    return {key: usage[f"requests.{key}"] for key in RESOURCES if f"requests.{key}" in usage}


def unschedulable(obj: K8sObject, index: SetIndex, node_shapes: Tuple[Shape, ...]) -> List[PackFinding]:
    requests = pod_requests(obj, index)
    if requests is None or not node_shapes:
        return []
    reasons = []
    for shape in node_shapes:
        reason = why_not(obj.pod_template, requests, shape)  # type: ignore[arg-type]
        if reason is None:
            return []
        reasons.append(f"{shape.name}: {reason}")
    return [PackFinding(UNSCHEDULABLE, ("kind",), "unschedulable: the pod fits no node shape of config nodes ("
                        + "; ".join(reasons) + ")")]


class SetCapacity:
    """The running total of the set's pods against the cluster's allocatable, in set order."""

    def __init__(self, index: SetIndex, node_shapes: Tuple[Shape, ...]) -> None:
        self.findings: Dict[int, List[PackFinding]] = {}
        capacity: Dict[str, Decimal] = {}
        for shape in node_shapes:
            for key, value in shape.allocatable.items():
                capacity[key] = capacity.get(key, Decimal(0)) + value * shape.count
        limited = {key for key in (*RESOURCES, "pods") if all(key in s.allocatable for s in node_shapes)}
        total: Dict[str, Decimal] = {}
        for obj in index.objects:
            template = obj.pod_template
            if template is None or obj.kind == "PodTemplate":
                continue
            requests = pod_requests(obj, index) or {}
            requests["pods"] = Decimal(1)
            if obj.kind == "DaemonSet":
                copies: Optional[int] = sum(s.count for s in node_shapes if why_not(template, {}, s) is None)
                what = f"{copies} matching node{'s' if copies != 1 else ''}"
            else:
                copies = _replicas(obj)
                what = f"{copies} replica{'s' if copies != 1 else ''}"
            if not copies:
                continue
            for key in sorted(limited):
                each = requests.get(key)
                if not each:
                    continue
                before = total.get(key, Decimal(0))
                after = total[key] = before + each * copies
                if before <= capacity[key] < after:
                    self.findings.setdefault(id(obj), []).append(PackFinding(OVER_CAPACITY, ("kind",), (
                        f"the set's {key} requests reach {format_amount(after, key)} with this {obj.kind} "
                        f"({what} × {format_amount(each, key)} = {format_amount(each * copies, key)}, + "
                        f"{format_amount(before, key)} before it) > {format_amount(capacity[key], key)} allocatable "
                        f"on the nodes of config nodes")))


_by_index: "weakref.WeakKeyDictionary[SetIndex, Dict[str, SetCapacity]]" = weakref.WeakKeyDictionary()


def over_capacity(obj: K8sObject, index: SetIndex, node_shapes: Tuple[Shape, ...]) -> List[PackFinding]:
    per_config = _by_index.get(index)
    if per_config is None:
        per_config = _by_index[index] = {}
    key = repr(node_shapes)  # shapes hold dicts: not hashable
    found = per_config.get(key)
    if found is None:
        found = per_config[key] = SetCapacity(index, node_shapes)
    return found.findings.get(id(obj), [])
