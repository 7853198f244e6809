"""LimitRange admission rules (KL820, KL821), evaluated by kubelint/admission/limit_ranger.py
once per object and shared by both rules.

LimitRanger admits Pods only (DefaultLimitRangerActions.SupportsAttributes): a workload whose
template breaks a LimitRange is accepted, and its controller's pods are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List

from ...findings import Severity
from ...model.objects import WORKLOAD_KINDS
from ..base import Report, Rule, RuleDoc
from ..common.pods import shared_per_object

if TYPE_CHECKING:
    from ...admission.limit_ranger import LimitFinding
    from ...model.objects import K8sObject

SOURCE = "plugin/pkg/admission/limitranger/admission.go"
_context: List[Any] = [None]


# (evaluate, limit_ranges), imported by the first workload checked and kept: an import
# statement runs the import machinery on every call.
_admission: List[Any] = []


def _load_admission() -> List[Any]:
    from ...admission.limit_ranger import evaluate, limit_ranges

    _admission[:] = [evaluate, limit_ranges]
    return _admission


@shared_per_object
def _evaluated(obj: "K8sObject") -> List["LimitFinding"]:
    evaluate, limit_ranges = _admission or _load_admission()
    ranges = limit_ranges(_context[0].index, obj)
    template = obj.pod_template
    if not ranges or template is None:
        return []
    return evaluate(template, ranges)


def _refused(obj: "K8sObject") -> str:
    if obj.kind == "Pod":
        return "the Pod is refused"
    return f"the {obj.kind} is accepted but its pods are refused"


class _LimitRangeRule(Rule):
    severity = Severity.ERROR
    kinds = WORKLOAD_KINDS
    finding_kind = ""

    def check(self, obj: "K8sObject", ctx: Any) -> Iterator[Report]:
        _context[0] = ctx
        for finding in _evaluated(obj):
            if finding.kind == self.finding_kind:
                yield Report(finding.pointer, f"{finding.message}; {_refused(obj)} by LimitRanger", finding.anchor)


class LimitRangeViolation(_LimitRangeRule):
    """A container or pod outside a LimitRange's min, max or maxLimitRequestRatio."""

    id = "KL820"
    name = "limit-range-violation"
    summary = "Containers and pods respect the min, max and maxLimitRequestRatio of their namespace's LimitRanges."
    finding_kind = "constraint"
    doc = RuleDoc(
        what="For each LimitRange of the object's namespace in the set, applies its defaults as LimitRanger does "
             "(including the LimitRange's own defaulting: a max with no default is the default limit, a default "
             "or min with no defaultRequest the default request) and checks, per container and init container "
             "(type Container) and per pod (type Pod: the sum over containers, max with init containers), min, "
             "max and maxLimitRequestRatio, with LimitRanger's wording. Follows " + SOURCE + " (PodLimitFunc, "
             "minConstraint, maxConstraint, limitRequestRatioConstraint) and pkg/apis/core/v1/defaults.go "
             "SetDefaults_LimitRangeItem. Pods and the pod templates of workloads.",
        why="LimitRanger refuses the Pod; for a Deployment, Job or other workload the object is accepted and "
            "the pods its controller creates are refused, so nothing runs.",
        failing="# LimitRange: limits: [{type: Container, max: {cpu: 500m}}]\nresources:\n  limits: {cpu: \"1\"}",
        passing="# LimitRange: limits: [{type: Container, max: {cpu: 500m}}]\nresources:\n  limits: {cpu: 500m}")


class RequestAboveDefaultLimit(_LimitRangeRule):
    """A request above the limit a LimitRange fills in."""

    id = "KL821"
    name = "limit-range-default-below-request"
    summary = "A LimitRange's default limit is not below a container's request."
    finding_kind = "request-above-default-limit"
    doc = RuleDoc(
        what="After LimitRanger fills a container's missing limit from a LimitRange default (or its max), pod "
             "validation checks requests against limits (pkg/apis/core/validation/validation.go "
             "validateResourceRequirements): a request above the defaulted limit is refused with \"must be less "
             "than or equal to cpu limit\". KL513 reports the same when both values are written.",
        why="The classic surprise: the manifest sets only a request, the namespace's default limit is lower, "
            "and the pod is refused.",
        failing="# LimitRange: limits: [{type: Container, default: {cpu: 200m}}]\nresources:\n  requests: {cpu: 500m}",
        passing="# LimitRange: limits: [{type: Container, default: {cpu: 200m}}]\nresources:\n  requests: {cpu: 500m}\n"
                "  limits: {cpu: 500m}")


def rules() -> List[Rule]:
    return [LimitRangeViolation(), RequestAboveDefaultLimit()]
