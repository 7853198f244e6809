"""Workload selectors (KL540-KL541): LabelSelector parsing and matching, a selector that selects
its own pod template, and the selector the API server generates for a Job.

Each check follows the API server's validation (kubernetes/kubernetes pkg/apis/apps/validation,
pkg/apis/batch/validation, pkg/apis/core/validation for ReplicationControllers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Set, Tuple

from ...findings import Pointer, Severity
from ...model.objects import POD_TEMPLATE_PATHS, K8sObject, as_dict, get_path
from ...named_tuple import NamedTuple
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted
from .kinds import APPS_KINDS, BATCH_KINDS

if TYPE_CHECKING:
    from ...model.context import RuleContext


# ---------------------------------------------------------------------------------------------
# LabelSelector (k8s.io/apimachinery/pkg/apis/meta/v1: LabelSelectorAsSelector, ValidateLabelSelector)

SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class Requirement(NamedTuple):  # a NamedTuple: every workload and PDB builds some, 2.5x cheaper
    """One term of a selector. operator "=" is a matchLabels entry (same as In with one value)."""

    key: str
    operator: str
    values: Tuple[str, ...]
    pointer: Pointer

    def matches(self, labels: Dict[str, str]) -> bool:
        present = self.key in labels
        if self.operator in ("=", "In"):
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        return not present  # DoesNotExist

    def text(self) -> str:
        if self.operator == "=":
            return f"{self.key}={self.values[0]}"
        if self.operator in ("In", "NotIn"):
            return f"{self.key} {self.operator} ({', '.join(self.values)})"
        return f"{self.key} {self.operator}"


class LabelSelector:
    # A plain class, not a dataclass: cheaper to define on every start.
    __slots__ = ("requirements", "problems", "size")

    def __init__(self, requirements: Optional[List[Requirement]] = None,
                 problems: Optional[List[Tuple[Pointer, str]]] = None, size: int = 0) -> None:
        self.requirements: List[Requirement] = [] if requirements is None else requirements
        # Terms the API server cannot turn into a selector: (pointer, message) pairs.
        self.problems: List[Tuple[Pointer, str]] = [] if problems is None else problems
        # matchLabels and matchExpressions entries as written (the API server's "empty" test).
        self.size = size

    def match_labels(self) -> Dict[str, str]:
        return {r.key: r.values[0] for r in self.requirements if r.operator == "="}


def parse_label_selector(value: Any, pointer: Pointer) -> Optional[LabelSelector]:
    """A LabelSelector from its manifest form; None when it is not a mapping.

    Entries of the wrong type (non-string keys or values) are skipped: the schema reports them.
    """
    if not isinstance(value, dict):
        return None
    selector = LabelSelector()
    match_labels = value.get("matchLabels")
    if isinstance(match_labels, dict):
        selector.size += len(match_labels)
        for key, label in match_labels.items():
            if isinstance(key, str) and isinstance(label, str):
                selector.requirements.append(Requirement(key, "=", (label,), pointer + ("matchLabels", key)))
    expressions = value.get("matchExpressions")
    if isinstance(expressions, list):
        selector.size += len(expressions)
        for index, expression in enumerate(expressions):
            _add_expression(selector, expression, pointer + ("matchExpressions", index))
    return selector


def _add_expression(selector: LabelSelector, expression: Any, pointer: Pointer) -> None:
    if not isinstance(expression, dict):
        return
    key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values")
    if not isinstance(key, str) or not isinstance(operator, str):
        return
    if values is not None and not isinstance(values, list):
        return
    values = values or []
    if not all(isinstance(v, str) for v in values):
        return
    if operator not in SELECTOR_OPERATORS:
        selector.problems.append((pointer + ("operator",), f'{dotted(pointer + ("operator",))}: "{operator}" is not a '
                                  "valid selector operator; use In, NotIn, Exists or DoesNotExist"))
    elif operator in ("In", "NotIn") and not values:
        selector.problems.append((pointer, f"{dotted(pointer + ('values',))}: must be specified when operator is "
                                  f"{operator}"))
    elif operator in ("Exists", "DoesNotExist") and values:
        selector.problems.append((pointer + ("values",), f"{dotted(pointer + ('values',))}: may not be specified "
                                  f"when operator is {operator}"))
    else:
        selector.requirements.append(Requirement(key, operator, tuple(values), pointer))


def _template_labels(obj: K8sObject) -> Tuple[Dict[str, str], Set[str]]:
    """The pod template's string labels, and the keys whose value is not a string."""
    template = obj.pod_template
    if template is None:
        return {}, set()
    raw = as_dict(get_path(obj.data, template.pointer + ("metadata", "labels")))
    return dict(template.labels), {k for k, v in raw.items() if not isinstance(v, str)}


def _mismatches(selector: LabelSelector, obj: K8sObject) -> Iterator[Report]:
    """One report per selector term the pod template labels fail."""
    template = obj.pod_template
    labels = template.labels if template is not None else {}
    failed = [term for term in selector.requirements if not term.matches(labels)]
    if not failed:
        return  # the usual case: the selector selects its own template
    labels, odd = _template_labels(obj)
    where = dotted(POD_TEMPLATE_PATHS[obj.kind] + ("metadata", "labels"))
    for term in failed:
        if term.key in odd:
            continue
        actual = f"{term.key}={labels[term.key]}" if term.key in labels else f'no label "{term.key}"'
        if term.operator == "=" and term.key not in labels:
            detail = f"the pod template has {actual}; add {term.text()} to {where}"
        elif term.operator == "=":
            detail = f"the pod template has {actual}, not {term.text()}; make the selector and {where} agree"
        else:
            detail = f'"{term.text()}" does not match the pod template ({actual}); make the selector and ' \
                     f"{where} agree"
        yield Report(term.pointer, f"{dotted(term.pointer)}: {detail}")


# ---------------------------------------------------------------------------------------------
# KL540-KL541: selectors


class SelectorTemplateMismatch(Rule):
    """A workload's selector must select its own pod template."""

    id = "KL540"
    name = "selector-template-mismatch"
    severity = Severity.ERROR
    summary = "A workload's selector matches its pod template labels, and is not empty."
    kinds = APPS_KINDS | {"ReplicationController", "Job"}
    doc = RuleDoc(
        what="Checks spec.selector of Deployments, StatefulSets, DaemonSets and ReplicaSets (matchLabels and "
             "matchExpressions with In, NotIn, Exists, DoesNotExist), ReplicationControllers (a plain map; "
             "omitted means the template labels) and Jobs with spec.manualSelector: true against the pod "
             "template labels. Also reports an empty apps/v1 selector and selector operators the API server "
             "cannot parse.",
        why="The API server rejects the object: `selector` does not match template `labels`. A controller "
            "whose selector did not match its own pods would create pods forever.",
        failing="spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: api}",
        passing="spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.pod_template is None:
            return
        if obj.kind == "ReplicationController":
            yield from self._replication_controller(obj)
            return
        if obj.kind == "Job":
            if obj.spec.get("manualSelector") is not True:
                return  # the server generates the selector (see KL541)
            if obj.spec.get("selector") is None:
                yield Report(("spec", "manualSelector"), "spec.selector: required when spec.manualSelector is "
                                                         "true; add one that matches the pod template labels")
                return
        selector = parse_label_selector(obj.spec.get("selector"), ("spec", "selector"))
        if selector is None:
            return
        for pointer, message in selector.problems:
            yield Report(pointer, message)
        if obj.kind in APPS_KINDS and obj.api_version == "apps/v1" and selector.size == 0:
            labels, _ = _template_labels(obj)
            hint = f" such as matchLabels: {{{', '.join(f'{k}: {v}' for k, v in sorted(labels.items()))}}}" \
                if labels else ""
            if any(k not in ("matchLabels", "matchExpressions") for k in obj.spec["selector"]):
                hint += " (labels go under spec.selector.matchLabels)"
            yield Report(("spec", "selector"), f"spec.selector: empty selector is invalid for "
                                               f"{obj.kind.lower()}; select the pod template labels{hint}")
            return
        if not selector.problems:
            yield from _mismatches(selector, obj)

    def _replication_controller(self, obj: K8sObject) -> Iterator[Report]:
        selector = obj.spec.get("selector")
        if selector is not None and not isinstance(selector, dict):
            return
        if not selector:  # defaults to the template labels
            labels, odd = _template_labels(obj)
            if not labels and not odd:
                yield Report(("spec", "selector"), "spec.selector: required: set it, or set "
                                                   "spec.template.metadata.labels (the selector defaults to them)")
            return
        terms = LabelSelector([Requirement(k, "=", (v,), ("spec", "selector", k))
                               for k, v in selector.items() if isinstance(k, str) and isinstance(v, str)])
        yield from _mismatches(terms, obj)


# Labels the Job controller puts on its pods; the generated selector may only use these.
_JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
_JOB_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")


class JobGeneratedSelector(Rule):
    """A Job's selector is generated unless manualSelector is true; a CronJob's always is."""

    id = "KL541"
    name = "job-generated-selector"
    severity = Severity.ERROR
    summary = "A Job sets spec.selector without spec.manualSelector: true, or a CronJob's job template sets one."
    kinds = BATCH_KINDS
    doc = RuleDoc(
        what="Reports a Job whose spec.selector selects labels other than the ones the Job controller "
             "generates (job-name, controller-uid) while spec.manualSelector is not true, and a CronJob "
             "whose spec.jobTemplate.spec sets selector or manualSelector: true.",
        why="Without manualSelector the API server adds controller-uid to the selector and rejects any "
            "selector the generated pod labels do not match (`selector` not auto-generated). For CronJobs "
            "it rejects any selector (`selector` will be auto-generated).",
        failing="kind: Job\nspec:\n  selector:\n    matchLabels: {app: report}",
        passing="kind: Job\nspec:\n  template:\n    metadata:\n      labels: {app: report}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.kind == "CronJob":
            job = ("spec", "jobTemplate", "spec")
            if obj.get(*job, "selector") is not None:
                yield Report(job + ("selector",), f"{dotted(job + ('selector',))}: must not be set: the selector of "
                                                  "a CronJob's jobs is always generated; remove it")
            if obj.get(*job, "manualSelector") is True:
                yield Report(job + ("manualSelector",), f"{dotted(job + ('manualSelector',))}: true is not "
                                                        "supported in a CronJob's job template; remove it")
            return
        if obj.spec.get("manualSelector") is True or not isinstance(obj.name, str):
            return
        selector = parse_label_selector(obj.spec.get("selector"), ("spec", "selector"))
        if selector is None or selector.problems:
            return
        generated = {key: obj.name for key in _JOB_NAME_LABELS}
        wrong = [t for t in selector.requirements if t.key not in _JOB_UID_LABELS and not t.matches(generated)]
        if wrong:
            terms = ", ".join(t.text() for t in wrong)
            yield Report(("spec", "selector"), f"spec.selector: the API server generates a Job's selector "
                                               f"unless spec.manualSelector is true, and rejects this one ({terms} "
                                               "does not match the generated job-name and controller-uid labels); "
                                               "remove spec.selector, or set spec.manualSelector: true")
