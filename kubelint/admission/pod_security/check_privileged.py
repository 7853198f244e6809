"""Privileged containers: policy/check_privileged.go (baseline, v1.0+)."""

from __future__ import annotations

from typing import List

from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, is_true, result


def privileged_1_0(pod: Pod) -> CheckResult:
    bad: List[str] = []
    violations: List[Violation] = []
    for container in pod.containers:
        context = container.security_context
        if context is not None and is_true(context.get("privileged")):
            bad.append(container.name)
            violations.append(Violation(container.pointer + ("securityContext", "privileged"),
                                        f"{containers_phrase([container.name])} must not set securityContext.privileged=true"))
    if not bad:
        return ALLOWED
    return result("privileged", f"{containers_phrase(bad)} must not set securityContext.privileged=true", violations)


CHECK = Check("privileged", BASELINE, (VersionedCheck(v(0), privileged_1_0),))
