"""Rule KL608: StorageClasses that claims name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict, as_list, get_path
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS
from ..common.values import dotted
from .producers import producers
from .refs import name_or_none, statefulset_claim_volumes

if TYPE_CHECKING:
    from ...model.context import RuleContext


class MissingStorageClass(Rule):
    """A claim names a StorageClass that the set does not hold."""

    id = "KL608"
    name = "missing-storage-class"
    severity = Severity.WARNING
    summary = "StorageClasses named by claims exist in the set."
    kinds = frozenset({"PersistentVolumeClaim"}) | POD_KINDS
    doc = RuleDoc(
        what="Checks spec.storageClassName of PersistentVolumeClaims, of StatefulSet "
             "volumeClaimTemplates and of ephemeral volume claim templates: the StorageClass must be "
             "in the set when the set holds StorageClasses (or is declared complete), unless a "
             "PersistentVolume in the set has that class (static provisioning). An empty class "
             "(\"\") asks for no class and is not checked.",
        why="A claim whose class does not exist is never provisioned and stays Pending.",
        failing="kind: PersistentVolumeClaim\nspec:\n  storageClassName: fast-ssd   # no such StorageClass",
        passing="kind: PersistentVolumeClaim\nspec:\n  storageClassName: fast   # StorageClass fast is in the set")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for pointer, claim_spec in self._claim_specs(obj):
            name = name_or_none(claim_spec.get("storageClassName"))
            if name is None or not ctx.is_missing("StorageClass", None, name) \
                    or name in producers(ctx.index).pv_classes:
                continue
            at = pointer + ("storageClassName",)
            yield Report(at, f'{dotted(at)}: StorageClass "{name}" not found in the set; the claim '
                             f"is not provisioned and stays Pending unless a PersistentVolume of class "
                             f'"{name}" exists (fix the name, add the StorageClass, or list it in assume-present)')

    @staticmethod
    def _claim_specs(obj: K8sObject) -> Iterator[Tuple[Pointer, Dict[str, Any]]]:
        if obj.kind == "PersistentVolumeClaim":
            yield ("spec",), obj.spec
        if obj.kind == "StatefulSet":
            for index, template in enumerate(as_list(obj.spec.get("volumeClaimTemplates"))):
                yield ("spec", "volumeClaimTemplates", index, "spec"), as_dict(as_dict(template).get("spec"))
        template = obj.pod_template
        if template is not None:
            for index, volume in enumerate(as_list(template.spec.get("volumes"))):
                spec = get_path(volume, ("ephemeral", "volumeClaimTemplate", "spec"))
                if isinstance(spec, dict) and name_or_none(volume.get("name")) not in statefulset_claim_volumes(obj):
                    yield template.pointer + ("spec", "volumes", index, "ephemeral", "volumeClaimTemplate",
                                              "spec"), spec
