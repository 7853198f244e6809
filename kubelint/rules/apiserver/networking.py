"""KL143 networkpolicy-spec and KL144 ingressclass-spec: what the API server's networking
validation refuses in NetworkPolicies and IngressClasses.

Follows kubernetes/kubernetes pkg/apis/networking/validation/validation.go
(ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock,
validateIngressClassSpec, validateIngressClassParametersReference) and apimachinery's
IsValidPortNum, IsValidPortName, IsValidCIDR (parsed as netutils.ParseCIDRSloppy does) and
IsDomainPrefixedPath. Label key and value syntax in selectors is KL202's.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Union

from ...lazy_regex import lazy_compile
from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import forbidden, invalid, invalid_omitted, not_supported, required, too_long
from .group_fields import items, mapping, selector_requirements

if TYPE_CHECKING:
    from ...model.context import RuleContext

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
PROTOCOLS = ("TCP", "UDP", "SCTP")
POLICY_TYPES = ("Ingress", "Egress")
_PREFIX = lazy_compile(r"[0-9]+\Z")
_LEADING_ZEROS = lazy_compile(r"(?<![0-9])0+(?=[0-9])")


def parse_cidr(text: str) -> Optional[Network]:
    """netutils.ParseCIDRSloppy: Go's ParseCIDR (address/prefix-length, host bits allowed) that
    also takes IPv4 octets with leading zeros."""
    address, slash, prefix = text.partition("/")
    if not slash or not _PREFIX.match(prefix) or "%" in address:
        return None
    if "." in address and ":" not in address:
        address = _LEADING_ZEROS.sub("", address)
    try:
        return ipaddress.ip_network(f"{address}/{int(prefix)}", strict=False)
    except ValueError:
        return None


class NetworkPolicySpec(Rule):
    """ValidateNetworkPolicySpec."""

    id = "KL143"
    name = "networkpolicy-spec"
    severity = Severity.ERROR
    summary = "A NetworkPolicy's ports, peers, ipBlocks and policyTypes are ones the API server accepts."
    kinds = frozenset({"NetworkPolicy"})
    doc = RuleDoc(
        what="Ports: protocol TCP, UDP or SCTP; a numeric port 1-65535, a named port a valid port name; "
             "endPort only with a numeric port, at least port and at most 65535. Peers: at least one of "
             "podSelector, namespaceSelector and ipBlock, and ipBlock alone; selector operators. ipBlock: a "
             "CIDR, and each except a CIDR strictly inside it. policyTypes: Ingress or Egress, at most two.",
        why="The API server refuses the policy (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, "
            "ValidateNetworkPolicyPeer, ValidateIPBlock in pkg/apis/networking/validation/validation.go).",
        failing="ipBlock:\n  cidr: 10.0.0.0/16\n  except: [10.1.0.0/24]",
        passing="ipBlock:\n  cidr: 10.0.0.0/16\n  except: [10.0.1.0/24]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        yield from selector_requirements(("spec", "podSelector"), spec.get("podSelector"))
        for direction, peers in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(items(spec.get(direction))):
                if not isinstance(rule, dict):
                    continue
                at = ("spec", direction, index)
                for number, port in enumerate(items(rule.get("ports"))):
                    if isinstance(port, dict):
                        yield from _port(port, at + ("ports", number))
                for number, peer in enumerate(items(rule.get(peers))):
                    if isinstance(peer, dict):
                        yield from _peer(peer, at + (peers, number))
        types = spec.get("policyTypes")
        if isinstance(types, list):
            if len(types) > len(POLICY_TYPES):
                yield invalid_omitted(("spec", "policyTypes"), "may not specify more than two policyTypes")
                return
            for index, kind in enumerate(types):
                if isinstance(kind, str) and kind not in POLICY_TYPES:
                    yield not_supported(("spec", "policyTypes", index), kind, POLICY_TYPES)


def _port(port: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    protocol = port.get("protocol")
    if isinstance(protocol, str) and protocol not in PROTOCOLS:
        yield not_supported(at + ("protocol",), protocol, PROTOCOLS)
    number, end = port.get("port"), port.get("endPort")
    if is_int(number):
        for problem in validation.port_number(number):
            yield invalid(at + ("port",), number, problem)
        if is_int(end):
            if end < number:
                yield invalid(at + ("endPort",), number, "must be greater than or equal to `port`")
            for problem in validation.port_number(end):
                yield invalid(at + ("endPort",), end, problem)
    elif isinstance(number, str):
        if end is not None:
            yield invalid(at + ("endPort",), end, "may not be specified when `port` is non-numeric")
        for problem in validation.iana_svc_name(number):
            yield invalid(at + ("port",), number, problem)
    elif number is None and end is not None:
        yield invalid(at + ("endPort",), end, "may not be specified when `port` is not specified")


def _peer(peer: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            yield from selector_requirements(at + (key,), peer.get(key))
    block = peer.get("ipBlock")
    if block is not None:
        count += 1
        yield from _ip_block(mapping(block), at + ("ipBlock",))
    if count == 0:
        yield required(at, "must specify a peer", present=True)
    elif count > 1 and block is not None:
        yield forbidden(at, "may not specify both ipBlock and another peer", anchor="value")


def _ip_block(block: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    cidr = block.get("cidr")
    if cidr is None or cidr == "":
        yield required(at + ("cidr",), present=cidr == "")
        return
    if not isinstance(cidr, str):
        return
    network = parse_cidr(cidr)
    if network is None:
        yield invalid(at + ("cidr",), cidr, CIDR_MESSAGE)
        return
    for index, text in enumerate(items(block.get("except"))):
        if not isinstance(text, str):
            continue
        excepted = parse_cidr(text)
        if excepted is None:
            yield invalid(at + ("except", index), text, CIDR_MESSAGE)
        elif excepted.version != network.version or excepted.network_address not in network \
                or network.prefixlen >= excepted.prefixlen:
            yield invalid(at + ("except", index), text, "must be a strict subset of `cidr`")


# --- IngressClass ---------------------------------------------------------------------------

MAX_CONTROLLER_LENGTH = 250
_HTTP_PATH = lazy_compile(r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+\Z")
HTTP_PATH_FORMAT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
SCOPES = ("Cluster", "Namespace")


def domain_prefixed_path(at: Pointer, text: str) -> Iterator[Report]:
    """IsDomainPrefixedPath: "acme.io/foo"."""
    if not text:
        yield required(at, present=True)
        return
    host, slash, path = text.partition("/")
    if not slash or not host or not path:
        yield invalid(at, text, 'must be a domain-prefixed path (such as "acme.io/foo")')
        return
    for problem in validation.dns1123_subdomain(host):
        yield invalid(at, host, problem)
    if not _HTTP_PATH.match(path):
        yield invalid(at, path, f"Invalid path: regex used for validation is '{HTTP_PATH_FORMAT}'")


class IngressClassSpec(Rule):
    """validateIngressClassSpec."""

    id = "KL144"
    name = "ingressclass-spec"
    severity = Severity.ERROR
    summary = "An IngressClass names its controller as a domain-prefixed path and its parameters validly."
    kinds = frozenset({"IngressClass"})
    doc = RuleDoc(
        what="spec.controller: a domain-prefixed path (acme.io/ingress-controller) of at most 250 characters. "
             "spec.parameters: kind and name, an apiGroup that is a DNS subdomain, scope Cluster (the "
             "default) or Namespace; Namespace scope needs a namespace, Cluster scope forbids one.",
        why="The API server refuses the IngressClass (validateIngressClassSpec, "
            "validateIngressClassParametersReference in pkg/apis/networking/validation/validation.go).",
        failing="spec:\n  controller: nginx", passing="spec:\n  controller: k8s.io/ingress-nginx")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        controller = spec.get("controller")
        if isinstance(controller, str):
            if len(controller) > MAX_CONTROLLER_LENGTH:
                yield too_long(("spec", "controller"), MAX_CONTROLLER_LENGTH)
            yield from domain_prefixed_path(("spec", "controller"), controller)
        parameters = spec.get("parameters")
        if isinstance(parameters, dict):
            yield from self._parameters(parameters, ("spec", "parameters"))

    @staticmethod
    def _parameters(parameters: Dict[str, Any], at: Pointer) -> Iterator[Report]:
        group = parameters.get("apiGroup")
        if isinstance(group, str) and group:
            for problem in validation.dns1123_subdomain(group):
                yield invalid(at + ("apiGroup",), group, problem)
        for key in ("kind", "name"):
            value = parameters.get(key)
            if value is None or value == "":
                yield required(at + (key,), present=value == "")
            elif isinstance(value, str):
                for bad in ("/", "%"):
                    if bad in value:
                        yield invalid(at + (key,), value, f"may not contain '{bad}'")
        scope = parameters.get("scope", "Cluster")
        namespace = parameters.get("namespace")
        if isinstance(scope, str) and scope not in SCOPES:
            yield not_supported(at + ("scope",), scope, SCOPES)
        if scope == "Namespace":
            if namespace is None:
                yield required(at + ("namespace",), "`parameters.scope` is set to 'Namespace'")
            elif isinstance(namespace, str):
                for problem in validation.dns1123_label(namespace):
                    yield invalid(at + ("namespace",), namespace, problem)
        elif scope == "Cluster" and namespace is not None:
            yield forbidden(at + ("namespace",), "`parameters.scope` is set to 'Cluster'")
