"""allowPrivilegeEscalation=false: policy/check_allowPrivilegeEscalation.go (restricted, v1.8+;
from v1.25 Windows pods are exempt)."""

from __future__ import annotations

from typing import List

from .api import RESTRICTED, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, result, setter_pointer

MUST = "must set securityContext.allowPrivilegeEscalation=false"


def allow_privilege_escalation_1_8(pod: Pod) -> CheckResult:
    bad: List[str] = []
    violations: List[Violation] = []
    for container in pod.containers:
        context = container.security_context
        # nil or true is refused: only an explicit false passes
        if context is None or context.get("allowPrivilegeEscalation") is not False:
            bad.append(container.name)
            violations.append(Violation(setter_pointer(pod, container, "allowPrivilegeEscalation"),
                                        f"{containers_phrase([container.name])} {MUST}"))
    if not bad:
        return ALLOWED
    return result("allowPrivilegeEscalation != false", f"{containers_phrase(bad)} {MUST}", violations)


def allow_privilege_escalation_1_25(pod: Pod) -> CheckResult:
    # Pod validation refuses the field on a Windows pod, so it is admitted without it.
    if pod.is_windows:
        return ALLOWED
    return allow_privilege_escalation_1_8(pod)


CHECK = Check("allowPrivilegeEscalation", RESTRICTED, (
    VersionedCheck(v(8), allow_privilege_escalation_1_8),
    VersionedCheck(v(25), allow_privilege_escalation_1_25),
))
