"""Rules KL4xx: Ingresses (HTTP routing to Services, TLS, virtual hosts), one module per topic."""

from __future__ import annotations

from typing import List

from ..base import Rule
from .classes import IngressClassAnnotation, IngressClassConflict, IngressClassMissing
from .references import (
    IngressServiceMissing,
    IngressServicePort,
    IngressTLSHostNotRouted,
    IngressTLSSecretMissing,
)
from .structure import (
    IngressBackendPort,
    IngressBackendTarget,
    IngressHost,
    IngressNoRoutes,
    IngressPathSyntax,
    IngressPathType,
)


def rules() -> List[Rule]:
    return [IngressPathType(), IngressPathSyntax(), IngressHost(), IngressBackendTarget(), IngressBackendPort(),
            IngressNoRoutes(), IngressServiceMissing(), IngressServicePort(), IngressTLSHostNotRouted(),
            IngressTLSSecretMissing(), IngressClassMissing(), IngressClassAnnotation(), IngressClassConflict()]
