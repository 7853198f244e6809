"""Fix providers, one module per topic, in the order they are asked (the first proposal wins)."""

from __future__ import annotations

from typing import List

from .base import Provider


def providers() -> List[Provider]:
    from .enums import EnumCase, KindCase
    from .ingress import IngressClassAnnotation, IngressPathType
    from .migrations import ApiMigration, WorkloadSelector
    from .pod_security import PodSecurityRestricted
    from .values import QuoteRetypedString, UnquoteInteger

    return [EnumCase(), KindCase(), QuoteRetypedString(), UnquoteInteger(), ApiMigration(), WorkloadSelector(),
            IngressPathType(), IngressClassAnnotation(), PodSecurityRestricted()]
