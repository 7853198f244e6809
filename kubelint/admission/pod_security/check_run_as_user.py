"""runAsUser != 0: policy/check_runAsUser.go (restricted, v1.23+; from v1.35 any value in a user
namespace, `hostUsers: false`)."""

from __future__ import annotations

from typing import Any, List

from .api import RESTRICTED, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, result


def _is_root(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def run_as_user_1_23(pod: Pod) -> CheckResult:
    setters: List[str] = []
    violations: List[Violation] = []
    context = pod.security_context
    if context is not None and _is_root(context.get("runAsUser")):
        setters.append("pod")
        violations.append(Violation(pod.at("securityContext", "runAsUser"), "pod must not set runAsUser=0"))
    bad: List[str] = []
    for container in pod.containers:
        context = container.security_context
        if context is not None and _is_root(context.get("runAsUser")):
            bad.append(container.name)
            violations.append(Violation(container.pointer + ("securityContext", "runAsUser"),
                                        f"{containers_phrase([container.name])} must not set runAsUser=0"))
    if bad:
        setters.append(containers_phrase(bad))
    if not setters:
        return ALLOWED
    return result("runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0", violations)


def run_as_user_1_35(pod: Pod) -> CheckResult:
    if pod.in_user_namespace:
        return ALLOWED
    return run_as_user_1_23(pod)


CHECK = Check("runAsUser", RESTRICTED, (
    VersionedCheck(v(23), run_as_user_1_23),
    VersionedCheck(v(35), run_as_user_1_35),
))
