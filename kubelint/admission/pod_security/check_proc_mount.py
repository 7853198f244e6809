"""/proc mount type: policy/check_procMount_baseline.go (baseline, v1.0+; from v1.35 any value
in a user namespace) and policy/check_procMount_restricted.go (restricted, v1.35+: the
unconditional v1.0 check again, overriding the baseline one)."""

from __future__ import annotations

from typing import List, Set

from .api import BASELINE, RESTRICTED, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, join_quote,
                     result, text)

BASELINE_ID = "procMount"


def proc_mount_1_0(pod: Pod) -> CheckResult:
    bad: List[str] = []
    types: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        context = container.security_context
        if context is None or context.get("procMount") is None:
            continue
        proc_mount = text(context.get("procMount"))
        if proc_mount != "Default":
            bad.append(container.name)
            types.add(proc_mount)
            violations.append(Violation(container.pointer + ("securityContext", "procMount"),
                                        f"{containers_phrase([container.name])} must not set securityContext.procMount "
                                        f"to {join_quote([proc_mount])}"))
    if not bad:
        return ALLOWED
    return result("procMount", f"{containers_phrase(bad)} must not set securityContext.procMount to "
                  f"{join_quote(sorted(types))}", violations)


def proc_mount_1_35_baseline(pod: Pod) -> CheckResult:
    if pod.in_user_namespace:
        return ALLOWED
    return proc_mount_1_0(pod)


CHECK_BASELINE = Check(BASELINE_ID, BASELINE, (
    VersionedCheck(v(0), proc_mount_1_0),
    VersionedCheck(v(35), proc_mount_1_35_baseline),
))
CHECK_RESTRICTED = Check("procMount_restricted", RESTRICTED, (
    VersionedCheck(v(35), proc_mount_1_0, (BASELINE_ID,)),
))
