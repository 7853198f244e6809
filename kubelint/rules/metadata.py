"""Rules KL2xx: object names, labels, annotations and namespaces.

What the API server rejects follows k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta,
ValidateAnnotations, NameIsDNSSubdomain/NameIsDNSLabel/NameIsDNS1035Label, path.IsValidPathSegmentName),
k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateLabels, ValidateLabelSelector) and the
per-kind name functions in pkg/apis/*/validation (ValidateServiceName, ValidateRBACName, ...).
"""

from __future__ import annotations

import functools
import os
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Tuple,
)

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model import validation
from ..model.index import CLUSTER_SCOPED, is_namespaced
from ..model.objects import POD_TEMPLATE_PATHS, K8sObject, as_dict, as_list, get_path
from .base import Report, Rule, RuleDoc

if TYPE_CHECKING:
    from ..model.context import RuleContext

NameCheck = Callable[[str, bool], List[str]]  # (name, is generateName prefix) -> problems

# --- which objects are Kubernetes API objects -----------------------------------------------

# API groups served by kube-apiserver itself (the core group is "").
BUILTIN_GROUPS = frozenset({
    "apps", "batch", "autoscaling", "policy", "extensions", "admissionregistration.k8s.io",
    "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "lifecycle.k8s.io", "networking.k8s.io",
    "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io",
    "storagemigration.k8s.io",
})
# Kinds of the core group ("v1"); `kind: Config` (a kubeconfig) is not one of them.
CORE_KINDS = frozenset({
    "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
    "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
    "ResourceQuota", "Secret", "Service", "ServiceAccount",
})
# Files that look like manifests but are tool configuration, never sent to the API server
# (kubeadm, kubelet, scheduler, kustomize, audit policy, kind clusters, kpt function lists...).
CONFIG_GROUPS = frozenset({
    "kubeadm.k8s.io", "audit.k8s.io", "apiserver.k8s.io", "admission.k8s.io", "imagepolicy.k8s.io",
    "client.authentication.k8s.io", "kind.x-k8s.io", "config.kubernetes.io", "abac.authorization.kubernetes.io",
    "eventratelimit.admission.k8s.io",
})
# Requests rather than stored objects: they need no name.
REVIEW_GROUPS = frozenset({"authentication.k8s.io", "authorization.k8s.io"})

# The same REST resource served under two groups in old releases: one object, two apiVersions.
GROUP_ALIASES: Dict[Tuple[str, str], str] = {
    ("extensions", "Deployment"): "apps", ("extensions", "DaemonSet"): "apps",
    ("extensions", "ReplicaSet"): "apps", ("extensions", "Ingress"): "networking.k8s.io",
    ("extensions", "NetworkPolicy"): "networking.k8s.io", ("extensions", "PodSecurityPolicy"): "policy",
    ("events.k8s.io", "Event"): "",
}


class KindClass(NamedTuple):
    """What an apiVersion and kind say about an object."""

    group: str
    builtin: bool  # served by kube-apiserver itself
    api_object: bool  # False for tool configuration files that only look like manifests


@functools.lru_cache(maxsize=1024)  # a run has a few dozen apiVersion/kind pairs, every rule asks
def _kind_class(api_version: str, kind: str) -> KindClass:
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    if group == "":
        core = kind in CORE_KINDS
        return KindClass(group, core, core)
    return KindClass(group, group in BUILTIN_GROUPS,
                     group not in CONFIG_GROUPS and not group.endswith("config.k8s.io"))


def kind_class(obj: K8sObject) -> KindClass:
    return _kind_class(obj.api_version, obj.kind)


def api_group(obj: K8sObject) -> str:
    return kind_class(obj).group


def is_builtin(obj: K8sObject) -> bool:
    return kind_class(obj).builtin


def is_api_object(obj: K8sObject) -> bool:
    return kind_class(obj).api_object


def dotted(pointer: Pointer) -> str:
    return pointer_to_dotted(pointer)


def shown(value: str, limit: int = 70) -> str:
    """A value quoted for a message, shortened when very long."""
    return f'"{value}"' if len(value) <= limit else f'"{value[:limit]}..." ({len(value)} characters)'


def raw_meta(obj: K8sObject) -> Dict[str, Any]:
    return as_dict(obj.raw.get("metadata"))


def raw_string(obj: K8sObject, key: str) -> Optional[str]:
    """metadata.<key> as written, when it is a non-empty string."""
    value = raw_meta(obj).get(key)
    return value if isinstance(value, str) and value else None


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


# --- labels and annotations: where they are -------------------------------------------------

# The ObjectMeta of the templates a built-in kind carries (a Pod's template is the Pod itself).
TEMPLATE_METADATA: Dict[str, Tuple[Pointer, ...]] = {
    kind: (template + ("metadata",),) for kind, template in POD_TEMPLATE_PATHS.items() if template}
TEMPLATE_METADATA["CronJob"] += (("spec", "jobTemplate", "metadata"),)


def metadata_pointers(obj: K8sObject, builtin: bool) -> List[Pointer]:
    """Every ObjectMeta the API server validates when it takes this object, or that becomes one."""
    pointers: List[Pointer] = [("metadata",)]
    if not builtin:
        return pointers
    pointers += TEMPLATE_METADATA.get(obj.kind, ())
    if obj.kind == "StatefulSet":
        for index, _ in enumerate(as_list(get_path(obj.raw, ("spec", "volumeClaimTemplates")))):
            pointers.append(("spec", "volumeClaimTemplates", index, "metadata"))
    return pointers


# metav1.LabelSelector fields of built-in kinds, and plain label maps used as selectors.
LABEL_SELECTORS: Dict[str, List[Pointer]] = {
    "Deployment": [("spec", "selector")], "ReplicaSet": [("spec", "selector")],
    "DaemonSet": [("spec", "selector")], "StatefulSet": [("spec", "selector")], "Job": [("spec", "selector")],
    "CronJob": [("spec", "jobTemplate", "spec", "selector")], "PodDisruptionBudget": [("spec", "selector")],
    "NetworkPolicy": [("spec", "podSelector")],
}
MAP_SELECTORS: Dict[str, List[Pointer]] = {"Service": [("spec", "selector")],
                                           "ReplicationController": [("spec", "selector")]}
# Both kinds of equality selector as key=value maps: plain maps, then matchLabels.
EQUALITY_SELECTORS: Dict[str, Tuple[Pointer, ...]] = {
    kind: tuple(MAP_SELECTORS.get(kind, ())) + tuple(p + ("matchLabels",) for p in LABEL_SELECTORS.get(kind, ()))
    for kind in {**MAP_SELECTORS, **LABEL_SELECTORS}}


def label_maps(obj: K8sObject, builtin: bool) -> List[Tuple[Pointer, Dict[Any, Any]]]:
    """(pointer, mapping) of every key=value label map: metadata labels and equality selectors."""
    pointers = [meta + ("labels",) for meta in metadata_pointers(obj, builtin)]
    if builtin and obj.kind in EQUALITY_SELECTORS:
        pointers += EQUALITY_SELECTORS[obj.kind]
    raw = obj.raw
    found = []
    for pointer in pointers:
        labels = get_path(raw, pointer)
        if isinstance(labels, dict):
            found.append((pointer, labels))
    return found


def selector_expressions(obj: K8sObject, builtin: bool) -> Iterator[Tuple[Pointer, Dict[str, Any]]]:
    if not builtin or obj.kind not in LABEL_SELECTORS:
        return
    for pointer in LABEL_SELECTORS[obj.kind]:
        for index, expression in enumerate(as_list(get_path(obj.raw, pointer + ("matchExpressions",)))):
            if isinstance(expression, dict):
                yield pointer + ("matchExpressions", index), expression


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


# --- KL202 ------------------------------------------------------------------------------------

class LabelSyntax(Rule):
    """Label keys are qualified names and label values are valid label values."""

    id = "KL202"
    name = "invalid-label"
    severity = Severity.ERROR
    summary = "Label keys and values (and selector keys and values) follow Kubernetes' label syntax."
    doc = RuleDoc(
        what="Checks label keys (an optional DNS-subdomain prefix of at most 253 characters, '/', and a "
             "name of at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric) and "
             "values (empty, or at most 63 such characters) in metadata.labels, pod template and "
             "CronJob job template labels, StatefulSet volume claim template labels, workload, "
             "PodDisruptionBudget and NetworkPolicy selectors (matchLabels and matchExpressions) and "
             "Service and ReplicationController selectors. A bad key is reported at the key, a bad value "
             "at the value. Values that are not strings are left to the schema check.",
        why="The API server rejects the object (or the Pods a template stamps out).",
        failing="metadata:\n  labels:\n    app.kubernetes.io/name: my app\n    team/owner/x: web",
        passing="metadata:\n  labels:\n    app.kubernetes.io/name: my-app\n    team.example.com/owner: web",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        _, builtin, api_object = kind_class(obj)
        if not api_object:
            return
        is_key, is_value = validation.is_qualified_name, validation.is_label_value
        for pointer, labels in label_maps(obj, builtin):
            for key, value in labels.items():
                if not isinstance(key, str):
                    continue
                if not is_key(key):
                    yield self._bad_key(pointer + (key,), key)
                if isinstance(value, str) and not is_value(value):
                    yield Report(pointer + (key,), f"{dotted(pointer + (key,))}: label value {shown(value)} "
                                                   f"is not valid: {problems_text(validation.label_value(value))}")
        for pointer, expression in selector_expressions(obj, builtin):
            key = expression.get("key")
            if isinstance(key, str) and not is_key(key):
                yield self._bad_key(pointer + ("key",), key, anchor="value")
            for index, value in enumerate(as_list(expression.get("values"))):
                if isinstance(value, str) and not is_value(value):
                    where = pointer + ("values", index)
                    yield Report(where, f"{dotted(where)}: {shown(value)} is not a valid label value, so it "
                                        f"can match no label: {problems_text(validation.label_value(value))}")

    @staticmethod
    def _bad_key(pointer: Pointer, key: str, anchor: str = "key") -> Report:
        return Report(pointer, f"{dotted(pointer)}: label key {shown(key)} is not valid: "
                               f"{problems_text(validation.qualified_name(key))}", anchor=anchor)


# --- KL203 ------------------------------------------------------------------------------------

ANNOTATIONS_SIZE_MAX = 256 * 1024  # TotalAnnotationSizeLimitB: keys plus values, in bytes


def utf8_size(text: str) -> int:
    """Bytes in UTF-8; ASCII text (nearly all of it) is counted without encoding it."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


class AnnotationSyntax(Rule):
    """Annotation keys are qualified names and all annotations together stay under 256 KiB."""

    id = "KL203"
    name = "invalid-annotation"
    severity = Severity.ERROR
    summary = "Annotation keys are qualified names; annotations total at most 256 KiB."
    doc = RuleDoc(
        what="Checks annotation keys in metadata.annotations and in pod template, CronJob job template "
             "and StatefulSet volume claim template annotations: an optional DNS-subdomain prefix, '/', "
             "and a name of at most 63 alphanumerics, '-', '_' or '.' (case does not matter, as the API "
             "server lowercases keys before checking). Also reports annotations whose keys and values "
             "together exceed 262144 bytes. Values are otherwise free text.",
        why="The API server rejects the object.",
        failing="metadata:\n  annotations:\n    example.com/owner team: web",
        passing="metadata:\n  annotations:\n    example.com/owner-team: web",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        _, builtin, api_object = kind_class(obj)
        if not api_object:
            return
        raw = obj.raw
        for meta in metadata_pointers(obj, builtin):
            pointer = meta + ("annotations",)
            annotations = get_path(raw, pointer)
            if not isinstance(annotations, dict):
                continue
            size = 0
            for key, value in annotations.items():
                if not isinstance(key, str):
                    continue
                size += utf8_size(key) + (utf8_size(value) if isinstance(value, str) else 0)
                if not validation.is_qualified_name(key.lower()):
                    yield Report(pointer + (key,), f"{dotted(pointer + (key,))}: annotation key {shown(key)} is "
                                                   f"not valid: {problems_text(validation.qualified_name(key.lower()))}",
                                 anchor="key")
            if size > ANNOTATIONS_SIZE_MAX:
                yield Report(pointer, f"{dotted(pointer)}: annotations total {size:,} bytes (keys and values), "
                                      f"over the {ANNOTATIONS_SIZE_MAX:,}-byte limit: keep large data out of "
                                      "annotations (in a ConfigMap's data or a volume)", anchor="key")


# --- KL204 ------------------------------------------------------------------------------------

class NamespaceDefined(Rule):
    """An object's explicit namespace is defined by the set, when the set defines namespaces."""

    id = "KL204"
    name = "namespace-not-defined"
    severity = Severity.ERROR
    summary = "metadata.namespace names a Namespace that the set defines (when it defines any)."
    doc = RuleDoc(
        what="Reports a namespaced object whose metadata.namespace names a Namespace that is not in the "
             "set: an error when config says the set is complete, a warning when the set merely defines "
             "some Namespaces (others are often created by installers or by hand). "
             "default, kube-system, kube-public and kube-node-lease always exist; assume-present "
             "(`Namespace/monitoring`) names others. Objects without metadata.namespace go to the "
             "namespace of the kubectl context and are not checked.",
        why="Creating an object in a namespace that does not exist fails: \"namespaces ... not found\".",
        failing="kind: Namespace\nmetadata: {name: shop}\n---\nkind: ConfigMap\nmetadata: {name: web, namespace: shpo}",
        passing="kind: Namespace\nmetadata: {name: shop}\n---\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        namespace = raw_string(obj, "namespace")
        if namespace is None or not is_namespaced(obj.kind) or not is_api_object(obj):
            return
        if not ctx.is_missing("Namespace", None, namespace):
            return
        defined = sorted(ctx.index.namespaces)
        if defined:
            listed = ", ".join(f'"{n}"' for n in defined[:5])
            if len(defined) > 5:
                listed += f" and {len(defined) - 5} more"
            context = f"the set defines Namespace{'s' if len(defined) > 1 else ''} {listed}"
        else:
            context = "the set is declared complete"
        # Declared complete, the set is the authority: certainly broken. Inferred from the set
        # defining some Namespaces, it is likely: others are often made by installers or by hand.
        yield Report(("metadata", "namespace"),
                     f'metadata.namespace: namespace "{namespace}" is not defined ({context}); add a Namespace '
                     f'"{namespace}", fix the name, or list "Namespace/{namespace}" in assume-present',
                     severity=None if ctx.complete else Severity.WARNING)


# --- KL205 ------------------------------------------------------------------------------------

NAMESPACED_COUNTERPART = {"ClusterRole": "Role", "ClusterRoleBinding": "RoleBinding"}


class ClusterScopedNamespace(Rule):
    """A cluster-scoped object does not set metadata.namespace."""

    id = "KL205"
    name = "namespace-on-cluster-scoped"
    severity = Severity.WARNING
    summary = "Cluster-scoped objects (ClusterRole, Namespace, StorageClass...) do not set metadata.namespace."
    doc = RuleDoc(
        what="Reports metadata.namespace on built-in cluster-scoped kinds. Custom resources are skipped: "
             "their scope is in their CRD.",
        why="The API server silently clears it (rest.EnsureObjectNamespaceMatchesRequestNamespace), so it "
            "does nothing. It usually means the author expected a namespaced object, e.g. a ClusterRole "
            "meant as a Role, whose permissions are then cluster-wide.",
        failing="kind: ClusterRole\nmetadata:\n  name: reader\n  namespace: shop",
        passing="kind: Role\nmetadata:\n  name: reader\n  namespace: shop",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.kind not in CLUSTER_SCOPED:
            return
        namespace = raw_string(obj, "namespace")
        if namespace is None or not is_builtin(obj):
            return
        counterpart = NAMESPACED_COUNTERPART.get(obj.kind)
        hint = f"; if it should apply only in that namespace, use a {counterpart}" if counterpart else ""
        yield Report(("metadata", "namespace"),
                     f'metadata.namespace: {obj.kind} is cluster-scoped, so namespace "{namespace}" is ignored: '
                     f"remove it{hint}")


# --- KL206 ------------------------------------------------------------------------------------

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DUPLICATE_SCOPES = ("file", "directory", "set")


def identity(obj: K8sObject) -> Optional[tuple]:
    """What makes two definitions the same object, or None when there is no fixed name.

    The group counts (a Certificate of cert-manager.io is not one of another group) except for
    resources that old releases served under two groups; the version does not (apps/v1 and
    apps/v1beta1 Deployments are one object). A namespaced object without metadata.namespace
    goes to the kubectl context's namespace: the same as another without one, but not certainly
    the same as one in "default".
    """
    name = raw_string(obj, "name")
    if name is None or not is_api_object(obj):
        return None
    group = api_group(obj)
    group = GROUP_ALIASES.get((group, obj.kind), group)
    namespace = raw_meta(obj).get("namespace") if is_namespaced(obj.kind) else None
    return (group, obj.kind, namespace if isinstance(namespace, str) else None, name)


def is_kustomize_directory(directory: str) -> bool:
    """Kustomize patches repeat the kind and name of the object they patch, file after file."""
    return any(os.path.isfile(os.path.join(directory, name)) for name in KUSTOMIZATION_FILES)


class DefinitionFacts:
    """Identities and kustomize directories of one set, each worked out once: a name defined k
    times is compared k² times, and used to cost k² identities and file-system checks."""

    def __init__(self) -> None:
        # By id(), holding the object too, so that no other object can take its id meanwhile.
        self._identities: Dict[int, Tuple[K8sObject, Optional[tuple]]] = {}
        self._kustomize: Dict[str, bool] = {}

    def identity(self, obj: K8sObject) -> Optional[tuple]:
        known = self._identities.get(id(obj))
        if known is None:
            known = self._identities[id(obj)] = (obj, identity(obj))
        return known[1]

    def is_kustomize_directory(self, directory: str) -> bool:
        known = self._kustomize.get(directory)
        if known is None:
            known = self._kustomize[directory] = is_kustomize_directory(directory)
        return known


_definition_facts: "weakref.WeakKeyDictionary[Any, DefinitionFacts]" = weakref.WeakKeyDictionary()
# The objects of one file share its path, and duplicates are compared by directory many times.
directory_of = functools.lru_cache(maxsize=4096)(os.path.dirname)


def definition_facts(index: Any) -> DefinitionFacts:
    """The facts of the set `index` indexes, kept as long as the index lives."""
    facts = _definition_facts.get(index)
    if facts is None:
        facts = _definition_facts[index] = DefinitionFacts()
    return facts


class DuplicateObject(Rule):
    """The same object is defined only once."""

    id = "KL206"
    name = "duplicate-object"
    severity = Severity.ERROR
    summary = "No two definitions of the same kind, namespace and name."
    options = {"scope": "directory"}
    doc = RuleDoc(
        what="Reports every definition of an object after the first: same API group and kind, same "
             "metadata.namespace, same metadata.name (List items and multi-document files included), "
             "naming where the first one is. Within one file it is an error. Across files it is a "
             "warning, and only within the option `scope`: \"directory\" (default: files that "
             "`kubectl apply -f DIR` takes together; directories with a kustomization file are skipped, "
             "as kustomize patches repeat names), \"set\" (every input) or \"file\" (same file only). "
             "Objects with only generateName are distinct by design.",
        why="kubectl applies both and the last silently wins; kustomize refuses the set "
            "(\"may not add resource with an already registered id\").",
        failing="kind: ConfigMap\nmetadata: {name: web}\n---\nkind: ConfigMap\nmetadata: {name: web}",
        passing="kind: ConfigMap\nmetadata: {name: web}\n---\nkind: ConfigMap\nmetadata: {name: web-extra}",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = raw_string(obj, "name")
        # Most names are unique in the set: look them up before working out the identity.
        candidates = ctx.index.all_named(obj.kind, obj.namespace, name) if name is not None else []
        if len(candidates) < 2:
            return
        facts = definition_facts(ctx.index)
        mine = facts.identity(obj)
        if mine is None:
            return
        earlier: List[K8sObject] = []
        for other in candidates:  # in input order
            if other is obj:
                break
            if facts.identity(other) == mine:
                earlier.append(other)
        if not earlier:
            return
        first, severity, where = self._first(obj, earlier, str(ctx.option("scope")), facts)
        if first is None:
            return
        line = first.manifest.position(("metadata", "name")).line
        in_namespace = f' in namespace "{mine[2]}"' if mine[2] else ""
        consequence = ("kubectl would apply both and keep the last" if where == "file"
                       else "if the files are applied together, the last one wins")
        yield Report(("metadata", "name"),
                     f'metadata.name: {obj.kind} "{mine[3]}"{in_namespace} is also defined in {first.path}:{line} '
                     f"(same {where}); {consequence}: remove or rename one", severity=severity)

    @staticmethod
    def _first(obj: K8sObject, earlier: List[K8sObject], scope: str,
               facts: DefinitionFacts) -> Tuple[Optional[K8sObject], Optional[Severity], str]:
        same_file = next((other for other in earlier if other.path == obj.path), None)
        if same_file is not None:
            return same_file, None, "file"
        directory = directory_of(obj.path)
        if scope == "set":
            return earlier[0], Severity.WARNING, "set"
        if scope == "file" or facts.is_kustomize_directory(os.path.abspath(directory)):
            return None, None, ""
        same_directory = next((other for other in earlier if directory_of(other.path) == directory), None)
        return (same_directory, Severity.WARNING, "directory") if same_directory is not None else (None, None, "")


def rules() -> List[Rule]:
    return [ObjectName(), LabelSyntax(), AnnotationSyntax(), NamespaceDefined(), ClusterScopedNamespace(),
            DuplicateObject()]
