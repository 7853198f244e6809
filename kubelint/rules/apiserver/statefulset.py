"""The StatefulSet part of KL140 apps-spec: kubernetes/kubernetes
pkg/apis/apps/validation/validation.go ValidateStatefulSetSpec (with
ValidatePersistentVolumeClaimRetentionPolicy, validateRollingUpdateStatefulSet and
ValidateVolumeClaimTemplates) after the apps/v1 defaults (pkg/apis/apps/v1/defaults.go
SetDefaults_StatefulSet: podManagementPolicy OrderedReady, updateStrategy RollingUpdate with
partition 0, retention policy Retain, so only written values can be wrong).

Two checks arrived upstream later than the oldest Kubernetes kubelint supports. Before them the
API server accepts the StatefulSet and its controller is refused instead, so nothing runs; both
are errors at every version, the message says which:
- spec.serviceName is a DNS-1123 label since 1.33 (kubernetes/kubernetes#130233); before, it
  becomes each pod's spec.subdomain, which pod validation refuses.
- volumeClaimTemplates are validated since 1.34 (kubernetes/kubernetes#132212,
  ValidateVolumeClaimTemplates: ValidatePersistentVolumeClaimSpec on each template's spec);
  before, the controller's PersistentVolumeClaims are refused (kubernetes/kubernetes#132211).
A template's name becomes a pod volume name (validateVolumes: a DNS-1123 label) and the prefix of
its claims' names, so an empty or non-label name is certainly broken too.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

from ...findings import Pointer, Severity
from ..base import Report
from . import syntax
from .errors import invalid, not_supported, required
from .group_fields import get, items, mapping, percent_value, positive_int_or_percent

SERVICE_NAME_VALIDATED_SINCE = 33
CLAIM_TEMPLATES_VALIDATED_SINCE = 34
RETENTION_POLICY_SINCE = 27  # StatefulSetAutoDeletePVC: alpha (the field dropped) before 1.27
_SUBDOMAIN_HINT = ("the API server accepts it before Kubernetes 1.33, but it is each pod's spec.subdomain, "
                   "so every pod is refused")
_CLAIM_HINT = ("the API server accepts it before Kubernetes 1.34, but the PersistentVolumeClaims the "
               "controller creates from this template are refused, so no pod starts")


def stateful_set_spec(spec: Dict[str, Any], minor: int) -> Iterator[Report]:
    """ValidateStatefulSetSpec, less what other rules report (negative counts KL545, selectors
    KL540, restart policy KL542, a rollingUpdate beside OnDelete KL543, activeDeadlineSeconds in
    apps.py)."""
    policy = spec.get("podManagementPolicy")
    if isinstance(policy, str) and policy and policy not in ("OrderedReady", "Parallel"):
        yield invalid(("spec", "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
    kind = get(spec, "updateStrategy", "type")
    if isinstance(kind, str) and kind and kind not in ("RollingUpdate", "OnDelete"):
        yield invalid(("spec", "updateStrategy", "type"), kind, "must be 'RollingUpdate' or 'OnDelete'")
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict) and minor >= RETENTION_POLICY_SINCE:
        for key in ("whenDeleted", "whenScaled"):
            value = retention.get(key)
            if isinstance(value, str) and value and value not in ("Retain", "Delete"):
                yield not_supported(("spec", "persistentVolumeClaimRetentionPolicy", key), value,
                                    ("Retain", "Delete"))
    if kind in (None, "", "RollingUpdate"):
        yield from _max_unavailable(mapping(get(spec, "updateStrategy", "rollingUpdate")))
    yield from _service_name(spec.get("serviceName"), minor)
    for index, template in enumerate(items(spec.get("volumeClaimTemplates"))):
        if isinstance(template, dict):
            yield from _claim_template(template, ("spec", "volumeClaimTemplates", index), minor)


def _max_unavailable(rolling: Dict[str, Any]) -> Iterator[Report]:
    """validateRollingUpdateStatefulSet; the field only exists with the MaxUnavailableStatefulSet
    feature gate (off by default for most versions), so these are warnings."""
    raw = rolling.get("maxUnavailable")
    if raw is None:
        return
    pointer = ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable")
    for report in positive_int_or_percent(pointer, raw, at_most_100=True):
        yield report._replace(severity=Severity.WARNING)
    if percent_value(raw) == 0:
        yield invalid(pointer, raw, "cannot be 0", severity=Severity.WARNING)


def _service_name(name: Any, minor: int) -> Iterator[Report]:
    """ValidateDNS1123Label(spec.serviceName) when set (serviceName is optional)."""
    if not isinstance(name, str) or not name:
        return
    hint = "" if minor >= SERVICE_NAME_VALIDATED_SINCE else _SUBDOMAIN_HINT
    for problem in syntax.dns1123_label(name):
        yield invalid(("spec", "serviceName"), name, problem, hint=hint)


def _claim_template(template: Dict[str, Any], at: Pointer, minor: int) -> Iterator[Report]:
    from .storage import pvc_spec

    hint = "" if minor >= CLAIM_TEMPLATES_VALIDATED_SINCE else _CLAIM_HINT
    metadata = template.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    name_hint = "each pod gets a volume of this name, and volume names must be DNS labels"
    if name is None or name == "":
        yield required(at + ("metadata", "name"), present=name == "", hint=name_hint)
    elif isinstance(name, str):
        for problem in syntax.dns1123_label(name):
            yield invalid(at + ("metadata", "name"), name, problem, hint=name_hint)
    spec = template.get("spec")
    if spec is None:
        spec = {}  # a missing spec is an empty one: the claim then lacks access modes and storage
    if not isinstance(spec, dict):
        return  # the schema reports the type
    for report in pvc_spec(at + ("spec",), spec, minor):
        yield report._replace(message=f"{report.message} ({hint})") if hint else report
