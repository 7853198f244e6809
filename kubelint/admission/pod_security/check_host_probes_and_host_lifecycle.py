"""The host field of probes and lifecycle handlers: policy/check_hostProbesAndhostLifecycle.go
(baseline, v1.34+)."""

from __future__ import annotations

from typing import List, Set

from .api import BASELINE, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, pluralize, result, text)

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE = ("postStart", "preStop")


def host_probes_and_host_lifecycle_1_34(pod: Pod) -> CheckResult:
    bad: List[str] = []
    hosts: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        handlers = [((name,), field(container.data, name)) for name in PROBES]
        lifecycle = field(container.data, "lifecycle")
        handlers += [(("lifecycle", name), field(lifecycle, name)) for name in LIFECYCLE]
        for path, handler in handlers:
            for kind in ("httpGet", "tcpSocket"):
                host = text((field(handler, kind) or {}).get("host"))
                if host:
                    if container.name not in bad:
                        bad.append(container.name)
                    hosts.add(host)
                    violations.append(Violation(container.pointer + path + (kind, "host"),
                                                f"{containers_phrase([container.name])} uses probe or lifecycle host "
                                                f"{join_quote([host])}"))
    if not bad:
        return ALLOWED
    return result("probe or lifecycle host", " ".join((
        containers_phrase(sorted(bad)), pluralize("uses", "use", len(bad)),
        pluralize("probe or lifecycle host", "probe or lifecycle hosts", len(hosts)),
        join_quote(sorted(hosts)))), violations)


CHECK = Check("hostProbesAndHostLifecycle", BASELINE, (VersionedCheck(v(34), host_probes_and_host_lifecycle_1_34),))
