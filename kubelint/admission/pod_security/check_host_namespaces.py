"""Host namespaces: policy/check_hostNamespaces.go (baseline, v1.0+)."""

from __future__ import annotations

from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, is_true, result


def host_namespaces_1_0(pod: Pod) -> CheckResult:
    found = [name for name in ("hostNetwork", "hostPID", "hostIPC") if is_true(pod.spec.get(name))]
    if not found:
        return ALLOWED
    return result("host namespaces", ", ".join(f"{name}=true" for name in found),
                  [Violation(pod.at(name), f"{name}=true") for name in found])


CHECK = Check("hostNamespaces", BASELINE, (VersionedCheck(v(0), host_namespaces_1_0),))
