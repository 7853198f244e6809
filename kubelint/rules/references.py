"""Rules KL6xx: config, secrets, storage and service-account references; plain-text secrets."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
