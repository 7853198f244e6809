"""What discovery hands on: one input to read (a file, stdin or rendered output), and its error."""

from __future__ import annotations

from typing import Optional

from ..named_tuple import NamedTuple


class DiscoveryError(Exception):
    """A path given on the command line does not exist (exit code 2)."""


class GitError(Exception):
    """A git operation the user asked for failed (an unknown revision, say): exit code 2."""


class InputFile(NamedTuple):  # not a frozen dataclass: 4x cheaper to define at start-up
    path: str  # as shown in findings: relative stays relative; "-" for stdin
    real_path: str  # what to open; "-" for stdin
    content: Optional[bytes] = None  # already rendered (kustomize): no file to open
    problem: Optional[str] = None  # found but unreadable (a directory that cannot be listed)
