"""Rollouts and counts (KL543-KL546): rolling update parameters, revision history, counts that
must not be negative, a Deployment's progress deadline; int-or-percent values as the API server
reads them.

Each check follows the API server's validation (kubernetes/kubernetes pkg/apis/apps/validation,
pkg/apis/batch/validation, pkg/apis/core/validation) after its defaulting (pkg/apis/*/v1/defaults.go).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Tuple

from ...lazy_regex import lazy_compile
from ...findings import Pointer, Severity
from ...model.objects import K8sObject, get_path
from ...named_tuple import NamedTuple
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted, is_int

if TYPE_CHECKING:
    from ...model.context import RuleContext


# ---------------------------------------------------------------------------------------------
# int-or-percent values (apps validation: ValidatePositiveIntOrPercent, getIntOrPercentValue)

_PERCENT = re.compile(r"[0-9]+%\Z")
_ATOI = lazy_compile(r"[+-]?[0-9]+\Z")


class IntOrPercent(NamedTuple):  # not a dataclass: cheaper to define on every start
    value: int  # what the API server compares (a percent's number; Atoi of a bad string, else 0)
    percent: bool
    problem: Optional[str]  # why the API server rejects it, if it does


def int_or_percent(raw: Any) -> Optional[IntOrPercent]:
    """None for values of the wrong type (the schema reports those)."""
    if is_int(raw):
        return IntOrPercent(raw, False, f"{raw} must be greater than or equal to 0" if raw < 0 else None)
    if isinstance(raw, str):
        if _PERCENT.match(raw):
            return IntOrPercent(int(raw[:-1]), True, None)
        number = int(raw) if _ATOI.match(raw) else 0
        return IntOrPercent(number, False, f'"{raw}" is not a valid percentage: write a number followed by %, '
                                           "e.g. 25%, or an integer without quotes")
    return None


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
                yield Report(rolling, f"{dotted(rolling)}: may not be specified when strategy type is Recreate; "
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
            yield Report(pointer, f"{dotted(pointer)}: may not be 0 when maxSurge is 0: the rollout could neither "
                                  "add nor remove a pod; allow a surge or some unavailability")
        if unavailable.percent and unavailable.value > 100:
            pointer = values["maxUnavailable"][0]
            yield Report(pointer, f"{dotted(pointer)}: must not be greater than 100%")

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
                yield Report(pointer, f"{dotted(pointer)}: must not be greater than 100%")
        surge, unavailable = values["maxSurge"][1], values["maxUnavailable"][1]
        if surge is None or unavailable is None:
            return
        if surge.value != 0 and unavailable.value != 0:
            pointer = values["maxSurge"][0]
            default = "" if obj.was_written(*rolling, "maxUnavailable") else " (maxUnavailable defaults to 1)"
            yield Report(pointer, f"{dotted(pointer)}: may not be set when maxUnavailable is non-zero{default}; "
                                  "set maxUnavailable: 0 to surge, or remove maxSurge")
        elif surge.value == 0 and unavailable.value == 0:
            pointer = values["maxUnavailable"][0]
            yield Report(pointer, f"{dotted(pointer)}: cannot be 0 when maxSurge is 0: the rollout could never "
                                  "replace a pod")

    def _stateful_set(self, obj: K8sObject) -> Iterator[Report]:
        rolling = ("spec", "updateStrategy", "rollingUpdate")
        if get_path(obj.raw, ("spec", "updateStrategy", "type")) == "OnDelete" \
                and isinstance(get_path(obj.raw, rolling), dict):
            yield Report(rolling, f"{dotted(rolling)}: only allowed when updateStrategy type is RollingUpdate; "
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
                yield Report(pointer, f"{dotted(pointer)}: {parsed.problem}")


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
        if is_int(value) and value == 0:
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
            if is_int(value) and value < 0:
                yield Report(pointer, f"{dotted(pointer)}: {value} must be greater than or equal to 0")


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
        if not (is_int(deadline) and is_int(ready)) or deadline < 0 or ready < 0 or deadline > ready:
            return
        if written is None:
            yield Report(("spec", "minReadySeconds"), f"spec.minReadySeconds: {ready} must be less than "
                                                      "spec.progressDeadlineSeconds, which defaults to 600; set "
                                                      "progressDeadlineSeconds above minReadySeconds")
        else:
            yield Report(("spec", "progressDeadlineSeconds"), f"spec.progressDeadlineSeconds: {deadline} must be "
                                                              f"greater than spec.minReadySeconds ({ready})")
