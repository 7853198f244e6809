"""Rules KL304 and KL306-KL312: fields whose values, or whose use at all, depend on the Service type.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (ValidateService, validateServiceExternalTrafficPolicy,
validateLoadBalancerClassField, validateClientIPAffinityConfig) and pkg/api/service/util.go
(ExternallyAccessible, NeedsHealthCheck).
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict, as_list
from ...model.validation import dns1123_subdomain
from ..base import FixSupport, Report, Rule, RuleDoc
from ..common.values import dotted, int_or_none
from .fields import (
    CLUSTER_IP,
    EXTERNAL_NAME,
    LOAD_BALANCER,
    NODE_PORT,
    SERVICE,
    SERVICE_TYPES,
    externally_accessible,
    headless_pointer,
    node_port,
    ports,
    raw_spec,
    service_type,
    str_or_default,
)
from .hints import fix_hint, host_hint, suggestion

PROTOCOLS = ("SCTP", "TCP", "UDP")
SESSION_AFFINITIES = ("ClientIP", "None")
TRAFFIC_POLICIES = ("Cluster", "Local")
MAX_AFFINITY_TIMEOUT = 86400  # core.MaxClientIPServiceAffinitySeconds
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


class ServiceUnsupportedValue(Rule):
    """type, protocol, sessionAffinity and traffic policies hold a supported value."""

    id = "KL304"
    name = "service-unsupported-value"
    severity = Severity.ERROR
    fix = FixSupport("safe", "Corrects the case (and surrounding spaces) of a value: `type: nodeport` -> "
                             "`NodePort`.")
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
        yield Report(pointer, f"{dotted(pointer)}: {message}")


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
                yield Report(pointer, f"{dotted(pointer)}: may not be used when {why}: set type: NodePort "
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
            yield Report(pointer, f"{dotted(pointer)}: \"None\" (headless) may not be used with type {kind}: "
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
            yield Report(pointer, f"{dotted(pointer)}: required for type ExternalName: the DNS name this Service "
                                  f"is an alias (CNAME) for")
        elif isinstance(name, str) and isinstance(cname, str):
            problems = dns1123_subdomain(cname)
            if problems:
                hint = fix_hint(name, lambda v: dns1123_subdomain(v[:-1] if v.endswith(".") else v)) \
                    or host_hint(name)
                yield Report(pointer, f"{dotted(pointer)}: \"{name}\" is not a valid DNS name: "
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
                yield Report(pointer, f"{dotted(pointer)}: {tail}", anchor="key")
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
        health = int_or_none(spec.get("healthCheckNodePort"))
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
        timeout = int_or_none(obj.get(*pointer))
        if timeout is not None and not 1 <= timeout <= MAX_AFFINITY_TIMEOUT:
            yield Report(pointer, f"{dotted(pointer)}: {timeout} is not between 1 and {MAX_AFFINITY_TIMEOUT} "
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
        affinity = str_or_default(obj.spec.get("sessionAffinity"), "None")
        if affinity == "None" and spec.get("sessionAffinityConfig") is not None:
            yield Report(("spec", "sessionAffinityConfig"), "spec.sessionAffinityConfig: ignored (dropped by the "
                                                            "API server) unless sessionAffinity is ClientIP")
