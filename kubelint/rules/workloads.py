"""Rules KL54x-KL59x: workload selectors, restart policies, rollouts, StatefulSets and volumes."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
