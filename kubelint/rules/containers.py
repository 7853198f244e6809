"""Rules KL50x-KL53x: containers, ports, probes, resources and images."""

from __future__ import annotations

from typing import List

from .base import Rule


def rules() -> List[Rule]:
    return []
