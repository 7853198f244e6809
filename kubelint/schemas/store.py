"""Where schemas come from: CRDs of the run, then the schema locations in order (`default` =
the bundled Kubernetes definitions), compiled once per kind.

Lookup order for an object: a CRD given in the input or with --crd (it describes exactly what
the cluster will serve), then each location in the order given; the first one that has a
schema wins. A location that fails (download error, invalid JSON or JSON Schema) is skipped
for that object and reported once per location: as a notice in `notices` and as an error
returned by `resolve` for the first object that needed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from ..findings import Issue
from . import bundled
from .validator import KindValidator

RULE_INVALID_CRD = "KL107"
RULE_LOCATION_ERROR = "KL109"
RULE_UNSERVED_VERSION = "KL112"

if TYPE_CHECKING:
    from ..input.loader import Manifest
    from .crd import CrdVersion
    from .download import Downloader
    from .remote import Location, SchemaFinder


class Resolution:
    """The schema for one (apiVersion, kind), and what went wrong finding it. A plain class,
    not a dataclass: cheaper to define on every start."""

    __slots__ = ("validator", "source", "errors", "failed", "hint", "unserved")

    def __init__(self, validator: Optional[KindValidator] = None, source: str = "",
                 errors: Optional[List[Tuple[str, str]]] = None, failed: bool = False, hint: str = "",
                 unserved: str = "") -> None:
        self.validator = validator
        self.source = source  # "bundled", "CRD <name>", or the file or URL it came from
        self.errors: List[Tuple[str, str]] = [] if errors is None else errors  # (rule, message), once per run
        self.failed = failed  # a location or CRD failed: the missing schema is already explained
        self.hint = hint  # why a custom resource has no schema (its CRD's schema for it is invalid...)
        self.unserved = unserved  # the CRD of this kind does not serve this version: why, and what it serves


class SchemaStore:
    """Validators for one Kubernetes version, compiled lazily and at most once per kind."""

    def __init__(self, version: Optional[str] = None, engine: Optional[str] = None,
                 locations: Sequence[str] = (), offline: bool = False, *, strict: bool = True,
                 cache_ttl: Optional[float] = None) -> None:
        self.version = normalize_version(version) if version else bundled.latest_version()
        # kubeconform's {{ .NormalizedKubernetesVersion }} is a full version: v1.37.0
        self.full_version = _full_version(version) if version else f"{self.version}.0"
        self.engine = engine
        self.locations = list(locations)
        self.offline = offline
        self.strict = strict
        self.cache_ttl = cache_ttl
        self.notices: List[str] = []  # for the user (stderr): failed locations, stale copies
        self._bundled_schemas = bundled.schema_set(self.version)
        self._cache: Dict[Tuple[str, str], Optional[KindValidator]] = {}
        self._sources: List[Optional["Location"]] = _parse_locations(self.locations)
        self._crds: Dict[Tuple[str, str], "CrdVersion"] = {}
        self._crd_hints: Dict[Tuple[str, str], str] = {}
        # (group, kind) -> (CRD name, the apiVersions it serves, those it defines but does not serve)
        self._crd_served: Dict[Tuple[str, str], Tuple[str, List[str], List[str]]] = {}
        self._resolved: Dict[Tuple[str, str, bool], Resolution] = {}
        self._reported: set = set()  # locations (and CRD versions) whose failure was reported
        self._finder: Optional["SchemaFinder"] = None
        self._downloader: Optional["Downloader"] = None

    # -- configuration -------------------------------------------------------------------

    @property
    def downloader(self) -> "Downloader":
        """The HTTP side (timeouts, retries, cache directory): made on first use."""
        if self._downloader is None:
            from .download import Downloader

            self._downloader = Downloader(ttl=self.cache_ttl, offline=self.offline)
        return self._downloader

    @property
    def uses_only_bundled(self) -> bool:
        return all(source is None for source in self._sources)

    # -- kinds ---------------------------------------------------------------------------

    def has_kind(self, api_version: str, kind: str) -> bool:
        return kind in self._bundled_schemas.kinds.get(api_version, {}) or (api_version, kind) in self._crds

    def kinds(self) -> Dict[str, Dict[str, str]]:
        """apiVersion -> kind -> definition name (`crd:<name>` for a CRD's kinds), for every kind
        this version serves and every custom resource a CRD of the run defines."""
        if not self._crds:
            return self._bundled_schemas.kinds
        merged = {api: dict(names) for api, names in self._bundled_schemas.kinds.items()}
        for (api_version, kind), version in self._crds.items():
            merged.setdefault(api_version, {}).setdefault(kind, f"crd:{version.crd}")
        return merged

    def builtin_kinds(self) -> Dict[str, Dict[str, str]]:
        """apiVersion -> kind -> definition for the kinds this Kubernetes version serves itself."""
        return self._bundled_schemas.kinds

    def defines_group(self, group: str) -> bool:
        """Does a CRD of the run define kinds in this API group?"""
        return any(api_version.rpartition("/")[0] == group for api_version, _ in self._crds)

    def definition_name(self, api_version: str, kind: str) -> Optional[str]:
        """The bundled definition of a built-in kind (None for custom resources)."""
        return self._bundled_schemas.kinds.get(api_version, {}).get(kind)

    # -- CRDs ----------------------------------------------------------------------------

    def add_crds(self, crds: List["Manifest"]) -> List[Tuple["Manifest", Issue]]:
        """Make the custom resources these CRDs define checkable; returns problems with the CRDs.
        When two CRDs define the same kind and version, the first one wins."""
        if not crds:
            return []
        from .crd import read_crd

        problems: List[Tuple["Manifest", Issue]] = []
        for manifest in crds:
            reading = read_crd(manifest.data)
            problems.extend((manifest, issue) for issue in reading.issues)
            if reading.group and reading.kind:
                self._crd_served.setdefault((reading.group, reading.kind),
                                            (reading.name, reading.served, reading.not_served))
            for version in reading.versions:
                key = (version.api_version, version.kind)
                if self.definition_name(*key) is not None:
                    problems.append((manifest, _shadow_issue(version)))
                    continue
                if key not in self._crds:
                    self._crds[key] = version
                    self._crd_hints.pop(key, None)
            for api_version, why in reading.unusable.items():
                key = (api_version, reading.kind or "")
                if key not in self._crds:
                    self._crd_hints.setdefault(key, why)
        self._resolved.clear()
        return problems

    # -- lookup --------------------------------------------------------------------------

    def validator(self, api_version: str, kind: str) -> Optional[KindValidator]:
        return self.resolve(api_version, kind).validator

    def resolve(self, api_version: str, kind: str) -> Resolution:
        """The schema for a kind. `errors` is filled only the first time a failure is met, so
        each failing location is reported once, on the first object that needed it."""
        key = (api_version, kind, self.strict)
        if key in self._resolved:
            return self._resolved[key]
        resolution = self._lookup(api_version, kind)
        self._resolved[key] = Resolution(resolution.validator, resolution.source, [], resolution.failed,
                                         resolution.hint, resolution.unserved)
        return resolution

    def _lookup(self, api_version: str, kind: str) -> Resolution:
        result = Resolution(hint=self._crd_hints.get((api_version, kind), ""))
        crd = self._crds.get((api_version, kind))
        if crd is not None:
            validator, error = self._compile_crd(crd)
            if validator is not None:
                return Resolution(validator, f"CRD {crd.crd}")
            self._fail(result, ("crd", crd.api_version, crd.kind), error, RULE_INVALID_CRD)
        else:
            result.unserved = self._unserved(api_version, kind)
            if result.unserved:  # the cluster refuses the object, whatever a location says
                return result
        for source in self._sources:
            if source is None:
                validator = self._bundled(api_version, kind)
                if validator is not None:
                    return Resolution(validator, "bundled", result.errors, result.failed)
                continue
            lookup = self._finder_for().find(source, api_version, kind, self.strict)
            if lookup.error is not None:
                # A refused placeholder value is this kind's problem (reported once per kind),
                # not the location's.
                what = ("refused", source.spec, api_version, kind) if lookup.refused else ("location", source.spec)
                self._fail(result, what, f"schema location {source.spec}: {lookup.error}", RULE_LOCATION_ERROR)
                continue
            if lookup.schema is not None:
                validator, error = self._compile(lookup.schema)
                if validator is not None:
                    return Resolution(validator, lookup.address, result.errors, result.failed)
                self._fail(result, ("location", source.spec),
                           f"schema location {source.spec}: {lookup.address}: cannot be used: {error}",
                           RULE_LOCATION_ERROR)
        return result

    def _unserved(self, api_version: str, kind: str) -> str:
        """Why a CRD of the run that defines this kind does not serve this apiVersion, or ""."""
        group, _, version = api_version.rpartition("/")
        entry = self._crd_served.get((group, kind))
        if entry is None or api_version in entry[1] or self.definition_name(api_version, kind) is not None:
            return ""
        name, served, not_served = entry
        what = "defines it but does not serve it" if api_version in not_served else f"does not define {version}"
        serves = f"serves {', '.join(served)}" if served else "serves no version of it"
        return f"{kind} {api_version} is not served: CRD {name} {what}; it {serves}"

    def _fail(self, result: Resolution, what: Tuple[str, ...], message: Optional[str], rule: str) -> None:
        result.failed = True
        if what not in self._reported:
            self._reported.add(what)
            text = message or "failed"
            result.errors.append((rule, text))
            if what[0] == "location":
                self.notices.append(f"{text} (objects that need it are not validated against it)")

    def _bundled(self, api_version: str, kind: str) -> Optional[KindValidator]:
        key = (api_version, kind)
        if key not in self._cache:
            name = self.definition_name(api_version, kind)
            self._cache[key] = None if name is None else KindValidator.from_json(
                self._bundled_schemas.kind_schema(name), self.engine)
        return self._cache[key]

    def _compile_crd(self, crd: "CrdVersion") -> Tuple[Optional[KindValidator], Optional[str]]:
        from .crd import OBJECT_META

        schema = dict(crd.schema)
        schema["$defs"] = self._bundled_schemas.definitions(OBJECT_META)
        validator, error = self._compile(schema, crd)
        if validator is None:
            error = f"the schema of CRD {crd.crd} for {crd.api_version} cannot be used: {error}"
        return validator, error

    def _compile(self, schema: Dict[str, Any], crd: Optional["CrdVersion"] = None
                 ) -> Tuple[Optional[KindValidator], Optional[str]]:
        from .structural import StructuralValidator, schema_problem

        problem = schema_problem(schema)
        if problem is not None:
            return None, problem
        try:
            return StructuralValidator(schema, self.engine, crd.defaults if crd is not None else None,
                                       crd.rules if crd is not None else None), None
        except Exception as exc:  # an engine refusing what the meta-schema allowed: not a crash
            text = str(exc).strip()
            return None, text.splitlines()[0] if text else type(exc).__name__

    def _finder_for(self) -> "SchemaFinder":
        if self._finder is None:
            from .remote import SchemaFinder

            self._finder = SchemaFinder(self.full_version, lambda: self.downloader, self.notices)
        return self._finder


def _shadow_issue(version: "CrdVersion") -> Issue:
    """A CRD version of a built-in kind is never served: the built-in API answers first (the CRD
    handler only gets what kube-apiserver's own groups do not serve). Its objects keep the
    built-in schema; the CRD itself is accepted, hence a warning."""
    from ..findings import Severity

    return Issue(RULE_INVALID_CRD, version.where,
                 f"{version.kind} {version.api_version} is a built-in kind: the API server serves its built-in "
                 "API, never this version of the CRD (objects are validated against the built-in schema)",
                 severity=Severity.WARNING)


def _parse_locations(specs: Sequence[str]) -> List[Optional["Location"]]:
    """Each location parsed (None = bundled); no location at all means the bundled schemas."""
    if not specs:
        return [None]
    from ..config import ConfigError
    from .remote import LocationError, parse_location

    parsed = []
    for spec in specs:
        try:
            parsed.append(parse_location(spec))
        except LocationError as exc:
            raise ConfigError(str(exc)) from None
    return parsed


def normalize_version(text: str) -> str:
    """"v1.37", "1.37.2" and "1.37" all mean "1.37"."""
    parts = text.strip().lstrip("v").split(".")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        raise bundled.UnknownVersionError(text, bundled.available_versions())
    return f"{int(parts[0])}.{int(parts[1])}"


def _full_version(text: str) -> str:
    """"1.37.2" -> "1.37.2"; "1.37" and "v1.37" -> "1.37.0"."""
    parts = text.strip().lstrip("v").split(".")
    patch = parts[2] if len(parts) > 2 and parts[2].isdigit() else "0"
    return f"{int(parts[0])}.{int(parts[1])}.{patch}"
