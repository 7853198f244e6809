"""Where schemas come from: the bundled Kubernetes definitions, compiled once per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from ..findings import Issue

from . import bundled
from .validator import KindValidator, reachable_definitions

if TYPE_CHECKING:
    from ..loader import Manifest


class SchemaStore:
    """Validators for one Kubernetes version, compiled lazily and at most once per kind."""

    def __init__(self, version: Optional[str] = None, engine: Optional[str] = None,
                 locations: Sequence[str] = (), offline: bool = False) -> None:
        self.version = normalize_version(version) if version else bundled.latest_version()
        self.engine = engine
        self.locations = list(locations)
        self.offline = offline
        self._data = bundled.load_version(self.version)
        self._cache: Dict[Tuple[str, str], Optional[KindValidator]] = {}

    def has_kind(self, api_version: str, kind: str) -> bool:
        return kind in self._data["kinds"].get(api_version, {})

    def add_crds(self, crds: List["Manifest"]) -> List[Tuple["Manifest", Issue]]:
        """Make the custom resources these CRDs define checkable; returns problems with the CRDs."""
        return []

    def kinds(self) -> Dict[str, Dict[str, str]]:
        """apiVersion -> kind -> definition name, for every kind this version serves."""
        return self._data["kinds"]

    def definition_name(self, api_version: str, kind: str) -> Optional[str]:
        return self._data["kinds"].get(api_version, {}).get(kind)

    def validator(self, api_version: str, kind: str) -> Optional[KindValidator]:
        key = (api_version, kind)
        if key not in self._cache:
            name = self.definition_name(api_version, kind)
            self._cache[key] = None if name is None else KindValidator(
                {"$ref": f"#/$defs/{name}", "$defs": reachable_definitions(self._data["$defs"], name)},
                self.engine)
        return self._cache[key]


def normalize_version(text: str) -> str:
    """"v1.37", "1.37.2" and "1.37" all mean "1.37"."""
    parts = text.strip().lstrip("v").split(".")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        raise bundled.UnknownVersionError(text, bundled.available_versions())
    return f"{int(parts[0])}.{int(parts[1])}"
