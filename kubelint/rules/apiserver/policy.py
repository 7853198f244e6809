"""KL145 pdb-spec: what the API server's policy validation refuses in PodDisruptionBudgets.

Follows kubernetes/kubernetes pkg/apis/policy/validation/validation.go
(ValidatePodDisruptionBudgetSpec) with apps' ValidatePositiveIntOrPercent and
IsNotMoreThan100Percent, and apimachinery's ValidateLabelSelector (operators; key and value
syntax are KL202's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .errors import go_value, not_supported
from .group_fields import positive_int_or_percent, selector_requirements

if TYPE_CHECKING:
    from ...model.context import RuleContext

EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


class PodDisruptionBudgetSpec(Rule):
    """ValidatePodDisruptionBudgetSpec."""

    id = "KL145"
    name = "pdb-spec"
    severity = Severity.ERROR
    summary = "A PodDisruptionBudget sets one of minAvailable and maxUnavailable, each an int or a percentage."
    kinds = frozenset({"PodDisruptionBudget"})
    doc = RuleDoc(
        what="Reports a PodDisruptionBudget that sets both minAvailable and maxUnavailable, a value that is "
             "negative, over 100% or a string that is not a percentage, an unhealthyPodEvictionPolicy other "
             "than AlwaysAllow or IfHealthyBudget, and selector expressions with an unknown operator or "
             "values that do not fit it.",
        why="The API server refuses it (ValidatePodDisruptionBudgetSpec in "
            "pkg/apis/policy/validation/validation.go): `minAvailable and maxUnavailable cannot be both set`.",
        failing="spec:\n  minAvailable: 1\n  maxUnavailable: 1", passing="spec:\n  maxUnavailable: 1")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        low, high = spec.get("minAvailable"), spec.get("maxUnavailable")
        if low is not None and high is not None:
            shown = f"{{minAvailable: {go_value(low)}, maxUnavailable: {go_value(high)}}}"
            yield Report(("spec", "maxUnavailable"), f"spec: Invalid value: {shown}: minAvailable and maxUnavailable "
                                                     "cannot be both set; keep one of them", anchor="key")
        for key, value in (("minAvailable", low), ("maxUnavailable", high)):
            if value is not None:
                yield from positive_int_or_percent(("spec", key), value, at_most_100=True)
        policy = spec.get("unhealthyPodEvictionPolicy")
        # PDBUnhealthyPodEvictionPolicy: on by default since 1.27 (the field is dropped before).
        if isinstance(policy, str) and policy not in EVICTION_POLICIES and ctx.kubernetes_minor() >= 27:
            yield not_supported(("spec", "unhealthyPodEvictionPolicy"), policy, EVICTION_POLICIES)
        yield from selector_requirements(("spec", "selector"), spec.get("selector"))
