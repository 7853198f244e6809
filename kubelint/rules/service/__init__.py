"""Rules KL3xx: Services (discovery and load balancing), one module per topic."""

from __future__ import annotations

from typing import List

from ..base import Rule
from .ports import (
    ServiceDuplicatePort,
    ServicePortName,
    ServicePortsRequired,
    ServicePortValue,
)
from .selectors import (
    ServiceSelectorNoPods,
    ServiceTargetPortNameMissing,
    ServiceTargetPortUndeclared,
)
from .types import (
    ServiceAffinityTimeout,
    ServiceExternalName,
    ServiceHeadlessType,
    ServiceIgnoredField,
    ServiceLoadBalancerField,
    ServiceNodePortOnClusterIP,
    ServiceTrafficPolicyField,
    ServiceUnsupportedValue,
)


def rules() -> List[Rule]:
    return [ServicePortValue(), ServicePortName(), ServiceDuplicatePort(), ServiceUnsupportedValue(),
            ServicePortsRequired(), ServiceNodePortOnClusterIP(), ServiceHeadlessType(), ServiceExternalName(),
            ServiceLoadBalancerField(), ServiceTrafficPolicyField(), ServiceAffinityTimeout(),
            ServiceIgnoredField(), ServiceSelectorNoPods(), ServiceTargetPortNameMissing(),
            ServiceTargetPortUndeclared()]
