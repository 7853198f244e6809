"""Rules KL2xx: object names, labels, annotations and namespaces."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
