"""Rules KL3xx: Services (discovery and load balancing).

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
validateServiceExternalTrafficPolicy, validateLoadBalancerClassField, validateClientIPAffinityConfig),
pkg/apis/core/v1/defaults.go (SetDefaults_Service), pkg/api/service/util.go (ExternallyAccessible,
NeedsHealthCheck) and pkg/registry/core/service/storage/alloc.go (nodePorts are allocated, and so
range-checked, only for NodePort and LoadBalancer Services). Named target ports are resolved as
FindPort in pkg/api/v1/pod/util.go does: containers, then sidecars (restartPolicy: Always init
containers), matching name and protocol.
"""

from __future__ import annotations

import difflib
import weakref
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model.objects import K8sObject, as_dict, as_list
from ..model.validation import dns1123_label, dns1123_subdomain, iana_svc_name
from .base import Report, Rule, RuleDoc

SERVICE = frozenset({"Service"})
CLUSTER_IP, NODE_PORT, LOAD_BALANCER, EXTERNAL_NAME = "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"
SERVICE_TYPES = (CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER, NODE_PORT)
PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
MAX_AFFINITY_TIMEOUT = 86400  # core.MaxClientIPServiceAffinitySeconds
DEFAULT_NODE_PORT_RANGE = "30000-32767"
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any) -> Optional[int]:
    """The value if it is an integer (YAML booleans are not), else None."""
    return value if _is_int(value) else None


def _at(pointer: Pointer) -> str:
    return pointer_to_dotted(pointer)


def _str_or(value: Any, default: str) -> Optional[str]:
    """A string field with the server's default for "" and null; None when it is not a string."""
    if value is None or value == "":
        return default
    return value if isinstance(value, str) else None


def service_type(obj: K8sObject) -> Optional[str]:
    """The effective spec.type (ClusterIP when unset or empty); None when it is not a supported type
    (KL304 reports that, and type-dependent rules then have nothing sound to say)."""
    kind = _str_or(obj.spec.get("type"), CLUSTER_IP)
    return kind if kind in SERVICE_TYPES else None


def raw_spec(obj: K8sObject) -> Dict[str, Any]:
    return as_dict(obj.raw.get("spec"))


def ports(obj: K8sObject) -> List[Tuple[int, Dict[str, Any]]]:
    """(index, port) of every mapping in spec.ports, with the server's defaults applied."""
    return [(i, p) for i, p in enumerate(as_list(obj.spec.get("ports"))) if isinstance(p, dict)]


def raw_port(obj: K8sObject, index: int) -> Dict[str, Any]:
    """spec.ports[index] as written, without defaults."""
    items = as_list(raw_spec(obj).get("ports"))
    return as_dict(items[index]) if 0 <= index < len(items) else {}


def target_port_written(obj: K8sObject, index: int) -> bool:
    """Did the manifest give a targetPort (not null, "" or 0, which all default to port)?"""
    value = raw_port(obj, index).get("targetPort")
    return not (value is None or value == "" or (_is_int(value) and value == 0))


def port_protocol(port: Dict[str, Any]) -> Optional[str]:
    return _str_or(port.get("protocol"), "TCP")


def target_port(port: Dict[str, Any]) -> Any:
    """The effective targetPort: 0, "" and null all default to `port` (SetDefaults_Service)."""
    value = port.get("targetPort")
    if value is None or value == "" or (_is_int(value) and value == 0):
        return port.get("port")
    return value


def node_port(port: Dict[str, Any]) -> Optional[int]:
    """A requested nodePort; 0 or unset means "allocate one" (None here)."""
    value = port.get("nodePort")
    return value if _is_int(value) and value != 0 else None


def headless_pointer(obj: K8sObject) -> Optional[Pointer]:
    """Where the Service says `clusterIP: None`, if it does (isHeadlessService)."""
    spec = obj.spec
    cluster_ip = spec.get("clusterIP")
    if cluster_ip == "None":
        return ("spec", "clusterIP")
    cluster_ips = as_list(spec.get("clusterIPs"))
    if (cluster_ip is None or cluster_ip == "") and len(cluster_ips) == 1 and cluster_ips[0] == "None":
        return ("spec", "clusterIPs", 0)
    return None


def externally_accessible(obj: K8sObject, kind: Optional[str]) -> bool:
    """pkg/api/service/util.go ExternallyAccessible."""
    return kind in (NODE_PORT, LOAD_BALANCER) or (kind == CLUSTER_IP and bool(as_list(obj.spec.get("externalIPs"))))


def suggestion(value: str, choices: Sequence[str]) -> Optional[str]:
    """The supported value `value` was probably meant to be: the same letters in another case or
    with spaces around them, or a near miss."""
    for choice in choices:
        if choice.lower() == value.strip().lower():
            return choice
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None


def fix_hint(value: str, validate: Any) -> str:
    """`; did you mean "x"?` when lowercasing (and '_' to '-') gives a value `validate` accepts."""
    for candidate in (value.lower(), value.lower().replace("_", "-")):
        if candidate != value and not validate(candidate):
            return f"; did you mean \"{candidate}\"?"
    return ""


def host_hint(value: str) -> str:
    """A URL or host:port where a DNS name belongs: suggest the host alone."""
    if "://" not in value and ":" not in value and "/" not in value:
        return ""
    try:
        host = urlsplit(value if "://" in value else "//" + value).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if host and not dns1123_subdomain(host):
        return f"; give only the host name: \"{host}\" (no scheme, port or path)"
    return ""


def parse_port_range(text: Any) -> Tuple[int, int]:
    """`30000-32767`, `30000+2767` or `30000` (as --service-node-port-range); ValueError if not."""
    if _is_int(text):
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


# ---------------------------------------------------------------------------------------------
# Which pods a Service selects (shared by the cross-object rules)
# ---------------------------------------------------------------------------------------------

# Labels that controllers add to the pods they create, which no template shows. A selector
# on them may match pods the set cannot show, so only the other keys are compared.
CONTROLLER_LABELS = frozenset({
    "pod-template-hash", "controller-revision-hash", "pod-template-generation",
    "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
    "controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/job-completion-index",
})

# API groups served by Kubernetes itself. An object of any other group is a custom resource,
# which an operator may turn into pods (Prometheus, Alertmanager, Rollout, ...).
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "apiregistration.k8s.io", "resource.k8s.io", "storagemigration.k8s.io",
    "internal.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
})
# Custom resources known not to create pods: whole API groups (configuration, routing,
# certificates, secrets, kustomize inputs) and single kinds of mixed groups.
INERT_CUSTOM_GROUPS = frozenset({
    "kustomize.config.k8s.io", "networking.istio.io", "security.istio.io", "telemetry.istio.io",
    "extensions.istio.io", "cert-manager.io", "acme.cert-manager.io", "external-secrets.io", "bitnami.com",
    "snapshot.storage.k8s.io", "projectcontour.io", "traefik.io", "traefik.containo.us",
    "security.openshift.io", "route.openshift.io", "autoscaling.k8s.io",
})
INERT_CUSTOM_KINDS = frozenset({
    "ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
    "GatewayClass", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute", "ReferenceGrant",
    "BackendTLSPolicy", "GrafanaDashboard", "GrafanaDatasource", "GrafanaFolder", "GrafanaAlertRuleGroup",
})

_operator_namespaces: "weakref.WeakKeyDictionary[Any, frozenset]" = weakref.WeakKeyDictionary()


def _api_group(api_version: str) -> str:
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def may_create_pods(obj: K8sObject) -> bool:
    """Is this a custom resource that an operator might turn into pods?"""
    group = _api_group(obj.api_version)
    return group not in BUILTIN_GROUPS and group not in INERT_CUSTOM_GROUPS and obj.kind not in INERT_CUSTOM_KINDS


def operator_namespaces(index: Any) -> frozenset:
    """Namespaces holding a custom resource that may create pods; computed once per set."""
    found = _operator_namespaces.get(index)
    if found is None:
        found = frozenset(o.namespace for o in index.objects if may_create_pods(o))
        _operator_namespaces[index] = found
    return found


def template_selector(obj: K8sObject) -> Optional[Dict[str, str]]:
    """The Service's selector without controller-added keys; None when there is nothing to check."""
    if service_type(obj) == EXTERNAL_NAME:
        return None
    selector = obj.spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        return None  # no selector: Endpoints are managed by hand
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items()):
        return None  # wrong types: the schema check reports them
    remaining = {k: v for k, v in selector.items() if k not in CONTROLLER_LABELS}
    return remaining or None


def selected_workloads(obj: K8sObject, ctx: Any) -> Optional[List[K8sObject]]:
    """The workloads whose pod templates the Service selects, or None when the set cannot tell."""
    selector = template_selector(obj)
    if selector is None:
        return None
    return ctx.index.pods_selected_by(obj.namespace, selector)


def _label_text(labels: Dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items())


def _workload_text(workload: K8sObject) -> str:
    return f"{workload.kind} {workload.name or '<unnamed>'}"


# ---------------------------------------------------------------------------------------------
# KL301-KL305: ports and values
# ---------------------------------------------------------------------------------------------

class ServicePortValue(Rule):
    """Port numbers and target port names are valid; node ports are in the NodePort range."""

    id = "KL301"
    name = "service-port-value"
    severity = Severity.ERROR
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
            number = _int(port.get("port"))
            if number is not None and not 1 <= number <= 65535:
                yield Report(base + ("port",), f"{_at(base + ('port',))}: {number} is not between 1 and 65535")
            if target_port_written(obj, i):
                yield from self._target_port(base, port.get("targetPort"))
            requested = node_port(port)
            if allocates_node_ports and requested is not None:
                yield from self._node_port(base + ("nodePort",), requested, low, high)
        health = _int(obj.spec.get("healthCheckNodePort"))
        if kind == LOAD_BALANCER and obj.spec.get("externalTrafficPolicy") == "Local" and health:
            yield from self._node_port(("spec", "healthCheckNodePort"), health, low, high)

    def _target_port(self, base: Pointer, value: Any) -> Iterator[Report]:
        pointer = base + ("targetPort",)
        if _is_int(value):
            if not 1 <= value <= 65535:
                yield Report(pointer, f"{_at(pointer)}: {value} is not between 1 and 65535")
        elif isinstance(value, str):
            if value.isdigit():
                yield Report(pointer, f"{_at(pointer)}: \"{value}\" is a string, so it names a container port, "
                                      f"and a port name must contain a letter: write the number unquoted "
                                      f"(targetPort: {int(value)})")
                return
            problems = iana_svc_name(value)
            if problems:
                hint = fix_hint(value, iana_svc_name)
                yield Report(pointer, f"{_at(pointer)}: \"{value}\" is not a valid port name: "
                                      f"{'; '.join(problems)}{hint}")

    def _node_port(self, pointer: Pointer, value: int, low: int, high: int) -> Iterator[Report]:
        if not 1 <= value <= 65535:
            yield Report(pointer, f"{_at(pointer)}: {value} is not between 1 and 65535")
        elif not low <= value <= high:
            yield Report(pointer, f"{_at(pointer)}: {value} is outside the NodePort range {low}-{high} "
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
                    yield Report(base, f"{_at(base + ('name',))}: required when a Service has more than one port")
                continue
            if not isinstance(name, str):
                continue  # the schema check reports the type
            pointer = base + ("name",)
            problems = dns1123_label(name)
            if problems:
                hint = fix_hint(name, dns1123_label)
                yield Report(pointer, f"{_at(pointer)}: \"{name}\" is not a valid port name: "
                                      f"{'; '.join(problems)}{hint}")
            if name in seen:
                yield Report(pointer, f"{_at(pointer)}: \"{name}\" is already the name of {_at(seen[name])}; "
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
            number = _int(port.get("port"))
            if number is not None:
                key = (protocol, number)
                if key in seen_ports:
                    yield Report(base + ("port",), f"{_at(base)}: {protocol} port {number} is already defined by "
                                                   f"{_at(seen_ports[key])}")
                else:
                    seen_ports[key] = base
            requested = node_port(port)
            if requested is not None:
                key = (protocol, requested)
                if key in seen_node_ports:
                    pointer = base + ("nodePort",)
                    yield Report(pointer, f"{_at(pointer)}: {protocol} nodePort {requested} is already used by "
                                          f"{_at(seen_node_ports[key])}")
                else:
                    seen_node_ports[key] = base


class ServiceUnsupportedValue(Rule):
    """type, protocol, sessionAffinity and traffic policies hold a supported value."""

    id = "KL304"
    name = "service-unsupported-value"
    severity = Severity.ERROR
    summary = "A Service field with a fixed set of values (type, protocol, ...) holds another value."
    kinds = SERVICE
    doc = RuleDoc(
        what="Checks spec.type (ClusterIP, NodePort, LoadBalancer, ExternalName), spec.ports[].protocol "
             "(TCP, UDP, SCTP), spec.sessionAffinity (None, ClientIP), spec.externalTrafficPolicy and "
             "spec.internalTrafficPolicy (Cluster, Local). Values are case-sensitive; a value that differs "
             "only in case, or is a near miss, gets the right spelling suggested. The OpenAPI schema has no "
             "enum for these fields, so the schema check does not report them.",
        why="The API server rejects the Service (Unsupported value).",
        failing="type: Loadbalancer\nports:\n- port: 53\n  protocol: udp",
        passing="type: LoadBalancer\nports:\n- port: 53\n  protocol: UDP")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        spec = raw_spec(obj)
        yield from self._value(("spec", "type"), spec.get("type"), SERVICE_TYPES, "Service type")
        for i, port in enumerate(as_list(spec.get("ports"))):
            if isinstance(port, dict):
                yield from self._value(("spec", "ports", i, "protocol"), port.get("protocol"), PROTOCOLS, "protocol")
        yield from self._value(("spec", "sessionAffinity"), spec.get("sessionAffinity"), SESSION_AFFINITIES,
                               "session affinity")
        # An externalTrafficPolicy where none is allowed is KL310's finding, whatever its value.
        if externally_accessible(obj, service_type(obj)):
            yield from self._value(("spec", "externalTrafficPolicy"), spec.get("externalTrafficPolicy"),
                                   TRAFFIC_POLICIES, "traffic policy")
        # internalTrafficPolicy is a pointer: only null is defaulted, "" is rejected.
        yield from self._value(("spec", "internalTrafficPolicy"), spec.get("internalTrafficPolicy"),
                               TRAFFIC_POLICIES, "traffic policy", empty_is_default=False)

    def _value(self, pointer: Pointer, value: Any, choices: Sequence[str], what: str,
               empty_is_default: bool = True) -> Iterator[Report]:
        if not isinstance(value, str) or value in choices or (value == "" and empty_is_default):
            return
        supported = ", ".join(choices)
        guess = suggestion(value, choices)
        if guess is not None and guess == value.strip():
            message = f"\"{value}\" is not a supported {what}: write \"{guess}\" (without spaces)"
        elif guess is not None and guess.lower() == value.strip().lower():
            message = f"\"{value}\" is not a supported {what}: values are case-sensitive, write \"{guess}\""
        elif guess is not None:
            message = f"\"{value}\" is not a supported {what}; did you mean \"{guess}\"? (supported: {supported})"
        else:
            message = f"\"{value}\" is not a supported {what} (supported: {supported})"
        yield Report(pointer, f"{_at(pointer)}: {message}")


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


# ---------------------------------------------------------------------------------------------
# KL306-KL312: fields that depend on the Service type
# ---------------------------------------------------------------------------------------------

class ServiceNodePortOnClusterIP(Rule):
    """nodePort on a ClusterIP Service."""

    id = "KL306"
    name = "service-node-port-on-cluster-ip"
    severity = Severity.ERROR
    summary = "A ClusterIP Service requests a nodePort."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports spec.ports[].nodePort on a Service of type ClusterIP (the default type). Node ports "
             "exist only for NodePort and LoadBalancer Services.",
        why="The API server rejects the Service (\"may not be used when `type` is 'ClusterIP'\"). Usually "
            "`type: NodePort` was forgotten.",
        failing="ports:\n- port: 80\n  nodePort: 30080",
        passing="type: NodePort\nports:\n- port: 80\n  nodePort: 30080")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        if service_type(obj) != CLUSTER_IP:
            return
        written = "type" in raw_spec(obj) and raw_spec(obj).get("type") not in (None, "")
        for i, port in ports(obj):
            if node_port(port) is not None:
                pointer: Pointer = ("spec", "ports", i, "nodePort")
                why = "type is ClusterIP" if written else "type defaults to ClusterIP"
                yield Report(pointer, f"{_at(pointer)}: may not be used when {why}: set type: NodePort "
                                      f"(or LoadBalancer) to expose the port on every node, or remove nodePort")


class ServiceHeadlessType(Rule):
    """clusterIP: None with NodePort or LoadBalancer."""

    id = "KL307"
    name = "service-headless-type"
    severity = Severity.ERROR
    summary = "A headless Service (clusterIP: None) is of type NodePort or LoadBalancer."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports clusterIP: None (a headless Service) on a NodePort or LoadBalancer Service.",
        why="The API server rejects the Service: node ports and load balancers forward to a cluster IP, "
            "which a headless Service does not have.",
        failing="type: NodePort\nclusterIP: None",
        passing="type: ClusterIP\nclusterIP: None")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        kind = service_type(obj)
        pointer = headless_pointer(obj)
        if kind in (NODE_PORT, LOAD_BALANCER) and pointer is not None:
            yield Report(pointer, f"{_at(pointer)}: \"None\" (headless) may not be used with type {kind}: "
                                  f"remove it, or use type ClusterIP for a headless Service")


class ServiceExternalName(Rule):
    """ExternalName Services need a valid externalName and no cluster IP settings."""

    id = "KL308"
    name = "service-external-name"
    severity = Severity.ERROR
    summary = "An ExternalName Service lacks a valid externalName or sets cluster IP fields."
    kinds = SERVICE
    doc = RuleDoc(
        what="For type ExternalName: spec.externalName must be a lowercase DNS-1123 subdomain (a trailing "
             "dot is allowed), and clusterIP, clusterIPs, ipFamilies and ipFamilyPolicy must not be set.",
        why="The API server rejects the Service. An ExternalName Service is a DNS CNAME to externalName; "
            "it has no cluster IP.",
        failing="type: ExternalName\nexternalName: DB.Example.com\nclusterIP: None",
        passing="type: ExternalName\nexternalName: db.example.com")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        if service_type(obj) != EXTERNAL_NAME:
            return
        spec = obj.spec
        name = spec.get("externalName")
        pointer: Pointer = ("spec", "externalName")
        cname = name[:-1] if isinstance(name, str) and name.endswith(".") else name
        if cname is None or cname == "":
            yield Report(pointer, f"{_at(pointer)}: required for type ExternalName: the DNS name this Service "
                                  f"is an alias (CNAME) for")
        elif isinstance(name, str) and isinstance(cname, str):
            problems = dns1123_subdomain(cname)
            if problems:
                hint = fix_hint(name, lambda v: dns1123_subdomain(v[:-1] if v.endswith(".") else v)) \
                    or host_hint(name)
                yield Report(pointer, f"{_at(pointer)}: \"{name}\" is not a valid DNS name: "
                                      f"{'; '.join(problems)}{hint}")
        cluster_ip = spec.get("clusterIP")
        if isinstance(cluster_ip, str) and cluster_ip != "":
            yield Report(("spec", "clusterIP"), f"spec.clusterIP: may not be set for ExternalName services "
                                                f"(\"{cluster_ip}\"): an ExternalName Service has no cluster IP; "
                                                f"remove it")
        for field in ("clusterIPs", "ipFamilies"):
            if as_list(spec.get(field)):
                yield Report(("spec", field), f"spec.{field}: may not be set for ExternalName services; remove it")
        if spec.get("ipFamilyPolicy") is not None:
            yield Report(("spec", "ipFamilyPolicy"), "spec.ipFamilyPolicy: may not be set for ExternalName "
                                                     "services; remove it")


class ServiceLoadBalancerField(Rule):
    """Fields the server accepts only on LoadBalancer Services."""

    id = "KL309"
    name = "service-load-balancer-field"
    severity = Severity.ERROR
    summary = "A LoadBalancer-only field is set on a Service of another type."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports loadBalancerSourceRanges (or the service.beta.kubernetes.io/load-balancer-source-ranges "
             "annotation), loadBalancerClass and allocateLoadBalancerNodePorts on a Service whose type is "
             "not LoadBalancer. (loadBalancerIP is ignored rather than rejected: see KL312.)",
        why="The API server rejects the Service (\"may only be used when `type` is 'LoadBalancer'\").",
        failing="type: NodePort\nloadBalancerSourceRanges: [10.0.0.0/8]",
        passing="type: LoadBalancer\nloadBalancerSourceRanges: [10.0.0.0/8]")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        kind = service_type(obj)
        if kind is None or kind == LOAD_BALANCER:
            return
        spec = obj.spec
        tail = f"may only be used when type is LoadBalancer (type is {kind})"
        if as_list(spec.get("loadBalancerSourceRanges")):
            yield Report(("spec", "loadBalancerSourceRanges"), f"spec.loadBalancerSourceRanges: {tail}")
        else:
            annotations = as_dict(obj.metadata.get("annotations"))
            if LB_SOURCE_RANGES_ANNOTATION in annotations:
                pointer: Pointer = ("metadata", "annotations", LB_SOURCE_RANGES_ANNOTATION)
                yield Report(pointer, f"{_at(pointer)}: {tail}", anchor="key")
        for field in ("loadBalancerClass", "allocateLoadBalancerNodePorts"):
            if spec.get(field) is not None:
                yield Report(("spec", field), f"spec.{field}: {tail}")


class ServiceTrafficPolicyField(Rule):
    """externalTrafficPolicy and healthCheckNodePort only where they apply."""

    id = "KL310"
    name = "service-traffic-policy-field"
    severity = Severity.ERROR
    summary = "externalTrafficPolicy or healthCheckNodePort is set where the Service type forbids it."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports spec.externalTrafficPolicy on a Service that is not externally accessible (only "
             "NodePort, LoadBalancer, and ClusterIP with externalIPs are), and spec.healthCheckNodePort "
             "unless type is LoadBalancer and externalTrafficPolicy is Local.",
        why="The API server rejects the Service (\"may only be set for externally-accessible services\").",
        failing="type: ClusterIP\nexternalTrafficPolicy: Local",
        passing="type: LoadBalancer\nexternalTrafficPolicy: Local")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        kind = service_type(obj)
        if kind is None:
            return
        spec = obj.spec
        policy = spec.get("externalTrafficPolicy")
        if policy not in (None, "") and not externally_accessible(obj, kind):
            yield Report(("spec", "externalTrafficPolicy"),
                         f"spec.externalTrafficPolicy: may only be set for externally-accessible Services "
                         f"(type NodePort or LoadBalancer, or ClusterIP with externalIPs); type is {kind}: remove it")
        health = _int(spec.get("healthCheckNodePort"))
        if health and not (kind == LOAD_BALANCER and policy == "Local"):
            yield Report(("spec", "healthCheckNodePort"),
                         "spec.healthCheckNodePort: may only be set when type is LoadBalancer and "
                         "externalTrafficPolicy is Local")


class ServiceAffinityTimeout(Rule):
    """ClientIP session affinity timeout range."""

    id = "KL311"
    name = "service-affinity-timeout"
    severity = Severity.ERROR
    summary = "sessionAffinityConfig.clientIP.timeoutSeconds is outside 1..86400."
    kinds = SERVICE
    doc = RuleDoc(
        what="With sessionAffinity: ClientIP, checks that sessionAffinityConfig.clientIP.timeoutSeconds "
             "(default 10800) is between 1 and 86400 seconds (one day).",
        why="The API server rejects the Service.",
        failing="sessionAffinity: ClientIP\nsessionAffinityConfig:\n  clientIP:\n    timeoutSeconds: 0",
        passing="sessionAffinity: ClientIP\nsessionAffinityConfig:\n  clientIP:\n    timeoutSeconds: 3600")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        if obj.spec.get("sessionAffinity") != "ClientIP":
            return
        pointer: Pointer = ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
        timeout = _int(obj.get(*pointer))
        if timeout is not None and not 1 <= timeout <= MAX_AFFINITY_TIMEOUT:
            yield Report(pointer, f"{_at(pointer)}: {timeout} is not between 1 and {MAX_AFFINITY_TIMEOUT} "
                                  f"(one day); omit it for the default of 10800 (3 hours)")


class ServiceIgnoredField(Rule):
    """Fields the server accepts but that have no effect for this Service."""

    id = "KL312"
    name = "service-ignored-field"
    severity = Severity.WARNING
    summary = "A Service field has no effect with the Service's type or settings."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports fields the API server accepts but nothing uses: a selector, ports or externalIPs on "
             "an ExternalName Service (kube-proxy and the EndpointSlice controller skip ExternalName "
             "Services; DNS only answers a CNAME); externalName on a Service of another type; "
             "loadBalancerIP unless type is LoadBalancer; sessionAffinityConfig unless sessionAffinity is "
             "ClientIP (the server drops it); internalTrafficPolicy on an ExternalName Service.",
        why="The setting silently does nothing, so the Service does not behave as its author expects "
            "(often the type is wrong).",
        failing="type: ClusterIP\nexternalName: db.example.com",
        passing="type: ExternalName\nexternalName: db.example.com")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        kind = service_type(obj)
        if kind is None:
            return
        spec = raw_spec(obj)
        if kind == EXTERNAL_NAME:
            if as_dict(spec.get("selector")):
                yield Report(("spec", "selector"), "spec.selector: ignored for type ExternalName: the Service is a "
                                                   "DNS alias (CNAME) and gets no endpoints; remove it, or change "
                                                   "the type if it should route to pods")
            if as_list(spec.get("ports")):
                yield Report(("spec", "ports"), "spec.ports: ignored by Kubernetes for type ExternalName (DNS "
                                                "answers only a CNAME, kube-proxy forwards nothing); some "
                                                "Ingress controllers read them, otherwise remove them")
            if as_list(spec.get("externalIPs")):
                yield Report(("spec", "externalIPs"), "spec.externalIPs: ignored for type ExternalName "
                                                      "(kube-proxy skips ExternalName Services)")
            if spec.get("internalTrafficPolicy") not in (None, ""):
                yield Report(("spec", "internalTrafficPolicy"), "spec.internalTrafficPolicy: ignored for "
                                                                "type ExternalName")
        elif spec.get("externalName") not in (None, ""):
            yield Report(("spec", "externalName"), f"spec.externalName: ignored for type {kind}: only an "
                                                   f"ExternalName Service is a DNS alias; set type: ExternalName "
                                                   f"or remove it")
        if kind != LOAD_BALANCER and spec.get("loadBalancerIP") not in (None, ""):
            yield Report(("spec", "loadBalancerIP"), f"spec.loadBalancerIP: ignored for type {kind}: only a "
                                                     f"LoadBalancer Service gets a load balancer")
        if _str_or(obj.spec.get("sessionAffinity"), "None") == "None" and spec.get("sessionAffinityConfig") is not None:
            yield Report(("spec", "sessionAffinityConfig"), "spec.sessionAffinityConfig: ignored (dropped by the "
                                                            "API server) unless sessionAffinity is ClientIP")


# ---------------------------------------------------------------------------------------------
# KL313-KL315: the Service and the pods it selects
# ---------------------------------------------------------------------------------------------

class ServiceSelectorNoPods(Rule):
    """A selector that matches no pod template in the namespace."""

    id = "KL313"
    name = "service-selector-no-pods"
    severity = Severity.ERROR
    summary = "A Service's selector matches no pod template in its namespace."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports a Service whose spec.selector matches the pod template labels of no Deployment, "
             "StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or Pod in its "
             "namespace. Partial sets: it runs only when the set holds pod templates in that namespace (or "
             "config says the set is complete), and not when the namespace holds custom resources that may "
             "create pods (operators). Selector keys that controllers add to pods (pod-template-hash, "
             "statefulset.kubernetes.io/pod-name, job-name, ...) are not compared. ExternalName Services and "
             "Services without a selector (hand-managed Endpoints) are skipped.",
        why="A Service that selects no pod has no endpoints: every connection to it fails.",
        failing="# Deployment template labels: {app: web}\nkind: Service\nspec:\n  selector: {app: frontend}",
        passing="# Deployment template labels: {app: web}\nkind: Service\nspec:\n  selector: {app: web}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        selector = template_selector(obj)
        if selector is None:
            return
        namespace = obj.namespace
        if not (ctx.complete or ctx.index.has_pod_templates(namespace)):
            return
        if namespace in operator_namespaces(ctx.index):
            return
        if ctx.index.pods_selected_by(namespace, selector):
            return
        message = (f"spec.selector: selects no pods: no workload in namespace \"{namespace}\" has labels "
                   f"{_label_text(selector)}")
        notes: List[str] = []
        closest = self._closest(ctx, namespace, selector)
        if closest:
            notes.append(closest)
        skipped = sorted(k for k in as_dict(obj.spec.get("selector")) if k in CONTROLLER_LABELS)
        if skipped:
            notes.append(f"{', '.join(skipped)} not compared: controllers set it on pods")
        yield Report(("spec", "selector"), message + (f" ({'; '.join(notes)})" if notes else ""))

    @staticmethod
    def _closest(ctx: Any, namespace: str, selector: Dict[str, str]) -> Optional[str]:
        """The workload matching most selector pairs, and how it differs."""
        counts: Dict[int, List[Any]] = {}
        for key, value in selector.items():
            for workload in ctx.index.pods_selected_by(namespace, {key: value}):
                entry = counts.setdefault(id(workload), [workload, 0])
                entry[1] += 1
        if not counts:
            return None
        workload, _ = max(counts.values(), key=lambda entry: entry[1])
        labels = workload.pod_template.labels if workload.pod_template is not None else {}
        differs = []
        for key, value in selector.items():
            if key not in labels:
                differs.append(f"has no label {key}")
            elif labels[key] != value:
                differs.append(f"has {key}={labels[key]}, not {value}")
        return f"closest: {_workload_text(workload)}, which " + " and ".join(differs)


def _served_ports(workloads: List[K8sObject]) -> List[Tuple[K8sObject, Dict[str, Any]]]:
    """Container ports of the selected pods that a Service can reach: containers and sidecars."""
    found: List[Tuple[K8sObject, Dict[str, Any]]] = []
    for workload in workloads:
        template = workload.pod_template
        if template is None:
            continue
        for container in template.containers():
            if container.init and container.data.get("restartPolicy") != "Always":
                continue  # a plain init container has exited before the pod is ready
            for _, port in container.ports():
                found.append((workload, port))
    return found


def _declared_by_init_container(workloads: List[K8sObject], name: str) -> bool:
    return any(container.init and any(p.get("name") == name for _, p in container.ports())
               for w in workloads if w.pod_template is not None for container in w.pod_template.containers())


def _workloads_text(workloads: List[K8sObject], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(_workload_text(w) for w in workloads))
    names = distinct[:limit]
    more = f" and {len(distinct) - limit} more" if len(distinct) > limit else ""
    return ", ".join(names) + more


class ServiceTargetPortNameMissing(Rule):
    """A named targetPort that no selected container declares."""

    id = "KL314"
    name = "service-target-port-name-missing"
    severity = Severity.ERROR
    summary = "A named targetPort is not declared by any container of the selected pods."
    kinds = SERVICE
    doc = RuleDoc(
        what="For a Service whose selector matches pod templates in the set, reports a named "
             "spec.ports[].targetPort that no container (or sidecar) of those templates declares in "
             "ports[].name with the same protocol.",
        why="A named target port is looked up in each pod; when no container declares it, the pod is not "
            "an endpoint for that port and no traffic reaches it.",
        failing="# Deployment container ports: [{name: http, containerPort: 8080}]\n"
                "ports:\n- port: 80\n  targetPort: web",
        passing="# Deployment container ports: [{name: http, containerPort: 8080}]\n"
                "ports:\n- port: 80\n  targetPort: http")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        workloads = selected_workloads(obj, ctx)
        if not workloads:
            return
        served = _served_ports(workloads)
        for i, port in ports(obj):
            name = port.get("targetPort")
            protocol = port_protocol(port)
            if not isinstance(name, str) or name == "" or name.isdigit() or iana_svc_name(name) or protocol is None:
                continue  # numbers are KL315's; invalid names are KL301's
            matches = [p for _, p in served if p.get("name") == name]
            if any(p.get("protocol") == protocol for p in matches):
                continue
            pointer: Pointer = ("spec", "ports", i, "targetPort")
            selected = _workloads_text(workloads)
            if matches:
                other = sorted({str(p.get("protocol")) for p in matches})
                yield Report(pointer, f"{_at(pointer)}: \"{name}\" is declared by the selected pods ({selected}) "
                                      f"only for {'/'.join(other)}, but this port's protocol is {protocol}: "
                                      f"no traffic reaches the pods")
                continue
            names = sorted({p["name"] for _, p in served if isinstance(p.get("name"), str)})
            known = f"; they declare {', '.join(names)}" if names else "; they declare no named ports"
            if _declared_by_init_container(workloads, name):
                known += " (an init container declares it, but init containers exit before the pod serves)"
            yield Report(pointer, f"{_at(pointer)}: no container of the selected pods ({selected}) declares a "
                                  f"port named \"{name}\"{known}: no traffic reaches the pods")


class ServiceTargetPortUndeclared(Rule):
    """A numeric targetPort that no selected container declares."""

    id = "KL315"
    name = "service-target-port-undeclared"
    severity = Severity.WARNING
    summary = "A numeric targetPort is not declared as a containerPort by the selected pods."
    kinds = SERVICE
    options = {"report-when-none-declared": False}
    doc = RuleDoc(
        what="For a Service whose selector matches pod templates in the set, reports a numeric "
             "spec.ports[].targetPort (or the port it defaults to) that no container (or sidecar) of those "
             "templates declares as containerPort with the same protocol, while they declare other ports "
             "of that protocol. Pods that declare no ports of that protocol at all are reported only with "
             "the option report-when-none-declared: true.",
        why="containerPort declarations are informational, so traffic still flows if the process listens "
            "there; but a mismatch usually means the Service points at the wrong port, and declaring the "
            "port documents it.",
        failing="# Deployment container ports: [{containerPort: 8080}]\nports:\n- port: 80",
        passing="# Deployment container ports: [{containerPort: 8080}]\nports:\n- port: 80\n  targetPort: 8080")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        workloads = selected_workloads(obj, ctx)
        if not workloads:
            return
        served = _served_ports(workloads)
        declared = {(p.get("containerPort"), p.get("protocol")) for _, p in served}
        for i, port in ports(obj):
            number = _int(target_port(port))
            protocol = port_protocol(port)
            if number is None or not 1 <= number <= 65535 or protocol is None:
                continue
            if (number, protocol) in declared:
                continue
            written = target_port_written(obj, i)
            pointer: Pointer = ("spec", "ports", i, "targetPort" if written else "port")
            what = f"targetPort {number}" if written else f"targetPort (defaults to port {number})"
            others = sorted({p["containerPort"] for _, p in served
                             if _is_int(p.get("containerPort")) and p.get("protocol") == protocol})
            if not others and not ctx.option("report-when-none-declared"):
                continue  # the pods document no ports at all: nothing contradicts this one
            known = (f"; they declare {protocol} {', '.join(str(n) for n in others)}" if others
                     else f"; they declare no {protocol} ports")
            yield Report(pointer, f"{_at(('spec', 'ports', i))}: {what} is not declared by any container of the "
                                  f"selected pods ({_workloads_text(workloads)}) as a {protocol} containerPort"
                                  f"{known}; traffic still reaches the pods if they listen on {number} "
                                  f"(declaring it documents it)")


def rules() -> List[Rule]:
    return [ServicePortValue(), ServicePortName(), ServiceDuplicatePort(), ServiceUnsupportedValue(),
            ServicePortsRequired(), ServiceNodePortOnClusterIP(), ServiceHeadlessType(), ServiceExternalName(),
            ServiceLoadBalancerField(), ServiceTrafficPolicyField(), ServiceAffinityTimeout(),
            ServiceIgnoredField(), ServiceSelectorNoPods(), ServiceTargetPortNameMissing(),
            ServiceTargetPortUndeclared()]
