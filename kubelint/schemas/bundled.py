"""The Kubernetes schemas shipped inside the package: one gzip file per minor version.

The files are made by ``scripts/update_schemas.py``; ``data/manifest.json`` lists the
versions and the sha256 of every file. Each file decompresses to::

    {"kubernetesVersion": "1.37", "source": "kubernetes-validate==...",
     "$defs": {definition name: JSON Schema (2020-12)},
     "kinds": {apiVersion: {kind: definition name}}}

This module is on the startup path: it imports no JSON Schema library.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import os
from typing import Any

__all__ = [
    "UnknownVersionError",
    "available_versions",
    "latest_version",
    "load_version",
    "verify_checksums",
]

_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


class UnknownVersionError(ValueError):
    """A Kubernetes version for which no schema is bundled."""

    def __init__(self, version: str, available: list[str]) -> None:
        self.version = version
        self.available = list(available)
        if self.available:
            span = f"{self.available[0]} to {self.available[-1]}"
            detail = f"bundled versions are {span}"
        else:
            detail = "no versions are bundled"
        super().__init__(f"no bundled schemas for Kubernetes version {version!r}: {detail}")


DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _read_data(name: str) -> bytes:
    """Bytes of one file in the package's schemas/data directory. A plain path, not
    importlib.resources, whose import costs 10 ms on every run; the data is installed as files."""
    with open(os.path.join(DATA_DIR, name), "rb") as handle:
        return handle.read()


@functools.lru_cache(maxsize=1)
def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(_read_data("manifest.json"))
    return manifest


def _minor_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def available_versions() -> list[str]:
    """Bundled Kubernetes minor versions, oldest first ("1.25", ..., "1.37")."""
    return sorted(_manifest()["versions"], key=_minor_key)


def latest_version() -> str:
    """The newest bundled Kubernetes minor version."""
    return available_versions()[-1]


def _normalize(version: str) -> str:
    """'1.37', 'v1.37' and '1.37.0' -> '1.37'; anything unbundled raises UnknownVersionError."""
    match = _VERSION_RE.match(version.strip())
    available = available_versions()
    if not match:
        raise UnknownVersionError(version, available)
    normalized = f"{int(match.group(1))}.{int(match.group(2))}"
    if normalized not in available:
        raise UnknownVersionError(version, available)
    return normalized


def load_version(version: str) -> dict[str, Any]:
    """The decompressed schema bundle for a Kubernetes version ("1.37", "v1.37", "1.37.0").

    The result is cached and shared between callers: treat it as read-only.
    """
    return _load(_normalize(version))


@functools.lru_cache(maxsize=None)
def _load(version: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(_read_data(f"v{version}.json.gz")))
    return data


def verify_checksums() -> list[str]:
    """Names of bundled files whose sha256 differs from manifest.json (or that are missing)."""
    bad: list[str] = []
    for name, expected in sorted(_manifest()["files"].items()):
        try:
            actual = hashlib.sha256(_read_data(name)).hexdigest()
        except FileNotFoundError:
            bad.append(name)
            continue
        if actual != expected:
            bad.append(name)
    return bad
