"""LimitRange admission rules (KL820, KL821), evaluated by kubelint/admission/limit_ranger.py
once per object and shared by both rules.

LimitRanger admits Pods and PersistentVolumeClaims only (DefaultLimitRangerActions.
SupportsAttributes): a workload whose template breaks a LimitRange is accepted, and its
controller's pods are refused; a StatefulSet whose volumeClaimTemplates break one is accepted, and
the claims its controller creates are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List

from ...findings import Severity
from ...model.objects import WORKLOAD_KINDS, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import shared_per_object_in_set

if TYPE_CHECKING:
    from ...admission.limit_ranger import LimitFinding
    from ...model.objects import K8sObject

SOURCE = "plugin/pkg/admission/limitranger/admission.go"


# (evaluate, limit_ranges, evaluate_claim, POD_LEVEL_RESOURCES_SINCE), imported by the first
# workload checked and kept: an import statement runs the import machinery on every call.
_admission: List[Any] = []
CLAIM_TEMPLATES = ("spec", "volumeClaimTemplates")


def _load_admission() -> List[Any]:
    from ...admission.limit_ranger import POD_LEVEL_RESOURCES_SINCE, evaluate, evaluate_claim, limit_ranges

    _admission[:] = [evaluate, limit_ranges, evaluate_claim, POD_LEVEL_RESOURCES_SINCE]
    return _admission


@shared_per_object_in_set
def _evaluated(obj: "K8sObject", ctx: Any) -> List["LimitFinding"]:
    if not ctx.index.has_kind("LimitRange"):  # no LimitRange in the set: LimitRanger is not imported
        return []
    evaluate, limit_ranges, evaluate_claim, pod_level_since = _admission or _load_admission()
    ranges = limit_ranges(ctx.index, obj)
    if not ranges:
        return []
    if obj.kind == "PersistentVolumeClaim":
        return evaluate_claim(("spec",), obj.raw.get("spec"), ranges)  # type: ignore[no-any-return]
    template = obj.pod_template
    if template is None:
        return []
    findings = evaluate(template, ranges, ctx.kubernetes_minor() >= pod_level_since)
    if obj.kind == "StatefulSet":
        for index, claim in enumerate(as_list(obj.spec.get("volumeClaimTemplates"))):
            if isinstance(claim, dict):
                findings += evaluate_claim(CLAIM_TEMPLATES + (index, "spec"), claim.get("spec"), ranges)
    return findings  # type: ignore[no-any-return]


def _refused(obj: "K8sObject", finding: "LimitFinding") -> str:
    if obj.kind in ("Pod", "PersistentVolumeClaim"):
        return f"the {obj.kind} is refused"
    if finding.pointer[:2] == CLAIM_TEMPLATES:
        return f"the {obj.kind} is accepted but the PersistentVolumeClaims its controller creates are refused"
    return f"the {obj.kind} is accepted but its pods are refused"


class _LimitRangeRule(Rule):
    severity = Severity.ERROR
    kinds = WORKLOAD_KINDS
    finding_kind = ""

    def check(self, obj: "K8sObject", ctx: Any) -> Iterator[Report]:
        for finding in _evaluated(obj, ctx):
            if finding.kind == self.finding_kind:
                yield Report(finding.pointer, f"{finding.message}; {_refused(obj, finding)} by LimitRanger",
                             finding.anchor)


class LimitRangeViolation(_LimitRangeRule):
    """A container or pod outside a LimitRange's min, max or maxLimitRequestRatio."""

    id = "KL820"
    name = "limit-range-violation"
    summary = ("Containers, pods and PersistentVolumeClaims respect the min, max and maxLimitRequestRatio of their "
               "namespace's LimitRanges.")
    kinds = WORKLOAD_KINDS | {"PersistentVolumeClaim"}
    finding_kind = "constraint"
    doc = RuleDoc(
        what="For each LimitRange of the object's namespace in the set, applies its defaults as LimitRanger does "
             "(including the LimitRange's own defaulting: a max with no default is the default limit, a default "
             "or min with no defaultRequest the default request) and checks, per container and init container "
             "(type Container) and per pod (type Pod: the sum over containers, max with init containers), min, "
             "max and maxLimitRequestRatio, with LimitRanger's wording; with PodLevelResources (on by default "
             "since Kubernetes 1.34) a pod's own spec.resources cpu and memory stand for the pod. For "
             "PersistentVolumeClaims and a StatefulSet's volumeClaimTemplates (the claims its controller "
             "creates), spec.resources.requests against the min and max of items of type "
             "PersistentVolumeClaim. Follows " + SOURCE + " (PodValidateLimitFunc, podRequests, podLimits, "
             "PersistentVolumeClaimValidateLimitFunc, minConstraint, maxConstraint, maxRequestConstraint, "
             "limitRequestRatioConstraint) and pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem. Pods, "
             "the pod templates of workloads, PersistentVolumeClaims.",
        why="LimitRanger refuses the Pod or PersistentVolumeClaim; for a Deployment, Job or other workload the "
            "object is accepted and the pods (or, for a StatefulSet's claim templates, the claims) its "
            "controller creates are refused, so nothing runs.",
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
