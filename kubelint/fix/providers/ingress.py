"""Small structural fixes of Ingresses.

- A path without pathType (networking.k8s.io/v1 requires one): `Prefix`. Safe for `/`, where
  every controller's behaviour is "everything"; unsafe for other paths, which the controller may
  have matched as a regular expression or exactly.
- The deprecated `kubernetes.io/ingress.class` annotation moved to spec.ingressClassName when
  the Ingress has none. Safe when an IngressClass of that name is in the set; unsafe otherwise,
  since the annotation names a controller's class and ingressClassName an IngressClass object.
"""

from __future__ import annotations

from typing import List, Optional

from ...findings import Applicability, Finding
from ..ops import Add, Op, Remove, get
from .base import Proposal, Provider, Target

CLASS_ANNOTATION = "kubernetes.io/ingress.class"


class IngressPathType(Provider):
    name = "ingress-path-type"
    rules = frozenset({"KL103"})

    def wants(self, finding: Finding) -> bool:
        return finding.rule == "KL103" and finding.message.endswith('missing required field "pathType"') and \
            finding.object is not None and finding.object.kind == "Ingress"

    def propose(self, target: Target) -> Optional[Proposal]:
        pointer = target.pointer
        if len(pointer) != 6 or pointer[:2] != ("spec", "rules") or pointer[3:5] != ("http", "paths"):
            return None
        item = target.value
        if not isinstance(item, dict) or "pathType" in item:
            return None
        path = item.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            return None
        add = Add(pointer, "pathType", "Prefix", after="path")
        if path == "/":
            return Proposal("pathType: Prefix (the path / matches everything)", Applicability.SAFE, (add,))
        return Proposal(f"pathType: Prefix; unsafe: {path} then also matches {path.rstrip('/')}/..., and the "
                        "controller may have matched it exactly or as a regular expression", Applicability.UNSAFE,
                        (add,))


class IngressClassAnnotation(Provider):
    name = "ingress-class-annotation"
    rules = frozenset({"KL412"})

    def wants(self, finding: Finding) -> bool:
        return finding.rule == "KL412"

    def propose(self, target: Target) -> Optional[Proposal]:
        data = target.data
        annotations = get(data, ("metadata", "annotations"))
        spec = data.get("spec")
        if not isinstance(annotations, dict) or not isinstance(spec, dict) or not spec:
            return None
        name = annotations.get(CLASS_ANNOTATION)
        if not isinstance(name, str) or not name:
            return None
        current = spec.get("ingressClassName")
        if current is not None and current != name:
            return None  # a conflict (KL413): a person decides
        ops: List[Op] = []
        if len(annotations) == 1:
            ops.append(Remove(("metadata", "annotations")))
        else:
            ops.append(Remove(("metadata", "annotations", CLASS_ANNOTATION)))
        if current is None:
            ops.append(Add(("spec",), "ingressClassName", name, before=next(iter(spec))))
        description = f"spec.ingressClassName: {name} instead of the {CLASS_ANNOTATION} annotation"
        if name in target.context.ingress_classes or current == name:
            return Proposal(description, Applicability.SAFE, tuple(ops))
        return Proposal(description + f"; unsafe: no IngressClass {name} in the set, and the annotation named a "
                        "controller's class, not an IngressClass", Applicability.UNSAFE, tuple(ops))
