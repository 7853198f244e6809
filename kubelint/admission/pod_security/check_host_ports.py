"""Host ports: policy/check_hostPorts.go (baseline, v1.0+)."""

from __future__ import annotations

from typing import List, Set

from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, pluralize, result
from ...model.objects import as_list


def _host_port(port: object) -> int:
    value = port.get("hostPort") if isinstance(port, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def host_ports_1_0(pod: Pod) -> CheckResult:
    bad: List[str] = []
    ports: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        valid = True
        for index, port in enumerate(as_list(container.data.get("ports"))):
            host_port = _host_port(port)
            if host_port != 0:
                valid = False
                ports.add(str(host_port))
                violations.append(Violation(container.pointer + ("ports", index, "hostPort"),
                                            f"{containers_phrase([container.name])} uses hostPort {host_port}"))
        if not valid:
            bad.append(container.name)
    if not bad:
        return ALLOWED
    return result("hostPort", " ".join((containers_phrase(bad), pluralize("uses", "use", len(bad)),
                                        pluralize("hostPort", "hostPorts", len(ports)),
                                        ", ".join(sorted(ports)))), violations)


CHECK = Check("hostPorts", BASELINE, (VersionedCheck(v(0), host_ports_1_0),))
