"""Rules KL3xx: Services (discovery and load balancing)."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
