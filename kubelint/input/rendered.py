"""Rendered input: `kustomize build` output, and Helm's `# Source:` comments, which say which
template each rendered document came from."""

from __future__ import annotations

import bisect
import os
from typing import List, Optional, Tuple

from .files import DiscoveryError, InputFile

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
RENDER_TIMEOUT_SECONDS = 120
SOURCE_PREFIX = "# Source: "


def is_kustomization(directory: str) -> bool:
    return any(os.path.isfile(os.path.join(directory, name)) for name in KUSTOMIZATION_FILES)


def kustomize_command(directory: str) -> List[str]:
    """`kubectl kustomize DIR` or `kustomize build DIR`, whichever is installed."""
    import shutil  # the kustomize functions import what only they need: every run reads Helm comments

    if shutil.which("kubectl"):
        return ["kubectl", "kustomize", directory]
    if shutil.which("kustomize"):
        return ["kustomize", "build", directory]
    raise DiscoveryError(f"--kustomize needs kubectl or kustomize on PATH to render {directory}: install "
                         "kubectl (https://kubernetes.io/docs/tasks/tools/) or kustomize "
                         "(https://kubectl.docs.kubernetes.io/installation/kustomize/)")


def kustomize_input(directory: str) -> InputFile:
    """The rendered output of a kustomization directory, as one input named after it."""
    import subprocess

    command = kustomize_command(directory)
    try:
        completed = subprocess.run(command, capture_output=True, timeout=RENDER_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiscoveryError(f"{' '.join(command)} failed: {exc}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip() or f"exit code {completed.returncode}"
        raise DiscoveryError(f"{' '.join(command)} failed: {message}")
    label = f"{os.path.normpath(directory)}/kustomization (rendered)"
    return InputFile(label, label, content=completed.stdout)


class SourceComments:
    """Where Helm's `# Source: chart/templates/x.yaml` comments are in a rendered stream."""

    def __init__(self, text: str) -> None:
        self._lines: List[int] = []  # 1-based line of each comment
        self._paths: List[str] = []
        if SOURCE_PREFIX not in text:
            return
        # A find loop, not a regex: `^# Source: (\S.*?)\s*$` took quadratic time on a comment
        # with a long run of spaces. Lines are counted on from the previous comment.
        line, counted = 1, 0
        start = 0 if text.startswith(SOURCE_PREFIX) else _next_comment(text, 0)
        while start != -1:
            end = text.find("\n", start)
            end = len(text) if end == -1 else end
            path = text[start + len(SOURCE_PREFIX):end]
            if path and not path[0].isspace():
                line += text.count("\n", counted, start)
                counted = start
                self._lines.append(line)
                self._paths.append(path.rstrip())
            start = _next_comment(text, end)

    def __bool__(self) -> bool:
        return bool(self._lines)

    def attribute(self, line: int) -> Optional[Tuple[str, int]]:
        """(template path, line within its rendered document) for a line of the stream."""
        at = bisect.bisect_right(self._lines, line) - 1
        if at < 0 or self._lines[at] == line:
            return None
        return self._paths[at], line - self._lines[at]


def _next_comment(text: str, after: int) -> int:
    """Offset of the next line at or after `after` that starts with `# Source: `, or -1."""
    found = text.find("\n" + SOURCE_PREFIX, after)
    return -1 if found == -1 else found + 1
