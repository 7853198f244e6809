"""The rules of the non-core API groups' validation (KL140-KL169), one per group area."""

from __future__ import annotations

from typing import List

from ..base import Rule


def group_rules() -> List[Rule]:
    from .admissionregistration import AdmissionPolicy, AdmissionPolicyBinding, WebhookConfiguration
    from .apiextensions import CrdDefinition
    from .apps import AppsSpec
    from .autoscaling import HorizontalPodAutoscalerSpec
    from .batch import CronJobSpec, JobSpec
    from .coordination import LeaseSpec
    from .discovery import EndpointSliceSpec
    from .networking import IngressClassSpec, NetworkPolicySpec
    from .node import RuntimeClassSpec
    from .policy import PodDisruptionBudgetSpec
    from .rbac import RbacBinding, RbacRole
    from .scheduling import PriorityClassSpec
    from .storage_classes import CsiDriverSpec, StorageClassSpec

    return [AppsSpec(), CronJobSpec(), JobSpec(), NetworkPolicySpec(), IngressClassSpec(), PodDisruptionBudgetSpec(),
            RbacBinding(), RbacRole(), StorageClassSpec(), CsiDriverSpec(), PriorityClassSpec(), RuntimeClassSpec(),
            EndpointSliceSpec(), LeaseSpec(), WebhookConfiguration(), AdmissionPolicy(), AdmissionPolicyBinding(),
            HorizontalPodAutoscalerSpec(), CrdDefinition()]
