"""API migrations: an object of a deprecated or removed apiVersion moved to the version the
chosen Kubernetes version serves (KL104, KL105), following the deprecation table's replacements
straight to the newest one served (flowcontrol v1beta1 -> v1beta3 -> v1 is one step).

The move is offered only when the converted object fits the target version's schema without an
unknown or missing field: a structure the conversions do not know is left to a person. Also here:
an apps/v1 workload without a selector gets one from its template's labels (unsafe: a guess).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from ...findings import Applicability, Finding
from ...schemas.deprecations import lookup
from ..ops import Op, SetValue, apply
from .base import Proposal, Provider, Target
from .conversions import NotMechanical, convert, selector_from_labels

if TYPE_CHECKING:
    from ...schemas.store import SchemaStore

_STRUCTURE_RULES = ("KL102", "KL103")  # unknown field, missing field
WORKLOADS = frozenset({"Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"})


def served_replacement(api_version: str, kind: str, store: "SchemaStore") -> Optional[str]:
    """The newest apiVersion along the replacement chain of (api_version, kind) that the
    store's Kubernetes version serves; for a kind that has no schema at all (audit Policy, say),
    the chain's end."""
    chain: List[str] = []
    entry = lookup(api_version, kind)
    while entry is not None and entry.replacement and entry.replacement not in chain and entry.replacement != api_version:
        chain.append(entry.replacement)
        entry = lookup(entry.replacement, kind)
    served = [version for version in chain if store.has_kind(version, kind)]
    if served:
        return served[-1]
    if chain and not any(kind in kinds for kinds in store.kinds().values()):
        return chain[-1]
    return None


class ApiMigration(Provider):
    name = "api-migration"
    rules = frozenset({"KL104", "KL105"})

    def wants(self, finding: Finding) -> bool:
        ref = finding.object
        return ref is not None and finding.json_path.endswith("/apiVersion") and \
            lookup(ref.api_version, ref.kind) is not None

    def propose(self, target: Target) -> Optional[Proposal]:
        data = target.data
        source, kind = data.get("apiVersion"), data.get("kind")
        if target.pointer != ("apiVersion",) or not isinstance(source, str) or not isinstance(kind, str):
            return None
        store = target.context.store
        destination = served_replacement(source, kind, store)
        if destination is None:
            return None
        try:
            conversion = convert(kind, source, destination, data)
        except NotMechanical:
            return None
        ops: List[Op] = [SetValue(("apiVersion",), destination)] + conversion.ops
        validator = store.validator(destination, kind)
        if validator is not None:
            migrated = apply(data, ops)
            if any(issue.rule in _STRUCTURE_RULES for issue in validator.issues(migrated, strict=True)):
                return None
        description = f"apiVersion {source} -> {destination}"
        if conversion.notes:
            description += " (" + "; ".join(conversion.notes) + ")"
        if conversion.unsafe:
            description += "; unsafe: " + "; ".join(conversion.unsafe)
        applicability = Applicability.UNSAFE if conversion.unsafe else Applicability.SAFE
        return Proposal(description, applicability, tuple(ops))


class WorkloadSelector(Provider):
    """`spec: missing required field "selector"` on an apps/v1 workload: the template's labels
    as spec.selector.matchLabels. Unsafe: the selector is immutable once created, and the
    template may carry labels (a version) that should not select."""

    name = "workload-selector"
    rules = frozenset({"KL103"})

    def wants(self, finding: Finding) -> bool:
        return finding.rule == "KL103" and finding.message.endswith('missing required field "selector"') and \
            finding.object is not None and finding.object.kind in WORKLOADS

    def propose(self, target: Target) -> Optional[Proposal]:
        if target.pointer != ("spec",) or target.data.get("apiVersion") != "apps/v1":
            return None
        add = selector_from_labels(target.data)
        if add is None:
            return None
        return Proposal("spec.selector.matchLabels from the template's labels; unsafe: the selector cannot change "
                        "after creation, check that every one of those labels should select",
                        Applicability.UNSAFE, (add,))
