"""The versioned check registry, as `policy/registry.go` builds it: for each level and policy
version, the check functions that apply, baseline checks first then restricted ones, each group
in check-id order; restricted includes every baseline check that no restricted check overrides.
A version newer than the newest check (or than the Kubernetes version checked against, upstream's
emulation version) evaluates as that newest version; `latest` too."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from . import (check_allow_privilege_escalation, check_app_armor_profile, check_capabilities_baseline,
               check_capabilities_restricted, check_host_namespaces, check_host_path_volumes, check_host_ports,
               check_host_probes_and_host_lifecycle, check_privileged, check_proc_mount, check_restricted_volumes,
               check_run_as_non_root, check_run_as_user, check_se_linux_options, check_seccomp_profile,
               check_sysctls, check_windows_host_process)
from .api import BASELINE, PRIVILEGED, RESTRICTED, LevelVersion
from .checks import Check, CheckFn, CheckResult, Pod, VersionedCheck

# Every check of policy/check_*.go (DefaultChecks; there are no experimental ones).
CHECKS: Tuple[Check, ...] = (
    check_allow_privilege_escalation.CHECK,
    check_app_armor_profile.CHECK,
    check_capabilities_baseline.CHECK,
    check_capabilities_restricted.CHECK,
    check_host_namespaces.CHECK,
    check_host_path_volumes.CHECK,
    check_host_ports.CHECK,
    check_host_probes_and_host_lifecycle.CHECK,
    check_privileged.CHECK,
    check_proc_mount.CHECK_BASELINE,
    check_proc_mount.CHECK_RESTRICTED,
    check_restricted_volumes.CHECK,
    check_run_as_non_root.CHECK,
    check_run_as_user.CHECK,
    check_se_linux_options.CHECK,
    check_seccomp_profile.CHECK_BASELINE,
    check_seccomp_profile.CHECK_RESTRICTED,
    check_sysctls.CHECK,
    check_windows_host_process.CHECK,
)

# The newest version any check defines: upstream's maxVersion.
MAX_MINOR: int = max(c.versions[-1].minimum_version.minor or 0 for c in CHECKS)

_Plan = Tuple[Tuple[str, CheckFn], ...]  # (check id, function) in evaluation order


def _versioned(check: Check, minor: int) -> Optional[VersionedCheck]:
    """The function of `check` that applies at v1.<minor>: the last one whose minimum is <= it."""
    found = None
    for versioned in check.versions:
        if (versioned.minimum_version.minor or 0) <= minor:
            found = versioned
    return found


def _build(level: str, minor: int) -> _Plan:
    """registry.go populate() for one (level, version)."""
    baseline = {c.id: f for c in CHECKS if c.level == BASELINE and (f := _versioned(c, minor)) is not None}
    if level == BASELINE:
        chosen = baseline
    else:
        restricted = {c.id: f for c in CHECKS if c.level == RESTRICTED and (f := _versioned(c, minor)) is not None}
        overridden = {o for f in restricted.values() for o in f.override_check_ids}
        chosen = {**{i: f for i, f in baseline.items() if i not in overridden}, **restricted}
    ordered = sorted(c.id for c in CHECKS if c.level == BASELINE) + sorted(c.id for c in CHECKS if c.level == RESTRICTED)
    return tuple((check_id, chosen[check_id].check_pod) for check_id in ordered if check_id in chosen)


_plans: Dict[Tuple[str, int], _Plan] = {}


def effective_minor(version_minor: Optional[int], kubernetes_minor: int) -> int:
    """The version evaluated: latest and versions past the newest check (or past the Kubernetes
    version, upstream's emulation version) evaluate as the newest one."""
    newest = min(MAX_MINOR, kubernetes_minor)
    return newest if version_minor is None or version_minor > newest else version_minor


def plan(level: str, minor: int) -> _Plan:
    key = (level, minor)
    found = _plans.get(key)
    if found is None:
        found = _plans[key] = _build(level, minor)
    return found


def evaluate_pod(level_version: LevelVersion, kubernetes_minor: int, pod: Pod) -> List[Tuple[str, CheckResult]]:
    """Evaluator.EvaluatePod: every check's result for the pod (privileged checks nothing)."""
    if level_version.level == PRIVILEGED:
        return []
    minor = effective_minor(level_version.version.minor, kubernetes_minor)
    return [(check_id, check(pod)) for check_id, check in plan(level_version.level, minor)]
