"""Where a pod may run (KL123): tolerations, node and pod affinity, topology spread constraints
and nodeSelector, as pkg/apis/core/validation/validation.go validates them (ValidateTolerations,
validateAffinity, validateTopologySpreadConstraints, ValidatePodSpec's nodeSelector labels) with
apimachinery's ValidateLabelSelector for the selectors they hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS
from ..common.values import dotted, is_int
from . import errors, syntax
from .kinds import built_in

if TYPE_CHECKING:
    from ...model.context import RuleContext

TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_EFFECTS = frozenset(TAINT_EFFECTS)
SCHEDULE_ACTIONS = ("DoNotSchedule", "ScheduleAnyway")  # sorted
NODE_INCLUSION_POLICIES = ("Honor", "Ignore")  # sorted
_ACTIONS, _INCLUSION = frozenset(SCHEDULE_ACTIONS), frozenset(NODE_INCLUSION_POLICIES)
NOT_A_VALID_OPERATOR = "not a valid selector operator"
AFFINITY_KINDS = ("podAffinity", "podAntiAffinity")
REQUIRED, PREFERRED = "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"


class PodScheduling(Rule):
    """Tolerations, affinity, topology spread constraints and nodeSelector of pod specs."""

    id = "KL123"
    name = "invalid-pod-scheduling"
    severity = Severity.ERROR
    summary = "Tolerations, affinity, topology spread constraints and nodeSelector are valid (ValidatePodSpec)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Tolerations: operator Equal or Exists (Exists without a value; an empty key needs Exists), effect "
             "NoSchedule, PreferNoSchedule or NoExecute (NoExecute when tolerationSeconds is set), key a qualified "
             "name, value a label value. Node affinity: required terms present, operators In, NotIn (with values), "
             "Exists, DoesNotExist (without), Gt, Lt (one value), keys qualified names, required values label "
             "values, matchFields on metadata.name, preferred weights 1-100. Pod (anti-)affinity terms: a "
             "topologyKey, valid label and namespace selectors and namespaces, weights 1-100. Topology spread "
             "constraints: maxSkew > 0, a topologyKey, whenUnsatisfiable DoNotSchedule or ScheduleAnyway, unique "
             "(topologyKey, whenUnsatisfiable) pairs, minDomains > 0 and only with DoNotSchedule, node policies "
             "Honor or Ignore, matchLabelKeys with a labelSelector. nodeSelector keys and values are labels.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (ValidateTolerations, "
            "ValidateNodeSelectorRequirement, validatePodAffinityTerm, validateTopologySpreadConstraints) and "
            "apimachinery/pkg/apis/meta/v1/validation (ValidateLabelSelector).",
        failing="tolerations:\n- key: dedicated\n  operator: Exists\n  value: gpu\n  effect: NoScheduled",
        passing="tolerations:\n- key: dedicated\n  operator: Equal\n  value: gpu\n  effect: NoSchedule")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not built_in(obj):
            return
        spec, at = template.spec, template.pointer + ("spec",)
        tolerations = spec.get("tolerations")
        if tolerations:
            yield from _tolerations(at + ("tolerations",), tolerations)
        affinity = spec.get("affinity")
        if isinstance(affinity, dict) and affinity:
            yield from _affinity(at + ("affinity",), affinity)
        constraints = spec.get("topologySpreadConstraints")
        if constraints:
            yield from _spread(at + ("topologySpreadConstraints",), constraints)
        selector = spec.get("nodeSelector")
        if isinstance(selector, dict) and selector:
            yield from label_map(at + ("nodeSelector",), selector)


def label_map(at: Pointer, labels: Dict[Any, Any]) -> Iterator[Report]:
    """ValidateLabels: errors name the map, not the key (`spec.nodeSelector: Invalid value: "k"`)."""
    listed = dotted(at)
    for key, value in labels.items():
        if isinstance(key, str):
            for problem in syntax.label_key(key):
                yield errors.invalid(at + (key,), key, problem, anchor="key", field=listed)
        if isinstance(value, str):
            for problem in syntax.label_value(value):
                yield errors.invalid(at + (key,), value, problem, field=listed)


def _tolerations(at: Pointer, tolerations: Any) -> Iterator[Report]:
    for index, toleration in enumerate(as_list(tolerations)):
        if not isinstance(toleration, dict):
            continue
        where = at + (index,)
        key, operator = toleration.get("key") or "", toleration.get("operator") or ""
        value, effect = toleration.get("value") or "", toleration.get("effect") or ""
        if not all(isinstance(v, str) for v in (key, operator, value, effect)):
            continue  # a wrong type is the schema check's
        if key:
            for problem in syntax.label_key(key):
                yield errors.invalid(where + ("key",), key, problem)
        elif operator != "Exists":
            yield errors.invalid(where + ("operator",), operator, "operator must be Exists when `key` is empty, which "
                                                                  'means "match all values and all keys"')
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            yield errors.invalid(where + ("effect",), effect, "effect must be 'NoExecute' when `tolerationSeconds` is "
                                                              "set")
        if operator in ("Equal", ""):
            problems = syntax.label_value(value)
            if problems:  # at operator, as the server reports it
                yield errors.invalid(where + ("value",), value, ";".join(problems), field=dotted(where + ("operator",)))
        elif operator == "Exists":
            if value:
                yield errors.invalid(where + ("value",), value, "value must be empty when `operator` is 'Exists'",
                                     field=dotted(where + ("operator",)))
        else:
            yield errors.not_supported(where + ("operator",), operator, TOLERATION_OPERATORS)
        if effect and effect not in _EFFECTS:
            yield errors.not_supported(where + ("effect",), effect, TAINT_EFFECTS)


def _affinity(at: Pointer, affinity: Dict[str, Any]) -> Iterator[Report]:
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        required = node.get(REQUIRED)
        if isinstance(required, dict):
            yield from node_selector(at + ("nodeAffinity", REQUIRED), required)
        for index, term in enumerate(as_list(node.get(PREFERRED))):
            if not isinstance(term, dict):
                continue
            where = at + ("nodeAffinity", PREFERRED, index)
            yield from _weight(where, term.get("weight"))
            preference = term.get("preference")
            if isinstance(preference, dict):  # preferred terms may use any label value
                yield from _node_selector_term(where + ("preference",), preference, check_values=False)
    for kind in AFFINITY_KINDS:
        pod = affinity.get(kind)
        if not isinstance(pod, dict):
            continue
        for index, term in enumerate(as_list(pod.get(REQUIRED))):
            if isinstance(term, dict):
                yield from _pod_affinity_term(at + (kind, REQUIRED, index), term)
        for index, weighted in enumerate(as_list(pod.get(PREFERRED))):
            if not isinstance(weighted, dict):
                continue
            where = at + (kind, PREFERRED, index)
            yield from _weight(where, weighted.get("weight"))
            term = weighted.get("podAffinityTerm")
            if isinstance(term, dict):
                yield from _pod_affinity_term(where + ("podAffinityTerm",), term)


def _weight(at: Pointer, weight: Any) -> Iterator[Report]:
    if is_int(weight) and not 1 <= weight <= 100:
        yield errors.invalid(at + ("weight",), weight, "must be in the range 1-100")


def node_selector(at: Pointer, selector: Dict[str, Any]) -> Iterator[Report]:
    """ValidateNodeSelector (required node affinity; PersistentVolume nodeAffinity too)."""
    terms = selector.get("nodeSelectorTerms")
    if not isinstance(terms, list) or not terms:
        if not isinstance(terms, (dict, str, int, float)):  # other types are the schema check's
            yield errors.required(at + ("nodeSelectorTerms",), "must have at least one node selector term",
                                  present=terms is not None)
        return
    for index, term in enumerate(terms):
        if isinstance(term, dict):
            yield from _node_selector_term(at + ("nodeSelectorTerms", index), term, check_values=True)


def _node_selector_term(at: Pointer, term: Dict[str, Any], check_values: bool) -> Iterator[Report]:
    for index, requirement in enumerate(as_list(term.get("matchExpressions"))):
        if isinstance(requirement, dict):
            yield from _node_requirement(at + ("matchExpressions", index), requirement, check_values)
    for index, requirement in enumerate(as_list(term.get("matchFields"))):
        if isinstance(requirement, dict):
            yield from _node_field_requirement(at + ("matchFields", index), requirement)


def _node_requirement(at: Pointer, requirement: Dict[str, Any], check_values: bool) -> Iterator[Report]:
    """ValidateNodeSelectorRequirement."""
    operator, values = requirement.get("operator"), as_list(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if not values:
            yield errors.required(at + ("values",), "must be specified when `operator` is 'In' or 'NotIn'",
                                  present="values" in requirement)
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            yield errors.forbidden(at + ("values",), "may not be specified when `operator` is 'Exists' or "
                                                     "'DoesNotExist'")
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            yield errors.required(at + ("values",), "must be specified single value when `operator` is 'Lt' or 'Gt'",
                                  present="values" in requirement)
    elif isinstance(operator, str):
        yield errors.invalid(at + ("operator",), operator, NOT_A_VALID_OPERATOR)
    key = requirement.get("key")
    if isinstance(key, str):
        for problem in syntax.label_key(key):
            yield errors.invalid(at + ("key",), key, problem)
    if check_values:
        for index, value in enumerate(values):
            if isinstance(value, str):
                for problem in syntax.label_value(value):
                    yield errors.invalid(at + ("values", index), value, problem)


def _node_field_requirement(at: Pointer, requirement: Dict[str, Any]) -> Iterator[Report]:
    """ValidateNodeFieldSelectorRequirement: only metadata.name, with In or NotIn and one value."""
    operator, values = requirement.get("operator"), as_list(requirement.get("values"))
    if operator in ("In", "NotIn"):
        if len(values) != 1:
            yield errors.required(at + ("values",), "must be only one value when `operator` is 'In' or 'NotIn' for "
                                                    "node field selector", present="values" in requirement)
    elif isinstance(operator, str):
        yield errors.invalid(at + ("operator",), operator, NOT_A_VALID_OPERATOR)
    key = requirement.get("key")
    if key != "metadata.name":
        if isinstance(key, str):
            yield errors.invalid(at + ("key",), key, "not a valid field selector key")
        return
    for index, value in enumerate(values):
        if isinstance(value, str):
            for problem in syntax.dns1123_subdomain(value):
                yield errors.invalid(at + ("values", index), value, problem)


def _pod_affinity_term(at: Pointer, term: Dict[str, Any]) -> Iterator[Report]:
    """validatePodAffinityTerm."""
    for key in ("labelSelector", "namespaceSelector"):
        selector = term.get(key)
        if isinstance(selector, dict):
            yield from label_selector(at + (key,), selector)
    for index, namespace in enumerate(as_list(term.get("namespaces"))):
        if isinstance(namespace, str):
            for problem in syntax.dns1123_label(namespace):  # the server names the path "namespace"
                yield errors.invalid(at + ("namespaces", index), namespace, problem, field=dotted(at + ("namespace",)))
    yield from _match_label_keys(at, term)
    topology = term.get("topologyKey")
    if topology == "":
        yield errors.required(at + ("topologyKey",), "can not be empty", present=True)
    elif isinstance(topology, str):
        for problem in syntax.label_key(topology):
            yield errors.invalid(at + ("topologyKey",), topology, problem)


def _match_label_keys(at: Pointer, term: Dict[str, Any]) -> Iterator[Report]:
    """validateMatchLabelKeysAndMismatchLabelKeys."""
    selector = term.get("labelSelector")
    match_keys = [k for k in as_list(term.get("matchLabelKeys")) if isinstance(k, str)]
    mismatch_keys = [k for k in as_list(term.get("mismatchLabelKeys")) if isinstance(k, str)]
    for field_name, keys in (("matchLabelKeys", match_keys), ("mismatchLabelKeys", mismatch_keys)):
        if not keys:
            continue
        if not isinstance(selector, dict):
            yield errors.forbidden(at + (field_name,), "must not be specified when labelSelector is not set")
            continue
        for index, key in enumerate(keys):
            for problem in syntax.label_key(key):
                yield errors.invalid(at + (field_name, index), key, problem)
    if isinstance(selector, dict) and match_keys:
        matched = _match_label_names(selector)
        for expression in as_list(selector.get("matchExpressions")):
            expression_key = expression.get("key") if isinstance(expression, dict) else None
            if not isinstance(expression_key, str):
                continue
            key = expression_key
            if key in match_keys and key in matched:
                index = match_keys.index(key)
                yield errors.invalid(at + ("matchLabelKeys", index), key, "exists in both matchLabelKeys and "
                                                                          "labelSelector",
                                     field=dotted(at + (index,)))
            matched.add(key)
    mismatched = set(mismatch_keys)
    for index, key in enumerate(match_keys):
        if key in mismatched:
            yield errors.invalid(at + ("matchLabelKeys", index), key, "exists in both matchLabelKeys and "
                                                                      "mismatchLabelKeys")


def _match_label_names(selector: Dict[str, Any]) -> set:
    labels = selector.get("matchLabels")
    return {k for k in labels if isinstance(k, str)} if isinstance(labels, dict) else set()


def label_selector(at: Pointer, selector: Dict[str, Any]) -> Iterator[Report]:
    """apimachinery ValidateLabelSelector, label values checked."""
    labels = selector.get("matchLabels")
    if isinstance(labels, dict):
        yield from label_map(at + ("matchLabels",), labels)
    for index, expression in enumerate(as_list(selector.get("matchExpressions"))):
        if not isinstance(expression, dict):
            continue
        where = at + ("matchExpressions", index)
        operator, values = expression.get("operator"), as_list(expression.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                yield errors.required(where + ("values",), "must be specified when `operator` is 'In' or 'NotIn'",
                                      present="values" in expression)
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                yield errors.forbidden(where + ("values",), "may not be specified when `operator` is 'Exists' or "
                                                            "'DoesNotExist'")
        elif isinstance(operator, str):
            yield errors.invalid(where + ("operator",), operator, NOT_A_VALID_OPERATOR)
        key = expression.get("key")
        if isinstance(key, str):
            for problem in syntax.label_key(key):
                yield errors.invalid(where + ("key",), key, problem)
        for j, value in enumerate(values):
            if isinstance(value, str):
                for problem in syntax.label_value(value):
                    yield errors.invalid(where + ("values", j), value, problem)


def _spread(at: Pointer, constraints: Any) -> Iterator[Report]:
    """validateTopologySpreadConstraints."""
    items: List[Any] = as_list(constraints)
    for index, constraint in enumerate(items):
        if not isinstance(constraint, dict):
            continue
        where = at + (index,)
        skew = constraint.get("maxSkew")
        if is_int(skew) and skew <= 0:
            yield errors.invalid(where + ("maxSkew",), skew, "must be greater than zero")
        key = constraint.get("topologyKey")
        if key == "":
            yield errors.required(where + ("topologyKey",), "can not be empty", present=True)
        action = constraint.get("whenUnsatisfiable")
        if isinstance(action, str) and action not in _ACTIONS:
            yield errors.not_supported(where + ("whenUnsatisfiable",), action, SCHEDULE_ACTIONS)
        for later in items[index + 1:]:
            if isinstance(later, dict) and "topologyKey" in constraint and "whenUnsatisfiable" in constraint and \
                    later.get("topologyKey") == key and later.get("whenUnsatisfiable") == action:
                yield errors.duplicate(where, f"{{{key}, {action}}}",
                                       field=dotted(where) + ".{topologyKey, whenUnsatisfiable}")
                break
        domains = constraint.get("minDomains")
        if is_int(domains):
            if domains <= 0:
                yield errors.invalid(where + ("minDomains",), domains, "must be greater than zero")
            if action != "DoNotSchedule":
                yield errors.invalid(where + ("minDomains",), domains, "can only use minDomains if "
                                                                       f"whenUnsatisfiable=DoNotSchedule, not {action}")
        for policy in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            value = constraint.get(policy)
            if isinstance(value, str) and value not in _INCLUSION:
                yield errors.not_supported(where + (policy,), value, NODE_INCLUSION_POLICIES)
        selector = constraint.get("labelSelector")
        keys = [k for k in as_list(constraint.get("matchLabelKeys")) if isinstance(k, str)]
        if keys:
            selected: set = set()
            if isinstance(selector, dict):
                selected = _match_label_names(selector) | {
                    e.get("key") for e in as_list(selector.get("matchExpressions"))
                    if isinstance(e, dict) and isinstance(e.get("key"), str)}
            else:
                yield errors.forbidden(where + ("matchLabelKeys",), "must not be specified when labelSelector is not "
                                                                    "set")
            for j, label in enumerate(keys):
                for problem in syntax.label_key(label):
                    yield errors.invalid(where + ("matchLabelKeys", j), label, problem)
                if label in selected:
                    yield errors.invalid(where + ("matchLabelKeys", j), label, "exists in both matchLabelKeys and "
                                                                               "labelSelector")
        if isinstance(selector, dict):
            yield from label_selector(where + ("labelSelector",), selector)
