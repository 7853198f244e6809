"""KL150 priorityclass-spec: what the API server's scheduling validation refuses in
PriorityClasses.

Follows kubernetes/kubernetes pkg/apis/scheduling/validation/validation.go (ValidatePriorityClass)
with pkg/apis/scheduling (IsKnownSystemPriorityClass, SystemPriorityClasses,
HighestUserDefinablePriority) and core's ValidatePreemptionPolicy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import forbidden, not_supported

if TYPE_CHECKING:
    from ...model.context import RuleContext

HIGHEST_USER_PRIORITY = 1_000_000_000
SYSTEM_PREFIX = "system-"
# name: (value, globalDefault)
SYSTEM_CLASSES = {"system-node-critical": (2_000_001_000, False), "system-cluster-critical": (2_000_000_000, False)}
PREEMPTION_POLICIES = ("Never", "PreemptLowerPriority")


def system_class_problem(name: str, value: object, global_default: bool) -> str:
    """IsKnownSystemPriorityClass's error, or "" when the class is the known one."""
    known = SYSTEM_CLASSES.get(name)
    if known is None:
        return f"{name} is not a known system priority class"
    if value != known[0]:
        return f"value of {name} PriorityClass must be {known[0]}"
    if global_default != known[1]:
        return f"globalDefault of {name} PriorityClass must be {str(known[1]).lower()}"
    return ""


class PriorityClassSpec(Rule):
    """ValidatePriorityClass."""

    id = "KL150"
    name = "priorityclass-spec"
    severity = Severity.ERROR
    summary = "A PriorityClass's value is at most 1000000000 and its name does not claim the system- prefix."
    kinds = frozenset({"PriorityClass"})
    doc = RuleDoc(
        what="Reports a value above 1000000000 (higher values are reserved for the system classes) or beyond "
             "int32, a name starting with system- that is not one of the built-in system classes with their "
             "exact value and globalDefault, and a preemptionPolicy other than PreemptLowerPriority or Never.",
        why="The API server refuses the PriorityClass (ValidatePriorityClass in "
            "pkg/apis/scheduling/validation/validation.go).",
        failing="kind: PriorityClass\nvalue: 2000000000", passing="kind: PriorityClass\nvalue: 1000000")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        value = raw.get("value")
        name = obj.name
        if isinstance(name, str) and name.startswith(SYSTEM_PREFIX):
            problem = system_class_problem(name, value, raw.get("globalDefault") is True)
            if problem:
                yield forbidden(("metadata", "name"), f"priority class names with '{SYSTEM_PREFIX}' prefix are "
                                                      f"reserved for system use only. error: {problem}",
                                anchor="value")
        elif is_int(value) and HIGHEST_USER_PRIORITY < value <= 2 ** 31 - 1:
            yield forbidden(("value",), f"maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}",
                            anchor="value")
        policy = raw.get("preemptionPolicy")
        if isinstance(policy, str) and policy not in PREEMPTION_POLICIES:
            yield not_supported(("preemptionPolicy",), policy, PREEMPTION_POLICIES)
