"""SELinux options: policy/check_seLinuxOptions.go (baseline, v1.0+; v1.31 adds
container_engine_t to the allowed types). user and role may not be set."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Set

from .api import BASELINE, v
from .checks import (ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, containers_phrase, field,
                     join_quote, pluralize, result, text)

TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
TYPES_1_31 = TYPES_1_0 | {"container_engine_t"}


def _se_linux_options(pod: Pod, allowed_types: FrozenSet[str]) -> CheckResult:
    setters: List[str] = []
    bad_types: Set[str] = set()
    flags = {"user": False, "role": False}
    violations: List[Violation] = []

    def valid(options: Dict[str, Any], who: str, pointer: tuple) -> bool:
        ok = True
        kind = text(options.get("type"))
        if kind not in allowed_types:
            ok = False
            bad_types.add(kind)
            violations.append(Violation(pointer + ("type",), f"{who} set forbidden securityContext.seLinuxOptions: "
                                                             f"type {join_quote([kind])}"))
        for name in ("user", "role"):
            if text(options.get(name)):
                ok = False
                flags[name] = True
                violations.append(Violation(pointer + (name,), f"{who} set forbidden securityContext.seLinuxOptions: "
                                                               f"{name} may not be set"))
        return ok

    options = field(pod.security_context, "seLinuxOptions")
    if options is not None and not valid(options, "pod", pod.at("securityContext", "seLinuxOptions")):
        setters.append("pod")
    bad: List[str] = []
    for container in pod.containers:
        options = field(container.security_context, "seLinuxOptions")
        if options is not None and not valid(options, containers_phrase([container.name]),
                                             container.pointer + ("securityContext", "seLinuxOptions")):
            bad.append(container.name)
    if bad:
        setters.append(containers_phrase(bad))
    if not setters:
        return ALLOWED
    data = []
    if bad_types:
        data.append(f"{pluralize('type', 'types', len(bad_types))} {join_quote(sorted(bad_types))}")
    data += [f"{name} may not be set" for name in ("user", "role") if flags[name]]
    return result("seLinuxOptions", f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: "
                  f"{'; '.join(data)}", violations)


def se_linux_options_1_0(pod: Pod) -> CheckResult:
    return _se_linux_options(pod, TYPES_1_0)


def se_linux_options_1_31(pod: Pod) -> CheckResult:
    return _se_linux_options(pod, TYPES_1_31)


CHECK = Check("seLinuxOptions", BASELINE, (
    VersionedCheck(v(0), se_linux_options_1_0),
    VersionedCheck(v(31), se_linux_options_1_31),
))
