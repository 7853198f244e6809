"""What the API server's own validation refuses (owned by api-core; a placeholder here)."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from .groups import group_rules

    return group_rules()
