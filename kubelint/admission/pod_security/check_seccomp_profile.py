"""Seccomp profiles: policy/check_seccompProfile_baseline.go (baseline: v1.0 checks the alpha
annotations, v1.19+ the seccompProfile.type fields, which may be unset) and
policy/check_seccompProfile_restricted.go (restricted, v1.19+, overriding the baseline check:
the pod or every container must set RuntimeDefault or Localhost; from v1.25 Windows pods are
exempt)."""

from __future__ import annotations

from typing import List, Set

from .api import BASELINE, RESTRICTED, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, pluralize, result, setter_pointer, text)
from .check_app_armor_profile import _go_quote

BASELINE_ID = "seccompProfile_baseline"
ANNOTATION_POD = "seccomp.security.alpha.kubernetes.io/pod"
ANNOTATION_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


def _valid_type(kind: str) -> bool:
    return kind in ("Localhost", "RuntimeDefault")


def _valid_annotation(value: str) -> bool:
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def seccomp_profile_baseline_1_0(pod: Pod) -> CheckResult:
    forbidden: Set[str] = set()
    violations: List[Violation] = []
    annotations = pod.annotations
    keys = [ANNOTATION_POD] + [ANNOTATION_CONTAINER_PREFIX + c.name for c in pod.containers]
    for key in keys:
        if key in annotations and not _valid_annotation(text(annotations[key])):
            shown = f"{key}={_go_quote(text(annotations[key]))}"
            if shown not in forbidden:
                violations.append(Violation(pod.annotation_pointer(key), f"forbidden annotation {shown}"))
            forbidden.add(shown)
    if not forbidden:
        return ALLOWED
    return result("seccompProfile", f"forbidden {pluralize('annotation', 'annotations', len(forbidden))} "
                  f"{', '.join(sorted(forbidden))}", violations)


def _explicitly_bad(pod: Pod, violations: List[Violation], values: Set[str]) -> List[str]:
    """Setters of a seccompProfile.type other than RuntimeDefault and Localhost ("pod", containers)."""
    setters: List[str] = []
    profile = field(pod.security_context, "seccompProfile")
    if profile is not None and not _valid_type(text(profile.get("type"))):
        setters.append("pod")
        values.add(text(profile.get("type")))
        violations.append(Violation(setter_pointer(pod, None, "seccompProfile", "type"),
                                    f"pod must not set securityContext.seccompProfile.type to "
                                    f"{join_quote([text(profile.get('type'))])}"))
    bad: List[str] = []
    for container in pod.containers:
        profile = field(container.security_context, "seccompProfile")
        if profile is not None and not _valid_type(text(profile.get("type"))):
            bad.append(container.name)
            values.add(text(profile.get("type")))
            violations.append(Violation(setter_pointer(pod, container, "seccompProfile", "type"),
                                        f"{containers_phrase([container.name])} must not set "
                                        f"securityContext.seccompProfile.type to {join_quote([text(profile.get('type'))])}"))
    if bad:
        setters.append(containers_phrase(bad))
    return setters


def seccomp_profile_baseline_1_19(pod: Pod) -> CheckResult:
    violations: List[Violation] = []
    values: Set[str] = set()
    setters = _explicitly_bad(pod, violations, values)
    if not setters:
        return ALLOWED
    return result("seccompProfile", f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
                  f"{join_quote(sorted(values))}", violations)


MUST_SET = 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"'


def seccomp_profile_restricted_1_19(pod: Pod) -> CheckResult:
    result_baseline = seccomp_profile_baseline_1_19(pod)
    if not result_baseline.allowed:  # explicitly bad values come first, as upstream reports them
        return result_baseline
    profile = field(pod.security_context, "seccompProfile")
    if profile is not None:  # set, and (the explicit check passed) valid
        return ALLOWED
    implicit: List[str] = []
    violations: List[Violation] = []
    for container in pod.containers:
        if field(container.security_context, "seccompProfile") is None:
            implicit.append(container.name)
            violations.append(Violation(setter_pointer(pod, container, "seccompProfile"),
                                        f"pod or {containers_phrase([container.name])} {MUST_SET}"))
    if not implicit:
        return ALLOWED
    return result("seccompProfile", f"pod or {containers_phrase(implicit)} {MUST_SET}", violations)


def seccomp_profile_restricted_1_25(pod: Pod) -> CheckResult:
    # Pod validation refuses seccompProfile on a Windows pod, so it is admitted without one.
    if pod.is_windows:
        return ALLOWED
    return seccomp_profile_restricted_1_19(pod)


CHECK_BASELINE = Check(BASELINE_ID, BASELINE, (
    VersionedCheck(v(0), seccomp_profile_baseline_1_0),
    VersionedCheck(v(19), seccomp_profile_baseline_1_19),
))
CHECK_RESTRICTED = Check("seccompProfile_restricted", RESTRICTED, (
    VersionedCheck(v(19), seccomp_profile_restricted_1_19, (BASELINE_ID,)),
    VersionedCheck(v(25), seccomp_profile_restricted_1_25, (BASELINE_ID,)),
))
