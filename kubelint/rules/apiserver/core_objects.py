"""The other core kinds (KL129): Namespace finalizers, Endpoints, LimitRange, ResourceQuota and
ReplicationController specs, as pkg/apis/core/validation/validation.go validates them
(ValidateNamespace, ValidateEndpoints, ValidateLimitRange, ValidateResourceQuotaSpec,
ValidateReplicationControllerSpec). Quantities that do not parse, are negative or fractional
where counted are KL501's; RC restart policies KL542's, selector mismatches KL540's.
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict, as_list
from ...model.quantity import QuantityError, parse_quantity
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted, is_int
from . import errors, syntax
from .kinds import built_in
from .meta import STANDARD_FINALIZERS

if TYPE_CHECKING:
    from ...model.context import RuleContext

PROTOCOLS = ("SCTP", "TCP", "UDP")
_PROTOCOLS = frozenset(PROTOCOLS)
LIMIT_TYPES = frozenset({"Pod", "Container", "PersistentVolumeClaim"})  # helper.IsStandardLimitRangeType
# pkg/apis/core/helper: standardResources, standardContainerResources, standardQuotaResources.
STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
    "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers"})
CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
QUOTA_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services",
    "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps",
    "services.nodeports", "services.loadbalancers"})
QUOTA_SCOPES = frozenset({"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                          "CrossNamespacePodAffinity", "VolumeAttributesClass"})
EXISTS_ONLY_SCOPES = frozenset({"BestEffort", "NotBestEffort", "Terminating", "NotTerminating",
                                "CrossNamespacePodAffinity"})
CONFLICTING_SCOPES = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
LIMIT_PARTS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")
KINDS = frozenset({"Namespace", "Endpoints", "LimitRange", "ResourceQuota", "ReplicationController"})


class CoreObjects(Rule):
    """Namespaces, Endpoints, LimitRanges, ResourceQuotas and ReplicationControllers."""

    id = "KL129"
    name = "invalid-core-object"
    severity = Severity.ERROR
    summary = "Namespace, Endpoints, LimitRange, ResourceQuota and ReplicationController specs are valid."
    kinds = KINDS
    doc = RuleDoc(
        what="Namespace spec.finalizers are qualified, standard or domain-qualified names. Endpoints subsets have "
             "addresses, each a valid IP that is not unspecified, loopback or link-local, with DNS-label hostnames; "
             "ports are named when there are several, between 1 and 65535, TCP, UDP or SCTP. LimitRange items have "
             "a standard or qualified type, once each, resource names valid for it, no default on Pod limits, "
             "storage bounds on PersistentVolumeClaim limits, and min <= defaultRequest <= default <= max, "
             "maxLimitRequestRatio >= 1 and <= max/min (after the API server fills defaults from max and min). "
             "ResourceQuota hard resources are quota resource names, scopes known and not conflicting, scope "
             "selectors with valid operators. ReplicationControllers have a template and no "
             "activeDeadlineSeconds (an empty selector is KL540's).",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (ValidateNamespace, "
            "validateEndpointSubsets, ValidateNonSpecialIP, ValidateLimitRange, ValidateResourceQuotaSpec, "
            "validateScopedResourceSelectorRequirement, ValidateReplicationControllerSpec).",
        failing="kind: LimitRange\nspec:\n  limits:\n  - type: Container\n    min: {cpu: \"1\"}\n    max: {cpu: 500m}",
        passing="kind: LimitRange\nspec:\n  limits:\n  - type: Container\n    min: {cpu: 100m}\n    max: {cpu: \"1\"}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if not built_in(obj):
            return
        check = _CHECKS[obj.kind]
        yield from check(obj)


def _namespace(obj: K8sObject) -> Iterator[Report]:
    """ValidateNamespace: spec.finalizers, reported at the list's path as the server does."""
    for index, name in enumerate(as_list(as_dict(obj.raw.get("spec")).get("finalizers"))):
        if not isinstance(name, str):
            continue
        at = ("spec", "finalizers", index)
        for problem in syntax.label_key(name):
            yield errors.invalid(at, name, problem, field="spec.finalizers")
        if "/" not in name and name not in STANDARD_FINALIZERS:
            yield errors.invalid(at, name, "name is neither a standard finalizer name nor is it fully qualified",
                                 field="spec.finalizers")


# --- Endpoints --------------------------------------------------------------------------------

def _parse_ip(value: str) -> Optional[Any]:
    if not syntax.is_ip_sloppy(value):
        return None
    if ":" in value:
        return ipaddress.IPv6Address(value)
    return ipaddress.IPv4Address(".".join(str(int(part)) for part in value.split(".")))


def non_special_ip(at: Pointer, value: str) -> Iterator[Report]:
    """validation.IsValidIP and ValidateNonSpecialIP."""
    ip = _parse_ip(value)
    if ip is None:
        yield errors.invalid(at, value, syntax.IP_ERROR)
        yield errors.invalid(at, value, "must be a valid IP address")
        return
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # Go's net.IP treats ::ffff:a.b.c.d as IPv4
    if ip.is_unspecified:
        yield errors.invalid(at, value, f"may not be unspecified ({value})")
    if ip.is_loopback:
        yield errors.invalid(at, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)")
    if ip.is_link_local:
        yield errors.invalid(at, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    if _link_local_multicast(ip):
        yield errors.invalid(at, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")


def _link_local_multicast(ip: Any) -> bool:
    """net.IP.IsLinkLocalMulticast: 224.0.0.0/24, or IPv6 multicast of link-local scope."""
    packed = ip.packed
    if len(packed) == 4:
        return packed[0] == 224 and packed[1] == 0 and packed[2] == 0
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def _endpoints(obj: K8sObject) -> Iterator[Report]:
    for index, subset in enumerate(as_list(obj.raw.get("subsets"))):
        if not isinstance(subset, dict):
            continue
        at = ("subsets", index)
        addresses, not_ready = as_list(subset.get("addresses")), as_list(subset.get("notReadyAddresses"))
        if not addresses and not not_ready:
            yield errors.required(at, "must specify `addresses` or `notReadyAddresses`", present=True)
        for key, listed in (("addresses", addresses), ("notReadyAddresses", not_ready)):
            for j, address in enumerate(listed):
                if isinstance(address, dict):
                    yield from _endpoint_address(at + (key, j), address)
        ports = as_list(subset.get("ports"))
        for j, port in enumerate(ports):
            if isinstance(port, dict):
                yield from _endpoint_port(at + ("ports", j), port, require_name=len(ports) > 1)


def _endpoint_address(at: Pointer, address: Dict[str, Any]) -> Iterator[Report]:
    ip = address.get("ip")
    if isinstance(ip, str):
        yield from non_special_ip(at + ("ip",), ip)
    hostname = address.get("hostname")
    if isinstance(hostname, str) and hostname:
        for problem in syntax.dns1123_label(hostname):
            yield errors.invalid(at + ("hostname",), hostname, problem)
    node = address.get("nodeName")
    if isinstance(node, str):
        for problem in syntax.dns1123_subdomain(node):
            yield errors.invalid(at + ("nodeName",), node, problem)


def _endpoint_port(at: Pointer, port: Dict[str, Any], require_name: bool) -> Iterator[Report]:
    name = port.get("name") or ""
    if isinstance(name, str):
        if require_name and not name:
            yield errors.required(at + ("name",), present="name" in port)
        elif name:
            for problem in syntax.dns1123_label(name):
                yield errors.invalid(at + ("name",), name, problem)
    number = port.get("port")
    if is_int(number) and not 1 <= number <= 65535:
        yield errors.invalid(at + ("port",), number, syntax.inclusive_range_error(1, 65535))
    protocol = port.get("protocol")
    if isinstance(protocol, str) and protocol and protocol not in _PROTOCOLS:  # "" defaults to TCP
        yield errors.not_supported(at + ("protocol",), protocol, PROTOCOLS)
    app = port.get("appProtocol")
    if isinstance(app, str):
        for problem in syntax.label_key(app):
            yield errors.invalid(at + ("appProtocol",), app, problem)


# --- resource names -----------------------------------------------------------------------------

def _hugepages(name: str) -> bool:
    return name.startswith(("hugepages-", "requests.hugepages-"))


def resource_name(name: str) -> List[str]:
    """validateResourceName."""
    problems = list(syntax.label_key(name))
    if problems:
        return problems
    if "/" not in name and name not in STANDARD_RESOURCES and not _hugepages(name):
        return ["must be a standard resource type or fully qualified"]
    return []


def _extended(name: str) -> bool:
    """helper.IsExtendedResourceName."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    return not syntax.label_key("requests." + name)


def container_resource_name(name: str) -> List[str]:
    """validateContainerResourceName."""
    problems = resource_name(name)
    if "/" not in name:
        if name not in CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            return problems + ["must be a standard resource for containers"]
    elif "kubernetes.io/" not in name and not _extended(name):
        return problems + ["doesn't follow extended resource name standard"]
    return problems


def quota_resource_name(name: str) -> List[str]:
    """ValidateResourceQuotaResourceName."""
    problems = resource_name(name)
    if "/" not in name and name not in QUOTA_RESOURCES and not _hugepages(name):
        return problems + ["must be a standard resource for quota"]
    return problems


# --- LimitRange -------------------------------------------------------------------------------

def _quantity(value: Any) -> Optional[Decimal]:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return parse_quantity(value)
    except (QuantityError, ValueError, ArithmeticError):
        return None


def _shown(value: Any) -> errors.Verbatim:
    return errors.Verbatim(str(value))


def _limit_range(obj: K8sObject) -> Iterator[Report]:
    types = set()
    for index, item in enumerate(as_list(as_dict(obj.raw.get("spec")).get("limits"))):
        if not isinstance(item, dict):
            continue
        at = ("spec", "limits", index)
        kind = item.get("type")
        if isinstance(kind, str):
            problems = list(syntax.label_key(kind))
            if not problems and "/" not in kind and kind not in LIMIT_TYPES:
                problems = ["must be a standard limit type or fully qualified"]
            for problem in problems:
                yield errors.invalid(at + ("type",), kind, problem)
            if kind in types:
                yield errors.duplicate(at + ("type",), kind)
            types.add(kind)
        yield from _limit_item(at, item, kind)


def _limit_item(at: Pointer, item: Dict[str, Any], kind: Any) -> Iterator[Report]:
    name_check: Callable[[str], List[str]] = container_resource_name if kind in ("Pod", "Container") else resource_name
    parts: Dict[str, Dict[str, Tuple[Any, Optional[Decimal]]]] = {}
    for part in LIMIT_PARTS:
        mapping = item.get(part)
        if not isinstance(mapping, dict):
            parts[part] = {}
            continue
        if kind == "Pod" and part in ("default", "defaultRequest"):
            if mapping:
                yield errors.forbidden(at + (part,), "may not be specified when `type` is 'Pod'")
            parts[part] = {}
            continue
        parts[part] = {}
        for name, value in mapping.items():
            if not isinstance(name, str):
                continue
            for problem in name_check(name):
                yield errors.invalid(at + (part, name), name, problem, anchor="key", field=f"{dotted(at + (part,))}[{name}]")
            parts[part][name] = (value, _quantity(value))
    if kind == "PersistentVolumeClaim" and "storage" not in parts["min"] and "storage" not in parts["max"]:
        yield errors.required(at + ("limits",), "either minimum or maximum storage value is required, but neither "
                                                "was provided")
    filled: Dict[Tuple[str, str], str] = {}
    if kind == "Container":  # SetDefaults_LimitRangeItem: default <- max; defaultRequest <- default, then min
        for target, sources in (("default", ("max",)), ("defaultRequest", ("default", "min"))):
            for source in sources:
                for name, entry in parts[source].items():
                    if name not in parts[target]:
                        parts[target][name] = entry
                        filled[(target, name)] = filled.get((source, name), source)
    for report in _limit_bounds(at, parts):
        part, resource = str(report.pointer[-2]), str(report.pointer[-1])
        origin = filled.get((part, resource))
        if origin is not None:  # the value was not written: say where the server took it from
            report = report._replace(message=f"{report.message} ({part} is not written: the API server sets it to "
                                             f"{origin}[{resource}])")
        yield report


def _limit_bounds(at: Pointer, parts: Dict[str, Dict[str, Tuple[Any, Optional[Decimal]]]]) -> Iterator[Report]:
    """ValidateLimitRange's comparisons, per resource; values as written in the messages."""
    names = sorted({name for part in parts.values() for name in part})
    for name in names:
        low, high = parts["min"].get(name), parts["max"].get(name)
        default, request = parts["default"].get(name), parts["defaultRequest"].get(name)
        ratio = parts["maxLimitRequestRatio"].get(name)

        def where(part: str) -> Pointer:
            return at + (part, name)

        def path(part: str) -> str:
            return f"{dotted(at + (part,))}[{name}]"

        if low and high and low[1] is not None and high[1] is not None and low[1] > high[1]:
            yield errors.invalid(where("min"), _shown(low[0]), f"min value {low[0]} is greater than max value {high[0]}",
                                 field=path("min"))
        if request and request[1] is not None:
            if low and low[1] is not None and low[1] > request[1]:
                yield errors.invalid(where("defaultRequest"), _shown(request[0]), f"min value {low[0]} is greater than "
                                     f"default request value {request[0]}", field=path("defaultRequest"))
            if high and high[1] is not None and request[1] > high[1]:
                yield errors.invalid(where("defaultRequest"), _shown(request[0]), f"default request value {request[0]} "
                                     f"is greater than max value {high[0]}", field=path("defaultRequest"))
            if default and default[1] is not None and request[1] > default[1]:
                yield errors.invalid(where("defaultRequest"), _shown(request[0]), f"default request value {request[0]} "
                                     f"is greater than default limit value {default[0]}", field=path("defaultRequest"))
        if default and default[1] is not None:
            if low and low[1] is not None and low[1] > default[1]:
                yield errors.invalid(where("default"), _shown(low[0]), f"min value {low[0]} is greater than default "
                                     f"value {default[0]}", field=path("default"))
            if high and high[1] is not None and default[1] > high[1]:
                yield errors.invalid(where("default"), _shown(high[0]), f"default value {default[0]} is greater than "
                                     f"max value {high[0]}", field=path("default"))
        if ratio and ratio[1] is not None:
            if ratio[1] < 1:
                yield errors.invalid(where("maxLimitRequestRatio"), _shown(ratio[0]), f"ratio {ratio[0]} is less than 1",
                                     field=path("maxLimitRequestRatio"))
            if low and high and low[1] and high[1] is not None and low[1] > 0 and ratio[1] > high[1] / low[1]:
                yield errors.invalid(where("maxLimitRequestRatio"), _shown(ratio[0]),
                                     f"ratio {ratio[0]} is greater than max/min = {float(high[1] / low[1]):f}",
                                     field=path("maxLimitRequestRatio"))
        if default and request and default[1] is not None and request[1] is not None and \
                default[1] != request[1] and not _overcommit_allowed(name):
            yield errors.invalid(where("defaultRequest"), _shown(request[0]), f"default value {default[0]} must equal "
                                 f"to defaultRequest value {request[0]} in {name}", field=path("defaultRequest"))


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources other than hugepages."""
    return ("/" not in name or "kubernetes.io/" in name) and not name.startswith("hugepages-")


# --- ResourceQuota ------------------------------------------------------------------------------

def _resource_quota(obj: K8sObject) -> Iterator[Report]:
    spec = as_dict(obj.raw.get("spec"))
    hard = spec.get("hard")
    if isinstance(hard, dict):
        for name in hard:
            if isinstance(name, str):
                for problem in quota_resource_name(name):
                    yield errors.invalid(("spec", "hard", name), name, problem, anchor="key", field=f"spec.hard[{name}]")
    scopes = [s for s in as_list(spec.get("scopes")) if isinstance(s, str)]
    for index, scope in enumerate(as_list(spec.get("scopes"))):
        if isinstance(scope, str) and scope not in QUOTA_SCOPES:
            yield errors.invalid_omitted(("spec", "scopes", index), "unsupported scope", field="spec.scopes")
    yield from _conflicts(("spec", "scopes"), scopes, "spec.scopes")
    selector = spec.get("scopeSelector")
    if isinstance(selector, dict):
        yield from _scope_selector(("spec", "scopeSelector", "matchExpressions"), selector)


def _conflicts(at: Pointer, scopes: List[str], field: str) -> Iterator[Report]:
    for pair in CONFLICTING_SCOPES:
        if all(scope in scopes for scope in pair):
            yield errors.invalid_omitted(at, "conflicting scopes", field=field)


def _scope_selector(at: Pointer, selector: Dict[str, Any]) -> Iterator[Report]:
    """validateScopedResourceSelectorRequirement."""
    names = []
    for index, requirement in enumerate(as_list(selector.get("matchExpressions"))):
        if not isinstance(requirement, dict):
            continue
        where = at + (index,)
        scope, operator = requirement.get("scopeName"), requirement.get("operator")
        values = as_list(requirement.get("values"))
        if isinstance(scope, str):
            names.append(scope)
            if scope not in QUOTA_SCOPES:
                yield errors.invalid(where + ("scopeName",), scope, "unsupported scope", field=dotted(at + ("scopeName",)))
            if scope in EXISTS_ONLY_SCOPES and operator != "Exists" and isinstance(operator, str):
                yield errors.invalid(where + ("operator",), operator, "must be 'Exists' when scope is any of "
                                     "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                                     "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                                     "ResourceQuotaScopeCrossNamespacePodAffinity", field=dotted(at + ("operator",)))
        if operator in ("In", "NotIn"):
            if not values:
                yield errors.required(where + ("values",), "must be at least one value when `operator` is 'In' or "
                                                           "'NotIn' for scope selector", present="values" in requirement,
                                      field=dotted(at + ("values",)))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                yield errors.invalid_omitted(where + ("values",), "must be no value when `operator` is 'Exist' or "
                                                                  "'DoesNotExist' for scope selector",
                                             field=dotted(at + ("values",)))
        elif isinstance(operator, str):
            yield errors.invalid(where + ("operator",), operator, "not a valid selector operator",
                                 field=dotted(at + ("operator",)))
    yield from _conflicts(at, names, dotted(at))


# --- ReplicationController ----------------------------------------------------------------------

def _replication_controller(obj: K8sObject) -> Iterator[Report]:
    """ValidateReplicationControllerSpec: the template (an empty selector is KL540's)."""
    spec = obj.raw.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    template = spec.get("template")
    if template is None:
        yield errors.required(("spec", "template"))
    elif isinstance(template, dict):
        deadline = as_dict(template.get("spec")).get("activeDeadlineSeconds")
        if deadline is not None:
            yield errors.forbidden(("spec", "template", "spec", "activeDeadlineSeconds"),
                                   "activeDeadlineSeconds in ReplicationController is not Supported")


_CHECKS: Dict[str, Callable[[K8sObject], Iterator[Report]]] = {
    "Namespace": _namespace, "Endpoints": _endpoints, "LimitRange": _limit_range, "ResourceQuota": _resource_quota,
    "ReplicationController": _replication_controller,
}
