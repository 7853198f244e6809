"""Rules KL540-KL552: workload selectors, restart policies, rollouts, StatefulSets, volumes and
the objects that point at workloads (HorizontalPodAutoscaler, PodDisruptionBudget).

Each check follows the API server's validation (kubernetes/kubernetes pkg/apis/apps/validation,
pkg/apis/batch/validation, pkg/apis/core/validation) after its defaulting (pkg/apis/*/v1/defaults.go).
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Set,
    Tuple,
)

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model.objects import POD_TEMPLATE_PATHS, K8sObject, as_dict, as_list, get_path
from .base import Report, Rule, RuleDoc
from .common.pods import pod_containers

if TYPE_CHECKING:
    from ..model.context import RuleContext

# Kinds whose spec.selector is a LabelSelector (apps/v1).
APPS_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
# Kinds whose pods must restart Always.
LONG_RUNNING_KINDS = APPS_KINDS | {"ReplicationController"}
BATCH_KINDS = frozenset({"Job", "CronJob"})
TEMPLATE_KINDS = frozenset(POD_TEMPLATE_PATHS)

_D = pointer_to_dotted


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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


@dataclass
class LabelSelector:
    requirements: List[Requirement] = field(default_factory=list)
    # Terms the API server cannot turn into a selector: (pointer, message) pairs.
    problems: List[Tuple[Pointer, str]] = field(default_factory=list)
    # matchLabels and matchExpressions entries as written (the API server's "empty" test).
    size: int = 0

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
        selector.problems.append((pointer + ("operator",), f'{_D(pointer + ("operator",))}: "{operator}" is not a '
                                  "valid selector operator; use In, NotIn, Exists or DoesNotExist"))
    elif operator in ("In", "NotIn") and not values:
        selector.problems.append((pointer, f"{_D(pointer + ('values',))}: must be specified when operator is "
                                  f"{operator}"))
    elif operator in ("Exists", "DoesNotExist") and values:
        selector.problems.append((pointer + ("values",), f"{_D(pointer + ('values',))}: may not be specified "
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
    where = _D(POD_TEMPLATE_PATHS[obj.kind] + ("metadata", "labels"))
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
        yield Report(term.pointer, f"{_D(term.pointer)}: {detail}")


# ---------------------------------------------------------------------------------------------
# int-or-percent values (apps validation: ValidatePositiveIntOrPercent, getIntOrPercentValue)

_PERCENT = re.compile(r"[0-9]+%\Z")
_ATOI = re.compile(r"[+-]?[0-9]+\Z")


@dataclass(frozen=True)
class IntOrPercent:
    value: int  # what the API server compares (a percent's number; Atoi of a bad string, else 0)
    percent: bool
    problem: Optional[str]  # why the API server rejects it, if it does


def int_or_percent(raw: Any) -> Optional[IntOrPercent]:
    """None for values of the wrong type (the schema reports those)."""
    if _is_int(raw):
        return IntOrPercent(raw, False, f"{raw} must be greater than or equal to 0" if raw < 0 else None)
    if isinstance(raw, str):
        if _PERCENT.match(raw):
            return IntOrPercent(int(raw[:-1]), True, None)
        number = int(raw) if _ATOI.match(raw) else 0
        return IntOrPercent(number, False, f'"{raw}" is not a valid percentage: write a number followed by %, '
                                           "e.g. 25%, or an integer without quotes")
    return None


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
                yield Report(job + ("selector",), f"{_D(job + ('selector',))}: must not be set: the selector of "
                                                  "a CronJob's jobs is always generated; remove it")
            if obj.get(*job, "manualSelector") is True:
                yield Report(job + ("manualSelector",), f"{_D(job + ('manualSelector',))}: true is not "
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


# ---------------------------------------------------------------------------------------------
# KL542: restart policy


class WorkloadRestartPolicy(Rule):
    """Controllers that keep pods running need Always; Jobs need OnFailure or Never."""

    id = "KL542"
    name = "workload-restart-policy"
    severity = Severity.ERROR
    summary = "The pod template's restartPolicy is one the workload kind allows."
    kinds = LONG_RUNNING_KINDS | BATCH_KINDS
    doc = RuleDoc(
        what="Deployments, StatefulSets, DaemonSets, ReplicaSets and ReplicationControllers need "
             "restartPolicy Always (the default). Jobs and CronJobs need OnFailure or Never, written out, "
             "because the default is Always; with spec.podFailurePolicy only Never is allowed.",
        why="The API server rejects other values. A Job that omits restartPolicy is rejected because "
            "its pods would default to Always.",
        failing="kind: Job\nspec:\n  template:\n    spec:\n      containers: [{name: run, image: busybox}]",
        passing="kind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
                "      containers: [{name: run, image: busybox}]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        pointer = template.pointer + ("spec", "restartPolicy")
        written = get_path(obj.raw, pointer)
        if written is not None and not isinstance(written, str):
            return
        if written in ((None, "Always") if obj.kind in LONG_RUNNING_KINDS else ("Never",)):
            return  # the usual case: fine, and no message to format
        where = _D(pointer)
        if obj.kind in LONG_RUNNING_KINDS:
            if written is not None and written != "Always":
                yield Report(pointer, f'{where}: "{written}" is not supported for a {obj.kind}; only Always is '
                                      "(its pods are restarted whenever they exit); remove it or set Always")
            return
        if written is None:
            yield Report(pointer, f"{where}: required for a {obj.kind}: set OnFailure or Never (it defaults to "
                                  f"Always, which the API server rejects for {obj.kind} pods)")
        elif written == "Always":
            yield Report(pointer, f'{where}: "Always" is not supported for a {obj.kind}; use OnFailure or Never')
        elif written not in ("OnFailure", "Never"):
            yield Report(pointer, f'{where}: "{written}" is not supported; use OnFailure or Never')
        elif written != "Never":
            job = ("spec",) if obj.kind == "Job" else ("spec", "jobTemplate", "spec")
            if isinstance(obj.get(*job, "podFailurePolicy"), dict):
                yield Report(pointer, f'{where}: only "Never" is supported when {_D(job + ("podFailurePolicy",))} '
                                      "is set")


# ---------------------------------------------------------------------------------------------
# KL543-KL546: rollouts and counts


class RolloutStrategy(Rule):
    """Rolling update parameters the API server rejects."""

    id = "KL543"
    name = "rollout-strategy"
    severity = Severity.ERROR
    summary = "Rolling update settings (maxSurge, maxUnavailable, strategy type) are valid."
    kinds = frozenset({"Deployment", "DaemonSet", "StatefulSet"})
    doc = RuleDoc(
        what="Deployment: maxSurge and maxUnavailable (ints or percentages) not both 0, not negative, "
             "maxUnavailable at most 100%, no rollingUpdate with type Recreate. DaemonSet: exactly one of "
             "maxSurge and maxUnavailable non-zero (defaults 0 and 1), neither over 100%. StatefulSet: no "
             "rollingUpdate with type OnDelete.",
        why="The API server rejects these values (ValidateRollingUpdateDeployment, "
            "ValidateRollingUpdateDaemonSet, ValidateDeploymentStrategy, ValidateStatefulSetSpec).",
        failing="strategy:\n  rollingUpdate: {maxSurge: 0, maxUnavailable: 0}",
        passing="strategy:\n  rollingUpdate: {maxSurge: 1, maxUnavailable: 0}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.kind == "Deployment":
            yield from self._deployment(obj)
        elif obj.kind == "DaemonSet":
            yield from self._daemon_set(obj)
        else:
            yield from self._stateful_set(obj)

    def _deployment(self, obj: K8sObject) -> Iterator[Report]:
        strategy = ("spec", "strategy")
        kind = obj.get(*strategy, "type")
        rolling = strategy + ("rollingUpdate",)
        if kind == "Recreate":
            if isinstance(get_path(obj.raw, rolling), dict):
                yield Report(rolling, f"{_D(rolling)}: may not be specified when strategy type is Recreate; "
                                      "remove it", anchor="key")
            return
        if kind != "RollingUpdate":
            return
        values = self._values(obj, rolling, {"maxSurge": "25%", "maxUnavailable": "25%"})
        yield from self._problems(values)
        surge, unavailable = values["maxSurge"][1], values["maxUnavailable"][1]
        if surge is None or unavailable is None:
            return
        if surge.value == 0 and unavailable.value == 0:
            pointer = values["maxUnavailable"][0]
            yield Report(pointer, f"{_D(pointer)}: may not be 0 when maxSurge is 0: the rollout could neither "
                                  "add nor remove a pod; allow a surge or some unavailability")
        if unavailable.percent and unavailable.value > 100:
            pointer = values["maxUnavailable"][0]
            yield Report(pointer, f"{_D(pointer)}: must not be greater than 100%")

    def _daemon_set(self, obj: K8sObject) -> Iterator[Report]:
        strategy = ("spec", "updateStrategy")
        kind = get_path(obj.raw, strategy + ("type",)) or "RollingUpdate"
        if kind != "RollingUpdate":
            return
        rolling = strategy + ("rollingUpdate",)
        values = self._values(obj, rolling, {"maxSurge": 0, "maxUnavailable": 1})
        yield from self._problems(values)
        for key in ("maxUnavailable", "maxSurge"):
            pointer, parsed = values[key]
            if parsed is not None and parsed.percent and parsed.value > 100:
                yield Report(pointer, f"{_D(pointer)}: must not be greater than 100%")
        surge, unavailable = values["maxSurge"][1], values["maxUnavailable"][1]
        if surge is None or unavailable is None:
            return
        if surge.value != 0 and unavailable.value != 0:
            pointer = values["maxSurge"][0]
            default = "" if obj.was_written(*rolling, "maxUnavailable") else " (maxUnavailable defaults to 1)"
            yield Report(pointer, f"{_D(pointer)}: may not be set when maxUnavailable is non-zero{default}; "
                                  "set maxUnavailable: 0 to surge, or remove maxSurge")
        elif surge.value == 0 and unavailable.value == 0:
            pointer = values["maxUnavailable"][0]
            yield Report(pointer, f"{_D(pointer)}: cannot be 0 when maxSurge is 0: the rollout could never "
                                  "replace a pod")

    def _stateful_set(self, obj: K8sObject) -> Iterator[Report]:
        rolling = ("spec", "updateStrategy", "rollingUpdate")
        if get_path(obj.raw, ("spec", "updateStrategy", "type")) == "OnDelete" \
                and isinstance(get_path(obj.raw, rolling), dict):
            yield Report(rolling, f"{_D(rolling)}: only allowed when updateStrategy type is RollingUpdate; "
                                  "remove it", anchor="key")

    @staticmethod
    def _values(obj: K8sObject, rolling: Pointer, defaults: Dict[str, Any]) -> Dict[str, Tuple[Pointer, Any]]:
        """Each field's pointer and parsed value, after the API server's defaults."""
        out = {}
        for key, default in defaults.items():
            written = get_path(obj.raw, rolling + (key,))
            out[key] = (rolling + (key,), int_or_percent(default if written is None else written))
        return out

    @staticmethod
    def _problems(values: Dict[str, Tuple[Pointer, Any]]) -> Iterator[Report]:
        for pointer, parsed in values.values():
            if parsed is not None and parsed.problem:
                yield Report(pointer, f"{_D(pointer)}: {parsed.problem}")


class RollbackDisabled(Rule):
    """revisionHistoryLimit: 0 throws away every old revision."""

    id = "KL544"
    name = "rollback-disabled"
    severity = Severity.WARNING
    summary = "revisionHistoryLimit: 0 leaves nothing to roll back to."
    kinds = frozenset({"Deployment", "DaemonSet", "StatefulSet"})
    doc = RuleDoc(
        what="Reports spec.revisionHistoryLimit: 0 on Deployments, DaemonSets and StatefulSets.",
        why="The controller deletes every old ReplicaSet or ControllerRevision at once, so "
            "`kubectl rollout undo` has nothing to go back to after a bad rollout. The default is 10.",
        failing="spec:\n  revisionHistoryLimit: 0", passing="spec:\n  revisionHistoryLimit: 3")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        value = get_path(obj.raw, ("spec", "revisionHistoryLimit"))
        if _is_int(value) and value == 0:
            kept = "old ReplicaSets" if obj.kind == "Deployment" else "old revisions (ControllerRevisions)"
            yield Report(("spec", "revisionHistoryLimit"), f"spec.revisionHistoryLimit: 0 keeps no {kept}, so "
                                                           "`kubectl rollout undo` has nothing to roll back to; "
                                                           "keep a few (the default is 10)")


_JOB_COUNTS = ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
               "backoffLimitPerIndex", "maxFailedIndexes")
# Fields the API server requires to be >= 0 (ValidateNonnegativeField), by kind.
NONNEGATIVE_FIELDS: Dict[str, Tuple[Pointer, ...]] = {
    "Deployment": (("spec", "replicas"), ("spec", "minReadySeconds"), ("spec", "revisionHistoryLimit"),
                   ("spec", "progressDeadlineSeconds")),
    "ReplicaSet": (("spec", "replicas"), ("spec", "minReadySeconds")),
    "ReplicationController": (("spec", "replicas"), ("spec", "minReadySeconds")),
    "StatefulSet": (("spec", "replicas"), ("spec", "minReadySeconds"),
                    ("spec", "updateStrategy", "rollingUpdate", "partition"), ("spec", "ordinals", "start")),
    "DaemonSet": (("spec", "minReadySeconds"), ("spec", "revisionHistoryLimit")),
    "Job": tuple(("spec", f) for f in _JOB_COUNTS),
    "CronJob": (("spec", "startingDeadlineSeconds"), ("spec", "successfulJobsHistoryLimit"),
                ("spec", "failedJobsHistoryLimit"))
    + tuple(("spec", "jobTemplate", "spec", f) for f in _JOB_COUNTS),
}


class NegativeCount(Rule):
    """Replica counts, deadlines and limits must not be negative."""

    id = "KL545"
    name = "negative-count"
    severity = Severity.ERROR
    summary = "Workload counts (replicas, minReadySeconds, history limits, Job counts) are not negative."
    kinds = frozenset(NONNEGATIVE_FIELDS)
    doc = RuleDoc(
        what="Reports negative replicas (Deployment, StatefulSet, ReplicaSet, ReplicationController), "
             "minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds, StatefulSet partition and "
             "ordinals.start, and Job and CronJob counts, deadlines and history limits.",
        why="The API server rejects them: must be greater than or equal to 0.",
        failing="spec:\n  replicas: -1", passing="spec:\n  replicas: 0")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        for pointer in NONNEGATIVE_FIELDS.get(obj.kind, ()):
            value = get_path(raw, pointer)
            if _is_int(value) and value < 0:
                yield Report(pointer, f"{_D(pointer)}: {value} must be greater than or equal to 0")


class ProgressDeadline(Rule):
    """A Deployment's progress deadline must be longer than minReadySeconds."""

    id = "KL546"
    name = "progress-deadline"
    severity = Severity.ERROR
    summary = "A Deployment's progressDeadlineSeconds (default 600) is greater than its minReadySeconds."
    kinds = frozenset({"Deployment"})
    doc = RuleDoc(
        what="Compares spec.progressDeadlineSeconds (600 when omitted) with spec.minReadySeconds.",
        why="The API server rejects progressDeadlineSeconds <= minReadySeconds: a rollout would be declared "
            "failed before any new pod could count as available.",
        failing="spec:\n  minReadySeconds: 600",
        passing="spec:\n  minReadySeconds: 600\n  progressDeadlineSeconds: 900")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        written = get_path(obj.raw, ("spec", "progressDeadlineSeconds"))
        ready = get_path(obj.raw, ("spec", "minReadySeconds"))
        deadline = 600 if written is None else written
        ready = 0 if ready is None else ready
        if not (_is_int(deadline) and _is_int(ready)) or deadline < 0 or ready < 0 or deadline > ready:
            return
        if written is None:
            yield Report(("spec", "minReadySeconds"), f"spec.minReadySeconds: {ready} must be less than "
                                                      "spec.progressDeadlineSeconds, which defaults to 600; set "
                                                      "progressDeadlineSeconds above minReadySeconds")
        else:
            yield Report(("spec", "progressDeadlineSeconds"), f"spec.progressDeadlineSeconds: {deadline} must be "
                                                              f"greater than spec.minReadySeconds ({ready})")


# ---------------------------------------------------------------------------------------------
# KL547: StatefulSet governing Service


class StatefulSetService(Rule):
    """spec.serviceName should name a headless Service of the set."""

    id = "KL547"
    name = "statefulset-service"
    severity = Severity.WARNING
    summary = "A StatefulSet's serviceName names a headless Service that exists."
    kinds = frozenset({"StatefulSet"})
    doc = RuleDoc(
        what="Reports spec.serviceName naming a Service that is missing from the set (when the set holds "
             "Services of that namespace) or one that is not headless (spec.clusterIP is not None). "
             "serviceName itself is optional since Kubernetes 1.33 and is not required.",
        why="The governing Service gives each pod its stable DNS name (web-0.web.ns.svc). Without it, or "
            "with a normal ClusterIP Service, those names do not resolve.",
        failing="kind: StatefulSet\nspec:\n  serviceName: db\n---\nkind: Service\nmetadata: {name: db}\n"
                "spec:\n  selector: {app: db}",
        passing="kind: StatefulSet\nspec:\n  serviceName: db\n---\nkind: Service\nmetadata: {name: db}\n"
                "spec:\n  clusterIP: None\n  selector: {app: db}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = obj.spec.get("serviceName")
        if not isinstance(name, str) or not name:
            return
        pointer = ("spec", "serviceName")
        service = ctx.index.get("Service", obj.namespace, name)
        if service is None:
            if ctx.is_missing("Service", obj.namespace, name):
                yield Report(pointer, f'spec.serviceName: Service "{name}" is not in namespace "{obj.namespace}"; '
                                      "create a headless Service (clusterIP: None) selecting these pods, or the "
                                      "pods get no stable DNS names")
            return
        # Several files may define the same Service; one headless definition is enough.
        if any(s.spec.get("clusterIP") == "None" for s in ctx.index.all_named("Service", obj.namespace, name)):
            return
        cluster_ip = service.spec.get("clusterIP")
        if cluster_ip != "None":
            shown = f'its spec.clusterIP is "{cluster_ip}"' if isinstance(cluster_ip, str) and cluster_ip \
                else "it does not set spec.clusterIP: None"
            yield Report(pointer, f'spec.serviceName: Service "{name}" is not headless ({shown}), so the pods get '
                                  f'no per-pod DNS names like {obj.name or "pod"}-0.{name}; set clusterIP: None on '
                                  "the Service")


# ---------------------------------------------------------------------------------------------
# KL548-KL550: volumes


@dataclass
class PodVolumes:
    """The volumes a pod will have: name -> is it a claim (persistentVolumeClaim, ephemeral, claim template)."""

    claims: Dict[str, bool]
    pointer: Pointer  # of the pod's spec.volumes
    claim_templates: bool  # a StatefulSet's volumeClaimTemplates add volumes too

    @property
    def where(self) -> str:
        """How to name the places volumes come from, in messages (formatted only for a report)."""
        return _D(self.pointer) + (" or spec.volumeClaimTemplates" if self.claim_templates else "")


def pod_volumes(obj: K8sObject) -> Optional[PodVolumes]:
    """None when spec.volumes is not a list (the schema reports it)."""
    template = obj.pod_template
    if template is None:
        return None
    volumes = template.spec.get("volumes")
    if volumes is not None and not isinstance(volumes, list):
        return None
    claims: Dict[str, bool] = {}
    for volume in as_list(volumes):
        if isinstance(volume, dict) and isinstance(volume.get("name"), str):
            is_claim = any(isinstance(volume.get(source), dict) for source in ("persistentVolumeClaim", "ephemeral"))
            claims[volume["name"]] = claims.get(volume["name"], False) or is_claim
    if obj.kind == "StatefulSet":
        # The StatefulSet controller adds a PVC volume per claim template, named after it.
        for claim in as_list(obj.spec.get("volumeClaimTemplates")):
            name = get_path(claim, ("metadata", "name"))
            if isinstance(name, str):
                claims[name] = True
    return PodVolumes(claims, template.pointer + ("spec", "volumes"), obj.kind == "StatefulSet")


def _named_items(container_data: Dict[str, Any], group: str) -> Iterator[Tuple[int, Dict[str, Any]]]:
    for index, item in enumerate(as_list(container_data.get(group))):
        if isinstance(item, dict):
            yield index, item


class VolumeNotFound(Rule):
    """Every volumeMount and volumeDevice names a volume of the pod."""

    id = "KL548"
    name = "volume-not-found"
    severity = Severity.ERROR
    summary = "Container volumeMounts and volumeDevices name a volume of the pod."
    kinds = TEMPLATE_KINDS
    doc = RuleDoc(
        what="Checks volumeMounts[].name and volumeDevices[].name of every container and init container "
             "against the pod's volumes (and, for StatefulSets, spec.volumeClaimTemplates). A volumeDevice "
             "must name a persistentVolumeClaim or ephemeral volume.",
        why="The API server rejects the pod (Not found), so a workload creates no pods at all. StatefulSet "
            "pods are rejected when the controller creates them.",
        failing="volumeMounts: [{name: config, mountPath: /etc/app}]\nvolumes: [{name: cfg, configMap: {name: app}}]",
        passing="volumeMounts: [{name: cfg, mountPath: /etc/app}]\nvolumes: [{name: cfg, configMap: {name: app}}]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        volumes = pod_volumes(obj)
        if volumes is None:
            return
        for container in pod_containers(obj.pod_template):  # type: ignore[arg-type]
            for index, mount in _named_items(container.data, "volumeMounts"):
                name = mount.get("name")
                if isinstance(name, str) and name and name not in volumes.claims:
                    pointer = container.pointer + ("volumeMounts", index, "name")
                    yield Report(pointer, f'{_D(pointer)}: no volume named "{name}" in {volumes.where}')
            for index, device in _named_items(container.data, "volumeDevices"):
                name = device.get("name")
                if not isinstance(name, str) or not name:
                    continue
                pointer = container.pointer + ("volumeDevices", index, "name")
                if name not in volumes.claims:
                    yield Report(pointer, f'{_D(pointer)}: no volume named "{name}" in {volumes.where}')
                elif not volumes.claims[name]:
                    yield Report(pointer, f'{_D(pointer)}: volume "{name}" is not a persistentVolumeClaim or '
                                          "ephemeral volume; only those can be used as block devices")


class DuplicateVolume(Rule):
    """Volume names are unique within a pod."""

    id = "KL549"
    name = "duplicate-volume"
    severity = Severity.ERROR
    summary = "Pod volume names are unique."
    kinds = TEMPLATE_KINDS
    doc = RuleDoc(
        what="Reports a volume whose name an earlier entry of the pod's spec.volumes already uses.",
        why="The API server rejects the pod (Duplicate value); mounts could not tell the volumes apart.",
        failing="volumes:\n- {name: data, emptyDir: {}}\n- {name: data, configMap: {name: app}}",
        passing="volumes:\n- {name: data, emptyDir: {}}\n- {name: config, configMap: {name: app}}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        seen: Dict[str, int] = {}
        base = template.pointer + ("spec", "volumes")
        for index, volume in enumerate(as_list(template.spec.get("volumes"))):
            name = volume.get("name") if isinstance(volume, dict) else None
            if not isinstance(name, str) or not name:
                continue
            if name in seen:
                pointer = base + (index, "name")
                yield Report(pointer, f'{_D(pointer)}: duplicate volume name "{name}" (also '
                                      f"{_D(base + (seen[name],))}); give each volume its own name")
            else:
                seen[name] = index


class MountCollision(Rule):
    """Within one container, mount paths, device paths and volume uses do not collide."""

    id = "KL550"
    name = "mount-collision"
    severity = Severity.ERROR
    summary = "A container does not mount two volumes at one path, nor use a volume as both mount and device."
    kinds = TEMPLATE_KINDS
    doc = RuleDoc(
        what="In each container and init container: volumeMounts[].mountPath and volumeDevices[].devicePath "
             "are unique, no mountPath is also a devicePath, no volume is both mounted and used as a device, "
             "and no volumeDevices name repeats.",
        why="The API server rejects the pod (must be unique; must not already exist in volumeDevices).",
        failing="volumeMounts:\n- {name: a, mountPath: /data}\n- {name: b, mountPath: /data}",
        passing="volumeMounts:\n- {name: a, mountPath: /data/a}\n- {name: b, mountPath: /data/b}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in pod_containers(template):
            yield from self._container(container.pointer, container.data)

    @staticmethod
    def _container(base: Pointer, data: Dict[str, Any]) -> Iterator[Report]:
        mount_paths: Dict[str, int] = {}
        mount_names: Set[str] = set()
        for index, mount in _named_items(data, "volumeMounts"):
            path, name = mount.get("mountPath"), mount.get("name")
            if isinstance(name, str):
                mount_names.add(name)
            if not isinstance(path, str) or not path:
                continue
            if path in mount_paths:
                pointer = base + ("volumeMounts", index, "mountPath")
                yield Report(pointer, f'{_D(pointer)}: "{path}" is already mounted by '
                                      f"{_D(base + ('volumeMounts', mount_paths[path]))}; mount paths must be unique "
                                      "within a container")
            else:
                mount_paths[path] = index
        device_paths: Dict[str, int] = {}
        device_names: Dict[str, int] = {}
        for index, device in _named_items(data, "volumeDevices"):
            path, name = device.get("devicePath"), device.get("name")
            pointer = base + ("volumeDevices", index)
            if isinstance(name, str) and name:
                if name in device_names:
                    yield Report(pointer + ("name",), f'{_D(pointer + ("name",))}: volume "{name}" is already used '
                                                      f"by {_D(base + ('volumeDevices', device_names[name]))}")
                elif name in mount_names:
                    yield Report(pointer + ("name",), f'{_D(pointer + ("name",))}: volume "{name}" is also in '
                                                      f"{_D(base + ('volumeMounts',))}; a volume is either "
                                                      "mounted or a block device, not both")
                device_names.setdefault(name, index)
            if not isinstance(path, str) or not path:
                continue
            if path in device_paths:
                yield Report(pointer + ("devicePath",), f'{_D(pointer + ("devicePath",))}: "{path}" is already used '
                                                        f"by {_D(base + ('volumeDevices', device_paths[path]))}")
            elif path in mount_paths:
                yield Report(pointer + ("devicePath",), f'{_D(pointer + ("devicePath",))}: "{path}" is also a '
                                                        f"mountPath ({_D(base + ('volumeMounts', mount_paths[path]))})")
            device_paths.setdefault(path, index)


# ---------------------------------------------------------------------------------------------
# KL551-KL552: objects that point at workloads

SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})


class HpaTargetMissing(Rule):
    """An autoscaler's scaleTargetRef names a workload of the set."""

    id = "KL551"
    name = "hpa-target-missing"
    severity = Severity.WARNING
    summary = "A HorizontalPodAutoscaler's scaleTargetRef names a workload that exists."
    kinds = frozenset({"HorizontalPodAutoscaler"})
    doc = RuleDoc(
        what="Reports spec.scaleTargetRef naming a Deployment, StatefulSet, ReplicaSet or "
             "ReplicationController that is missing from the set, when the set holds objects of that kind "
             "in the namespace (or is declared complete).",
        why="The autoscaler has nothing to scale and reports FailedGetScale; usually a typo or a renamed "
            "workload.",
        failing="scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wbe}",
        passing="scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        ref = obj.spec.get("scaleTargetRef")
        if not isinstance(ref, dict):
            return
        kind, name = ref.get("kind"), ref.get("name")
        if not isinstance(kind, str) or kind not in SCALABLE_KINDS or not isinstance(name, str) or not name:
            return
        if ctx.is_missing(kind, obj.namespace, name):
            yield Report(("spec", "scaleTargetRef", "name"), f'spec.scaleTargetRef.name: {kind} "{name}" is not in '
                                                             f'namespace "{obj.namespace}"; the autoscaler has '
                                                             "nothing to scale")


class PdbSelectsNoPods(Rule):
    """A PodDisruptionBudget's selector matches some pod template of the set."""

    id = "KL552"
    name = "pdb-selects-no-pods"
    severity = Severity.WARNING
    summary = "A PodDisruptionBudget's selector matches pods of some workload."
    kinds = frozenset({"PodDisruptionBudget"})
    doc = RuleDoc(
        what="Reports a PodDisruptionBudget whose spec.selector (with matchLabels; matchExpressions are "
             "applied as well) matches no pod template in its namespace, when the set holds pod templates "
             "there (or is declared complete). It stays quiet when a custom resource of the namespace may "
             "own the pods through an operator: the selector matches the resource's labels, or names it.",
        why="A budget that selects no pods protects nothing during node drains; usually the labels drifted "
            "from the workload's.",
        failing="spec:\n  selector:\n    matchLabels: {app: wbe}",
        passing="spec:\n  selector:\n    matchLabels: {app: web}")

    def __init__(self) -> None:
        # Per set: custom resources by namespace, as (name, labels). Built once per index.
        self._custom: "weakref.WeakKeyDictionary[Any, Dict[str, List[Tuple[str, Dict[str, str]]]]]" = \
            weakref.WeakKeyDictionary()

    def _custom_resources(self, ctx: "RuleContext", namespace: str) -> List[Tuple[str, Dict[str, str]]]:
        by_namespace = self._custom.get(ctx.index)
        if by_namespace is None:
            by_namespace = {}
            for other in ctx.index.objects:
                if _is_custom_group(other.api_version):
                    labels = {k: v for k, v in as_dict(other.metadata.get("labels")).items() if isinstance(v, str)}
                    by_namespace.setdefault(other.namespace, []).append((other.name or "", labels))
            self._custom[ctx.index] = by_namespace
        return by_namespace.get(namespace, [])

    def _operator_may_own(self, selector: LabelSelector, ctx: "RuleContext", namespace: str) -> bool:
        """Could an operator make the selected pods from a custom resource of the set? Operators label
        pods with the resource's name (alertmanager=main, strimzi.io/cluster=kafka) or copy its labels."""
        values = {v for t in selector.requirements for v in t.values}
        return any(name in values or all(t.matches(labels) for t in selector.requirements)
                   for name, labels in self._custom_resources(ctx, namespace))

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        selector = parse_label_selector(obj.spec.get("selector"), ("spec", "selector"))
        if selector is None or selector.problems:
            return
        wanted = selector.match_labels()
        if not wanted:
            return  # the index looks pods up by label; without matchLabels we cannot tell cheaply
        if not (ctx.complete or ctx.index.has_pod_templates(obj.namespace)):
            return
        expressions = [t for t in selector.requirements if t.operator != "="]
        for workload in ctx.index.pods_selected_by(obj.namespace, wanted):
            # template_labels, not pod_template: another worker's object stays packed
            if all(t.matches(workload.template_labels or {}) for t in expressions):
                return
        if self._operator_may_own(selector, ctx, obj.namespace):
            return
        terms = ", ".join(t.text() for t in selector.requirements)
        yield Report(("spec", "selector"), f'spec.selector: selects no pods: no workload in namespace '
                                           f'"{obj.namespace}" has pod labels matching {terms}')


@functools.lru_cache(maxsize=1024)  # asked for every object of the set; a set has few apiVersions
def _is_custom_group(api_version: str) -> bool:
    """A custom resource's group: dotted and not Kubernetes' own (*.k8s.io); core groups have no dot."""
    group = api_version.rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


def rules() -> List[Rule]:
    return [SelectorTemplateMismatch(), JobGeneratedSelector(), WorkloadRestartPolicy(), RolloutStrategy(),
            RollbackDisabled(), NegativeCount(), ProgressDeadline(), StatefulSetService(), VolumeNotFound(),
            DuplicateVolume(), MountCollision(), HpaTargetMissing(), PdbSelectsNoPods()]
