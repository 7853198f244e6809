"""Rules KL6xx: config, secrets, storage and service-account references; plain-text secrets."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from .missing import (
        MissingConfigMap,
        MissingPersistentVolumeClaim,
        MissingSecret,
        MissingServiceAccount,
    )
    from .rbac import MissingBindingServiceAccount, MissingRole
    from .secrets import CommittedSecret, ConfigMapHoldsSecret, EnvPlainTextSecret
    from .storage import MissingStorageClass

    return [MissingConfigMap(), MissingSecret(), MissingPersistentVolumeClaim(), MissingServiceAccount(),
            EnvPlainTextSecret(), ConfigMapHoldsSecret(), CommittedSecret(), MissingStorageClass(),
            MissingRole(), MissingBindingServiceAccount()]
