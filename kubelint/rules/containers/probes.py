"""Rules KL509-KL512: liveness, readiness and startup probes.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (validateProbe, validateLivenessProbe,
validateReadinessProbe, validateStartupProbe, validateHandler, ValidatePortNumOrName;
validateInitContainers and validateEphemeralContainers say where probes may be set),
pkg/apis/core/v1/defaults.go (SetDefaults_Probe, SetDefaults_HTTPGetAction) and pkg/probe/util.go
(a named probe port is looked up in the container's own ports).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

from ...findings import Pointer, Severity
from ...model.objects import Container, K8sObject, as_dict, as_list
from ...model.validation import iana_svc_name, port_number
from ..base import Report, Rule, RuleDoc
from ..common.pods import (
    EPHEMERAL,
    INIT,
    POD_KINDS,
    REGULAR,
    all_containers,
    container_group,
    container_label,
    is_sidecar,
    regular_containers,
    runs_with_pod,
)
from ..common.values import dotted, is_int, quoted
from .set_facts import set_facts

RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _probes(container: Container) -> Iterator[Tuple[str, Pointer, Dict[str, Any]]]:
    for kind in PROBES:
        probe = container.data.get(kind)
        if isinstance(probe, dict):
            yield kind, container.pointer + (kind,), probe


def _probe_port_problems(value: Any) -> List[str]:
    if is_int(value):
        return port_number(value)
    if isinstance(value, str):
        return [f"a named port {p}" for p in iana_svc_name(value)]
    return []


class InvalidProbe(Rule):
    """Probes the API server rejects."""

    id = "KL509"
    name = "invalid-probe"
    severity = Severity.ERROR
    summary = "Probes have exactly one handler, valid ports and thresholds, and sit on containers that allow them."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="For liveness, readiness and startup probes: exactly one handler among exec, httpGet, "
             "tcpSocket and grpc; exec.command not empty; numeric ports between 1 and 65535 and named ports "
             "valid IANA names; httpGet.scheme HTTP or HTTPS; successThreshold 1 for liveness and startup "
             "probes; no negative delays, periods, timeouts or thresholds; terminationGracePeriodSeconds "
             "positive, and absent from readiness probes. Init containers may have probes only as sidecars "
             "(restartPolicy: Always); ephemeral containers never.",
        why="The API server rejects the pod or workload with any of these.",
        failing="livenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n  tcpSocket: {port: 8080}\n"
                "  successThreshold: 3",
        passing="livenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n  successThreshold: 1")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            for kind, pointer, probe in _probes(container):
                group = container_group(container)
                if group == EPHEMERAL:
                    yield Report(pointer, f"{dotted(pointer)}: probes cannot be set for an ephemeral container",
                                 anchor="key")
                    continue
                if group == INIT and not is_sidecar(container):
                    yield Report(pointer, f"{dotted(pointer)}: may not be set for init containers without "
                                          f"restartPolicy: Always", anchor="key")
                    continue
                yield from self._handler(pointer, probe)
                yield from self._numbers(kind, pointer, probe)

    @staticmethod
    def _handler(pointer: Pointer, probe: Dict[str, Any]) -> Iterator[Report]:
        present = [h for h in HANDLERS if probe.get(h) is not None]
        if not present:
            yield Report(pointer, f"{dotted(pointer)}: must specify a handler: exec, httpGet, tcpSocket or grpc")
            return
        for extra in present[1:]:
            yield Report(pointer + (extra,), f"{dotted(pointer + (extra,))}: may not specify more than 1 handler "
                                             f"type (already has {present[0]})", anchor="key")
        handler, action = present[0], as_dict(probe.get(present[0]))
        at = pointer + (handler,)
        if handler == "exec" and not as_list(action.get("command")):
            yield Report(at, f"{dotted(at + ('command',))}: exec probes need a command")
        if handler in ("httpGet", "tcpSocket", "grpc") and "port" in action:
            value = action.get("port")
            if handler == "grpc" and not is_int(value):
                return
            for problem in _probe_port_problems(value):
                yield Report(at + ("port",), f"{dotted(at + ('port',))}: {quoted(value)}: {problem}")
        scheme = action.get("scheme")
        if handler == "httpGet" and isinstance(scheme, str) and scheme not in ("", "HTTP", "HTTPS"):
            yield Report(at + ("scheme",), f"{dotted(at + ('scheme',))}: {quoted(scheme)} is not supported: use "
                                           f"HTTP or HTTPS")

    @staticmethod
    def _numbers(kind: str, pointer: Pointer, probe: Dict[str, Any]) -> Iterator[Report]:
        success = probe.get("successThreshold")
        must_be_one = kind in ("livenessProbe", "startupProbe") and is_int(success) and success not in (0, 1)
        for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
            value = probe.get(key)
            # isinstance alone is enough here: a bool is an int but never negative
            if isinstance(value, int) and value < 0 and not (key == "successThreshold" and must_be_one):
                yield Report(pointer + (key,), f"{dotted(pointer + (key,))}: {value} must be greater than or equal "
                                               f"to 0")
        if must_be_one:
            yield Report(pointer + ("successThreshold",), f"{dotted(pointer + ('successThreshold',))}: {success} must "
                                                          f"be 1 for a {kind}")
        grace = probe.get("terminationGracePeriodSeconds")
        at = pointer + ("terminationGracePeriodSeconds",)
        if kind == "readinessProbe" and grace is not None:
            yield Report(at, f"{dotted(at)}: must not be set for readiness probes", anchor="key")
        elif is_int(grace) and grace <= 0:
            yield Report(at, f"{dotted(at)}: {grace} must be greater than 0")


class ProbePortNotDeclared(Rule):
    """A probe that names a port its container does not declare."""

    id = "KL510"
    name = "probe-port-not-declared"
    severity = Severity.ERROR
    summary = "A named probe port (httpGet.port or tcpSocket.port) is declared by the container's ports."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="When a liveness, readiness or startup probe gives its port by name, the kubelet looks the "
             "name up in the same container's ports (pkg/probe/util.go findPortByName). Reports a name "
             "that container does not declare.",
        why="The API server accepts it, but the probe can never connect: a liveness or startup probe then "
            "restarts the container forever, a readiness probe keeps it out of its Services.",
        failing="ports:\n- name: http\n  containerPort: 8080\nreadinessProbe:\n  httpGet: {path: /ready, port: web}",
        passing="ports:\n- name: http\n  containerPort: 8080\nreadinessProbe:\n  httpGet: {path: /ready, port: http}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            if not runs_with_pod(container):
                continue  # probes are not allowed there: KL509
            declared = [p.get("name") for _, p in container.ports() if isinstance(p.get("name"), str)]
            for _, pointer, probe in _probes(container):
                for handler in ("httpGet", "tcpSocket"):
                    port = as_dict(probe.get(handler)).get("port")
                    if not isinstance(port, str) or iana_svc_name(port) or port in declared:
                        continue
                    at = pointer + (handler, "port")
                    names = ", ".join(declared) if declared else "none"
                    yield Report(at, f"{dotted(at)}: port {quoted(port)} is not declared in the ports of "
                                     f"{container_label(container)} (named ports: {names}); the probe cannot connect")


class MissingReadinessProbe(Rule):
    """Pods behind a Service without any readiness probe."""

    id = "KL511"
    name = "missing-readiness-probe"
    severity = Severity.WARNING
    summary = "Pods that a Service sends traffic to have a readiness probe."
    kinds = POD_KINDS - RUN_TO_COMPLETION - {"PodTemplate"}
    doc = RuleDoc(
        what="For a workload whose pod template is selected by a Service in the set (same namespace, "
             "selector matched against the template labels), warns once, at the first container, when no "
             "container or sidecar of the pod has a readinessProbe. Jobs, CronJobs, ExternalName Services, "
             "Services without a selector and Services with publishNotReadyAddresses are left out.",
        why="Without a readiness probe a pod counts as ready as soon as its containers start, so the Service "
            "sends it requests before the application listens, and keeps sending them while it is stuck.",
        failing="# a Service selects app: web\ncontainers:\n- name: web\n  image: nginx:1.27",
        passing="# a Service selects app: web\ncontainers:\n- name: web\n  image: nginx:1.27\n"
                "  readinessProbe:\n    httpGet: {path: /, port: 80}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not template.labels:
            return
        containers = [c for c in all_containers(template) if runs_with_pod(c)]
        if any(isinstance(c.data.get("readinessProbe"), dict) for c in containers):
            return
        services = set_facts(ctx.index).services_selecting(obj.namespace, template.labels)
        if not services:
            return
        names = ", ".join(f'"{s}"' for s in services[:3])
        names += f" and {len(services) - 3} more" if len(services) > 3 else ""
        who = f"Service {names} sends" if len(services) == 1 else f"Services {names} send"
        regular = [c for c in containers if container_group(c) == REGULAR]
        if not regular:
            return
        first = regular[0]  # one finding per pod: the fix is one probe, usually on the main container
        whom = container_label(first) if len(regular) == 1 else f"{container_label(first)} (or another container of the pod)"
        yield Report(first.pointer, f"{dotted(first.pointer)}: no container of this pod has a readinessProbe, and "
                                    f"{who} traffic to it; add one to {whom} so traffic waits "
                                    f"until the application is ready")


class MissingLivenessProbe(Rule):
    """Long-running containers without a liveness probe."""

    id = "KL512"
    name = "missing-liveness-probe"
    severity = Severity.WARNING
    summary = "Long-running containers have a liveness probe."
    kinds = POD_KINDS - RUN_TO_COMPLETION
    doc = RuleDoc(
        what="Warns on each regular container without a livenessProbe in Deployments, StatefulSets, "
             "DaemonSets, ReplicaSets, ReplicationControllers, PodTemplates and Pods whose restartPolicy is "
             "Always. Jobs, CronJobs and run-to-completion Pods are skipped, and so are init containers "
             "(only sidecars may have probes, and they are helpers of the containers checked here).",
        why="Without a liveness probe the kubelet restarts a container only when its process exits; a "
            "deadlocked or hung process keeps serving errors until someone notices.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  livenessProbe:\n    tcpSocket: {port: 80}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        if template.spec.get("restartPolicy", "Always") != "Always":
            return  # the pod runs to completion
        for container in regular_containers(template):
            if container.data.get("livenessProbe") is None:
                yield Report(container.pointer, f"{dotted(container.pointer)}: {container_label(container)} has no "
                                                f"livenessProbe; the kubelet cannot restart it when it hangs")
