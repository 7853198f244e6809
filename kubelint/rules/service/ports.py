"""Rules KL301-KL303 and KL305: a Service's ports, their names, numbers and node ports.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (ValidateService, validateServicePort) and
pkg/registry/core/service/storage/alloc.go (nodePorts are allocated, and so range-checked, only
for NodePort and LoadBalancer Services).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list
from ...model.validation import dns1123_label, iana_svc_name
from ..base import FixSupport, Report, Rule, RuleDoc
from ..common.values import dotted, int_or_none, is_int
from .fields import (
    EXTERNAL_NAME,
    LOAD_BALANCER,
    NODE_PORT,
    SERVICE,
    headless_pointer,
    node_port,
    port_protocol,
    ports,
    service_type,
    target_port_written,
)
from .hints import fix_hint

DEFAULT_NODE_PORT_RANGE = "30000-32767"


def parse_port_range(text: Any) -> Tuple[int, int]:
    """`30000-32767`, `30000+2767` or `30000` (as --service-node-port-range); ValueError if not."""
    if is_int(text):
        text = str(text)
    if not isinstance(text, str):
        raise ValueError(f"expected a string such as {DEFAULT_NODE_PORT_RANGE!r}, got {text!r}")
    value = text.strip()
    try:
        if "-" in value:
            low_text, high_text = value.split("-", 1)
            low, high = int(low_text), int(high_text)
        elif "+" in value:
            low_text, size_text = value.split("+", 1)
            low = int(low_text)
            high = low + int(size_text)
        else:
            low = high = int(value)
    except ValueError:
        raise ValueError(f"cannot parse port range {text!r} (expected e.g. {DEFAULT_NODE_PORT_RANGE!r})") from None
    if low < 1 or high > 65535:
        raise ValueError(f"port range {text!r} must lie within 1-65535")
    if high < low:
        raise ValueError(f"port range {text!r}: end port cannot be less than start port")
    return low, high


class ServicePortValue(Rule):
    """Port numbers and target port names are valid; node ports are in the NodePort range."""

    id = "KL301"
    name = "service-port-value"
    severity = Severity.ERROR
    fix = FixSupport("safe", "Writes a targetPort given as a quoted number as the number.")
    summary = "Service port, targetPort, nodePort and healthCheckNodePort values are valid."
    kinds = SERVICE
    options = {"node-port-range": DEFAULT_NODE_PORT_RANGE}
    doc = RuleDoc(
        what="Checks that spec.ports[].port is 1-65535; that targetPort is a number 1-65535 or a valid "
             "port name (an IANA service name: up to 15 lowercase letters, digits and '-', at least one "
             "letter); and that a requested nodePort or healthCheckNodePort on a NodePort or LoadBalancer "
             "Service lies in the cluster's NodePort range (option node-port-range, default 30000-32767, "
             "the API server's --service-node-port-range).",
        why="The API server rejects the Service. A quoted number (targetPort: \"8080\") is a port name, "
            "and a port name must contain a letter.",
        failing="type: NodePort\nports:\n- port: 80\n  targetPort: \"8080\"\n  nodePort: 8080",
        passing="type: NodePort\nports:\n- port: 80\n  targetPort: 8080\n  nodePort: 30080")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        try:
            low, high = parse_port_range(ctx.option("node-port-range"))
        except ValueError as exc:
            yield Report((), f"option node-port-range of {self.id} is invalid: {exc}; node ports not checked")
            low, high = 1, 65535
        kind = service_type(obj)
        allocates_node_ports = kind in (NODE_PORT, LOAD_BALANCER)
        for i, port in ports(obj):
            base: Pointer = ("spec", "ports", i)
            number = int_or_none(port.get("port"))
            if number is not None and not 1 <= number <= 65535:
                yield Report(base + ("port",), f"{dotted(base + ('port',))}: {number} is not between 1 and 65535")
            if target_port_written(obj, i):
                yield from self._target_port(base, port.get("targetPort"))
            requested = node_port(port)
            if allocates_node_ports and requested is not None:
                yield from self._node_port(base + ("nodePort",), requested, low, high)
        health = int_or_none(obj.spec.get("healthCheckNodePort"))
        if kind == LOAD_BALANCER and obj.spec.get("externalTrafficPolicy") == "Local" and health:
            yield from self._node_port(("spec", "healthCheckNodePort"), health, low, high)

    def _target_port(self, base: Pointer, value: Any) -> Iterator[Report]:
        pointer = base + ("targetPort",)
        if is_int(value):
            if not 1 <= value <= 65535:
                yield Report(pointer, f"{dotted(pointer)}: {value} is not between 1 and 65535")
        elif isinstance(value, str):
            if value.isdigit():
                yield Report(pointer, f"{dotted(pointer)}: \"{value}\" is a string, so it names a container port, "
                                      f"and a port name must contain a letter: write the number unquoted "
                                      f"(targetPort: {int(value)})")
                return
            problems = iana_svc_name(value)
            if problems:
                hint = fix_hint(value, iana_svc_name)
                yield Report(pointer, f"{dotted(pointer)}: \"{value}\" is not a valid port name: "
                                      f"{'; '.join(problems)}{hint}")

    def _node_port(self, pointer: Pointer, value: int, low: int, high: int) -> Iterator[Report]:
        if not 1 <= value <= 65535:
            yield Report(pointer, f"{dotted(pointer)}: {value} is not between 1 and 65535")
        elif not low <= value <= high:
            yield Report(pointer, f"{dotted(pointer)}: {value} is outside the NodePort range {low}-{high} "
                                  f"(the API server's --service-node-port-range): pick a port in the range, "
                                  f"or omit it to have one allocated")


class ServicePortName(Rule):
    """Port names are DNS labels, present when there are several ports, and unique."""

    id = "KL302"
    name = "service-port-name"
    severity = Severity.ERROR
    summary = "Service port names are valid, unique, and present when there is more than one port."
    kinds = SERVICE
    doc = RuleDoc(
        what="Checks that every spec.ports[].name is a DNS-1123 label (lowercase letters, digits and '-', "
             "at most 63 characters), that no two ports share a name, and that every port has a name when "
             "the Service has more than one.",
        why="The API server rejects the Service. Port names become the names of EndpointSlice ports and "
            "DNS SRV records, so they must be unique and DNS-safe.",
        failing="ports:\n- port: 80\n- name: HTTPS\n  port: 443",
        passing="ports:\n- name: http\n  port: 80\n- name: https\n  port: 443")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        all_ports = ports(obj)
        several = len(as_list(obj.spec.get("ports"))) > 1
        seen: Dict[str, Pointer] = {}
        for i, port in all_ports:
            base: Pointer = ("spec", "ports", i)
            name = port.get("name")
            if name is None or name == "":
                if several:
                    yield Report(base, f"{dotted(base + ('name',))}: required when a Service has more than one port")
                continue
            if not isinstance(name, str):
                continue  # the schema check reports the type
            pointer = base + ("name",)
            problems = dns1123_label(name)
            if problems:
                hint = fix_hint(name, dns1123_label)
                yield Report(pointer, f"{dotted(pointer)}: \"{name}\" is not a valid port name: "
                                      f"{'; '.join(problems)}{hint}")
            if name in seen:
                yield Report(pointer, f"{dotted(pointer)}: \"{name}\" is already the name of {dotted(seen[name])}; "
                                      f"port names must be unique")
            else:
                seen[name] = base


class ServiceDuplicatePort(Rule):
    """No two ports share (protocol, port) or (protocol, nodePort)."""

    id = "KL303"
    name = "service-duplicate-port"
    severity = Severity.ERROR
    summary = "Two Service ports use the same protocol and port, or the same protocol and nodePort."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports a spec.ports entry whose (protocol, port) pair, or (protocol, nodePort) pair, repeats "
             "an earlier entry's. The protocol defaults to TCP; the same number with TCP and UDP is fine.",
        why="The API server rejects the Service (duplicate value).",
        failing="ports:\n- name: http\n  port: 80\n- name: web\n  port: 80\n  targetPort: 8080",
        passing="ports:\n- name: http\n  port: 80\n- name: web\n  port: 8080")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        seen_ports: Dict[Tuple[str, int], Pointer] = {}
        seen_node_ports: Dict[Tuple[str, int], Pointer] = {}
        for i, port in ports(obj):
            base: Pointer = ("spec", "ports", i)
            protocol = port_protocol(port)
            if protocol is None:
                continue
            number = int_or_none(port.get("port"))
            if number is not None:
                key = (protocol, number)
                if key in seen_ports:
                    yield Report(base + ("port",), f"{dotted(base)}: {protocol} port {number} is already defined by "
                                                   f"{dotted(seen_ports[key])}")
                else:
                    seen_ports[key] = base
            requested = node_port(port)
            if requested is not None:
                key = (protocol, requested)
                if key in seen_node_ports:
                    pointer = base + ("nodePort",)
                    yield Report(pointer, f"{dotted(pointer)}: {protocol} nodePort {requested} is already used by "
                                          f"{dotted(seen_node_ports[key])}")
                else:
                    seen_node_ports[key] = base


class ServicePortsRequired(Rule):
    """A Service needs ports unless it is headless or ExternalName."""

    id = "KL305"
    name = "service-ports-required"
    severity = Severity.ERROR
    summary = "A Service has no ports and is neither headless nor ExternalName."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports a Service without spec.ports unless it is headless (clusterIP: None) or of type "
             "ExternalName.",
        why="The API server rejects the Service (spec.ports: Required value).",
        failing="spec:\n  selector: {app: web}",
        passing="spec:\n  selector: {app: web}\n  ports:\n  - port: 80")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        if obj.raw.get("spec") is not None and not isinstance(obj.raw.get("spec"), dict):
            return  # the schema check reports the type
        kind = service_type(obj)
        if kind is None or kind == EXTERNAL_NAME or headless_pointer(obj) is not None:
            return
        value = obj.spec.get("ports")
        if value is not None and not isinstance(value, list):
            return  # the schema check reports the type
        if not value:
            yield Report(("spec", "ports"), "spec.ports: required: a Service needs at least one port unless "
                                            "it is headless (clusterIP: None) or of type ExternalName")
