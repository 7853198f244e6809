"""KL148 storageclass-spec and KL149 csidriver-spec: what the API server's storage validation
refuses in StorageClasses and CSIDrivers.

Follows kubernetes/kubernetes pkg/apis/storage/validation/validation.go (ValidateStorageClass:
validateProvisioner, validateParameters, validateReclaimPolicy, validateVolumeBindingMode,
validateAllowedTopologies; validateCSIDriverSpec: validateFSGroupPolicy, validateTokenRequests,
validateVolumeLifecycleModes) after the storage/v1 defaults (reclaimPolicy Delete,
volumeBindingMode Immediate, fsGroupPolicy ReadWriteOnceWithFSType).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import duplicate, invalid, not_supported, required, too_long
from .group_fields import items, mapping

if TYPE_CHECKING:
    from ...model.context import RuleContext

RECLAIM_POLICIES = ("Delete", "Retain")
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
MAX_PARAMETERS = 512
MAX_PARAMETERS_SIZE = 256 * 1024


class StorageClassSpec(Rule):
    """ValidateStorageClass."""

    id = "KL148"
    name = "storageclass-spec"
    severity = Severity.ERROR
    summary = "A StorageClass names a provisioner and uses supported reclaimPolicy and volumeBindingMode values."
    kinds = frozenset({"StorageClass"})
    doc = RuleDoc(
        what="provisioner: required, a qualified name (lower-cased). parameters: at most 512, no empty key, "
             "256 KiB in all. reclaimPolicy: Delete or Retain. volumeBindingMode: Immediate or "
             "WaitForFirstConsumer. allowedTopologies: each expression has a key and values, no term twice.",
        why="The API server refuses the StorageClass (ValidateStorageClass in "
            "pkg/apis/storage/validation/validation.go).",
        failing="provisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForConsumer",
        passing="provisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        provisioner = raw.get("provisioner")
        if provisioner == "":
            yield required(("provisioner",), present=True)
        elif isinstance(provisioner, str):
            for problem in validation.qualified_name(provisioner.lower()):
                yield invalid(("provisioner",), provisioner, problem)
        parameters = raw.get("parameters")
        if isinstance(parameters, dict):
            yield from self._parameters(parameters)
        policy = raw.get("reclaimPolicy")
        if isinstance(policy, str) and policy and policy not in RECLAIM_POLICIES:
            yield not_supported(("reclaimPolicy",), policy, RECLAIM_POLICIES)
        mode = raw.get("volumeBindingMode")
        if isinstance(mode, str) and mode not in BINDING_MODES:
            yield not_supported(("volumeBindingMode",), mode, BINDING_MODES)
        yield from self._topologies(items(raw.get("allowedTopologies")))

    @staticmethod
    def _parameters(parameters: Dict[Any, Any]) -> Iterator[Report]:
        if len(parameters) > MAX_PARAMETERS:
            yield too_long(("parameters",), MAX_PARAMETERS)
            return
        size = 0
        for key, value in parameters.items():
            if key == "":
                yield invalid(("parameters",), key, "field can not be empty.")
            size += len(str(key)) + (len(value) if isinstance(value, str) else 0)
        if size > MAX_PARAMETERS_SIZE:
            yield too_long(("parameters",), MAX_PARAMETERS_SIZE)

    @staticmethod
    def _topologies(terms: list) -> Iterator[Report]:
        seen = []
        for index, term in enumerate(terms):
            at = ("allowedTopologies", index, "matchLabelExpressions")
            expressions = {}
            for number, expression in enumerate(items(mapping(term).get("matchLabelExpressions"))):
                expression = mapping(expression)
                key, values = expression.get("key"), items(expression.get("values"))
                if isinstance(key, str):
                    for problem in validation.qualified_name(key):
                        yield invalid(at + (number, "key"), key, problem)
                if not values:
                    yield required(at + (number, "values"), "must specify as least one value",
                                   present="values" in expression)
                if isinstance(key, str):
                    expressions[key] = frozenset(v for v in values if isinstance(v, str))
            if expressions in seen:
                yield duplicate(at, "")
            seen.append(expressions)


FS_GROUP_POLICIES = ("File", "None", "ReadWriteOnceWithFSType")
LIFECYCLE_MODES = ("Ephemeral", "Persistent")


class CsiDriverSpec(Rule):
    """validateCSIDriverSpec."""

    id = "KL149"
    name = "csidriver-spec"
    severity = Severity.ERROR
    summary = "A CSIDriver's fsGroupPolicy, volumeLifecycleModes and tokenRequests are ones the API server accepts."
    kinds = frozenset({"CSIDriver"})
    doc = RuleDoc(
        what="spec.fsGroupPolicy: File, None or ReadWriteOnceWithFSType. spec.volumeLifecycleModes: Persistent "
             "or Ephemeral. spec.tokenRequests: each audience once, expirationSeconds at least 600 and below "
             "2^32.",
        why="The API server refuses the CSIDriver (validateCSIDriverSpec in "
            "pkg/apis/storage/validation/validation.go).",
        failing="spec:\n  fsGroupPolicy: Files", passing="spec:\n  fsGroupPolicy: File")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        policy = spec.get("fsGroupPolicy")
        if isinstance(policy, str) and policy not in FS_GROUP_POLICIES:
            yield not_supported(("spec", "fsGroupPolicy"), policy, FS_GROUP_POLICIES)
        for index, mode in enumerate(items(spec.get("volumeLifecycleModes"))):
            if isinstance(mode, str) and mode not in LIFECYCLE_MODES:
                yield not_supported(("spec", "volumeLifecycleModes", index), mode, LIFECYCLE_MODES)
        audiences = set()
        for index, request in enumerate(items(spec.get("tokenRequests"))):
            request = mapping(request)
            at = ("spec", "tokenRequests", index)
            audience = request.get("audience")
            if isinstance(audience, str):
                if audience in audiences:
                    yield duplicate(at + ("audience",), audience)
                audiences.add(audience)
            seconds = request.get("expirationSeconds")
            if is_int(seconds):
                if seconds < 600:
                    yield invalid(at + ("expirationSeconds",), seconds,
                                  "may not specify a duration less than 10 minutes")
                elif seconds > 2 ** 32:
                    yield invalid(at + ("expirationSeconds",), seconds,
                                  "may not specify a duration larger than 2^32 seconds")
