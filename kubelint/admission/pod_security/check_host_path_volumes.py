"""HostPath volumes: policy/check_hostPathVolumes.go (baseline, v1.0+; the restricted level
replaces it with restrictedVolumes)."""

from __future__ import annotations

from typing import List

from ...model.objects import as_list
from .api import BASELINE, v
from .checks import ALLOWED, Check, CheckResult, Pod, VersionedCheck, Violation, join_quote, pluralize, result

CHECK_ID = "hostPathVolumes"


def host_path_volumes_1_0(pod: Pod) -> CheckResult:
    names: List[str] = []
    violations: List[Violation] = []
    for index, volume in enumerate(as_list(pod.spec.get("volumes"))):
        if isinstance(volume, dict) and volume.get("hostPath") is not None:
            name = str(volume.get("name") or "")
            names.append(name)
            violations.append(Violation(pod.at("volumes", index, "hostPath"), f"volume {join_quote([name])}", "key"))
    if not names:
        return ALLOWED
    return result("hostPath volumes", f'{pluralize("volume", "volumes", len(names))} {join_quote(names)}', violations)


CHECK = Check(CHECK_ID, BASELINE, (VersionedCheck(v(0), host_path_volumes_1_0),))
