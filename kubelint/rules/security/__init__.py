"""Security: Pod Security admission (KL8xx, pod_security.py) and hardening best practices that
Pod Security does not cover (KL7xx: hardening.py for containers and host paths, rbac.py,
network_policy.py)."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from . import hardening, network_policy, pod_security, rbac

    return [
        hardening.WritableRootFilesystem(), hardening.AutomountedServiceAccountToken(),
        hardening.ContainerRuntimeSocket(), hardening.SensitiveHostPath(), rbac.RbacWildcard(),
        rbac.RbacEscalation(), rbac.ClusterAdminServiceAccount(), network_policy.NoNetworkPolicy(),
        hardening.ImageWithoutRegistry(),
    ] + pod_security.rules()
