"""Capabilities beyond the default set: policy/check_capabilities_baseline.go (baseline, v1.0+;
the restricted level replaces it with capabilities_restricted)."""

from __future__ import annotations

from typing import List, Set

from ...model.objects import as_list
from .api import BASELINE, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, result, text)

CHECK_ID = "capabilities_baseline"

CAPABILITIES_ALLOWED_1_0 = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})


def capabilities_baseline_1_0(pod: Pod) -> CheckResult:
    bad: List[str] = []
    capabilities: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        caps = field(container.security_context, "capabilities")
        if caps is None:
            continue
        valid = True
        for index, capability in enumerate(as_list(caps.get("add"))):
            name = text(capability)
            if name not in CAPABILITIES_ALLOWED_1_0:
                valid = False
                capabilities.add(name)
                violations.append(Violation(
                    container.pointer + ("securityContext", "capabilities", "add", index),
                    f"{containers_phrase([container.name])} must not include {join_quote([name])} "
                    "in securityContext.capabilities.add"))
        if not valid:
            bad.append(container.name)
    if not bad:
        return ALLOWED
    return result("non-default capabilities", f"{containers_phrase(bad)} must not include "
                  f"{join_quote(sorted(capabilities))} in securityContext.capabilities.add", violations)


CHECK = Check(CHECK_ID, BASELINE, (VersionedCheck(v(0), capabilities_baseline_1_0),))
