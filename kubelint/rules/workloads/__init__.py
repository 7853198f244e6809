"""Rules KL540-KL552: workload selectors, restart policies, rollouts, volumes and related objects."""

from __future__ import annotations

from typing import List

from ..base import Rule
from .relations import HpaTargetMissing, PdbSelectsNoPods, StatefulSetService
from .restart_policy import WorkloadRestartPolicy
from .rollout import NegativeCount, ProgressDeadline, RollbackDisabled, RolloutStrategy
from .selectors import JobGeneratedSelector, SelectorTemplateMismatch
from .volumes import DuplicateVolume, MountCollision, VolumeNotFound


def rules() -> List[Rule]:
    return [SelectorTemplateMismatch(), JobGeneratedSelector(), WorkloadRestartPolicy(), RolloutStrategy(),
            RollbackDisabled(), NegativeCount(), ProgressDeadline(), StatefulSetService(), VolumeNotFound(),
            DuplicateVolume(), MountCollision(), HpaTargetMissing(), PdbSelectsNoPods()]
