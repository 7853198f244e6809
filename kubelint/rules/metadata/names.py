"""Object names (KL201): the syntax each kind's names follow, as the API server checks it.

What the API server rejects follows k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta,
NameIsDNSSubdomain/NameIsDNSLabel/NameIsDNS1035Label, path.IsValidPathSegmentName) and the
per-kind name functions in pkg/apis/*/validation (ValidateServiceName, ValidateRBACName, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Tuple

from ...findings import Pointer, Severity
from ...model import validation
from ...model.index import is_namespaced
from ...model.objects import K8sObject, as_dict, get_path
from ..base import Report, Rule, RuleDoc
from ..common.values import shown
from .kinds import kind_class

if TYPE_CHECKING:
    from ...model.context import RuleContext


NameCheck = Callable[[str, bool], List[str]]  # (name, is generateName prefix) -> problems

# Requests rather than stored objects: they need no name.
REVIEW_GROUPS = frozenset({"authentication.k8s.io", "authorization.k8s.io"})


# --- name syntax, as the API server checks it ------------------------------------------------

def mask_trailing_dash(name: str) -> str:
    """apimachinery's maskTrailingDash: a generateName may end in '-' (random characters follow)."""
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def _dns(check: Callable[[str], List[str]]) -> NameCheck:
    return lambda name, prefix: check(mask_trailing_dash(name) if prefix else name)


def path_segment(name: str, prefix: bool) -> List[str]:
    """path.ValidatePathSegmentName: names that are only URL path segments (may hold ':')."""
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def no_rule(name: str, prefix: bool) -> List[str]:
    return []


SUBDOMAIN = _dns(validation.dns1123_subdomain)
DNS_LABEL = _dns(validation.dns1123_label)
DNS1035_LABEL = _dns(validation.dns1035_label)


def rbac_name(name: str, prefix: bool) -> List[str]:
    """ValidateRBACName: path.IsValidPathSegmentName, for generateName prefixes too."""
    return path_segment(name, False)


RBAC = "rbac.authorization.k8s.io"
# (group, kind) -> name rule, where it is not NameIsDNSSubdomain (the default, custom resources too).
NAME_RULES: Dict[Tuple[str, str], Tuple[str, NameCheck]] = {
    ("", "Namespace"): ("an RFC 1123 label", DNS_LABEL),  # ValidateNamespaceName = NameIsDNSLabel
    # NameIsDNSLabel since 1.26 (kubernetes#114172); before, pods of a dotted name failed anyway.
    ("apps", "StatefulSet"): ("an RFC 1123 label", DNS_LABEL),
    (RBAC, "Role"): ("a path segment", rbac_name), (RBAC, "ClusterRole"): ("a path segment", rbac_name),
    (RBAC, "RoleBinding"): ("a path segment", rbac_name),
    (RBAC, "ClusterRoleBinding"): ("a path segment", rbac_name),
    ("apiregistration.k8s.io", "APIService"): ("a path segment", rbac_name),  # plus version.group, below
    ("certificates.k8s.io", "ClusterTrustBundle"): ("a path segment", rbac_name),
    ("certificates.k8s.io", "CertificateSigningRequest"): ("", no_rule),  # "We don't care what you call..."
    ("networking.k8s.io", "IPAddress"): ("", no_rule),  # the name is an IP address (IPv6 has ':')
    ("", "Event"): ("", no_rule), ("events.k8s.io", "Event"): ("", no_rule),
    ("internal.apiserver.k8s.io", "StorageVersion"): ("", no_rule),
}
# Names that become Pod names and hostnames: the API server warns unless they are DNS labels.
POD_NAMING_KINDS = frozenset({("", "Pod"), ("", "ReplicationController"), ("apps", "Deployment"),
                              ("apps", "ReplicaSet"), ("batch", "Job"), ("batch", "CronJob")})
RELAXED_SERVICE_NAMES_SINCE = 36  # RelaxedServiceNameValidation: beta (on) in 1.36, GA in 1.37 (KEP-5311)
CRONJOB_NAME_MAX = 52  # ValidateCronJob: 63 minus the 11-character "-<timestamp>" of its Jobs
GENERATED_NAME_MAX = 58  # names.SimpleNameGenerator keeps 58 characters and appends 5 random ones


def name_rule(group: str, kind: str, ctx: "RuleContext") -> Tuple[str, NameCheck]:
    key = (group, kind)
    if key == ("", "Service"):
        if ctx.kubernetes_minor() >= RELAXED_SERVICE_NAMES_SINCE:
            return "an RFC 1123 label", DNS_LABEL
        return "an RFC 1035 label", DNS1035_LABEL
    return NAME_RULES.get(key, ("an RFC 1123 subdomain", SUBDOMAIN))


def _crd_name(spec: Dict[str, Any], name: str) -> List[str]:
    plural, group = get_path(spec, ("names", "plural")), spec.get("group")
    if isinstance(plural, str) and isinstance(group, str) and name != f"{plural}.{group}":
        return [f'must be spec.names.plural+"."+spec.group: "{plural}.{group}"']
    return []


def _api_service_name(spec: Dict[str, Any], name: str) -> List[str]:
    version, group = spec.get("version"), spec.get("group", "")
    if isinstance(version, str) and isinstance(group, str) and name != f"{version}.{group}":
        return [f'must be spec.version+"."+spec.group: "{version}.{group}"']
    return []


def _cron_job_name(spec: Dict[str, Any], name: str) -> List[str]:
    if len(name) > CRONJOB_NAME_MAX:
        return [f"must be no more than {CRONJOB_NAME_MAX} characters (its Jobs are named "
                "<name>-<11-character timestamp>, at most 63)"]
    return []


def _job_name(spec: Dict[str, Any], name: str) -> List[str]:
    if len(name) > validation.LABEL_VALUE_MAX and spec.get("manualSelector") is not True:
        return [f"must be no more than {validation.LABEL_VALUE_MAX} characters: the API server copies it "
                "into the job-name label of the pod template, and label values are limited to 63"]
    return []


# (group, kind) -> name constraints beyond the syntax: (spec, name) -> problems.
KIND_NAME_CHECKS: Dict[Tuple[str, str], Callable[[Dict[str, Any], str], List[str]]] = {
    ("apiextensions.k8s.io", "CustomResourceDefinition"): _crd_name,
    ("apiregistration.k8s.io", "APIService"): _api_service_name,
    ("batch", "CronJob"): _cron_job_name,
    ("batch", "Job"): _job_name,
}


def kind_specific_name_problems(obj: K8sObject, key: Tuple[str, str], name: str) -> List[str]:
    """Extra name constraints of a few kinds (key: group and kind), on top of the syntax."""
    check = KIND_NAME_CHECKS.get(key)
    return check(as_dict(obj.raw.get("spec")), name) if check else []


def problems_text(problems: List[str]) -> str:
    return "; ".join(problems)


# --- KL201 ------------------------------------------------------------------------------------

class ObjectName(Rule):
    """Object names (and generateName prefixes and namespaces) follow the syntax of their kind."""

    id = "KL201"
    name = "invalid-object-name"
    severity = Severity.ERROR
    summary = "metadata.name follows its kind's naming rule (DNS subdomain, DNS label, path segment...)."
    doc = RuleDoc(
        what="Checks metadata.name and metadata.generateName against the rule the API server applies to "
             "the kind: an RFC 1123 subdomain for most kinds and custom resources, an RFC 1123 label for "
             "Namespaces and StatefulSets, an RFC 1035 label for Services (an RFC 1123 label from "
             "Kubernetes 1.36, RelaxedServiceNameValidation), only path-segment rules for RBAC kinds "
             "(\"system:controller\" is fine); CronJob names of at most 52 characters, Job names of at most "
             "63, CRD names equal to plural.group. Reports an object with neither name nor generateName, "
             "and a metadata.namespace that is not an RFC 1123 label. Workload names that are subdomains "
             "but not labels (\"web.v2\") get a warning, as the API server gives one.",
        why="The API server rejects the object; a dotted workload name makes surprising Pod hostnames.",
        failing="kind: Service\nmetadata:\n  name: Web_Frontend",
        passing="kind: Service\nmetadata:\n  name: web-frontend",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        group, builtin, api_object = kind_class(obj)
        if not api_object or group in REVIEW_GROUPS:
            return
        kind = obj.kind
        meta = obj.raw.get("metadata")
        fields = as_dict(meta)
        name, generate = fields.get("name"), fields.get("generateName")
        if name in (None, "") and generate in (None, ""):
            if builtin or (isinstance(meta, dict) and "." in group):
                where: Pointer = ("metadata",) if isinstance(meta, dict) else ()
                yield Report(where, f"metadata: {kind} has neither metadata.name nor metadata.generateName; "
                                    "the API server requires a name", anchor="key")
        kind_rule, check = name_rule(group, kind, ctx)
        if isinstance(generate, str) and generate:
            yield from self._generate_name(obj, generate, kind_rule, check, generated=name in (None, ""))
        if isinstance(name, str) and name:
            syntax = check(name, False)
            problems = syntax + kind_specific_name_problems(obj, (group, kind), name)
            if problems:
                rule_text = f" ({kind_rule})" if syntax else ""
                yield Report(("metadata", "name"), f"metadata.name: {shown(name)} is not a valid {kind} "
                                                   f"name{rule_text}: {problems_text(problems)}")
            elif (group, kind) in POD_NAMING_KINDS and validation.dns1123_label(name):
                # Accepted, with an API warning (WarningsOnCreate of these kinds' strategies).
                yield Report(("metadata", "name"),
                             f"metadata.name: {shown(name)} is used in Pod names and hostnames, so an RFC 1123 "
                             "label is recommended (the API server warns): "
                             f"{problems_text(validation.dns1123_label(name))}", severity=Severity.WARNING)
        namespace = fields.get("namespace")
        if isinstance(namespace, str) and namespace and is_namespaced(kind):  # cluster-scoped: KL205
            problems = validation.dns1123_label(namespace)
            if problems:
                yield Report(("metadata", "namespace"),
                             f"metadata.namespace: {shown(namespace)} is not a valid namespace name "
                             f"(an RFC 1123 label): {problems_text(problems)}")

    @staticmethod
    def _generate_name(obj: K8sObject, prefix: str, kind_rule: str, check: NameCheck,
                       generated: bool) -> Iterator[Report]:
        rule_text = f" ({kind_rule})" if kind_rule else ""
        problems = check(prefix, True)
        if problems:
            yield Report(("metadata", "generateName"), f"metadata.generateName: {shown(prefix)} is not a valid "
                                                       f"{obj.kind} name prefix{rule_text}: {problems_text(problems)}")
        elif generated:
            # The server also validates the name it generates: the prefix (cut to 58 characters)
            # followed by 5 random lowercase alphanumerics.
            problems = check(prefix[:GENERATED_NAME_MAX] + "bcdfg", False)
            if problems:
                yield Report(("metadata", "generateName"),
                             f"metadata.generateName: the names generated from {shown(prefix)} (plus 5 random "
                             f"characters) are not valid {obj.kind} names{rule_text}: {problems_text(problems)}")
