"""Security: Pod Security admission (KL8xx, pod_security.py) and hardening best practices that
Pod Security does not cover (KL7xx, one module per topic)."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from . import pod_security

    return pod_security.rules()
