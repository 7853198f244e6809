"""KL141 cronjob-spec and KL142 job-spec: what the API server's batch validation refuses in
CronJobs and Jobs, beyond the workloads family's checks.

Follows kubernetes/kubernetes pkg/apis/batch/validation/validation.go (ValidateJob,
validateJobSpec, validatePodFailurePolicy(Rule...), validateSuccessPolicy(Rule),
validatePodReplacementPolicy, validateIndexesFormat, ValidateCronJobCreate, validateCronJobSpec,
validateConcurrencyPolicy, validateScheduleFormat, validateTimeZone). Left to other rules:
negative counts (KL545), restart policies (KL542), selectors (KL540, KL541).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Set

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .cron import schedule_error, time_zone_problems
from .errors import duplicate, invalid, invalid_omitted, not_supported, required, too_long, too_many
from .group_fields import get, items, mapping

if TYPE_CHECKING:
    from ...model.context import RuleContext

MAX_PARALLELISM_INDEXED = 100_000
MAX_FAILED_INDEXES = 100_000
COMPLETIONS_SOFT_LIMIT = 100_000
PARALLELISM_HIGH_COMPLETIONS = 10_000
MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000
MAX_POD_FAILURE_RULES = 20
MAX_EXIT_CODES = 255
MAX_POD_CONDITIONS = 20
MAX_SUCCESS_RULES = 20
MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024
POD_FAILURE_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
CONDITION_STATUSES = ("False", "True", "Unknown")


class JobSpec(Rule):
    """validateJobSpec for Jobs and for CronJobs' job templates."""

    id = "KL142"
    name = "job-spec"
    severity = Severity.ERROR
    summary = "A Job's spec (or a CronJob's job template) passes the API server's batch validation."
    kinds = frozenset({"Job", "CronJob"})
    doc = RuleDoc(
        what="Reports what pkg/apis/batch/validation refuses in a job spec and no other rule covers: "
             "completionMode other than NonIndexed or Indexed; an Indexed Job without "
             "completions or over its parallelism and failed-index limits; backoffLimitPerIndex, "
             "maxFailedIndexes or successPolicy without Indexed mode; maxFailedIndexes without "
             "backoffLimitPerIndex; podFailurePolicy rules (action, onExitCodes operator, values, "
             "containerName, onPodConditions status, exactly one of onExitCodes and onPodConditions); "
             "successPolicy rules; podReplacementPolicy values; and an Indexed Job whose last pod hostname "
             "(name-<completions-1>) is not a DNS label. Checks that depend on a feature gate apply from the "
             "Kubernetes version where it is on by default.",
        why="The API server refuses the object (validateJobSpec, validatePodFailurePolicy, "
            "validateSuccessPolicy, validatePodReplacementPolicy, ValidateJob in "
            "pkg/apis/batch/validation/validation.go).",
        failing="kind: Job\nspec:\n  completionMode: indexed",
        passing="kind: Job\nspec:\n  completionMode: Indexed\n  completions: 5")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != "batch/v1":
            return
        base: Pointer = ("spec",) if obj.kind == "Job" else ("spec", "jobTemplate", "spec")
        spec = get(obj.raw, *base)
        if not isinstance(spec, dict):
            return
        minor = ctx.kubernetes_minor()
        yield from _job_spec(spec, base, minor)
        if obj.kind == "Job":
            yield from _indexed_hostname(obj, spec)


def _job_spec(spec: Dict[str, Any], base: Pointer, minor: int) -> Iterator[Report]:
    completions, parallelism = _int(spec.get("completions")), _int(spec.get("parallelism"))
    per_index, max_failed = _int(spec.get("backoffLimitPerIndex")), _int(spec.get("maxFailedIndexes"))
    gated_per_index = minor >= 29  # JobBackoffLimitPerIndex: beta, on by default, since 1.29
    if gated_per_index and max_failed is not None and spec.get("backoffLimitPerIndex") is None:
        yield required(base + ("backoffLimitPerIndex",), "when maxFailedIndexes is specified")
    mode = spec.get("completionMode")
    if isinstance(mode, str) and mode not in ("NonIndexed", "Indexed"):
        yield not_supported(base + ("completionMode",), mode, ("NonIndexed", "Indexed"))
    if mode == "Indexed":
        if spec.get("completions") is None:
            yield required(base + ("completions",), "when completion mode is Indexed")
        if parallelism is not None and parallelism > MAX_PARALLELISM_INDEXED:
            yield invalid(base + ("parallelism",), parallelism,
                          f"must be less than or equal to {MAX_PARALLELISM_INDEXED} when completion mode is Indexed")
        if gated_per_index and completions is not None and max_failed is not None and max_failed > completions:
            yield invalid(base + ("maxFailedIndexes",), max_failed, "must be less than or equal to completions")
        if gated_per_index and max_failed is not None and max_failed > MAX_FAILED_INDEXES:
            yield invalid(base + ("maxFailedIndexes",), max_failed,
                          f"must be less than or equal to {MAX_FAILED_INDEXES}")
        if gated_per_index and completions is not None and completions > COMPLETIONS_SOFT_LIMIT \
                and per_index is not None:
            yield from _high_completions(spec, base, parallelism, max_failed)
    elif mode in (None, "NonIndexed") and gated_per_index:
        for field in ("backoffLimitPerIndex", "maxFailedIndexes"):
            value = _int(spec.get(field))
            if value is not None:
                yield invalid(base + (field,), value, "requires indexed completion mode")
    failure_policy = spec.get("podFailurePolicy")
    if isinstance(failure_policy, dict) and minor >= 26:  # JobPodFailurePolicy: on by default since 1.26
        yield from _pod_failure_policy(spec, failure_policy, base + ("podFailurePolicy",))
    success_policy = spec.get("successPolicy")
    if isinstance(success_policy, dict) and minor >= 31:  # JobSuccessPolicy: on by default since 1.31
        if mode != "Indexed":
            yield invalid_omitted(base + ("successPolicy",), "requires indexed completion mode", anchor="key")
        else:
            yield from _success_policy(success_policy, completions, base + ("successPolicy",))
    replacement = spec.get("podReplacementPolicy")
    if isinstance(replacement, str) and minor >= 29:  # JobPodReplacementPolicy: on by default since 1.29
        allowed = ("Failed",) if isinstance(failure_policy, dict) else ("Failed", "TerminatingOrFailed")
        if replacement not in allowed:
            yield not_supported(base + ("podReplacementPolicy",), replacement, allowed)


def _int(value: Any) -> Optional[int]:
    return value if is_int(value) else None


def _high_completions(spec: Dict[str, Any], base: Pointer, parallelism: Optional[int],
                      max_failed: Optional[int]) -> Iterator[Report]:
    if spec.get("maxFailedIndexes") is None:
        yield required(base + ("maxFailedIndexes",), f"must be specified when completions is above "
                                                     f"{COMPLETIONS_SOFT_LIMIT}")
    suffix = f"when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
    if parallelism is not None and parallelism > PARALLELISM_HIGH_COMPLETIONS:
        yield invalid(base + ("parallelism",), parallelism,
                      f"must be less than or equal to {PARALLELISM_HIGH_COMPLETIONS} {suffix}")
    if max_failed is not None and max_failed > MAX_FAILED_INDEXES_HIGH_COMPLETIONS:
        yield invalid(base + ("maxFailedIndexes",), max_failed,
                      f"must be less than or equal to {MAX_FAILED_INDEXES_HIGH_COMPLETIONS} {suffix}")


def _container_names(spec: Dict[str, Any]) -> Set[str]:
    pod = mapping(get(spec, "template", "spec"))
    return {c.get("name") for group in ("containers", "initContainers") for c in items(pod.get(group))
            if isinstance(c, dict) and isinstance(c.get("name"), str)}


def _pod_failure_policy(spec: Dict[str, Any], policy: Dict[str, Any], where: Pointer) -> Iterator[Report]:
    rules = items(policy.get("rules"))
    if len(rules) > MAX_POD_FAILURE_RULES:
        yield too_many(where + ("rules",), len(rules), MAX_POD_FAILURE_RULES)
    names = _container_names(spec)
    for index, rule in enumerate(rules):
        if isinstance(rule, dict):
            yield from _pod_failure_rule(spec, rule, where + ("rules", index), names)


def _pod_failure_rule(spec: Dict[str, Any], rule: Dict[str, Any], where: Pointer, names: Set[str]) \
        -> Iterator[Report]:
    action = rule.get("action")
    if action is None or action == "":
        yield required(where + ("action",), 'valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
                       present=action == "")
    elif action == "FailIndex":
        if spec.get("backoffLimitPerIndex") is None:
            yield invalid(where + ("action",), action, "requires the backoffLimitPerIndex to be set")
    elif isinstance(action, str) and action not in POD_FAILURE_ACTIONS:
        yield not_supported(where + ("action",), action, POD_FAILURE_ACTIONS)
    exit_codes, conditions = rule.get("onExitCodes"), items(rule.get("onPodConditions"))
    if isinstance(exit_codes, dict):
        yield from _on_exit_codes(exit_codes, where + ("onExitCodes",), names)
    if conditions:
        yield from _on_pod_conditions(conditions, where + ("onPodConditions",))
    if exit_codes is not None and conditions:
        yield invalid_omitted(where, "specifying both OnExitCodes and OnPodConditions is not supported")
    if exit_codes is None and not conditions:
        yield invalid_omitted(where, "specifying one of OnExitCodes and OnPodConditions is required")


def _on_exit_codes(requirement: Dict[str, Any], where: Pointer, names: Set[str]) -> Iterator[Report]:
    operator = requirement.get("operator")
    if operator is None or operator == "":
        yield required(where + ("operator",), 'valid values: ["In" "NotIn"]', present=operator == "")
    elif isinstance(operator, str) and operator not in ("In", "NotIn"):
        yield not_supported(where + ("operator",), operator, ("In", "NotIn"))
    container = requirement.get("containerName")
    if isinstance(container, str) and container not in names:
        yield invalid(where + ("containerName",), container,
                      "must be one of the container or initContainer names in the pod template")
    values = requirement.get("values")
    codes = [v for v in items(values) if is_int(v)]
    if not items(values):
        yield invalid_omitted(where + ("values",), "at least one value is required", anchor="key")
    elif len(items(values)) > MAX_EXIT_CODES:
        yield too_many(where + ("values",), len(items(values)), MAX_EXIT_CODES)
    seen: Set[int] = set()
    ordered = True
    previous: Optional[int] = None
    for index, code in enumerate(items(values)):
        if not is_int(code):
            previous = None
            continue
        if operator == "In" and code == 0:
            yield invalid(where + ("values", index), code, "must not be 0 for the In operator")
        if code in seen:
            yield duplicate(where + ("values", index), code)
        seen.add(code)
        if previous is not None and previous > code:
            ordered = False
        previous = code
    if not ordered:
        yield invalid_omitted(where + ("values",), f"must be ordered ({', '.join(map(str, codes))})")


def _on_pod_conditions(patterns: List[Any], where: Pointer) -> Iterator[Report]:
    if len(patterns) > MAX_POD_CONDITIONS:
        yield too_many(where, len(patterns), MAX_POD_CONDITIONS)
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, dict):
            continue
        kind, status = pattern.get("type"), pattern.get("status")
        if isinstance(kind, str):
            for problem in validation.qualified_name(kind):
                yield invalid(where + (index, "type"), kind, problem)
        if status is None or status == "":
            yield required(where + (index, "status"), 'valid values: ["False" "True" "Unknown"]',
                           present=status == "")
        elif isinstance(status, str) and status not in CONDITION_STATUSES:
            yield not_supported(where + (index, "status"), status, CONDITION_STATUSES)


def _success_policy(policy: Dict[str, Any], completions: Optional[int], where: Pointer) -> Iterator[Report]:
    rules = items(policy.get("rules"))
    if not rules:
        yield required(where + ("rules",), "at least one rules must be specified when the successPolicy is specified",
                       present="rules" in policy)
    if len(rules) > MAX_SUCCESS_RULES:
        yield too_many(where + ("rules",), len(rules), MAX_SUCCESS_RULES)
    if completions is None:
        return  # Required completions is reported above
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        at = where + ("rules", index)
        count, indexes = rule.get("succeededCount"), rule.get("succeededIndexes")
        if count is None and indexes is None:
            yield required(at, "at least one of succeededCount or succeededIndexes must be specified", present=True)
        total = 0
        if isinstance(indexes, str):
            if len(indexes) > MAX_SUCCEEDED_INDEXES_LENGTH:
                yield too_long(at + ("succeededIndexes",), MAX_SUCCEEDED_INDEXES_LENGTH)
            parsed = indexes_total(indexes, completions)
            if isinstance(parsed, str):
                yield invalid(at + ("succeededIndexes",), indexes, f"error parsing succeededIndexes: {parsed}")
            else:
                total = parsed
        if is_int(count):
            if count > completions:
                yield invalid(at + ("succeededCount",), count, f"must be less than or equal to {completions} "
                                                                "(the number of specified completions)")
            if isinstance(indexes, str) and count > total:
                yield invalid(at + ("succeededCount",), count, f"must be less than or equal to {total} (the number "
                                                                "of indexes in the specified succeededIndexes field)")


def indexes_total(text: str, completions: int) -> Any:
    """validateIndexesFormat: the number of indexes in "1,3-5,7", or the error text."""
    if not text:
        return 0
    last: Optional[int] = None
    total = 0
    for interval in text.split(","):
        parsed = _interval(interval, completions)
        if isinstance(parsed, str):
            return parsed
        low, high = parsed
        if last is not None and last >= low:
            return f"non-increasing order, previous: {last}, current: {low}"
        total += high - low + 1
        last = high
    return total


def _interval(text: str, completions: int) -> Any:
    limits = text.split("-")
    if len(limits) > 2:
        return f"the fragment \"{text}\" violates the requirement that an index interval can have at most two " \
               "parts separated by '-'"
    numbers = []
    for limit in limits:
        stripped = limit[1:] if limit[:1] in "+-" and limit[:1] else limit
        if not stripped.isdigit() or not stripped.isascii():
            return f'cannot convert string to integer for index: "{limit}"'
        number = int(limit)
        if number >= completions:
            return f'too large index: "{limit}"'
        numbers.append(number)
    if len(numbers) == 2 and numbers[0] >= numbers[1]:
        return f"non-increasing order, previous: {numbers[0]}, current: {numbers[1]}"
    return numbers[0], numbers[-1]


def _indexed_hostname(obj: K8sObject, spec: Dict[str, Any]) -> Iterator[Report]:
    completions = _int(spec.get("completions"))
    if spec.get("completionMode") != "Indexed" or completions is None or completions <= 0 \
            or not isinstance(obj.name, str):
        return
    hostname = f"{obj.name}-{completions - 1}"
    if validation.dns1123_label(hostname):
        yield invalid(("metadata", "name"), obj.name,
                      f"will not able to create pod with invalid DNS label: {hostname}")


class CronJobSpec(Rule):
    """validateCronJobSpec: schedule, timeZone, concurrencyPolicy, the name's length."""

    id = "KL141"
    name = "cronjob-spec"
    severity = Severity.ERROR
    summary = "A CronJob's schedule, timeZone and concurrencyPolicy are ones the API server accepts."
    kinds = frozenset({"CronJob"})
    doc = RuleDoc(
        what="Parses spec.schedule as the API server does (github.com/robfig/cron/v3 ParseStandard: five "
             "fields — minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-6 or "
             "sun-sat — with *, ?, ranges, steps and lists, or @yearly, @annually, @monthly, @weekly, @daily, "
             "@midnight, @hourly and @every <duration>) and reports its error; TZ= or CRON_TZ= in the "
             "schedule; a spec.timeZone that is empty, Local or not an IANA time zone (time.LoadLocation); "
             "concurrencyPolicy other than Allow, Forbid or Replace; history limits and "
             "startingDeadlineSeconds beyond their integer range; and a name longer than 52 characters.",
        why="The API server refuses the CronJob (validateScheduleFormat, validateTimeZone, "
            "validateConcurrencyPolicy, ValidateCronJobCreate in pkg/apis/batch/validation/validation.go): "
            "the controller could never run it.",
        failing='spec:\n  schedule: "0 9 * * 1-7"\n  timeZone: Europe/Paris\n  concurrencyPolicy: forbid',
        passing='spec:\n  schedule: "0 9 * * 1-6"\n  timeZone: Europe/Paris\n  concurrencyPolicy: Forbid')

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version not in ("batch/v1", "batch/v1beta1"):
            return
        if isinstance(obj.name, str) and len(obj.name) > 52:
            yield invalid(("metadata", "name"), obj.name, "must be no more than 52 characters")
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        zone = spec.get("timeZone")
        schedule = spec.get("schedule")
        if schedule == "":
            yield required(("spec", "schedule"), present=True)
        elif isinstance(schedule, str):
            yield from self._schedule(schedule, zone, ctx)
        if isinstance(zone, str):
            for _, detail in time_zone_problems(zone):
                yield invalid(("spec", "timeZone"), zone, detail)
        policy = spec.get("concurrencyPolicy")
        if isinstance(policy, str) and policy and policy not in ("Allow", "Forbid", "Replace"):
            yield not_supported(("spec", "concurrencyPolicy"), policy, ("Allow", "Forbid", "Replace"))

    @staticmethod
    def _schedule(schedule: str, zone: Any, ctx: "RuleContext") -> Iterator[Report]:
        problem = schedule_error(schedule)
        if problem:
            yield invalid(("spec", "schedule"), schedule, problem)
        if "TZ" not in schedule:
            return
        if ctx.kubernetes_minor() >= 29:
            yield invalid(("spec", "schedule"), schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field "
                                                          "instead")
        elif zone is not None:
            yield invalid(("spec", "schedule"), schedule, "cannot use both timeZone field and TZ or CRON_TZ in "
                                                          "schedule")
        else:  # older versions accepted it (and warned)
            yield invalid(("spec", "schedule"), schedule, "TZ or CRON_TZ in schedule is not officially supported; "
                                                          "use the timeZone field", severity=Severity.WARNING)
