"""Rules KL601-KL604: ConfigMaps, Secrets, claims and ServiceAccounts that pod templates name.

They say "X is missing" only through `ctx.is_missing`, so a partial set never produces them for
kinds it had no chance to hold. What the kubelet does with a missing reference
(pkg/kubelet/kubelet_pods.go, pkg/volume/{secret,configmap,projected}): a non-optional ConfigMap
or Secret that is absent, or present without the named key, keeps the container from starting;
`optional: true` makes the kubelet skip it. A missing PersistentVolumeClaim keeps the pod
Pending, and the ServiceAccount admission plugin refuses pods whose ServiceAccount does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS
from ..common.values import dotted
from .keys import key_list, keys_of_named
from .producers import produced
from .refs import refs_by_kind

if TYPE_CHECKING:
    from ...model.context import RuleContext


_CONSEQUENCE = {
    "container": "the container will not start until it exists",
    "volume": "the pod cannot mount the volume and will not start until it exists",
    "pull": "the kubelet pulls images without these credentials, so pulls from a private registry fail",
    "claim": "the pod stays Pending until it exists",
    "pod": "the API server refuses to create the pods until it exists",
}
_KEY_CONSEQUENCE = {
    "container": "the container fails to start with CreateContainerConfigError",
    "volume": "the volume cannot be set up, so the pod will not start",
}


# One rule per referenced kind, so that users can ignore one kind.
class _MissingReference(Rule):
    """Shared logic: report references of `ref_kind` that the set lacks, and missing keys."""

    ref_kind: str = ""
    kinds = POD_KINDS

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        refs = refs_by_kind(obj).get(self.ref_kind)
        if not refs:
            return
        namespace = obj.namespace
        for ref in refs:
            present = ctx.index.all_named(ref.kind, namespace, ref.name)
            if not present:
                if ref.optional or not ctx.is_missing(ref.kind, namespace, ref.name) \
                        or produced(ctx.index, ref.kind, namespace, ref.name):
                    continue
                fix = "add it to the set, fix the name"
                if ref.can_be_optional and ref.use in ("container", "volume"):  # ConfigMap and Secret refs
                    fix += ", mark the reference optional: true"
                yield Report(ref.pointer, f'{dotted(ref.pointer)}: {ref.kind} "{ref.name}" not found '
                                          f'in namespace "{namespace}"; {_CONSEQUENCE[ref.use]} '
                                          f"({fix}, or list it in assume-present)")
                continue
            if ref.optional or not ref.keys:
                continue
            keys = keys_of_named(ctx.index, ref.kind, namespace, ref.name)
            if not keys:  # an empty object is usually filled at run time: no claim about its keys
                continue
            for key in ref.keys:
                if key.key not in keys:
                    yield Report(key.pointer, f'{dotted(key.pointer)}: key "{key.key}" is not in '
                                              f'{ref.kind} "{ref.name}" (it has {key_list(keys)}); '
                                              f"{_KEY_CONSEQUENCE[ref.use]} "
                                              "(fix the key, or mark the reference optional: true)")


class MissingConfigMap(_MissingReference):
    """A pod template names a ConfigMap (or a key of one) that the set does not hold."""

    id = "KL601"
    name = "missing-configmap"
    severity = Severity.WARNING
    summary = "ConfigMaps (and their keys) referenced by pods exist in the set."
    ref_kind = "ConfigMap"
    doc = RuleDoc(
        what="Checks envFrom[].configMapRef, env[].valueFrom.configMapKeyRef, configMap volumes and "
             "projected configMap sources of every pod template: the ConfigMap must be in the set "
             "(when the set holds ConfigMaps of that namespace, or is declared complete) or be made by a "
             "kustomize configMapGenerator beside the input files, and a key "
             "named by configMapKeyRef.key or items[].key must be in its data or binaryData. "
             "References marked optional: true are skipped.",
        why="The kubelet will not start a container whose non-optional ConfigMap or key is missing "
            "(CreateContainerConfigError, or a volume that cannot be mounted).",
        failing="env:\n- name: MODE\n  valueFrom:\n    configMapKeyRef: {name: app-config, key: mode}\n"
                "# no ConfigMap app-config in the namespace",
        passing="env:\n- name: MODE\n  valueFrom:\n    configMapKeyRef: {name: app-config, key: mode, optional: true}")


class MissingSecret(_MissingReference):
    """A pod template names a Secret (or a key of one) that the set does not hold."""

    id = "KL602"
    name = "missing-secret"
    severity = Severity.WARNING
    summary = "Secrets (and their keys) referenced by pods exist in the set."
    ref_kind = "Secret"
    doc = RuleDoc(
        what="Checks envFrom[].secretRef, env[].valueFrom.secretKeyRef, secret volumes, projected "
             "secret sources, csi.nodePublishSecretRef and imagePullSecrets of every pod template: "
             "the Secret must be in the set (when the set holds Secrets of that namespace, or is "
             "declared complete) or be created by a controller in the set (SealedSecret, "
             "ExternalSecret, cert-manager Certificate, ...), and a key named by secretKeyRef.key or "
             "items[].key must be in its data or stringData. References marked optional: true are "
             "skipped.",
        why="The kubelet will not start a container whose non-optional Secret or key is missing; a "
            "missing image pull secret makes pulls from a private registry fail.",
        failing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: pasword}\n"
                "# Secret db has the key password",
        passing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}")


class MissingPersistentVolumeClaim(_MissingReference):
    """A pod template mounts a PersistentVolumeClaim that the set does not hold."""

    id = "KL603"
    name = "missing-pvc"
    severity = Severity.WARNING
    summary = "PersistentVolumeClaims mounted by pods exist in the set."
    ref_kind = "PersistentVolumeClaim"
    doc = RuleDoc(
        what="Checks volumes[].persistentVolumeClaim.claimName of every pod template: the claim must "
             "be in the set (when the set holds claims of that namespace, or is declared complete), "
             "or be one that a StatefulSet's volumeClaimTemplates create (<template>-<set>-<ordinal>).",
        why="A pod whose claim does not exist stays Pending.",
        failing="volumes:\n- name: data\n  persistentVolumeClaim: {claimName: date}\n# the claim is named data",
        passing="volumes:\n- name: data\n  persistentVolumeClaim: {claimName: data}")


class MissingServiceAccount(_MissingReference):
    """A pod template runs as a ServiceAccount that the set does not hold."""

    id = "KL604"
    name = "missing-service-account"
    severity = Severity.WARNING
    summary = "The ServiceAccount a pod runs as exists in the set."
    ref_kind = "ServiceAccount"
    doc = RuleDoc(
        what="Checks spec.serviceAccountName (or the deprecated spec.serviceAccount) of every pod "
             "template: the ServiceAccount must be in the set when the set holds ServiceAccounts of "
             "that namespace (or is declared complete). \"default\" always exists.",
        why="The ServiceAccount admission plugin rejects pods whose ServiceAccount does not exist, so "
            "the workload never gets pods.",
        failing="spec:\n  serviceAccountName: api-server   # no such ServiceAccount in the namespace",
        passing="spec:\n  serviceAccountName: api   # ServiceAccount api is in the set")
