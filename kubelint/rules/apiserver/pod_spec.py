"""Pod-level fields of a Pod or pod template (KL121): the enums, names and lists that
pkg/apis/core/validation/validation.go:ValidatePodSpec checks outside containers, volumes,
scheduling and security contexts (those have their own rules).

The object's data has the API server's defaults applied (restartPolicy, dnsPolicy...), as
validation sees it; empty strings the server defaults are never reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list, get_path
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS
from ..common.values import dotted
from . import errors, syntax
from .kinds import built_in
from .version import kubernetes_minor

if TYPE_CHECKING:
    from ...model.context import RuleContext

RESTART_POLICIES = ("Always", "OnFailure", "Never")  # validateRestartPolicy, in its order
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")  # validateDNSPolicy
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")  # ValidatePreemptionPolicy
OPERATING_SYSTEMS = ("linux", "windows")  # validOS, sorted
# "" is defaulted (SetDefaults_PodSpec) before validation, so never refused.
_RESTART, _DNS = frozenset(RESTART_POLICIES + ("",)), frozenset(DNS_POLICIES + ("",))
_PREEMPTION, _OS = frozenset(PREEMPTION_POLICIES), frozenset(OPERATING_SYSTEMS)
MAX_INT32 = 2 ** 31 - 1
MAX_DNS_NAMESERVERS, MAX_DNS_SEARCH_PATHS, MAX_DNS_SEARCH_CHARS = 3, 32, 2048
RELAXED_DNS_SEARCH_SINCE = 33  # RelaxedDNSSearchValidation: beta, on by default
# Pod-level fields validated as object names: (field, name rule).
_LIST_FIELDS = frozenset({"hostAliases", "readinessGates", "schedulingGates", "resourceClaims"})
NAMED_FIELDS = (("serviceAccountName", syntax.dns1123_subdomain), ("nodeName", syntax.dns1123_subdomain),
                ("priorityClassName", syntax.dns1123_subdomain), ("hostname", syntax.dns1123_label),
                ("subdomain", syntax.dns1123_label))


class PodSpecFields(Rule):
    """Pod-level fields of pod specs: enums, names, DNS configuration, gates, ephemeral containers."""

    id = "KL121"
    name = "invalid-pod-spec-field"
    severity = Severity.ERROR
    summary = "Pod-level fields of a pod spec have values the API server accepts (ValidatePodSpec)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="In every Pod and pod template: restartPolicy (Pods and PodTemplates; workloads are KL542) and "
             "dnsPolicy are one of their values (`clusterFirst` is refused: \"Unsupported value\"), "
             "preemptionPolicy and os.name too; serviceAccountName, nodeName, priorityClassName and "
             "runtimeClassName are DNS subdomains, hostname and subdomain DNS labels; activeDeadlineSeconds is "
             "between 1 and 2147483647; dnsPolicy None has a dnsConfig with nameservers; dnsConfig has at most 3 "
             "valid IP nameservers, 32 search domains of 2048 characters in all, named options; hostAliases have "
             "valid IPs and hostnames; readinessGates and schedulingGates are qualified names, gates unique; "
             "resourceClaims are named, unique, with one source; a spec has containers; ephemeralContainers are "
             "refused on create and in templates.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (ValidatePodSpec, "
            "validateRestartPolicy, validateDNSPolicy, validatePodDNSConfig, ValidatePodCreate, "
            "ValidatePodTemplateSpec).",
        failing="spec:\n  dnsPolicy: clusterFirst\n  containers: [{name: web, image: nginx:1.27}]",
        passing="spec:\n  dnsPolicy: ClusterFirst\n  containers: [{name: web, image: nginx:1.27}]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if not built_in(obj):
            return
        kind = obj.kind
        template = obj.pod_template
        if template is None:
            if kind == "PodTemplate" and obj.raw.get("template") is None:  # an empty PodSpec
                yield errors.required(("template", "spec", "containers"))
            return
        spec = template.spec
        at: Pointer = template.pointer + ("spec",)
        if not spec:
            # A PodSpec that is absent is empty to the API server: it has no containers. One that is
            # written (even `{}`) is the schema check's (KL103: containers is required).
            if kind in ("Pod", "PodTemplate") and get_path(obj.raw, at) is None:
                yield errors.required(at + ("containers",))
            return
        containers = spec.get("containers")
        if isinstance(containers, list) and not containers:
            yield errors.required(at + ("containers",), present=True)
        yield from self._policies(kind, spec, at)
        yield from _names(spec, at)
        if "dnsConfig" in spec or spec.get("dnsPolicy") == "None":
            yield from _dns(spec, at, ctx)
        if not _LIST_FIELDS.isdisjoint(spec):
            yield from _lists(spec, at)
        ephemeral = spec.get("ephemeralContainers")
        if isinstance(ephemeral, list) and ephemeral:
            yield errors.forbidden(at + ("ephemeralContainers",), "cannot be set on create" if kind == "Pod"
                                   else "ephemeral containers not allowed in pod template")

    @staticmethod
    def _policies(kind: str, spec: Dict[str, Any], at: Pointer) -> Iterator[Report]:
        restart = spec.get("restartPolicy")
        if kind in ("Pod", "PodTemplate") and errors.is_bad_enum(restart, _RESTART):
            yield errors.not_supported(at + ("restartPolicy",), restart, RESTART_POLICIES)
        dns = spec.get("dnsPolicy")
        if errors.is_bad_enum(dns, _DNS):
            yield errors.not_supported(at + ("dnsPolicy",), dns, DNS_POLICIES)
        preemption = spec.get("preemptionPolicy")
        if preemption == "":
            yield errors.required(at + ("preemptionPolicy",), present=True)
        elif errors.is_bad_enum(preemption, _PREEMPTION):
            yield errors.not_supported(at + ("preemptionPolicy",), preemption, PREEMPTION_POLICIES)
        os = spec.get("os")
        if isinstance(os, dict):
            name = os.get("name")
            if name == "":
                yield errors.required(at + ("os", "name"), "cannot be empty", present=True)
            elif errors.is_bad_enum(name, _OS):
                yield errors.not_supported(at + ("os", "name"), name, OPERATING_SYSTEMS, field=dotted(at + ("os",)))
        deadline = spec.get("activeDeadlineSeconds")
        if isinstance(deadline, int) and not isinstance(deadline, bool) and not 1 <= deadline <= MAX_INT32:
            yield errors.invalid(at + ("activeDeadlineSeconds",), deadline, syntax.inclusive_range_error(1, MAX_INT32))


def _names(spec: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    for key, check in NAMED_FIELDS:
        value = spec.get(key)
        if isinstance(value, str) and value:
            for problem in check(value):
                yield errors.invalid(at + (key,), value, problem)
    runtime = spec.get("runtimeClassName")
    if isinstance(runtime, str):  # ValidateRuntimeClassName: "" is refused too
        for problem in syntax.dns1123_subdomain(runtime):
            yield errors.invalid(at + ("runtimeClassName",), runtime, problem)


def _dns(spec: Dict[str, Any], at: Pointer, ctx: "RuleContext") -> Iterator[Report]:
    """validatePodDNSConfig."""
    config = spec.get("dnsConfig")
    where = at + ("dnsConfig",)
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            yield errors.required(where, "must provide `dnsConfig` when `dnsPolicy` is None")
            return
        if not as_list(config.get("nameservers")):
            yield errors.required(where + ("nameservers",), "must provide at least one DNS nameserver when "
                                                             "`dnsPolicy` is None", present="nameservers" in config)
            return
    if not isinstance(config, dict):
        return
    nameservers = as_list(config.get("nameservers"))
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        yield errors.invalid_omitted(where + ("nameservers",), f"must not have more than {MAX_DNS_NAMESERVERS} "
                                                               "nameservers")
    for index, server in enumerate(nameservers):
        if isinstance(server, str) and not syntax.is_ip_sloppy(server):
            yield errors.invalid(where + ("nameservers", index), server, syntax.IP_ERROR)
    searches = as_list(config.get("searches"))
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        yield errors.invalid_omitted(where + ("searches",), f"must not have more than {MAX_DNS_SEARCH_PATHS} "
                                                            "search paths")
    strings = [s for s in searches if isinstance(s, str)]
    if len(" ".join(strings)) > MAX_DNS_SEARCH_CHARS:
        yield errors.invalid_omitted(where + ("searches",), f"must not have more than {MAX_DNS_SEARCH_CHARS} "
                                                            "characters (including spaces) in the search list")
    relaxed = kubernetes_minor(ctx) >= RELAXED_DNS_SEARCH_SINCE
    for index, search in enumerate(searches):
        if not isinstance(search, str) or (relaxed and search == "."):
            continue
        trimmed = search[:-1] if search.endswith(".") else search
        check = syntax.dns1123_subdomain_with_underscore if relaxed else syntax.dns1123_subdomain
        for problem in check(trimmed):
            yield errors.invalid(where + ("searches", index), trimmed, problem)
    for index, option in enumerate(as_list(config.get("options"))):
        if isinstance(option, dict) and not option.get("name"):
            yield errors.required(where + ("options", index), "must not be empty", present=True)


def _lists(spec: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    for index, alias in enumerate(as_list(spec.get("hostAliases"))):
        if not isinstance(alias, dict):
            continue
        ip = alias.get("ip")
        if isinstance(ip, str) and not syntax.is_ip_sloppy(ip):
            yield errors.invalid(at + ("hostAliases", index, "ip"), ip, syntax.IP_ERROR)
        for j, hostname in enumerate(as_list(alias.get("hostnames"))):
            if isinstance(hostname, str):
                for problem in syntax.dns1123_subdomain(hostname):
                    yield errors.invalid(at + ("hostAliases", index, "hostnames", j), hostname, problem)
    for index, gate in enumerate(as_list(spec.get("readinessGates"))):
        condition = gate.get("conditionType") if isinstance(gate, dict) else None
        if isinstance(condition, str):
            for problem in syntax.label_key(condition):
                yield errors.invalid(at + ("readinessGates", index, "conditionType"), condition, problem)
    seen = set()
    for index, gate in enumerate(as_list(spec.get("schedulingGates"))):
        name = gate.get("name") if isinstance(gate, dict) else None
        if not isinstance(name, str):
            continue
        for problem in syntax.label_key(name):  # validateSchedulingGates: at the gate, not its name
            yield errors.invalid(at + ("schedulingGates", index, "name"), name, problem,
                                 field=dotted(at + ("schedulingGates", index)))
        if name in seen:
            yield errors.duplicate(at + ("schedulingGates", index, "name"), name,
                                   field=dotted(at + ("schedulingGates", index)))
        seen.add(name)
    yield from _resource_claims(spec, at)


def _resource_claims(spec: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validatePodResourceClaim."""
    names = set()
    for index, claim in enumerate(as_list(spec.get("resourceClaims"))):
        if not isinstance(claim, dict):
            continue
        where = at + ("resourceClaims", index)
        name = claim.get("name")
        if name == "":
            yield errors.required(where + ("name",), present=True)
        elif isinstance(name, str):
            if name in names:
                yield errors.duplicate(where + ("name",), name)
            else:
                for problem in syntax.dns1123_label(name):
                    yield errors.invalid(where + ("name",), name, problem)
                names.add(name)
        by_name, by_template = claim.get("resourceClaimName"), claim.get("resourceClaimTemplateName")
        if by_name is not None and by_template is not None:
            yield errors.invalid_omitted(where, "at most one of `resourceClaimName` or `resourceClaimTemplateName` "
                                                "may be specified")
        elif by_name is None and by_template is None:
            yield errors.invalid_omitted(where, "must specify one of: `resourceClaimName`, "
                                                "`resourceClaimTemplateName`")
        for key, value in (("resourceClaimName", by_name), ("resourceClaimTemplateName", by_template)):
            if isinstance(value, str):
                for problem in syntax.dns1123_subdomain(value):
                    yield errors.invalid(where + (key,), value, problem)
