"""AppArmor profiles: policy/check_appArmorProfile.go (baseline, v1.0+). The field
appArmorProfile.type must be RuntimeDefault or Localhost; the deprecated annotation
`container.apparmor.security.beta.kubernetes.io/*` must be runtime/default, localhost/* or empty."""

from __future__ import annotations

from typing import List, Set

from .api import BASELINE, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, pluralize, result, text)

ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _allowed_annotation_value(profile: str) -> bool:
    return profile == "" or profile == "runtime/default" or profile.startswith("localhost/")


def _allowed_type(profile: str) -> bool:
    return profile in ("RuntimeDefault", "Localhost")


def _go_quote(value: str) -> str:
    """fmt's %q for the plain strings annotations hold."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def app_armor_profile_1_0(pod: Pod) -> CheckResult:
    setters: List[str] = []
    bad_values: Set[str] = set()
    violations: List[Violation] = []

    def forbid(who: str, value: str, pointer: tuple) -> None:
        violations.append(Violation(pointer, f"{who} must not set AppArmor profile type to {join_quote([value])}"))

    profile = field(pod.security_context, "appArmorProfile")
    if profile is not None and not _allowed_type(text(profile.get("type"))):
        setters.append("pod")
        bad_values.add(text(profile.get("type")))
        forbid("pod", text(profile.get("type")), pod.at("securityContext", "appArmorProfile", "type")
               if profile.get("type") is not None else pod.at("securityContext", "appArmorProfile"))
    bad_containers: List[str] = []
    for container in pod.containers:
        profile = field(container.security_context, "appArmorProfile")
        if profile is not None and not _allowed_type(text(profile.get("type"))):
            bad_containers.append(container.name)
            bad_values.add(text(profile.get("type")))
            pointer = container.pointer + ("securityContext", "appArmorProfile")
            forbid(containers_phrase([container.name]), text(profile.get("type")),
                   pointer + ("type",) if profile.get("type") is not None else pointer)
    if bad_containers:
        setters.append(containers_phrase(bad_containers))
    forbidden_annotations: List[str] = []
    for key, value in pod.annotations.items():
        if isinstance(key, str) and key.startswith(ANNOTATION_PREFIX) and not _allowed_annotation_value(text(value)):
            shown = f"{key}={_go_quote(text(value))}"
            forbidden_annotations.append(shown)
            forbid("annotation", shown, pod.annotation_pointer(key))
    values = sorted(bad_values)
    if forbidden_annotations:
        values += sorted(forbidden_annotations)
        setters.append(pluralize("annotation", "annotations", len(forbidden_annotations)))
    if not setters:
        return ALLOWED
    return result(pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", len(values)),
                  f"{' and '.join(setters)} must not set AppArmor profile type to {join_quote(values)}", violations)


CHECK = Check("appArmorProfile", BASELINE, (VersionedCheck(v(0), app_armor_profile_1_0),))
