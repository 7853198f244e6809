"""The rules of the non-core API groups' validation (KL140-KL169), one per group area."""

from __future__ import annotations

from typing import List

from ..base import Rule


def group_rules() -> List[Rule]:
    from .apps import AppsSpec
    from .batch import CronJobSpec, JobSpec
    from .policy import PodDisruptionBudgetSpec
    from .rbac import RbacBinding, RbacRole

    return [AppsSpec(), CronJobSpec(), JobSpec(), PodDisruptionBudgetSpec(), RbacBinding(), RbacRole()]
