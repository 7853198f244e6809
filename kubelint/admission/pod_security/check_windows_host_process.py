"""Windows HostProcess: policy/check_windowsHostProcess.go (baseline, v1.0+)."""

from __future__ import annotations

from typing import List

from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field, is_true, result

MUST_NOT = "must not set securityContext.windowsOptions.hostProcess=true"


def windows_host_process_1_0(pod: Pod) -> CheckResult:
    violations: List[Violation] = []
    bad: List[str] = []
    for container in pod.containers:
        if is_true((field(container.security_context, "windowsOptions") or {}).get("hostProcess")):
            bad.append(container.name)
            violations.append(Violation(container.pointer + ("securityContext", "windowsOptions", "hostProcess"),
                                        f"{containers_phrase([container.name])} {MUST_NOT}"))
    setters: List[str] = []
    if is_true((field(pod.security_context, "windowsOptions") or {}).get("hostProcess")):
        setters.append("pod")
        violations.insert(0, Violation(pod.at("securityContext", "windowsOptions", "hostProcess"), f"pod {MUST_NOT}"))
    if bad:
        setters.append(containers_phrase(bad))
    if not setters:
        return ALLOWED
    return result("hostProcess", f"{' and '.join(setters)} {MUST_NOT}", violations)


CHECK = Check("windowsHostProcess", BASELINE, (VersionedCheck(v(0), windows_host_process_1_0),))
