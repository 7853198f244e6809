"""Security contexts of pods and containers (KL125), as pkg/apis/core/validation/validation.go
checks them: validatePodSpecSecurityContext, ValidateSecurityContext, validateSeccompProfileField,
ValidateAppArmorProfileField, validateSysctls, validateHostUsers, validateLinux, validateWindows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers
from ..common.values import dotted
from . import errors, syntax
from .kinds import built_in
from .version import kubernetes_minor
from .containers import local_descending_path

if TYPE_CHECKING:
    from ...model.context import RuleContext

SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
APPARMOR_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
PROC_MOUNT_TYPES = ("Default", "Unmasked")
FS_GROUP_CHANGE_POLICIES = ("Always", "OnRootMismatch")  # sorted
SUPPLEMENTAL_GROUPS_POLICIES = ("Merge", "Strict")
SELINUX_CHANGE_POLICIES = ("MountOption", "Recursive")
_SECCOMP, _APPARMOR, _PROC = frozenset(SECCOMP_TYPES), frozenset(APPARMOR_TYPES), frozenset(PROC_MOUNT_TYPES)
_FS_GROUP, _SUPPLEMENTAL = frozenset(FS_GROUP_CHANGE_POLICIES), frozenset(SUPPLEMENTAL_GROUPS_POLICIES)
_SELINUX = frozenset(SELINUX_CHANGE_POLICIES)
MAX_INT32, MAX_UINT32 = 2 ** 31 - 1, 2 ** 32 - 1
ID_RANGE = syntax.inclusive_range_error(0, MAX_INT32)
PROC_MOUNT_SINCE = 33  # ProcMountType on by default; before, the field is dropped, not validated
MAX_LOCALHOST_PROFILE = 4095
# utilsysctl.GetNamespace: sysctls namespaced with the host's network or IPC namespace.
IPC_SYSCTLS = frozenset({"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
                         "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni"})
IPC_PREFIXES = ("kernel.shm", "kernel.msg", "fs.mqueue.")
WINDOWS_POD_FORBIDDEN = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy",
                         "sysctls", "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy",
                         "seLinuxChangePolicy")
WINDOWS_CONTAINER_FORBIDDEN = ("appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities",
                               "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount",
                               "runAsUser", "runAsGroup")
WINDOWS = "cannot be set for a windows pod"


class PodSecurityContext(Rule):
    """Pod and container security contexts as the API server validates them."""

    id = "KL125"
    name = "invalid-security-context"
    severity = Severity.ERROR
    summary = "Pod and container securityContext fields have values the API server accepts."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="runAsUser, runAsGroup, fsGroup and supplementalGroups are not negative (above 2147483647: a warning, "
             "older API servers refuse it); seccompProfile and appArmorProfile have a type (Localhost, "
             "RuntimeDefault, Unconfined), and a localhostProfile exactly when the type is Localhost; "
             "fsGroupChangePolicy, supplementalGroupsPolicy, seLinuxChangePolicy and procMount are one of their "
             "values (Unmasked only with hostUsers: false); sysctls are named, unique, valid, and not net.* with "
             "hostNetwork or IPC ones with hostIPC; shareProcessNamespace not with hostPID; hostUsers: false not "
             "with hostNetwork, hostPID or hostIPC; allowPrivilegeEscalation: false not with privileged or "
             "CAP_SYS_ADMIN; Linux pods without windowsOptions, Windows pods without Linux-only fields.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go "
            "(validatePodSpecSecurityContext, ValidateSecurityContext, validateSeccompProfileField, validateSysctls).",
        failing="securityContext:\n  runAsUser: -1\n  seccompProfile: {type: Localhost}",
        passing="securityContext:\n  runAsUser: 1000\n  seccompProfile: {type: Localhost, localhostProfile: "
                "profiles/audit.json}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not built_in(obj):
            return
        spec, at = template.spec, template.pointer + ("spec",)
        pod = spec.get("securityContext")
        pod = pod if isinstance(pod, dict) else None
        host_users = pod is None or pod.get("hostUsers") is not False
        os_name = spec.get("os", {}).get("name") if isinstance(spec.get("os"), dict) else None
        minor = kubernetes_minor(ctx)
        if pod:
            yield from _pod_context(at, spec, pod, os_name)
        for container in all_containers(template):
            security = container.data.get("securityContext")
            if isinstance(security, dict) and security:
                yield from _container_context(container.pointer + ("securityContext",), security, host_users,
                                              os_name, minor)


def _id(at: Pointer, value: Any) -> Iterator[Report]:
    """IsValidUserID / IsValidGroupID."""
    if value.__class__ is not int or 0 <= value <= MAX_INT32:
        return
    if value < 0 or value > MAX_UINT32:
        yield errors.invalid(at, value, ID_RANGE)
    elif value > MAX_INT32:
        yield errors.invalid(at, value, ID_RANGE, severity=Severity.WARNING,
                             hint="API servers that allow 32-bit unsigned IDs accept it; older ones refuse it")


def _pod_context(at: Pointer, spec: Dict[str, Any], pod: Dict[str, Any], os_name: Any) -> Iterator[Report]:
    where = at + ("securityContext",)
    for key in ("fsGroup", "runAsUser", "runAsGroup"):
        value = pod.get(key)
        if value.__class__ is int and not 0 <= value <= MAX_INT32:
            yield from _id(where + (key,), value)
    for index, gid in enumerate(as_list(pod.get("supplementalGroups"))):
        if gid.__class__ is int and not 0 <= gid <= MAX_INT32:
            yield from _id(where + ("supplementalGroups", index), gid)
    if spec.get("shareProcessNamespace") is True and spec.get("hostPID") is True:
        yield errors.invalid(at + ("shareProcessNamespace",), True, "ShareProcessNamespace and HostPID cannot both be "
                                                                    "enabled", field=dotted(where + ("shareProcessNamespace",)))
    sysctls = pod.get("sysctls")
    if sysctls:
        yield from _sysctls(where + ("sysctls",), sysctls, spec)
    for key, allowed, supported in (("fsGroupChangePolicy", _FS_GROUP, FS_GROUP_CHANGE_POLICIES),
                                    ("supplementalGroupsPolicy", _SUPPLEMENTAL, SUPPLEMENTAL_GROUPS_POLICIES),
                                    ("seLinuxChangePolicy", _SELINUX, SELINUX_CHANGE_POLICIES)):
        value = pod.get(key)
        if errors.is_bad_enum(value, allowed):
            yield errors.not_supported(where + (key,), value, supported)
    if "seccompProfile" in pod:
        yield from _seccomp(where + ("seccompProfile",), pod.get("seccompProfile"))
    if "appArmorProfile" in pod:
        yield from _apparmor(where + ("appArmorProfile",), pod.get("appArmorProfile"))
    if pod.get("hostUsers") is False:  # validateHostUsers, with the server's own field names
        for key, named in (("hostNetwork", "hostNetwork"), ("hostPID", "HostPID"), ("hostIPC", "HostIPC")):
            if spec.get(key) is True:
                yield errors.forbidden(at + (key,), "when `pod.Spec.HostUsers` is false", field=dotted(at + (named,)))
    if os_name == "linux":
        if pod.get("windowsOptions") is not None:
            yield errors.forbidden(where + ("windowsOptions",), "windows options cannot be set for a linux pod")
    elif os_name == "windows":
        for key in WINDOWS_POD_FORBIDDEN:
            if pod.get(key) not in (None, []):
                yield errors.forbidden(where + (key,), WINDOWS)
        if pod.get("hostUsers") is not None:
            yield errors.forbidden(where + ("hostUsers",), WINDOWS, field=dotted(at + ("hostUsers",)))
        for key in ("hostPID", "hostIPC"):
            if spec.get(key) is True:
                yield errors.forbidden(at + (key,), WINDOWS)
        if spec.get("shareProcessNamespace") is not None:
            yield errors.forbidden(at + ("shareProcessNamespace",), WINDOWS)


def _sysctls(at: Pointer, sysctls: Any, spec: Dict[str, Any]) -> Iterator[Report]:
    """validateSysctls and ValidateHostSysctl."""
    seen = set()
    for index, sysctl in enumerate(as_list(sysctls)):
        name = sysctl.get("name") if isinstance(sysctl, dict) else None
        if not isinstance(name, str):
            continue
        where = at + (index, "name")
        if name == "":
            yield errors.required(where, present=True)
        elif not syntax.is_sysctl_name(name):
            yield errors.invalid(where, name, f"must have at most 253 characters and match regex {syntax.SYSCTL_FMT}")
        elif name in seen:
            yield errors.duplicate(where, name)
        seen.add(name)
        normalized = name.replace("/", ".")
        if spec.get("hostNetwork") is True and normalized.startswith("net."):
            yield errors.invalid(where, name, "may not be specified when 'hostNetwork' is true")
        elif spec.get("hostIPC") is True and (normalized in IPC_SYSCTLS or normalized.startswith(IPC_PREFIXES)):
            yield errors.invalid(where, name, "may not be specified when 'hostIPC' is true")


def _seccomp(at: Pointer, profile: Any) -> Iterator[Report]:
    """validateSeccompProfileField."""
    if not isinstance(profile, dict):
        return
    kind, localhost = profile.get("type"), profile.get("localhostProfile")
    if kind == "":
        yield errors.required(at + ("type",), "type is required when seccompProfile is set", present=True)
    elif errors.is_bad_enum(kind, _SECCOMP):
        yield errors.not_supported(at + ("type",), kind, SECCOMP_TYPES)
    if kind == "Localhost":
        if localhost is None:
            yield errors.required(at + ("localhostProfile",), "must be set when seccomp type is Localhost")
        elif isinstance(localhost, str):
            for problem in local_descending_path(localhost):
                yield errors.invalid(at + ("localhostProfile",), localhost, problem)
    elif localhost is not None:
        yield errors.invalid_omitted(at + ("localhostProfile",), "can only be set when seccomp type is Localhost",
                                     anchor="key")


def _apparmor(at: Pointer, profile: Any) -> Iterator[Report]:
    """ValidateAppArmorProfileField."""
    if not isinstance(profile, dict):
        return
    kind, localhost = profile.get("type"), profile.get("localhostProfile")
    if kind == "Localhost":
        if localhost is None:
            yield errors.required(at + ("localhostProfile",), "must be set when AppArmor type is Localhost")
        elif isinstance(localhost, str):
            if localhost.strip(syntax.GO_SPACE) != localhost:
                yield errors.invalid(at + ("localhostProfile",), localhost, "must not be padded with whitespace")
            elif localhost == "":
                yield errors.required(at + ("localhostProfile",), "must be set when AppArmor type is Localhost",
                                      present=True)
            if len(localhost.encode("utf-8")) > MAX_LOCALHOST_PROFILE:
                yield errors.too_long(at + ("localhostProfile",), MAX_LOCALHOST_PROFILE)
    elif kind in ("RuntimeDefault", "Unconfined"):
        if localhost is not None:
            yield errors.invalid_omitted(at + ("localhostProfile",), "can only be set when AppArmor type is Localhost",
                                         anchor="key")
    elif kind == "":  # an absent type is the schema check's (KL103)
        yield errors.required(at + ("type",), "type is required when appArmorProfile is set", present=True)
    elif isinstance(kind, str):
        yield errors.not_supported(at + ("type",), kind, APPARMOR_TYPES)


def _container_context(at: Pointer, security: Dict[str, Any], host_users: bool, os_name: Optional[str],
                       minor: int) -> Iterator[Report]:
    """ValidateSecurityContext."""
    for key in ("runAsUser", "runAsGroup"):
        value = security.get(key)
        if value.__class__ is int and not 0 <= value <= MAX_INT32:
            yield from _id(at + (key,), value)
    proc = security.get("procMount")
    if isinstance(proc, str) and minor >= PROC_MOUNT_SINCE:
        if proc not in _PROC:
            yield errors.not_supported(at + ("procMount",), proc, PROC_MOUNT_TYPES)
        elif proc == "Unmasked" and host_users:
            yield errors.invalid(at + ("procMount",), proc, "`hostUsers` must be false to use `Unmasked`")
    if "seccompProfile" in security:
        yield from _seccomp(at + ("seccompProfile",), security.get("seccompProfile"))
    if security.get("allowPrivilegeEscalation") is False:
        if security.get("privileged") is True:
            yield errors.invalid_omitted(at + ("allowPrivilegeEscalation",), "cannot set `allowPrivilegeEscalation` "
                                                                             "to false and `privileged` to true",
                                         field=dotted(at))
        capabilities = security.get("capabilities")
        if isinstance(capabilities, dict) and "CAP_SYS_ADMIN" in as_list(capabilities.get("add")):
            yield errors.invalid_omitted(at + ("capabilities", "add"), "cannot set `allowPrivilegeEscalation` to false "
                                                                       "and `capabilities.Add` CAP_SYS_ADMIN",
                                         field=dotted(at))
    if "appArmorProfile" in security:
        yield from _apparmor(at + ("appArmorProfile",), security.get("appArmorProfile"))
    if os_name == "linux":
        if security.get("windowsOptions") is not None:
            yield errors.forbidden(at + ("windowsOptions",), "windows options cannot be set for a linux pod")
    elif os_name == "windows":
        for key in WINDOWS_CONTAINER_FORBIDDEN:
            if security.get(key) is not None:
                yield errors.forbidden(at + (key,), WINDOWS)
