"""Levels, versions and the namespace policy, as `k8s.io/pod-security-admission/api/helpers.go`
defines them (ParseLevel, ParseVersion, PolicyToEvaluate, CompareLevels)."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from ...lazy_regex import lazy_compile
from ...named_tuple import NamedTuple

PRIVILEGED, BASELINE, RESTRICTED = "privileged", "baseline", "restricted"
LEVELS = (PRIVILEGED, BASELINE, RESTRICTED)  # least to most strict

LABEL_PREFIX = "pod-security.kubernetes.io/"
ENFORCE, AUDIT, WARN = "enforce", "audit", "warn"
MODES = (ENFORCE, WARN, AUDIT)


class Version(NamedTuple):
    """A policy version: v1.<minor>, or `latest` (minor is None)."""

    minor: Optional[int]

    @property
    def latest(self) -> bool:
        return self.minor is None

    def __str__(self) -> str:
        return "latest" if self.minor is None else f"v1.{self.minor}"


LATEST = Version(None)


def v(minor: int) -> Version:
    return Version(minor)


class LevelVersion(NamedTuple):
    level: str
    version: Version

    def __str__(self) -> str:  # api.LevelVersion.String: "restricted:v1.30"
        return f"{self.level}:{self.version}"


class Policy(NamedTuple):
    enforce: LevelVersion
    audit: LevelVersion
    warn: LevelVersion

    def of(self, mode: str) -> LevelVersion:
        return getattr(self, mode)  # type: ignore[no-any-return]


ALL_PRIVILEGED = Policy(*(LevelVersion(PRIVILEGED, LATEST),) * 3)


def parse_level(text: str) -> Tuple[str, Optional[str]]:
    """api.ParseLevel: an unknown level is "restricted", with an error."""
    if text in LEVELS:
        return text, None
    return RESTRICTED, "must be one of privileged, baseline, restricted"


_VERSION = lazy_compile(r"^v1\.([0-9]|[1-9][0-9]*)$")


def parse_version(text: str) -> Tuple[Version, Optional[str]]:
    """api.ParseVersion: "latest" or "v1.x"; anything else is latest, with an error."""
    if text == "latest":
        return LATEST, None
    match = _VERSION.match(text)
    if match is None:
        return LATEST, 'must be "latest" or "v1.x"'
    return Version(int(match.group(1))), None


def compare_levels(a: str, b: str) -> int:
    """api.CompareLevels: -1, 0 or 1 by strictness."""
    if a == b:
        return 0
    return 1 if LEVELS.index(a) > LEVELS.index(b) else -1


class LabelError(NamedTuple):
    label: str
    value: str
    reason: str


def policy_to_evaluate(labels: Dict[str, str], defaults: Policy) -> Tuple[Policy, List[LabelError]]:
    """api.PolicyToEvaluate: the namespace labels over the defaults. A bad enforce level means
    restricted; a bad warn or audit level fails open (privileged); a bad version means latest.
    Warn defaults to the enforce level (and version) when enforce is set and stricter."""
    errors: List[LabelError] = []
    enforce, audit, warn = list(defaults.enforce), list(defaults.audit), list(defaults.warn)
    if not labels:
        return defaults, errors
    has_enforce_level = has_warn_level = has_warn_version = False

    def level_of(mode: str, fail_open: bool) -> Optional[str]:
        label = LABEL_PREFIX + mode
        if label not in labels:
            return None
        level, error = parse_level(str(labels[label]))
        if error:
            errors.append(LabelError(label, str(labels[label]), error))
            return PRIVILEGED if fail_open else level
        return level

    def version_of(mode: str) -> Optional[Version]:
        label = LABEL_PREFIX + mode + "-version"
        if label not in labels:
            return None
        version, error = parse_version(str(labels[label]))
        if error:
            errors.append(LabelError(label, str(labels[label]), error))
        return version

    errors_before = len(errors)
    level = level_of(ENFORCE, fail_open=False)
    if level is not None:
        enforce[0] = level
        has_enforce_level = len(errors) == errors_before  # don't default warn to a bad level
    version = version_of(ENFORCE)
    if version is not None:
        enforce[1] = version
    level = level_of(AUDIT, fail_open=True)
    if level is not None:
        audit[0] = level
    version = version_of(AUDIT)
    if version is not None:
        audit[1] = version
    level = level_of(WARN, fail_open=True)
    if level is not None:
        has_warn_level = True
        warn[0] = level
    version = version_of(WARN)
    if version is not None:
        has_warn_version = True
        warn[1] = version
    if not has_warn_level and has_enforce_level and compare_levels(enforce[0], warn[0]) > 0:
        warn[0] = enforce[0]
        if not has_warn_version:
            warn[1] = enforce[1]
    return Policy(LevelVersion(*enforce), LevelVersion(*audit), LevelVersion(*warn)), errors
