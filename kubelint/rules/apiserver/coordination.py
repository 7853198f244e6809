"""KL153 lease-spec: what the API server's coordination validation refuses in Leases.

Follows kubernetes/kubernetes pkg/apis/coordination/validation/validation.go (ValidateLeaseSpec).
The strategy and preferredHolder fields belong to an alpha feature and are not checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import invalid

if TYPE_CHECKING:
    from ...model.context import RuleContext


class LeaseSpec(Rule):
    """ValidateLeaseSpec."""

    id = "KL153"
    name = "lease-spec"
    severity = Severity.ERROR
    summary = "A Lease's leaseDurationSeconds is positive and its leaseTransitions not negative."
    kinds = frozenset({"Lease"})
    doc = RuleDoc(
        what="Reports spec.leaseDurationSeconds of 0 or less and negative spec.leaseTransitions "
             "(beyond int32 is the schema step's KL101).",
        why="The API server refuses the Lease (ValidateLeaseSpec in "
            "pkg/apis/coordination/validation/validation.go).",
        failing="spec:\n  leaseDurationSeconds: 0", passing="spec:\n  leaseDurationSeconds: 15")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        duration, transitions = spec.get("leaseDurationSeconds"), spec.get("leaseTransitions")
        if is_int(duration) and duration <= 0:
            yield invalid(("spec", "leaseDurationSeconds"), duration, "must be greater than 0")
        if is_int(transitions) and transitions < 0:
            yield invalid(("spec", "leaseTransitions"), transitions, "must be greater than or equal to 0")
