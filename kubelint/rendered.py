"""Rendered input: Kustomize directories (and, later, Helm `# Source:` attribution)."""

from __future__ import annotations

from .discover import DiscoveryError, InputFile


def kustomize_input(directory: str) -> InputFile:
    raise DiscoveryError(f"--kustomize is not available yet (asked to render {directory})")
