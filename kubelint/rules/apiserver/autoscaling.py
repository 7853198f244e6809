"""KL156 hpa-spec: what the API server's autoscaling validation refuses in
HorizontalPodAutoscalers (autoscaling/v2).

Follows kubernetes/kubernetes pkg/apis/autoscaling/validation/validation.go
(validateHorizontalPodAutoscalerSpec, ValidateCrossVersionObjectReference, validateMetrics,
validateMetricSpec, validate{Object,External,Pods,Resource,ContainerResource}Source,
validateMetricTarget, validateMetricIdentifier, validateBehavior, validateScalingRules,
validateScalingPolicy) after the autoscaling/v2 defaults (minReplicas 1; a behavior's missing
policies take the defaults). minReplicas 0 needs the alpha HPAScaleToZero gate: refused here.
Quantities that do not parse are the quantity rules' business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ...model.quantity import QuantityError, parse_quantity
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import forbidden, invalid, not_supported, required
from .group_fields import items
from .rbac import rbac_name_problems

if TYPE_CHECKING:
    from ...model.context import RuleContext

METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
# In the order validateMetricSpec looks at them (only the first present source is validated).
_SOURCE_FIELDS = {"Object": "object", "External": "external", "Pods": "pods", "Resource": "resource",
                  "ContainerResource": "containerResource"}
SELECT_POLICIES = ("Disabled", "Max", "Min")
SCALING_POLICY_TYPES = ("Percent", "Pods")
MAX_STABILIZATION_WINDOW = 3600
MAX_PERIOD_SECONDS = 1800


class HorizontalPodAutoscalerSpec(Rule):
    """validateHorizontalPodAutoscalerSpec (autoscaling/v2)."""

    id = "KL156"
    name = "hpa-spec"
    severity = Severity.ERROR
    summary = "A HorizontalPodAutoscaler's replica bounds, metrics and scaling behavior are ones the API server accepts."
    kinds = frozenset({"HorizontalPodAutoscaler"})
    doc = RuleDoc(
        what="minReplicas at least 1 and at most maxReplicas, maxReplicas at least 1; scaleTargetRef kind and "
             "name; each metric of a known type with exactly the matching source, a target type of "
             "Utilization, Value or AverageValue, positive values, and the target fields each source needs "
             "(Resource: averageUtilization or averageValue, not both; Pods: averageValue; Object: value or "
             "averageValue; External: one of value and averageValue); behavior: stabilizationWindowSeconds "
             "0-3600, selectPolicy Max, Min or Disabled, policies of type Pods or Percent with positive value "
             "and periodSeconds at most 1800.",
        why="The API server refuses the autoscaler (validateHorizontalPodAutoscalerSpec and the functions it "
            "calls in pkg/apis/autoscaling/validation/validation.go).",
        failing="spec:\n  minReplicas: 5\n  maxReplicas: 2", passing="spec:\n  minReplicas: 2\n  maxReplicas: 5")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != "autoscaling/v2":
            return
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        low, high = spec.get("minReplicas"), spec.get("maxReplicas")
        if is_int(low) and low < 1:
            yield invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
        if is_int(high):
            if high < 1:
                yield invalid(("spec", "maxReplicas"), high, "must be greater than 0")
            if high < (low if is_int(low) else 1):
                yield invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
        ref = spec.get("scaleTargetRef")
        reference_errors = list(_reference(ref, ("spec", "scaleTargetRef"))) if isinstance(ref, dict) else []
        yield from reference_errors
        if not reference_errors:  # the API server checks metrics only when the reference is valid
            for index, metric in enumerate(items(spec.get("metrics"))):
                if isinstance(metric, dict):
                    yield from _metric(metric, ("spec", "metrics", index))
        behavior = spec.get("behavior")
        if isinstance(behavior, dict):
            for key in ("scaleUp", "scaleDown"):
                rules = behavior.get(key)
                if isinstance(rules, dict):
                    yield from _scaling_rules(rules, ("spec", "behavior", key))


def _reference(ref: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """ValidateCrossVersionObjectReference."""
    for key in ("kind", "name"):
        value = ref.get(key)
        if value == "":  # absent: the schema requires it (KL103)
            yield required(at + (key,), present=True)
        elif isinstance(value, str):
            for problem in rbac_name_problems(value):
                yield invalid(at + (key,), value, problem)


def _metric(metric: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    kind = metric.get("type")
    if kind == "":
        yield required(at + ("type",), "must specify a metric source type", present=True)
    elif isinstance(kind, str) and kind not in METRIC_TYPES:
        yield not_supported(at + ("type",), kind, METRIC_TYPES)
    present = [field for field in _SOURCE_FIELDS.values() if metric.get(field) is not None]
    if present:
        source = present[0]  # the API server validates the first source only
        yield from _source(source, metric[source], at + (source,))
    expected = _SOURCE_FIELDS.get(kind) if isinstance(kind, str) else None
    if expected is not None and metric.get(expected) is None:
        yield required(at + (expected,), "must populate information for the given metric source")
    if len(present) != 1:
        for field in present:
            if field != expected:
                yield forbidden(at + (field,), "must populate the given metric source only")


def _source(source: str, data: Any, at: Pointer) -> Iterator[Report]:
    if not isinstance(data, dict):
        return
    target = data.get("target") if isinstance(data.get("target"), dict) else {}
    where = at + ("target",)
    if source in ("resource", "containerResource"):
        name = data.get("name")
        if name == "":
            yield required(at + ("name",), "must specify a resource name", present=True)
        if source == "containerResource":
            container = data.get("container")
            if container == "":
                yield required(at + ("container",), "must specify a container", present=True)
            elif isinstance(container, str):
                for problem in validation.dns1123_label(container):
                    yield invalid(at + ("container",), container, problem)
    else:
        yield from _metric_identifier(data.get("metric"), at + ("metric",))
        if source == "object" and isinstance(data.get("describedObject"), dict):
            yield from _reference(data["describedObject"], at + ("describedObject",))
    yield from _target(target, where)
    has = {key: target.get(key) is not None for key in ("value", "averageValue", "averageUtilization")}
    if source in ("resource", "containerResource"):
        if not has["averageUtilization"] and not has["averageValue"]:
            yield required(where + ("averageUtilization",), "must set either a target raw value or a target utilization")
        if has["averageUtilization"] and has["averageValue"]:
            yield forbidden(where + ("averageValue",), "may not set both a target raw value and a target utilization")
    elif source == "pods":
        if not has["averageValue"]:
            yield required(where + ("averageValue",), "must specify a positive target averageValue")
    elif source == "object":
        if not has["value"] and not has["averageValue"]:
            yield required(where + ("averageValue",), "must set either a target value or averageValue")
    elif source == "external":
        if not has["value"] and not has["averageValue"]:
            yield required(where + ("averageValue",), "must set either a target value for metric or a per-pod target")
        if has["value"] and has["averageValue"]:
            yield forbidden(where + ("value",), "may not set both a target value for metric and a per-pod target")


def _metric_identifier(metric: Any, at: Pointer) -> Iterator[Report]:
    name = metric.get("name") if isinstance(metric, dict) else None
    if name == "":
        yield required(at + ("name",), "must specify a metric name", present=True)
    elif isinstance(name, str):
        for problem in rbac_name_problems(name):
            yield invalid(at + ("name",), name, problem)


def _target(target: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validateMetricTarget."""
    kind = target.get("type")
    if kind == "":
        yield required(at + ("type",), "must specify a metric target type", present=True)
    if isinstance(kind, str) and kind not in ("Utilization", "Value", "AverageValue"):
        yield invalid(at + ("type",), kind, "must be either Utilization, Value, or AverageValue")
    for key in ("value", "averageValue"):
        raw = target.get(key)
        if raw is None:
            continue
        try:
            amount = parse_quantity(raw)
        except QuantityError:
            continue
        if amount <= 0:
            yield invalid(at + (key,), raw, "must be positive")
    utilization = target.get("averageUtilization")
    if is_int(utilization) and utilization < 1:
        yield invalid(at + ("averageUtilization",), utilization, "must be greater than 0")


def _scaling_rules(rules: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    window = rules.get("stabilizationWindowSeconds")
    if is_int(window):
        if window < 0:
            yield invalid(at + ("stabilizationWindowSeconds",), window, "must be greater than or equal to zero")
        elif window > MAX_STABILIZATION_WINDOW:
            yield invalid(at + ("stabilizationWindowSeconds",), window,
                          f"must be less than or equal to {MAX_STABILIZATION_WINDOW}")
    select = rules.get("selectPolicy")
    if isinstance(select, str) and select not in SELECT_POLICIES:
        yield not_supported(at + ("selectPolicy",), select, SELECT_POLICIES)
    policies = rules.get("policies")
    if isinstance(policies, list) and not policies:
        yield required(at + ("policies",), "must specify at least one Policy", present=True)
    for index, policy in enumerate(items(policies)):
        if not isinstance(policy, dict):
            continue
        where = at + ("policies", index)
        kind = policy.get("type")
        if isinstance(kind, str) and kind not in SCALING_POLICY_TYPES:
            yield not_supported(where + ("type",), kind, SCALING_POLICY_TYPES)
        value, period = policy.get("value"), policy.get("periodSeconds")
        if is_int(value) and value <= 0:
            yield invalid(where + ("value",), value, "must be greater than zero")
        if is_int(period):
            if period <= 0:
                yield invalid(where + ("periodSeconds",), period, "must be greater than zero")
            elif period > MAX_PERIOD_SECONDS:
                yield invalid(where + ("periodSeconds",), period, f"must be less than or equal to {MAX_PERIOD_SECONDS}")
