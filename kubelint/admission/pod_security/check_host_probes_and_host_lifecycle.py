"""The host field of probes and lifecycle handlers: policy/check_hostProbesAndhostLifecycle.go
(baseline, v1.34+)."""

from __future__ import annotations

from typing import Iterator, List, Set, Tuple

from ...findings import Pointer
from .api import BASELINE, v
from .checks import (ALLOWED, Check, CheckResult, Pod, PodContainer, VersionedCheck, Violation, containers_phrase,
                     join_quote, pluralize, result, text)

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE = ("postStart", "preStop")


def _hosts(container: PodContainer) -> Iterator[Tuple[Pointer, str]]:
    """(pointer, host) of each non-empty host in the container's probes and lifecycle handlers."""
    data = container.data
    handlers = [((name,), data.get(name)) for name in PROBES if data.get(name)]
    lifecycle = data.get("lifecycle")
    if isinstance(lifecycle, dict):
        handlers += [(("lifecycle", name), lifecycle.get(name)) for name in LIFECYCLE if lifecycle.get(name)]
    for path, handler in handlers:
        if not isinstance(handler, dict):
            continue
        for kind in ("httpGet", "tcpSocket"):
            action = handler.get(kind)
            host = text(action.get("host")) if isinstance(action, dict) else ""
            if host:
                yield container.pointer + path + (kind, "host"), host


def host_probes_and_host_lifecycle_1_34(pod: Pod) -> CheckResult:
    bad: List[str] = []
    hosts: Set[str] = set()
    violations: List[Violation] = []
    for container in pod.containers:
        for pointer, host in _hosts(container):
            if container.name not in bad:
                bad.append(container.name)
            hosts.add(host)
            violations.append(Violation(pointer, f"{containers_phrase([container.name])} uses probe or lifecycle "
                                                 f"host {join_quote([host])}"))
    if not bad:
        return ALLOWED
    return result("probe or lifecycle host", " ".join((
        containers_phrase(sorted(bad)), pluralize("uses", "use", len(bad)),
        pluralize("probe or lifecycle host", "probe or lifecycle hosts", len(hosts)),
        join_quote(sorted(hosts)))), violations)


CHECK = Check("hostProbesAndHostLifecycle", BASELINE, (VersionedCheck(v(34), host_probes_and_host_lifecycle_1_34),))
