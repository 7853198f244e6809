"""The chosen Kubernetes minor version, for checks that follow feature-gate defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict

if TYPE_CHECKING:
    from ...model.context import RuleContext

_MINORS: Dict[str, int] = {}


def kubernetes_minor(ctx: "RuleContext") -> int:
    """ctx.kubernetes_minor(), parsed once per version string (rules ask for every object)."""
    version = ctx.kubernetes_version
    minor = _MINORS.get(version)
    if minor is None:
        minor = _MINORS[version] = ctx.kubernetes_minor()
    return minor
