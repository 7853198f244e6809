"""Rules KL120-KL169: the API server's hand-written validation of built-in kinds
(pkg/apis/*/validation, apimachinery's ValidateObjectMeta), one module per area, with messages
in the API server's own terms (errors.py). KL120-KL139 cover the core group and object
metadata; KL140-KL169 the other groups (groups.py)."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from .config import ConfigData
    from .containers import ContainerFields
    from .core_objects import CoreObjects
    from .groups import group_rules
    from .meta import ObjectMetadata
    from .pod_scheduling import PodScheduling
    from .pod_security import PodSecurityContext
    from .pod_spec import PodSpecFields
    from .pod_volumes import PodVolumes
    from .pod_warnings import PodWarnings
    from .storage import PersistentStorage

    return [ObjectMetadata(), PodSpecFields(), ContainerFields(), PodScheduling(), PodVolumes(),
            PodSecurityContext(), PodWarnings(),
            ConfigData(), PersistentStorage(), CoreObjects()] + group_rules()
