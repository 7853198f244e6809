"""Rules KL506-KL508: container ports.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (validateContainerPorts, AccumulateUniqueHostPorts,
validatePodHostNetworkDeps) and pkg/api/pod/warnings.go (the server's warnings about duplicate
container ports).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple

from ...findings import Pointer, Severity
from ...model.objects import Container, K8sObject
from ...model.validation import iana_svc_name, port_number
from ..base import FixSupport, Report, Rule, RuleDoc
from ..common.pods import (
    INIT,
    POD_KINDS,
    REGULAR,
    all_containers,
    container_group,
    is_sidecar,
    regular_containers,
)
from ..common.values import dotted, is_int, quoted

PROTOCOLS = ("TCP", "UDP", "SCTP")


def _protocol(port: Dict[str, Any]) -> Any:
    value = port.get("protocol")
    return "TCP" if value in (None, "") else value


class ContainerPort(Rule):
    """Container port numbers, protocols and host ports the API server rejects."""

    id = "KL506"
    name = "invalid-container-port"
    severity = Severity.ERROR
    fix = FixSupport("safe", "Corrects the case of a protocol: `tcp` -> `TCP`.")
    summary = "containerPort is 1-65535, hostPort 0-65535, protocol TCP/UDP/SCTP, host ports do not collide."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks each container port: containerPort between 1 and 65535, hostPort 0 (none) or between 1 "
             "and 65535, protocol TCP, UDP or SCTP; with hostNetwork a hostPort must equal its containerPort; "
             "two ports of the pod's containers may not claim the same hostPort, protocol and hostIP (each "
             "init container is checked on its own, since they run one by one).",
        why="The API server rejects the pod or workload with any of these.",
        failing="ports:\n- containerPort: 80800\n  protocol: HTTP",
        passing="ports:\n- containerPort: 8080\n  protocol: TCP")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        host_network = template.spec.get("hostNetwork") is True
        containers = all_containers(template)
        for container in containers:
            for pointer, port in container.ports():
                yield from self._port(pointer, port, host_network and container_group(container) == REGULAR)
        # Host port conflicts: regular containers together, each init container alone.
        yield from self._host_port_conflicts([c for c in containers if container_group(c) == REGULAR])
        for container in containers:
            if container_group(container) == INIT:
                yield from self._host_port_conflicts([container])

    @staticmethod
    def _port(pointer: Pointer, port: Dict[str, Any], host_network: bool) -> Iterator[Report]:
        container_port, host_port = port.get("containerPort"), port.get("hostPort")
        if is_int(container_port) and port_number(container_port):
            at = dotted(pointer + ("containerPort",))
            what = "is required (0 means unset)" if container_port == 0 else "must be between 1 and 65535"
            yield Report(pointer + ("containerPort",), f"{at}: {container_port} {what}")
        if is_int(host_port) and host_port != 0 and port_number(host_port):
            yield Report(pointer + ("hostPort",), f"{dotted(pointer + ('hostPort',))}: {host_port} must be between "
                                                  f"1 and 65535 (or 0 for no host port)")
        protocol = _protocol(port)
        if isinstance(protocol, str) and protocol not in PROTOCOLS:
            yield Report(pointer + ("protocol",), f"{dotted(pointer + ('protocol',))}: {quoted(protocol)} is not a "
                                                  f"supported protocol: use TCP, UDP or SCTP")
        if host_network and is_int(host_port) and is_int(container_port) and host_port not in (0, container_port):
            yield Report(pointer + ("hostPort",), f"{dotted(pointer + ('hostPort',))}: {host_port} must match "
                                                  f"containerPort {container_port} when hostNetwork is true")

    @staticmethod
    def _host_port_conflicts(containers: List[Container]) -> Iterator[Report]:
        seen: Dict[str, Pointer] = {}
        for container in containers:
            for pointer, port in container.ports():
                host_port = port.get("hostPort")
                if not is_int(host_port) or host_port == 0:
                    continue
                host_ip = port.get("hostIP") if isinstance(port.get("hostIP"), str) else ""
                key = f"{_protocol(port)}/{host_ip}/{host_port}"
                if key in seen:
                    where = f" on {host_ip}" if host_ip else ""
                    yield Report(pointer + ("hostPort",), f"{dotted(pointer + ('hostPort',))}: host port "
                                                          f"{host_port}/{_protocol(port)}{where} is already claimed "
                                                          f"by {dotted(seen[key])}")
                else:
                    seen[key] = pointer


class PortName(Rule):
    """Container port names: IANA service names, unique."""

    id = "KL507"
    name = "invalid-port-name"
    severity = Severity.ERROR
    summary = "Container port names are IANA service names, unique in their container (and in the pod)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks each named container port: at most 15 characters, lowercase letters, digits and '-', "
             "at least one letter, no leading, trailing or double '-' (RFC 6335); no two ports of one "
             "container share a name (an error). Two containers of the pod (containers and sidecars) using "
             "the same name and protocol is a warning: a Service targetPort with that name always resolves "
             "to the first.",
        why="The API server rejects invalid or duplicate names in a container; a name repeated across "
            "containers silently sends Service traffic to only one of them.",
        failing="ports:\n- name: http_web\n  containerPort: 8080\n"
                "- name: metrics-port-prometheus\n  containerPort: 9090",
        passing="ports:\n- name: http-web\n  containerPort: 8080\n- name: metrics\n  containerPort: 9090")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        valid: Dict[Pointer, List[Tuple[Pointer, str, Any]]] = {}  # container -> (pointer, name, protocol)
        for container in all_containers(template):
            in_container: Dict[str, Pointer] = {}
            for pointer, port in container.ports():
                name = port.get("name")
                if not isinstance(name, str) or name == "":
                    continue
                at = pointer + ("name",)
                problems = iana_svc_name(name)
                if problems:
                    yield Report(at, f"{dotted(at)}: {quoted(name)} is not a valid port name: {'; '.join(problems)}")
                elif name in in_container:
                    yield Report(at, f"{dotted(at)}: port name {quoted(name)} is already used by "
                                     f"{dotted(in_container[name])} in this container")
                else:
                    in_container[name] = at
                    valid.setdefault(container.pointer, []).append((at, name, _protocol(port)))
        # Across containers, in the order FindPort resolves a Service's named targetPort: containers, then
        # sidecars. Plain init containers have exited before a Service routes to the pod.
        first: Dict[Tuple[str, Any], Pointer] = {}
        order = regular_containers(template) + tuple(c for c in all_containers(template) if is_sidecar(c))
        for container in order:
            for at, name, protocol in valid.get(container.pointer, []):
                if not isinstance(protocol, str):
                    continue
                other = first.setdefault((name, protocol), at)
                if other is not at:
                    yield Report(at, f"{dotted(at)}: port name {quoted(name)} is also used by {dotted(other)} in another "
                                     f"container; a Service targetPort \"{name}\" resolves to that one, never to "
                                     f"this one", severity=Severity.WARNING)


class DuplicateContainerPort(Rule):
    """The same containerPort and protocol declared twice in a pod (an API server warning)."""

    id = "KL508"
    name = "duplicate-container-port"
    severity = Severity.WARNING
    summary = "A containerPort/protocol pair is declared once per pod; hostIP needs a hostPort."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Mirrors the API server's warnings (pkg/api/pod/warnings.go): the same containerPort and "
             "protocol declared twice across the pod's containers, with the same host binding (duplicate), "
             "with one side lacking a hostPort (overlapping), or with the same hostPort where only one side "
             "sets hostIP (ambiguous); and a hostIP without a hostPort.",
        why="Containers of a pod share one network namespace, so two of them cannot listen on the same port; "
            "duplicates are usually a copy-paste slip, and kubectl apply may merge them unexpectedly.",
        failing="ports:\n- containerPort: 8080\n- containerPort: 8080",
        passing="ports:\n- containerPort: 8080\n- containerPort: 8080\n  protocol: UDP")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        seen: Dict[str, List[Tuple[Pointer, str, int]]] = {}
        for container in all_containers(template):
            for pointer, port in container.ports():
                number = port.get("containerPort")
                host_ip = port.get("hostIP") if isinstance(port.get("hostIP"), str) else ""
                host_port = port.get("hostPort") if is_int(port.get("hostPort")) else 0
                if host_ip and host_port == 0:
                    at = pointer + ("hostIP",)
                    yield Report(at, f"{dotted(at)}: hostIP is set without hostPort, so it has no effect")
                if not is_int(number):
                    continue
                key = f"{number}/{_protocol(port)}"
                at = pointer + ("containerPort",)
                for other, other_ip, other_port in seen.get(key, []):
                    there = dotted(other + ("containerPort",))
                    if host_ip == other_ip and host_port == other_port:
                        how = f"is already declared at {there}"
                    elif host_port == 0 or other_port == 0:
                        how = f"overlaps {there}: one of them has no hostPort"
                    elif host_port == other_port and (host_ip == "") != (other_ip == ""):
                        how = f"with hostPort {host_port} is dangerously ambiguous with {there}: only one sets hostIP"
                    else:
                        continue
                    yield Report(at, f"{dotted(at)}: port {key} {how}")
                seen.setdefault(key, []).append((pointer, host_ip, host_port))
