"""KL140 apps-spec: what the API server's apps validation refuses in Deployments, ReplicaSets,
StatefulSets and DaemonSets, beyond the checks of the workloads family.

Follows kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
ValidateDeploymentStrategy, ValidateReplicaSetSpec, ValidatePodTemplateSpecForReplicaSet,
ValidateStatefulSetSpec, ValidatePersistentVolumeClaimRetentionPolicyType,
validateRollingUpdateStatefulSet, ValidateVolumeClaimTemplates, ValidateDaemonSetSpec,
ValidateDaemonSetUpdateStrategy) after the apps/v1 defaults (pkg/apis/apps/v1/defaults.go); the
StatefulSet checks are in statefulset.py. Left to other rules: negative counts (KL545),
rolling update parameters (KL543), the progress deadline (KL546), selector syntax and the
selector matching its template (KL540, KL202), restart policies (KL542), fields the schema
requires of a written spec or template (KL103), mounts that name no volume or claim template
(KL548).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .errors import forbidden, invalid, not_supported, required
from .group_fields import get
from .statefulset import stateful_set_spec
from .version import kubernetes_minor

if TYPE_CHECKING:
    from ...model.context import RuleContext

APPS_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"})
# The kind named in "activeDeadlineSeconds in X is not Supported" (Deployments share the
# ReplicaSet template check).
_TEMPLATE_OWNER = {"Deployment": "ReplicaSet", "ReplicaSet": "ReplicaSet", "StatefulSet": "StatefulSet",
                   "DaemonSet": "DaemonSet"}


class AppsSpec(Rule):
    """The apps group's own validation of workload specs."""

    id = "KL140"
    name = "apps-spec"
    severity = Severity.ERROR
    summary = "Deployment, ReplicaSet, StatefulSet and DaemonSet specs pass the API server's apps validation."
    kinds = APPS_KINDS
    doc = RuleDoc(
        what="Reports what pkg/apis/apps/validation refuses and no other rule covers: a spec with no "
             "selector or pod containers because `spec` or `template.spec` is missing (the server requires "
             "them even then), a Deployment strategy type or DaemonSet updateStrategy "
             "type other than the supported ones, a StatefulSet podManagementPolicy, updateStrategy type or "
             "persistentVolumeClaimRetentionPolicy value it does not know, a rollingUpdate with updateStrategy "
             "OnDelete, a serviceName that is not a DNS label, volumeClaimTemplates whose claim spec "
             "PersistentVolumeClaim validation refuses (access modes, storage request, class, volumeMode, "
             "data sources) or whose name is not a DNS label, activeDeadlineSeconds in the pod template, and "
             "(a warning, the field is feature-gated) a StatefulSet rollingUpdate.maxUnavailable of 0 or not a "
             "valid int or percent.",
        why="The API server refuses the object (ValidateDeploymentSpec, ValidateDeploymentStrategy, "
            "ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec, ValidateVolumeClaimTemplates, "
            "ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy in pkg/apis/apps/validation/validation.go). "
            "serviceName is validated since Kubernetes 1.33 and claim templates since 1.34; before, the "
            "StatefulSet is accepted and its pods or claims are refused, so nothing runs (the message says so).",
        failing="kind: StatefulSet\nspec:\n  podManagementPolicy: parallel",
        passing="kind: StatefulSet\nspec:\n  podManagementPolicy: Parallel")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != "apps/v1":
            return  # older apps versions are removed (KL104)
        raw = obj.raw
        spec = raw.get("spec")
        if spec is None:
            yield from self._no_spec(obj.kind)
            return
        if not isinstance(spec, dict):
            return  # the schema reports the type
        yield from self._template(obj.kind, spec)
        if obj.kind == "Deployment":
            yield from self._deployment(spec)
        elif obj.kind == "StatefulSet":
            yield from stateful_set_spec(spec, kubernetes_minor(ctx))
        elif obj.kind == "DaemonSet":
            yield from self._daemon_set(spec)

    @staticmethod
    def _no_spec(kind: str) -> Iterator[Report]:
        """Every field of a missing spec takes its zero value, and the server still requires them."""
        if kind == "DaemonSet":
            # ValidateLabelSelector(nil) passes, and the nil selector then matches no labels.
            yield invalid(("spec", "template", "metadata", "labels"), None,
                          "`selector` does not match template `labels` (spec is missing: a DaemonSet needs "
                          "spec.selector and spec.template)")
        else:
            yield required(("spec", "selector"), "spec is missing: set spec.selector and spec.template")
        if kind != "StatefulSet":  # a StatefulSet's pod template is not validated as a pod spec
            yield required(("spec", "template", "spec", "containers"))

    @staticmethod
    def _template(kind: str, spec: Dict[str, Any]) -> Iterator[Report]:
        template = spec.get("template")
        if not isinstance(template, dict):
            return  # missing: the schema requires it (KL103)
        pod = template.get("spec")
        if pod is None:
            if kind != "StatefulSet":
                yield required(("spec", "template", "spec", "containers"),
                               "spec.template.spec is missing: a pod template needs containers")
            return
        if isinstance(pod, dict) and pod.get("activeDeadlineSeconds") is not None:
            yield forbidden(("spec", "template", "spec", "activeDeadlineSeconds"),
                            f"activeDeadlineSeconds in {_TEMPLATE_OWNER[kind]} is not Supported", anchor="key")

    @staticmethod
    def _deployment(spec: Dict[str, Any]) -> Iterator[Report]:
        kind = get(spec, "strategy", "type")
        if isinstance(kind, str) and kind and kind not in ("Recreate", "RollingUpdate"):
            yield not_supported(("spec", "strategy", "type"), kind, ("Recreate", "RollingUpdate"))

    @staticmethod
    def _daemon_set(spec: Dict[str, Any]) -> Iterator[Report]:
        kind = get(spec, "updateStrategy", "type")
        if isinstance(kind, str) and kind and kind not in ("RollingUpdate", "OnDelete"):
            yield not_supported(("spec", "updateStrategy", "type"), kind, ("RollingUpdate", "OnDelete"))
