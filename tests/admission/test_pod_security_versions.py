"""Pod Security below v1.25 (the upstream fixtures start there) and the version mechanics:
which checks apply at each (level, version), as policy/registry.go builds them from the
MinimumVersion of each check in policy/check_*.go, and the versioned functions' results, with
reasons and details copied from upstream's policy/check_*_test.go (file and test named)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from kubelint.admission.pod_security.api import LATEST, LevelVersion, Version
from kubelint.admission.pod_security.checks import Pod
from kubelint.admission.pod_security.registry import effective_minor, evaluate_pod, plan

BASELINE_1_0 = ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts",
                "privileged", "procMount", "seLinuxOptions", "seccompProfile_baseline", "sysctls",
                "windowsHostProcess"]


def _ids(level: str, minor: int) -> List[str]:
    return [check_id for check_id, _ in plan(level, minor)]


@pytest.mark.parametrize("minor", [0, 7, 8, 18, 19, 21, 22, 23, 24, 33])
def test_baseline_checks_before_v1_34_are_the_v1_0_set(minor: int) -> None:
    # hostProbesAndHostLifecycle is the only baseline check added later (MinimumVersion 1.34).
    assert _ids("baseline", minor) == BASELINE_1_0


@pytest.mark.parametrize("minor, expected", [
    # v1.0: restricted = baseline minus hostPathVolumes (overridden by restrictedVolumes) + runAsNonRoot.
    (0, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
         "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "restrictedVolumes",
         "runAsNonRoot"]),
    (7, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
         "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "restrictedVolumes",
         "runAsNonRoot"]),
    # allowPrivilegeEscalation from 1.8 (check_allowPrivilegeEscalation.go).
    (8, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
         "seLinuxOptions", "seccompProfile_baseline", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation",
         "restrictedVolumes", "runAsNonRoot"]),
    # seccompProfile_restricted from 1.19 overrides seccompProfile_baseline.
    (19, ["appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPorts", "privileged", "procMount",
          "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "restrictedVolumes",
          "runAsNonRoot", "seccompProfile_restricted"]),
    # capabilities_restricted from 1.22 overrides capabilities_baseline.
    (22, ["appArmorProfile", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions", "sysctls",
          "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes",
          "runAsNonRoot", "seccompProfile_restricted"]),
    # runAsUser from 1.23.
    (23, ["appArmorProfile", "hostNamespaces", "hostPorts", "privileged", "procMount", "seLinuxOptions", "sysctls",
          "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted", "restrictedVolumes",
          "runAsNonRoot", "runAsUser", "seccompProfile_restricted"]),
    # procMount_restricted from 1.35 overrides procMount.
    (35, ["appArmorProfile", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle", "privileged",
          "seLinuxOptions", "sysctls", "windowsHostProcess", "allowPrivilegeEscalation", "capabilities_restricted",
          "procMount_restricted", "restrictedVolumes", "runAsNonRoot", "runAsUser", "seccompProfile_restricted"]),
])
def test_restricted_checks_by_version(minor: int, expected: List[str]) -> None:
    assert _ids("restricted", minor) == expected


def test_latest_and_future_versions_evaluate_as_the_newest_check_or_the_kubernetes_version() -> None:
    # registry.go: maxVersion is the newest check version, lowered to the emulation version.
    assert effective_minor(None, 37) == 37
    assert effective_minor(None, 30) == 30
    assert effective_minor(50, 37) == 37
    assert effective_minor(36, 30) == 30
    assert effective_minor(3, 37) == 3


def _pod(spec: Dict[str, Any], annotations: Optional[Dict[str, str]] = None) -> Pod:
    return Pod.of((), {"annotations": annotations or {}}, spec)


def _failures(level: str, minor: int, pod: Pod) -> Dict[str, tuple]:
    return {check_id: (r.reason, r.detail)
            for check_id, r in evaluate_pod(LevelVersion(level, Version(minor)), 37, pod) if not r.allowed}


APE_CONTAINERS = {"containers": [
    {"name": "a"}, {"name": "b", "securityContext": {}},
    {"name": "c", "securityContext": {"allowPrivilegeEscalation": True}},
    {"name": "d", "securityContext": {"allowPrivilegeEscalation": False}}]}


def test_allow_privilege_escalation_from_v1_8() -> None:
    # check_allowPrivilegeEscalation_test.go TestAllowPrivilegeEscalation_1_8 "multiple containers"
    assert "allowPrivilegeEscalation" not in _failures("restricted", 7, _pod(APE_CONTAINERS))
    assert _failures("restricted", 8, _pod(APE_CONTAINERS))["allowPrivilegeEscalation"] == (
        "allowPrivilegeEscalation != false",
        'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false')


def test_capabilities_restricted_from_v1_22_and_baseline_before() -> None:
    # check_capabilities_restricted_test.go TestCapabilitiesRestricted_1_22 "multiple containers"
    pod = _pod({"containers": [
        {"name": "a", "securityContext": {"capabilities": {"add": ["FOO", "BAR"]}}},
        {"name": "b", "securityContext": {"capabilities": {"add": ["BAR", "BAZ"]}}},
        {"name": "c", "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN"],
                                                           "drop": ["ALL", "FOO"]}}}]})
    assert _failures("restricted", 22, pod)["capabilities_restricted"] == (
        "unrestricted capabilities",
        'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not '
        'include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add')
    # Before 1.22 the restricted level runs capabilities_baseline: CHOWN is in the default set.
    # (check_capabilities_baseline.go capabilities_allowed_1_0)
    assert _failures("restricted", 21, pod)["capabilities_baseline"] == (
        "non-default capabilities",
        'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add')


def test_run_as_user_from_v1_23() -> None:
    # check_runAsUser_test.go TestRunAsUser "pod runAsUser=0"
    pod = _pod({"securityContext": {"runAsUser": 0, "runAsNonRoot": True}, "containers": [{"name": "a"}]})
    assert "runAsUser" not in _failures("restricted", 22, pod)
    assert _failures("restricted", 23, pod)["runAsUser"] == ("runAsUser=0", "pod must not set runAsUser=0")


def test_seccomp_annotations_before_v1_19_fields_after() -> None:
    # check_seccompProfile_baseline_test.go TestSeccompProfileBaseline_1_0 "pod and containers seccomp invalid"
    pod = _pod({"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}, {
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/a": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/b": "unknown"})
    assert _failures("baseline", 18, pod)["seccompProfile_baseline"] == (
        "seccompProfile",
        'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", '
        'container.seccomp.security.alpha.kubernetes.io/b="unknown", '
        'seccomp.security.alpha.kubernetes.io/pod="unconfined"')
    # From 1.19 the annotations are not read; the fields are.
    assert "seccompProfile_baseline" not in _failures("baseline", 19, pod)


def test_seccomp_restricted_from_v1_19() -> None:
    # check_seccompProfile_restricted_test.go TestSeccompProfileRestricted_1_19
    pod = _pod({"containers": [
        {"name": "a"}, {"name": "b", "securityContext": {}},
        {"name": "d", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]})
    assert _failures("restricted", 19, pod)["seccompProfile_restricted"] == (
        "seccompProfile",
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"')
    pod = _pod({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [
        {"name": "a"}, {"name": "c", "securityContext": {"seccompProfile": {"type": "Unconfined"}}},
        {"name": "d", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]})
    assert _failures("restricted", 19, pod)["seccompProfile_restricted"] == (
        "seccompProfile", 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"')
    # Before 1.19, the restricted level runs the annotation check, which a pod without annotations passes.
    assert not {"seccompProfile_restricted", "seccompProfile_baseline"} & set(_failures("restricted", 18, pod))


WINDOWS_POD = {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": True}, "containers": [{"name": "a"}]}


def test_windows_pods_exempt_from_linux_only_restricted_checks_from_v1_25() -> None:
    # check_*_test.go "windows pod, admit without checking ..." cases are for the 1_25 functions;
    # the 1_8, 1_19 and 1_22 functions have no such exemption.
    linux_only = {"allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"}
    assert linux_only <= set(_failures("restricted", 24, _pod(WINDOWS_POD)))
    assert not linux_only & set(_failures("restricted", 25, _pod(WINDOWS_POD)))


def test_sysctls_allowed_set_grows_by_version() -> None:
    # check_sysctls_test.go TestSysctls "forbidden sysctls" and the "new supported sysctls" cases
    names = ["a", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_rmem",
             "net.ipv4.tcp_notsent_lowat"]
    pod = _pod({"securityContext": {"sysctls": [{"name": n, "value": "1"} for n in names]}, "containers": []})
    assert _failures("baseline", 0, pod)["sysctls"] == ("forbidden sysctls", ", ".join(names))
    assert _failures("baseline", 27, pod)["sysctls"][1] == ", ".join(names[:1] + names[2:])
    assert _failures("baseline", 29, pod)["sysctls"][1] == ", ".join(names[:1] + names[3:])
    assert _failures("baseline", 32, pod)["sysctls"][1] == "a, net.ipv4.tcp_notsent_lowat"
    assert _failures("baseline", 37, pod)["sysctls"][1] == "a"


def test_user_namespace_relaxation_only_from_v1_35() -> None:
    # check_runAsNonRoot.go / check_runAsUser.go: the 1.0 and 1.23 functions do not relax.
    pod = _pod({"hostUsers": False, "securityContext": {"runAsUser": 0, "runAsNonRoot": False},
                "containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]})
    assert {"runAsNonRoot", "runAsUser"} <= set(_failures("restricted", 34, pod))
    assert "procMount" in _failures("baseline", 34, pod)
    assert not {"runAsNonRoot", "runAsUser"} & set(_failures("restricted", 35, pod))
    assert "procMount" not in _failures("baseline", 35, pod)
    # restricted keeps refusing unmasked /proc (check_procMount_restricted.go).
    assert _failures("restricted", 35, pod)["procMount_restricted"] == (
        "procMount", 'container "a" must not set securityContext.procMount to "Unmasked"')


def test_selinux_container_engine_t_from_v1_31() -> None:
    pod = _pod({"securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}, "containers": []})
    assert _failures("baseline", 30, pod)["seLinuxOptions"] == (
        "seLinuxOptions", 'pod set forbidden securityContext.seLinuxOptions: type "container_engine_t"')
    assert "seLinuxOptions" not in _failures("baseline", 31, pod)


def test_privileged_level_checks_nothing() -> None:
    pod = _pod({"hostNetwork": True, "containers": [{"name": "a", "securityContext": {"privileged": True}}]})
    assert evaluate_pod(LevelVersion("privileged", LATEST), 37, pod) == []
