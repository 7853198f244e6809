"""runAsNonRoot=true: policy/check_runAsNonRoot.go (restricted, v1.0+; from v1.35 any value in a
user namespace, `hostUsers: false`)."""

from __future__ import annotations

from typing import List

from .api import RESTRICTED, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, result, setter_pointer

REASON = "runAsNonRoot != true"


def run_as_non_root_1_0(pod: Pod) -> CheckResult:
    setters: List[str] = []
    explicit: List[Violation] = []
    implicit: List[Violation] = []
    pod_non_root = False
    context = pod.security_context
    if context is not None and context.get("runAsNonRoot") is not None:
        if context.get("runAsNonRoot") is not True:
            setters.append("pod")
            explicit.append(Violation(pod.at("securityContext", "runAsNonRoot"),
                                      "pod must not set securityContext.runAsNonRoot=false"))
        else:
            pod_non_root = True
    explicitly_bad: List[str] = []
    implicitly_bad: List[str] = []
    for container in pod.containers:
        context = container.security_context
        if context is not None and context.get("runAsNonRoot") is not None:
            if context.get("runAsNonRoot") is not True:
                explicitly_bad.append(container.name)
                explicit.append(Violation(container.pointer + ("securityContext", "runAsNonRoot"),
                                          f"{containers_phrase([container.name])} must not set "
                                          "securityContext.runAsNonRoot=false"))
        elif not pod_non_root:
            implicitly_bad.append(container.name)
            implicit.append(Violation(setter_pointer(pod, container, "runAsNonRoot"),
                                      f"pod or {containers_phrase([container.name])} must set "
                                      "securityContext.runAsNonRoot=true"))
    if explicitly_bad:
        setters.append(containers_phrase(explicitly_bad))
    if setters:
        return result(REASON, f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false", explicit)
    if implicitly_bad:
        return result(REASON, f"pod or {containers_phrase(implicitly_bad)} must set securityContext.runAsNonRoot=true",
                      implicit)
    return ALLOWED


def run_as_non_root_1_35(pod: Pod) -> CheckResult:
    if pod.in_user_namespace:
        return ALLOWED
    return run_as_non_root_1_0(pod)


CHECK = Check("runAsNonRoot", RESTRICTED, (
    VersionedCheck(v(0), run_as_non_root_1_0),
    VersionedCheck(v(35), run_as_non_root_1_35),
))
