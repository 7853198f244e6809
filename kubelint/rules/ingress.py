"""Rules KL4xx: Ingresses (HTTP routing to Services, TLS, virtual hosts)."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
