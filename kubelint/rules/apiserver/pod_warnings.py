"""The API server's warnings about pods and pod templates (KL126), from
pkg/api/pod/warnings.go:warningsForPodSpecAndMeta and pkg/api/node/util.go. kubectl prints them
and applies the object anyway, so kubelint warns. Fractional byte quantities, duplicate env
names and overlapping ports are KL502, KL517 and KL508.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Set

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers
from ..common.values import is_int
from . import errors, syntax
from .kinds import built_in
from .pod_scheduling import AFFINITY_KINDS, PREFERRED, REQUIRED

if TYPE_CHECKING:
    from ...model.context import RuleContext

DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
    "app.kubernetes.io/created-by": "deprecated since v1.9",
    "scheduler.alpha.kubernetes.io/preferAvoidPods": "deprecated since v1.22; use Taints and Tolerations instead",
    "node-role.kubernetes.io/master": 'use "node-role.kubernetes.io/control-plane" instead',
}
DEPRECATED_ANNOTATIONS = {
    "scheduler.alpha.kubernetes.io/critical-pod": 'non-functional in v1.16+; use the "priorityClassName" field instead',
    "security.alpha.kubernetes.io/sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
    "security.alpha.kubernetes.io/unsafe-sysctls": 'non-functional in v1.11+; use the "sysctls" field instead',
}
DEPRECATED_VOLUMES = {
    "photonPersistentDisk": "deprecated in v1.11, non-functional in v1.16+", "gitRepo": "deprecated in v1.11",
    "scaleIO": "deprecated in v1.16, non-functional in v1.22+", "flocker": "deprecated in v1.22, non-functional in v1.25+",
    "storageos": "deprecated in v1.22, non-functional in v1.25+", "quobyte": "deprecated in v1.22, non-functional in v1.25+",
    "glusterfs": "deprecated in v1.25, non-functional in v1.26+", "cephfs": "deprecated in v1.28, non-functional in v1.31+",
    "rbd": "deprecated in v1.28, non-functional in v1.31+",
}
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_CONTAINER_PREFIXES = (SECCOMP_CONTAINER_PREFIX, APPARMOR_CONTAINER_PREFIX)
NULL_SELECTOR = "a null labelSelector results in matching no pod"


class PodWarnings(Rule):
    """What the API server warns about when it takes a pod or pod template."""

    id = "KL126"
    name = "pod-api-warning"
    severity = Severity.WARNING
    summary = "A pod spec uses something the API server warns about (deprecated labels, annotations, volumes...)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Mirrors the warnings of pkg/api/pod/warnings.go: deprecated node labels in nodeSelector, node "
             "affinity and topology spread keys (beta.kubernetes.io/os...), invalid label values in preferred node "
             "affinity, topology spread constraints and pod affinity terms without a labelSelector (they match no "
             "pod), deprecated annotations (critical-pod, sysctls, seccomp and AppArmor annotations without their "
             "fields), deprecated volume plugins (gitRepo, glusterfs, cephfs, rbd...), projected paths that collide "
             "with a service account token, duplicate hostAliases IPs and imagePullSecrets names, empty "
             "imagePullSecrets names, and a negative terminationGracePeriodSeconds.",
        why="The API server accepts the object but warns: the setting is ignored, deprecated, or does nothing.",
        failing="nodeSelector:\n  beta.kubernetes.io/os: linux",
        passing="nodeSelector:\n  kubernetes.io/os: linux")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not built_in(obj):
            return
        spec, at = template.spec, template.pointer + ("spec",)
        selector = spec.get("nodeSelector")
        if isinstance(selector, dict):
            for key in selector:
                message = DEPRECATED_NODE_LABELS.get(key) if isinstance(key, str) else None
                if message:
                    yield errors.warning(at + ("nodeSelector", key), message, anchor="key")
        affinity = spec.get("affinity")
        if isinstance(affinity, dict):
            yield from _affinity(at + ("affinity",), affinity)
        for index, constraint in enumerate(as_list(spec.get("topologySpreadConstraints"))):
            if not isinstance(constraint, dict):
                continue
            where = at + ("topologySpreadConstraints", index)
            key = constraint.get("topologyKey")
            message = DEPRECATED_NODE_LABELS.get(key) if isinstance(key, str) else None
            if message:
                yield errors.warning(where + ("topologyKey",), f"{key} is {message}")
            if constraint.get("labelSelector") is None:
                yield errors.warning(where + ("labelSelector",), NULL_SELECTOR)
        annotations = obj.get(*template.pointer, "metadata", "annotations")
        if annotations.__class__ is dict and annotations:
            yield from _annotations(obj, template.pointer, spec, annotations)
        volumes = spec.get("volumes")
        if volumes.__class__ is list and volumes:
            yield from _volumes(at, volumes)
        if "hostAliases" in spec or "imagePullSecrets" in spec:
            yield from _lists(at, spec)
        grace = spec.get("terminationGracePeriodSeconds")
        if is_int(grace) and grace < 0:
            yield errors.warning(at + ("terminationGracePeriodSeconds",), "must be >= 0; negative values are invalid "
                                                                          "and will be treated as 1")


def _node_term(at: Pointer, term: Any, check_values: bool) -> Iterator[Report]:
    """GetWarningsForNodeSelectorTerm."""
    for index, expression in enumerate(as_list(as_dict(term).get("matchExpressions"))):
        if not isinstance(expression, dict):
            continue
        where = at + ("matchExpressions", index)
        key = expression.get("key")
        message = DEPRECATED_NODE_LABELS.get(key) if isinstance(key, str) else None
        if message:
            yield errors.warning(where + ("key",), f"{key} is {message}")
        if check_values:
            for j, value in enumerate(as_list(expression.get("values"))):
                if isinstance(value, str):
                    for problem in syntax.label_value(value):
                        yield errors.warning(where + ("values", j), f"{value} is invalid, {problem}")


def _affinity(at: Pointer, affinity: Dict[str, Any]) -> Iterator[Report]:
    node = affinity.get("nodeAffinity")
    if isinstance(node, dict):
        required = node.get(REQUIRED)
        terms = as_list(required.get("nodeSelectorTerms")) if isinstance(required, dict) else []
        for index, term in enumerate(terms):
            yield from _node_term(at + ("nodeAffinity", REQUIRED, "nodeSelectorTerms", index), term, False)
        for index, term in enumerate(as_list(node.get(PREFERRED))):
            if isinstance(term, dict):
                yield from _node_term(at + ("nodeAffinity", PREFERRED, index, "preference"), term.get("preference"),
                                      True)
    for kind in AFFINITY_KINDS:
        pod = affinity.get(kind)
        if not isinstance(pod, dict):
            continue
        for index, term in enumerate(as_list(pod.get(REQUIRED))):
            if isinstance(term, dict) and term.get("labelSelector") is None:
                yield errors.warning(at + (kind, REQUIRED, index, "labelSelector"), NULL_SELECTOR)
        for index, weighted in enumerate(as_list(pod.get(PREFERRED))):
            term = weighted.get("podAffinityTerm") if isinstance(weighted, dict) else None
            if isinstance(term, dict) and term.get("labelSelector") is None:
                yield errors.warning(at + (kind, PREFERRED, index, "podAffinityTerm", "labelSelector"), NULL_SELECTOR)


def _annotations(obj: K8sObject, template: Pointer, spec: Dict[str, Any],
                 annotations: Dict[Any, Any]) -> Iterator[Report]:
    where = template + ("metadata", "annotations")
    for key, message in DEPRECATED_ANNOTATIONS.items():
        if key in annotations:
            yield errors.warning(where + (key,), message, anchor="key")
    pod_security = as_dict(spec.get("securityContext"))
    if pod_security.get("seccompProfile") is None and SECCOMP_POD_ANNOTATION in annotations:
        yield errors.warning(where + (SECCOMP_POD_ANNOTATION,), 'non-functional in v1.27+; use the "seccompProfile" '
                                                                "field instead", anchor="key")
    if not any(isinstance(k, str) and k.startswith(_CONTAINER_PREFIXES) for k in annotations):
        return
    pod_apparmor = pod_security.get("appArmorProfile") is not None
    is_template = bool(template)  # Pods get this warning another way (applyAppArmorVersionSkew)
    for container in _containers(obj):
        name, security = container.name, as_dict(container.data.get("securityContext"))
        if name is None:
            continue
        key = SECCOMP_CONTAINER_PREFIX + name
        if security.get("seccompProfile") is None and key in annotations:
            yield errors.warning(where + (key,), 'non-functional in v1.27+; use the "seccompProfile" field instead',
                                 anchor="key")
        key = APPARMOR_CONTAINER_PREFIX + name
        if is_template and not pod_apparmor and security.get("appArmorProfile") is None and key in annotations:
            yield errors.warning(where + (key,), 'deprecated since v1.30; use the "appArmorProfile" field instead',
                                 anchor="key")


def _containers(obj: K8sObject) -> tuple:
    template = obj.pod_template
    return all_containers(template) if template is not None else ()


def _volumes(at: Pointer, volumes: list) -> Iterator[Report]:
    token_paths: Set[str] = set()
    for index, volume in enumerate(volumes):
        if volume.__class__ is not dict:
            continue
        for key in volume:
            message = DEPRECATED_VOLUMES.get(key)
            if message is not None and volume[key] is not None:
                yield errors.warning(at + ("volumes", index, key), message, anchor="key")
        projected = volume.get("projected")
        if projected.__class__ is dict:
            for source in as_list(projected.get("sources")):
                token = as_dict(as_dict(source).get("serviceAccountToken"))
                if isinstance(token.get("path"), str):
                    token_paths.add(token["path"])
    if not token_paths:
        return
    for index, volume in enumerate(volumes):
        sources = as_list(as_dict(as_dict(volume).get("projected")).get("sources"))
        for i, source in enumerate(sources):
            for kind in ("configMap", "secret", "downwardAPI"):
                for j, item in enumerate(as_list(as_dict(as_dict(source).get(kind)).get("items"))):
                    path = as_dict(item).get("path")
                    if isinstance(path, str) and path in token_paths:
                        yield errors.warning(at + ("volumes", index, "projected", "sources", i, kind, "items", j, "path"),
                                             f"has duplicated path with ServiceAccountToken {errors.go_quote(path)}")


def _lists(at: Pointer, spec: Dict[str, Any]) -> Iterator[Report]:
    aliases = as_list(spec.get("hostAliases"))
    if len(aliases) > 1:
        seen: Set[Any] = set()
        for index, alias in enumerate(aliases):
            ip = as_dict(alias).get("ip")
            if not isinstance(ip, str):
                continue
            if ip in seen:
                yield errors.warning(at + ("hostAliases", index, "ip"), f"duplicate ip {errors.go_quote(ip)}")
            seen.add(ip)
    secrets = as_list(spec.get("imagePullSecrets"))
    names: Set[Any] = set()
    for index, secret in enumerate(secrets):
        name = as_dict(secret).get("name", "")
        if not isinstance(name, str):
            continue
        where = at + ("imagePullSecrets", index, "name")
        if name in names and len(secrets) > 1:
            yield errors.warning(where, f"duplicate name {errors.go_quote(name)}")
        names.add(name)
        if name == "":
            yield errors.warning(where, 'invalid empty name ""')
