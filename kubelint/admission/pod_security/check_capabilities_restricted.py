"""Drop ALL, add only NET_BIND_SERVICE: policy/check_capabilities_restricted.go (restricted,
v1.22+, overriding capabilities_baseline; from v1.25 Windows pods are exempt)."""

from __future__ import annotations

from typing import List, Set

from ...model.objects import as_list
from .api import RESTRICTED, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, result, setter_pointer, text)
from .check_capabilities_baseline import CHECK_ID as BASELINE_ID

DROP_ALL = 'must set securityContext.capabilities.drop=["ALL"]'


def capabilities_restricted_1_22(pod: Pod) -> CheckResult:
    missing_drop_all: List[str] = []
    adding_forbidden: List[str] = []
    forbidden: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        caps = field(container.security_context, "capabilities")
        if caps is None:
            missing_drop_all.append(container.name)
            violations.append(Violation(setter_pointer(pod, container, "capabilities"),
                                        f"{containers_phrase([container.name])} {DROP_ALL}"))
            continue
        if not any(text(c) == "ALL" for c in as_list(caps.get("drop"))):
            missing_drop_all.append(container.name)
            violations.append(Violation(setter_pointer(pod, container, "capabilities", "drop"),
                                        f"{containers_phrase([container.name])} {DROP_ALL}"))
        added_forbidden = False
        for index, capability in enumerate(as_list(caps.get("add"))):
            name = text(capability)
            if name != "NET_BIND_SERVICE":
                added_forbidden = True
                forbidden.add(name)
                violations.append(Violation(
                    container.pointer + ("securityContext", "capabilities", "add", index),
                    f"{containers_phrase([container.name])} must not include {join_quote([name])} "
                    "in securityContext.capabilities.add"))
        if added_forbidden:
            adding_forbidden.append(container.name)
    details = []
    if missing_drop_all:
        details.append(f"{containers_phrase(missing_drop_all)} {DROP_ALL}")
    if adding_forbidden:
        details.append(f"{containers_phrase(adding_forbidden)} must not include {join_quote(sorted(forbidden))} "
                       "in securityContext.capabilities.add")
    if not details:
        return ALLOWED
    return result("unrestricted capabilities", "; ".join(details), violations)


def capabilities_restricted_1_25(pod: Pod) -> CheckResult:
    # Pod validation refuses capabilities on a Windows pod, so it is admitted without them.
    if pod.is_windows:
        return ALLOWED
    return capabilities_restricted_1_22(pod)


CHECK = Check("capabilities_restricted", RESTRICTED, (
    VersionedCheck(v(22), capabilities_restricted_1_22, (BASELINE_ID,)),
    VersionedCheck(v(25), capabilities_restricted_1_25, (BASELINE_ID,)),
))
