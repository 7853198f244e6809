"""What changes besides apiVersion when an object moves to a newer API version, per kind, as
the API server's own conversions do it (pkg/apis/<group>/<version>/conversion.go and the
defaults each version applies, pkg/apis/<group>/<version>/defaults.go).

A conversion returns the operations, the reasons the result would mean something else than the
original (each makes the fix unsafe), and notes for the description. `NotMechanical` means the
move needs a person (a CustomResourceDefinition's schema, say).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ...findings import Pointer
from ...named_tuple import NamedTuple
from ..ops import Add, Op, RenameKey, ReplaceEntry, Remove, get


class NotMechanical(Exception):
    """The object cannot be moved to the new version by rule."""


class Conversion(NamedTuple):
    ops: List[Op]
    unsafe: List[str]  # why the result would mean something else
    notes: List[str]


def convert(kind: str, source: str, target: str, data: Dict[str, Any]) -> Conversion:
    """The changes `data` (of `kind`, at apiVersion `source`) needs at apiVersion `target`."""
    convert_kind = _CONVERSIONS.get(kind)
    if convert_kind is None:
        return Conversion([], [], [])
    return convert_kind(source, target, data)


# -- workloads: extensions/v1beta1, apps/v1beta1, apps/v1beta2 -> apps/v1 -----------------

# extensions/v1beta1 and apps/v1beta1 defaulted a missing selector to the template's labels
# (SetDefaults_Deployment/DaemonSet/ReplicaSet/StatefulSet); apps/v1beta2 and apps/v1 require one.
_SELECTOR_DEFAULTED = ("extensions/v1beta1", "apps/v1beta1")
# The update strategy these defaulted to OnDelete; apps/v1beta2 and apps/v1 default to RollingUpdate.
_ON_DELETE_DEFAULT = {("DaemonSet", "extensions/v1beta1"), ("StatefulSet", "apps/v1beta1")}


def template_labels(data: Dict[str, Any]) -> Optional[Dict[str, str]]:
    labels = get(data, ("spec", "template", "metadata", "labels"))
    if isinstance(labels, dict) and labels and all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        return dict(labels)
    return None


def selector_from_labels(data: Dict[str, Any]) -> Optional[Add]:
    """`spec.selector.matchLabels` as the template's labels, added before `template`."""
    labels = template_labels(data)
    if labels is None or not isinstance(data.get("spec"), dict):
        return None
    return Add(("spec",), "selector", {"matchLabels": labels}, before="template")


def _workload(kind: str) -> Callable[[str, str, Dict[str, Any]], Conversion]:
    def convert_workload(source: str, target: str, data: Dict[str, Any]) -> Conversion:
        spec = data.get("spec")
        if not isinstance(spec, dict):
            raise NotMechanical("no spec")
        ops: List[Op] = []
        unsafe: List[str] = []
        notes: List[str] = []
        if spec.get("selector") is None:
            add = selector_from_labels(data)
            if add is None:
                raise NotMechanical("no selector and no template labels to make one from")
            ops.append(add)
            notes.append("spec.selector.matchLabels from the template's labels")
            if source not in _SELECTOR_DEFAULTED:
                unsafe.append(f"{source} had no default selector: check the template's labels are the pods to manage")
        if "rollbackTo" in spec:
            ops.append(Remove(("spec", "rollbackTo")))
            unsafe.append("apps/v1 has no spec.rollbackTo: the rollback it asked for is dropped")
        if "templateGeneration" in spec:
            ops.append(Remove(("spec", "templateGeneration")))
            notes.append("spec.templateGeneration dropped (set by the server, gone in apps/v1)")
        strategy = spec.get("updateStrategy")
        if (kind, source) in _ON_DELETE_DEFAULT and not (isinstance(strategy, dict) and strategy.get("type")):
            unsafe.append("the default updateStrategy becomes RollingUpdate (it was OnDelete): pods are replaced "
                          "on the next template change")
        labels = get(data, ("metadata", "labels"))
        if source in _SELECTOR_DEFAULTED and not labels and template_labels(data) is not None:
            notes.append("metadata.labels no longer default to the template's")
        if kind == "Deployment" and source == "extensions/v1beta1":
            notes.append("apps/v1 defaults apply (revisionHistoryLimit 10, progressDeadlineSeconds 600, "
                         "maxSurge and maxUnavailable 25%)")
        return Conversion(ops, unsafe, notes)

    return convert_workload


# -- Ingress: extensions/v1beta1, networking.k8s.io/v1beta1 -> networking.k8s.io/v1 ---------
# pkg/apis/networking/v1beta1/conversion.go: serviceName/servicePort become service.name and
# service.port.number (an int) or service.port.name (a string); backend becomes defaultBackend.
# pathType was defaulted to ImplementationSpecific (SetDefaults_HTTPIngressPath).


def _backend_ops(pointer: Pointer, backend: Any) -> List[Op]:
    if not isinstance(backend, dict) or "serviceName" not in backend:
        return []
    name, port = backend["serviceName"], backend.get("servicePort")
    service: Dict[str, Any] = {"name": name}
    if isinstance(port, bool) or (port is not None and not isinstance(port, (int, str))):
        raise NotMechanical("servicePort is neither a number nor a name")
    if isinstance(port, int):
        service["port"] = {"number": port}
    elif isinstance(port, str):
        service["port"] = {"name": port}
    ops: List[Op] = [ReplaceEntry(pointer + ("serviceName",), "service", service)]
    if "servicePort" in backend:
        ops.append(Remove(pointer + ("servicePort",)))
    return ops


def _ingress(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return Conversion([], [], [])
    ops: List[Op] = []
    notes: List[str] = []
    for i, rule in enumerate(spec.get("rules") or []):
        paths = get(rule, ("http", "paths"))
        for j, path in enumerate(paths if isinstance(paths, list) else []):
            if not isinstance(path, dict):
                continue
            pointer = ("spec", "rules", i, "http", "paths", j)
            ops.extend(_backend_ops(pointer + ("backend",), path.get("backend")))
            if "pathType" not in path:
                ops.append(Add(pointer, "pathType", "ImplementationSpecific", after="path" if "path" in path else None))
                if "pathType: ImplementationSpecific (the old default)" not in notes:
                    notes.append("pathType: ImplementationSpecific (the old default)")
    if "backend" in spec:
        ops.extend(_backend_ops(("spec", "backend"), spec["backend"]))
        if "defaultBackend" in spec:
            raise NotMechanical("both backend and defaultBackend")
        ops.append(RenameKey(("spec", "backend"), "defaultBackend"))  # last: the ops above use the old name
    if any(isinstance(op, ReplaceEntry) for op in ops):
        notes.insert(0, "serviceName/servicePort -> service.name/port")
    return Conversion(ops, [], notes)


# -- HorizontalPodAutoscaler: autoscaling/v2beta1 -> autoscaling/v2 -------------------------
# pkg/apis/autoscaling/v2beta1/conversion.go: each metric source's target fields become a
# MetricTarget, and metricName/selector a MetricIdentifier. v2beta2 has the v2 shape already.


def _target(average_value: Any = None, value: Any = None, utilization: Any = None) -> Dict[str, Any]:
    if utilization is not None:
        return {"type": "Utilization", "averageUtilization": utilization}
    if average_value is not None:
        return {"type": "AverageValue", "averageValue": average_value}
    if value is not None:
        return {"type": "Value", "value": value}
    raise NotMechanical("a metric without a target")


def _identifier(name: Any, selector: Any) -> Dict[str, Any]:
    metric: Dict[str, Any] = {"name": name}
    if selector is not None:
        metric["selector"] = selector
    return metric


def _only(source: Dict[str, Any], allowed: Tuple[str, ...]) -> None:
    extra = [key for key in source if key not in allowed]
    if extra:
        raise NotMechanical(f"unexpected metric fields {extra}")


def _metric_v2(kind: str, source: Dict[str, Any]) -> Dict[str, Any]:
    if kind in ("resource", "containerResource"):
        _only(source, ("name", "container", "targetAverageUtilization", "targetAverageValue"))
        converted: Dict[str, Any] = {"name": source.get("name")}
        if kind == "containerResource":
            converted["container"] = source.get("container")
        converted["target"] = _target(average_value=source.get("targetAverageValue"),
                                      utilization=source.get("targetAverageUtilization"))
        return converted
    if kind == "pods":
        _only(source, ("metricName", "selector", "targetAverageValue"))
        return {"metric": _identifier(source.get("metricName"), source.get("selector")),
                "target": _target(average_value=source.get("targetAverageValue"))}
    if kind == "object":
        _only(source, ("target", "metricName", "selector", "targetValue", "averageValue"))
        return {"describedObject": source.get("target"),
                "metric": _identifier(source.get("metricName"), source.get("selector")),
                "target": _target(average_value=source.get("averageValue"), value=source.get("targetValue"))}
    if kind == "external":
        _only(source, ("metricName", "metricSelector", "targetValue", "targetAverageValue"))
        return {"metric": _identifier(source.get("metricName"), source.get("metricSelector")),
                "target": _target(average_value=source.get("targetAverageValue"), value=source.get("targetValue"))}
    raise NotMechanical(f"unknown metric source {kind}")


_V2BETA1_FIELDS = {"targetAverageUtilization", "targetAverageValue", "metricName", "targetValue", "metricSelector"}


def _hpa(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    if source != "autoscaling/v2beta1":
        return Conversion([], [], [])
    ops: List[Op] = []
    metrics = get(data, ("spec", "metrics"))
    for i, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict):
            continue
        for key in ("resource", "containerResource", "pods", "object", "external"):
            value = metric.get(key)
            if isinstance(value, dict) and (_V2BETA1_FIELDS & set(value) or key == "object" and "metricName" in value):
                ops.append(ReplaceEntry(("spec", "metrics", i, key), key, _metric_v2(key, value)))
    return Conversion(ops, [], ["metric targets as target: {type, ...}"] if ops else [])


# -- PodDisruptionBudget: policy/v1beta1 -> policy/v1 ---------------------------------------
# An empty selector selects no pods in policy/v1beta1 and every pod of the namespace in policy/v1.


def _pdb(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    selector = get(data, ("spec", "selector"))
    if isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return Conversion([], ["its empty selector selected no pods in policy/v1beta1 and selects every pod of "
                               "the namespace in policy/v1"], [])
    return Conversion([], [], [])


# -- PriorityLevelConfiguration: flowcontrol v1beta1/v1beta2/v1beta3 -> v1beta3/v1 ----------
# v1beta3 renamed assuredConcurrencyShares to nominalConcurrencyShares; before v1, 0 meant
# "the default" (30), while v1 takes 0 as zero shares: a 0 is dropped to keep the default.


def _priority_level(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    limited = get(data, ("spec", "limited"))
    if not isinstance(limited, dict):
        return Conversion([], [], [])
    ops: List[Op] = []
    notes: List[str] = []
    old_name = "assuredConcurrencyShares" if "assuredConcurrencyShares" in limited else None
    present = old_name or ("nominalConcurrencyShares" if "nominalConcurrencyShares" in limited else None)
    if present is not None and target.endswith(("/v1beta3", "/v1")):
        value = limited[present]
        if value == 0 and target.endswith("/v1") and not isinstance(value, bool):
            ops.append(Remove(("spec", "limited", present)))
            notes.append(f"{present}: 0 dropped (it meant the default, 30; in v1 it means 0)")
        elif old_name is not None:
            ops.append(RenameKey(("spec", "limited", old_name), "nominalConcurrencyShares"))
            notes.append("assuredConcurrencyShares -> nominalConcurrencyShares")
    return Conversion(ops, [], notes)


# -- webhook configurations: admissionregistration.k8s.io/v1beta1 -> v1 ---------------------
# v1beta1 defaulted failurePolicy to Ignore, matchPolicy to Exact and timeoutSeconds to 30; v1
# defaults them to Fail, Equivalent and 10 (pkg/apis/admissionregistration/v1beta1/defaults.go).

_WEBHOOK_DEFAULTS = (("failurePolicy", "Ignore"), ("matchPolicy", "Exact"), ("timeoutSeconds", "30"))


def _webhooks(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    missing: Set[str] = set()
    for webhook in data.get("webhooks") or []:
        if isinstance(webhook, dict):
            missing.update(f"{field} (was {old})" for field, old in _WEBHOOK_DEFAULTS if field not in webhook)
    if missing:
        return Conversion([], ["v1 changes the defaults of " + ", ".join(sorted(missing))], [])
    return Conversion([], [], [])


def _not_mechanical(source: str, target: str, data: Dict[str, Any]) -> Conversion:
    raise NotMechanical("the versions differ in structure")


_CONVERSIONS: Dict[str, Callable[[str, str, Dict[str, Any]], Conversion]] = {
    "Deployment": _workload("Deployment"),
    "DaemonSet": _workload("DaemonSet"),
    "ReplicaSet": _workload("ReplicaSet"),
    "StatefulSet": _workload("StatefulSet"),
    "Ingress": _ingress,
    "HorizontalPodAutoscaler": _hpa,
    "PodDisruptionBudget": _pdb,
    "PriorityLevelConfiguration": _priority_level,
    "MutatingWebhookConfiguration": _webhooks,
    "ValidatingWebhookConfiguration": _webhooks,
    "CustomResourceDefinition": _not_mechanical,  # v1 wants a structural schema per version
}
