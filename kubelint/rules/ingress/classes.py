"""Rules KL411-KL413: which IngressClass serves an Ingress (spec.ingressClassName and the old annotation).

KL413 follows kubernetes/kubernetes pkg/apis/networking/validation/validation.go (ValidateIngressCreate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import FixSupport, Report, RuleDoc
from ..common.values import dotted, str_or_none
from .fields import IngressRule

if TYPE_CHECKING:
    from ...model.context import RuleContext

CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def class_annotation(obj: K8sObject) -> Optional[str]:
    return str_or_none(as_dict(obj.metadata.get("annotations")).get(CLASS_ANNOTATION))


def class_name(obj: K8sObject) -> Optional[str]:
    return str_or_none(obj.spec.get("ingressClassName"))


ANNOTATION_POINTER: Pointer = ("metadata", "annotations", CLASS_ANNOTATION)


class IngressClassMissing(IngressRule):
    """spec.ingressClassName names an IngressClass that exists."""

    id = "KL411"
    name = "ingress-class-missing"
    severity = Severity.WARNING
    summary = "An Ingress spec.ingressClassName names an IngressClass of the set."
    doc = RuleDoc(
        what="Reports a spec.ingressClassName that is not an IngressClass of the set, when the set holds "
             "IngressClasses (or is complete), and not for names under assume-present "
             "(e.g. `IngressClass/nginx`).",
        why="No controller claims an Ingress whose class does not exist: it is silently ignored. "
            "A warning, not an error: the API server accepts it, and IngressClasses are cluster-scoped "
            "objects usually installed with the controller, so a repository that holds one often does "
            "not hold them all.",
        failing="spec:\n  ingressClassName: ngnix",
        passing="spec:\n  ingressClassName: nginx")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = class_name(obj)
        if name and ctx.is_missing("IngressClass", None, name):
            known = sorted(o.name for o in ctx.index.of_kind("IngressClass") if o.name)
            listed = ", ".join(f'"{n}"' for n in known) or "none"
            pointer = ("spec", "ingressClassName")
            yield Report(pointer, f'{dotted(pointer)}: no IngressClass "{name}" (IngressClasses in the set: '
                                  f"{listed}); no controller will serve this Ingress")


class IngressClassAnnotation(IngressRule):
    """The deprecated kubernetes.io/ingress.class annotation."""

    id = "KL412"
    name = "ingress-class-annotation"
    severity = Severity.WARNING
    fix = FixSupport("mixed", "Moves the class to spec.ingressClassName when the Ingress has none; safe when an "
                              "IngressClass of that name is in the set.")
    summary = "An Ingress uses the deprecated kubernetes.io/ingress.class annotation."
    options = {"annotation-only-classes": ["gce", "gce-internal"]}
    doc = RuleDoc(
        what="Reports the kubernetes.io/ingress.class annotation, deprecated since Kubernetes 1.18 in "
             "favour of spec.ingressClassName. Values in the option annotation-only-classes (by default "
             "GKE's gce and gce-internal, which GKE selects only by the annotation) are not reported. "
             "An annotation that disagrees with spec.ingressClassName is KL413 instead.",
        why="Controllers are dropping the annotation; spec.ingressClassName names an IngressClass that "
            "the API server and tools can check.",
        failing="metadata:\n  annotations:\n    kubernetes.io/ingress.class: nginx",
        passing="spec:\n  ingressClassName: nginx")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        value = class_annotation(obj)
        if value is None or value in as_list(ctx.option("annotation-only-classes")):
            return
        field = class_name(obj)
        where = dotted(ANNOTATION_POINTER)
        if field is None:
            yield Report(ANNOTATION_POINTER, f'{where}: the annotation is deprecated; set spec.ingressClassName: '
                                             f'"{value}" (an IngressClass name) and remove the annotation')
        elif field == value:
            yield Report(ANNOTATION_POINTER, f"{where}: deprecated and redundant with spec.ingressClassName; "
                                             f"remove the annotation")


class IngressClassConflict(IngressRule):
    """The class annotation and spec.ingressClassName agree."""

    id = "KL413"
    name = "ingress-class-conflict"
    severity = Severity.ERROR
    summary = "The kubernetes.io/ingress.class annotation and spec.ingressClassName name the same class."
    doc = RuleDoc(
        what="Reports an Ingress that sets both the kubernetes.io/ingress.class annotation and "
             "spec.ingressClassName to different values.",
        why="The API server refuses to create it (ValidateIngressCreate: \"must match `ingressClassName` "
            "when both are specified\"). An update of an existing Ingress is not checked, so the "
            "mismatch can survive there, and controllers then disagree about who serves it.",
        failing="metadata:\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
                "spec:\n  ingressClassName: traefik",
        passing="spec:\n  ingressClassName: traefik")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        value, field = class_annotation(obj), class_name(obj)
        if value is None or field is None or value == field:
            return
        yield Report(ANNOTATION_POINTER, f'{dotted(ANNOTATION_POINTER)}: "{value}" disagrees with '
                                         f'spec.ingressClassName "{field}"; the API server rejects creating an '
                                         f"Ingress whose annotation and ingressClassName differ: remove the "
                                         f"deprecated annotation")
