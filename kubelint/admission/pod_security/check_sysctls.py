"""Sysctls: policy/check_sysctls.go (baseline, v1.0+; the allowed set grows at v1.27, v1.29,
v1.32 and v1.37)."""

from __future__ import annotations

from typing import FrozenSet, List

from ...model.objects import as_list
from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, result, text

ALLOWED_1_0 = frozenset({"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                         "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"})
ALLOWED_1_27 = ALLOWED_1_0 | {"net.ipv4.ip_local_reserved_ports"}
ALLOWED_1_29 = ALLOWED_1_27 | {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                               "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
ALLOWED_1_32 = ALLOWED_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
ALLOWED_1_37 = ALLOWED_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def _sysctls(pod: Pod, allowed: FrozenSet[str]) -> CheckResult:
    forbidden: List[str] = []
    violations: List[Violation] = []
    context = pod.security_context
    if context is not None:
        for index, sysctl in enumerate(as_list(context.get("sysctls"))):
            name = text(sysctl.get("name")) if isinstance(sysctl, dict) else ""
            if name not in allowed:
                forbidden.append(name)
                pointer = pod.at("securityContext", "sysctls", index)
                violations.append(Violation(pointer + ("name",) if isinstance(sysctl, dict) and "name" in sysctl
                                            else pointer, name))
    if not forbidden:
        return ALLOWED
    return result("forbidden sysctls", ", ".join(forbidden), violations)


def sysctls_1_0(pod: Pod) -> CheckResult:
    return _sysctls(pod, ALLOWED_1_0)


def sysctls_1_27(pod: Pod) -> CheckResult:
    return _sysctls(pod, ALLOWED_1_27)


def sysctls_1_29(pod: Pod) -> CheckResult:
    return _sysctls(pod, ALLOWED_1_29)


def sysctls_1_32(pod: Pod) -> CheckResult:
    return _sysctls(pod, ALLOWED_1_32)


def sysctls_1_37(pod: Pod) -> CheckResult:
    return _sysctls(pod, ALLOWED_1_37)


CHECK = Check("sysctls", BASELINE, (
    VersionedCheck(v(0), sysctls_1_0),
    VersionedCheck(v(27), sysctls_1_27),
    VersionedCheck(v(29), sysctls_1_29),
    VersionedCheck(v(32), sysctls_1_32),
    VersionedCheck(v(37), sysctls_1_37),
))
