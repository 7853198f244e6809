"""Admission rules (KL820-KL849): what the cluster's admission plugins, configured by objects of
the set, would refuse: LimitRange (limit_range), ResourceQuota (quota), ValidatingAdmissionPolicy (policy), and bin packing
against config `nodes:` (nodes)."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from . import limit_range, nodes, policy, quota

    return [*limit_range.rules(), *quota.rules(), *policy.rules(), *nodes.rules()]
