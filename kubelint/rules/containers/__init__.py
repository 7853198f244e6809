"""Rules KL501-KL539: containers, ports, probes, resources, images and env of pod specs, and quantities."""

from __future__ import annotations

from typing import List

from ..base import Rule


def rules() -> List[Rule]:
    from .env import DuplicateEnvVar
    from .images import LatestTag, MissingImage
    from .names import ContainerName
    from .ports import ContainerPort, DuplicateContainerPort, PortName
    from .probes import (
        InvalidProbe,
        MissingLivenessProbe,
        MissingReadinessProbe,
        ProbePortNotDeclared,
    )
    from .quantities import FractionalByteValue, InvalidQuantity
    from .resources import (
        MissingCpuRequest,
        MissingMemoryLimit,
        MissingMemoryRequest,
        RequestExceedsLimit,
    )

    return [InvalidQuantity(), FractionalByteValue(), ContainerName(), MissingImage(), LatestTag(),
            ContainerPort(), PortName(), DuplicateContainerPort(), InvalidProbe(), ProbePortNotDeclared(),
            MissingReadinessProbe(), MissingLivenessProbe(), RequestExceedsLimit(), MissingCpuRequest(),
            MissingMemoryRequest(), MissingMemoryLimit(), DuplicateEnvVar()]
