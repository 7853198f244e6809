"""The Pod Security `restricted` settings added to a pod template that lacks them: on the pod,
`runAsNonRoot: true` and `seccompProfile: {type: RuntimeDefault}`; on each container and init
container, `allowPrivilegeEscalation: false` and `capabilities: {drop: [ALL]}`.

Keyed on the finding's message (the wording of k8s.io/pod-security-admission's restricted
checks, `must set securityContext.runAsNonRoot=true` and the like), whatever rule reports it.
Only missing settings are added; a value set the other way is a person's decision. Always
unsafe: the image may need root, a capability, or privilege escalation.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ...findings import Applicability, Finding, Pointer
from ...model.objects import POD_TEMPLATE_PATHS
from ..ops import Add, Op, ReplaceEntry, get
from .base import Proposal, Provider, Target

PHRASES = (
    "must set securityContext.allowPrivilegeEscalation=false",
    'must set securityContext.capabilities.drop=["ALL"]',
    'must set securityContext.seccompProfile.type to "RuntimeDefault"',
    "must set securityContext.runAsNonRoot=true",
)


class PodSecurityRestricted(Provider):
    name = "pod-security-restricted"

    def wants(self, finding: Finding) -> bool:
        return any(phrase in finding.message for phrase in PHRASES)

    def propose(self, target: Target) -> Optional[Proposal]:
        data = target.data
        template = POD_TEMPLATE_PATHS.get(str(data.get("kind")))
        if template is None:
            return None
        pod: Pointer = template + ("spec",)
        spec = get(data, pod)
        if not isinstance(spec, dict) or not spec or get(spec, ("os", "name")) == "windows":
            return None
        ops: List[Op] = []
        ops.extend(_settings(pod, spec, {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}))
        for group in ("initContainers", "containers"):
            containers = spec.get(group)
            for i, container in enumerate(containers if isinstance(containers, list) else []):
                if isinstance(container, dict) and container:
                    ops.extend(_container(pod + (group, i), container))
        if not ops:
            return None
        return Proposal("Pod Security restricted settings (runAsNonRoot, seccompProfile RuntimeDefault, "
                        "allowPrivilegeEscalation false, capabilities drop ALL); unsafe: the image may need root "
                        "or a capability", Applicability.UNSAFE, tuple(ops))


def _settings(pointer: Pointer, owner: Dict[str, Any], wanted: Dict[str, Any]) -> List[Op]:
    """Add the `wanted` securityContext fields that `owner` lacks (the securityContext itself
    if it has none)."""
    context = owner.get("securityContext")
    if context is None and "securityContext" not in owner:
        return [Add(pointer, "securityContext", wanted)]
    if not isinstance(context, dict):
        return []
    return [Add(pointer + ("securityContext",), key, value) for key, value in wanted.items() if key not in context]


def _container(pointer: Pointer, container: Dict[str, Any]) -> List[Op]:
    context = container.get("securityContext")
    capabilities = context.get("capabilities") if isinstance(context, dict) else None
    if isinstance(capabilities, dict) and "drop" in capabilities:
        drop = capabilities["drop"]
        ops = _settings(pointer, container, {"allowPrivilegeEscalation": False})
        if isinstance(drop, list) and "ALL" not in drop:
            ops.append(ReplaceEntry(pointer + ("securityContext", "capabilities", "drop"), "drop", drop + ["ALL"]))
        return ops
    if isinstance(capabilities, dict):
        return _settings(pointer, container, {"allowPrivilegeEscalation": False}) + \
            [Add(pointer + ("securityContext", "capabilities"), "drop", ["ALL"])]
    return _settings(pointer, container, {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}})
