"""The Kubernetes schemas shipped inside the package: one zlib file per minor version.

The files are made by ``scripts/update_schemas.py``; ``data/manifest.json`` lists the
versions and the sha256 of every file. Each file decompresses to one line of JSON index::

    {"kubernetesVersion": "1.37", "source": "kubernetes-validate==...",
     "kinds": {apiVersion: {kind: definition name}},
     "definitions": [[name, start, end, [numbers of the definitions it refers to]], ...]}

followed by the definitions' JSON texts (2020-12 JSON Schema, already in the dialect
KindValidator speaks), back to back; `start` and `end` are offsets after the newline. A run
decompresses one file (half a millisecond) and parses only the index: a kind's schema is
joined from the texts of the definitions it reaches, without parsing them in Python.

This module is on the startup path: it imports no JSON Schema library.
"""

from __future__ import annotations

import functools
import json
import os
import re
import zlib
from typing import Any, Dict, List

__all__ = [
    "SchemaSet",
    "UnknownVersionError",
    "available_versions",
    "latest_version",
    "load_version",
    "schema_set",
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


def data_file_name(version: str) -> str:
    """"1.37" -> "v1.37.zlib", the bundled file of that version."""
    return f"v{version}.zlib"


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


class SchemaSet:
    """One Kubernetes version's bundled schemas: the kind index, and definitions on demand."""

    def __init__(self, payload: bytes) -> None:
        newline = payload.index(b"\n")
        index = json.loads(payload[:newline])
        self.kubernetes_version: str = index["kubernetesVersion"]
        self.source: str = index["source"]
        self.kinds: Dict[str, Dict[str, str]] = index["kinds"]
        self._definitions: List[List[Any]] = index["definitions"]
        self._numbers = {entry[0]: number for number, entry in enumerate(self._definitions)}
        self._texts = payload[newline + 1:].decode("ascii")  # JSON escapes everything else

    def kind_schema(self, root: str) -> str:
        """JSON text of the schema of the definition `root` (a kind): a `$ref` to it, and in
        `$defs` every definition it reaches, directly or not (a validator compiles only these)."""
        return f'{{"$ref":"#/$defs/{root}","$defs":{self._joined(self._reachable(root))}}}'

    def definitions(self, root: str) -> Dict[str, Any]:
        """`root` and every definition it reaches, parsed: name -> JSON Schema."""
        parsed: Dict[str, Any] = json.loads(self._joined(self._reachable(root)))
        return parsed

    def all_definitions(self) -> Dict[str, Any]:
        parsed: Dict[str, Any] = json.loads(self._joined(range(len(self._definitions))))
        return parsed

    def _reachable(self, root: str) -> List[int]:
        found: List[int] = []
        seen = set()
        pending = [self._numbers[root]]
        while pending:
            number = pending.pop()
            if number not in seen:
                seen.add(number)
                found.append(number)
                pending.extend(self._definitions[number][3])
        return found

    def _joined(self, numbers: Any) -> str:
        """`{"name":schema,...}` for these definitions, cut from the texts as they are (the
        builder checks that no name needs escaping)."""
        texts, entries = self._texts, self._definitions
        return "{" + ",".join(f'"{entries[n][0]}":{_enforced(entries[n][0], texts[entries[n][1]:entries[n][2]])}'
                              for n in numbers) + "}"


# `required` entries of the published OpenAPI that the API server does not enforce, so a
# manifest without them is accepted. StatefulSetSpec.serviceName: ValidateStatefulSetSpec
# (pkg/apis/apps/validation) never required it; the OpenAPI listed it until 1.33, when
# kubernetes/kubernetes#130233 marked it optional ("This field is NOT required").
NOT_ENFORCED_REQUIRED: Dict[str, tuple] = {"io.k8s.api.apps.v1.StatefulSetSpec": ("serviceName",)}


def _enforced(name: str, text: str) -> str:
    """A definition's text without the `required` entries the API server does not enforce."""
    relaxed = NOT_ENFORCED_REQUIRED.get(name)
    if relaxed is None:
        return text
    schema = json.loads(text)
    required = [field for field in schema.get("required", []) if field not in relaxed]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
    return json.dumps(schema, separators=(",", ":"))


def schema_set(version: str) -> SchemaSet:
    """The bundled schemas of a Kubernetes version ("1.37", "v1.37", "1.37.0"), cached."""
    return _schema_set(_normalize(version))


@functools.lru_cache(maxsize=None)
def _schema_set(version: str) -> SchemaSet:
    return SchemaSet(zlib.decompress(_read_data(data_file_name(version))))


def load_version(version: str) -> dict[str, Any]:
    """Everything bundled for a version, parsed (for tests and tools; a check reads `schema_set`):

        {"kubernetesVersion": "1.37", "source": "kubernetes-validate==...",
         "$defs": {definition name: JSON Schema}, "kinds": {apiVersion: {kind: definition name}}}

    The result is cached and shared between callers: treat it as read-only.
    """
    return _load(_normalize(version))


@functools.lru_cache(maxsize=None)
def _load(version: str) -> dict[str, Any]:
    schemas = _schema_set(version)
    return {"kubernetesVersion": schemas.kubernetes_version, "source": schemas.source,
            "$defs": schemas.all_definitions(), "kinds": schemas.kinds}


def verify_checksums() -> list[str]:
    """Names of bundled files whose sha256 differs from manifest.json (or that are missing)."""
    import hashlib  # 2-3 ms (OpenSSL), and only this check needs it

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
