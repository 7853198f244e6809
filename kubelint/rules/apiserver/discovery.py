"""KL152 endpointslice-spec: what the API server's discovery validation refuses in EndpointSlices.

Follows kubernetes/kubernetes pkg/apis/discovery/validation/validation.go (ValidateEndpointSlice:
validateAddressType, validateEndpoints, validatePorts) with apimachinery's IsValidIPv4Address,
IsValidIPv6Address (legacy fields: IPv4 octets with leading zeros are still taken),
IsFullyQualifiedDomainName and core's ValidateNonSpecialIP, after the discovery/v1 defaults
(port name "", protocol TCP).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Set, Union

from ...lazy_regex import lazy_compile
from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .errors import duplicate, invalid, not_supported, required, too_many
from .group_fields import items

if TYPE_CHECKING:
    from ...model.context import RuleContext

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_ENDPOINTS = 1000
MAX_ADDRESSES = 100
MAX_PORTS = 20000
_LEADING_ZEROS = lazy_compile(r"(?<![0-9])0+(?=[0-9])")

Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def parse_ip(text: str) -> Optional[Address]:
    """netutils.ParseIPSloppy: Go's ParseIP, taking IPv4 octets with leading zeros."""
    if "%" in text:
        return None
    if "." in text and ":" not in text:
        text = _LEADING_ZEROS.sub("", text)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def special_ip_problem(address: Address) -> Optional[str]:
    """ValidateNonSpecialIP."""
    if address.is_unspecified:
        return f"may not be unspecified ({address})"
    if address.is_loopback:
        return "may not be in the loopback range (127.0.0.0/8, ::1/128)"
    if address.is_link_local:
        return "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
    if address in ipaddress.ip_network("224.0.0.0/24") or address in ipaddress.ip_network("ff02::/16"):
        return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
    return None


def fqdn_problems(name: str) -> List[str]:
    """IsFullyQualifiedDomainName: its first problem only, as it returns."""
    name = name[:-1] if name.endswith(".") else name
    problems = validation.dns1123_subdomain(name)
    if problems:
        return [",".join(problems)]
    if len(name.split(".")) < 2:
        return ["should be a domain with at least two segments separated by dots"]
    for label in name.split("."):
        if validation.dns1123_label(label):
            return [",".join(validation.dns1123_label(label))]
    return []


class EndpointSliceSpec(Rule):
    """ValidateEndpointSlice."""

    id = "KL152"
    name = "endpointslice-spec"
    severity = Severity.ERROR
    summary = "An EndpointSlice's addressType, endpoint addresses and ports are ones the API server accepts."
    kinds = frozenset({"EndpointSlice"})
    doc = RuleDoc(
        what="addressType: IPv4, IPv6 or FQDN. endpoints: at most 1000, each with 1 to 100 addresses of the "
             "slice's type (IPv4 and IPv6 addresses not unspecified, loopback or link-local), a DNS-label "
             "hostname. ports: names DNS labels and unique, protocol TCP, UDP or SCTP, appProtocol a "
             "qualified name.",
        why="The API server refuses the slice (ValidateEndpointSlice in "
            "pkg/apis/discovery/validation/validation.go).",
        failing="addressType: IPv4\nendpoints:\n- addresses: [127.0.0.1]",
        passing="addressType: IPv4\nendpoints:\n- addresses: [10.0.0.12]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        kind = raw.get("addressType")
        if kind == "":
            yield required(("addressType",), present=True)
        elif isinstance(kind, str) and kind not in ADDRESS_TYPES:
            yield not_supported(("addressType",), kind, ADDRESS_TYPES)
        endpoints = items(raw.get("endpoints"))
        if len(endpoints) > MAX_ENDPOINTS:
            yield too_many(("endpoints",), len(endpoints), MAX_ENDPOINTS)
        else:
            for index, endpoint in enumerate(endpoints):
                if isinstance(endpoint, dict):
                    yield from _endpoint(endpoint, ("endpoints", index), kind)
        yield from _ports(items(raw.get("ports")))


def _endpoint(endpoint: Dict[str, Any], at: Pointer, kind: Any) -> Iterator[Report]:
    addresses = endpoint.get("addresses")
    if not items(addresses):
        yield required(at + ("addresses",), "must contain at least 1 address", present=addresses is not None)
    elif len(addresses) > MAX_ADDRESSES:
        yield too_many(at + ("addresses",), len(addresses), MAX_ADDRESSES)
    for index, address in enumerate(items(addresses)):
        if not isinstance(address, str):
            continue
        where = at + ("addresses", index)
        if kind in ("IPv4", "IPv6"):
            parsed = parse_ip(address)
            if parsed is None or parsed.version != (4 if kind == "IPv4" else 6):
                yield invalid(where, address, f"must be a valid {kind} address")
            else:
                problem = special_ip_problem(parsed)
                if problem:  # a warning: not certain every supported version refuses it
                    yield invalid(where, address, problem, severity=Severity.WARNING)
        elif kind == "FQDN":
            for problem in fqdn_problems(address):
                yield invalid(where, address, problem)
    hostname = endpoint.get("hostname")
    if isinstance(hostname, str):
        for problem in validation.dns1123_label(hostname):
            yield invalid(at + ("hostname",), hostname, problem)
    node = endpoint.get("nodeName")
    if isinstance(node, str):
        for problem in validation.dns1123_subdomain(node):
            yield invalid(at + ("nodeName",), node, problem)


def _ports(ports: List[Any]) -> Iterator[Report]:
    if len(ports) > MAX_PORTS:
        yield too_many(("ports",), len(ports), MAX_PORTS)
        return
    names: Set[str] = set()
    for index, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        at = ("ports", index)
        name = port.get("name", "")
        if isinstance(name, str):
            if name:
                for problem in validation.dns1123_label(name):
                    yield invalid(at + ("name",), name, problem)
            if name in names:
                yield duplicate(at + ("name",), name)
            names.add(name)
        protocol = port.get("protocol")
        if isinstance(protocol, str) and protocol not in PROTOCOLS:
            yield not_supported(at + ("protocol",), protocol, PROTOCOLS)
        app = port.get("appProtocol")
        if isinstance(app, str):
            for problem in validation.qualified_name(app):
                yield invalid(at + ("appProtocol",), app, problem)
