"""ValidatingAdmissionPolicy rules (KL830, KL831): the set's policies and bindings evaluated
against every object they match (kubelint/admission/vap.py), once per object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List

from ...findings import Severity
from ..base import Report, Rule, RuleDoc
from ..common.pods import shared_per_object_in_set

if TYPE_CHECKING:
    from ...admission.vap import PolicyFinding
    from ...model.objects import K8sObject

SEVERITY = {"Deny": Severity.ERROR, "Warn": Severity.WARNING, "Audit": Severity.INFO}


@shared_per_object_in_set
def _evaluated(obj: "K8sObject", ctx: Any) -> List["PolicyFinding"]:
    from ...cel import available

    index = ctx.index
    if not index.has_kind("ValidatingAdmissionPolicyBinding") or not available():
        return []
    from ...admission.vap import evaluate

    return evaluate(obj, index)


class _PolicyRule(Rule):
    finding_kind = ""

    def check(self, obj: "K8sObject", ctx: Any) -> Iterator[Report]:
        if not ctx.index.has_kind("ValidatingAdmissionPolicyBinding"):
            return
        for finding in _evaluated(obj, ctx):
            if finding.kind == self.finding_kind:
                yield Report(finding.pointer, finding.message, "value", self.severity_of(finding))

    def severity_of(self, finding: "PolicyFinding") -> Severity:
        return SEVERITY[finding.action]


class PolicyDenied(_PolicyRule):
    """An object a ValidatingAdmissionPolicy of the set refuses."""

    id = "KL830"
    name = "admission-policy-denied"
    severity = Severity.ERROR
    summary = "Objects pass the ValidatingAdmissionPolicies bound in the set."
    finding_kind = "denied"
    doc = RuleDoc(
        what="Evaluates every ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) of the set through each of "
             "its bindings against the objects they match for a CREATE: matchConstraints and the binding's "
             "matchResources (resourceRules and excludeResourceRules by group, version, plural resource and "
             "operation; namespaceSelector against the Namespaces of the set; objectSelector), matchConditions, "
             "variables, validations with message or messageExpression, and paramKind with the binding's paramRef "
             "(name, namespace, selector, parameterNotFoundAction) resolved from the set. validationActions decide "
             "the level: Deny an error, Warn a warning, Audit an info; failurePolicy Fail turns an evaluation error "
             "into a refusal. The finding sits on the field the failing expression reads when it reads one field "
             "of the object, else on its kind. Follows k8s.io/apiserver/pkg/admission/plugin/policy/validating "
             "and .../policy/matching; CEL as for CRD rules (kubelint/cel).",
        why="The API server refuses the object (Deny), or warns on every apply (Warn).",
        failing="# policy: object.spec.replicas <= 5, bound with validationActions [Deny]\nspec:\n  replicas: 10",
        passing="spec:\n  replicas: 3")


class PolicyNotEvaluated(_PolicyRule):
    """A policy expression kubelint cannot evaluate for an object it matches."""

    id = "KL831"
    name = "admission-policy-not-evaluated"
    severity = Severity.WARNING
    summary = "The ValidatingAdmissionPolicy expressions that match an object can be evaluated."
    finding_kind = "not-evaluated"
    doc = RuleDoc(
        what="Reports, on each object a bound policy matches, an expression that uses `authorizer` (only the API "
             "server can answer it) or that kubelint's CEL engine does not compile: whether the object passes "
             "is then unknown.",
        why="A silent pass would claim the object is admitted when kubelint did not check it.",
        failing="validations:\n- expression: authorizer.group('').resource('pods').check('create').allowed()",
        passing="validations:\n- expression: object.spec.replicas <= 5")

    def severity_of(self, finding: "PolicyFinding") -> Severity:
        return Severity.WARNING


def rules() -> List[Rule]:
    return [PolicyDenied(), PolicyNotEvaluated()]
