"""KL151 runtimeclass-spec: what the API server's node validation refuses in RuntimeClasses.

Follows kubernetes/kubernetes pkg/apis/node/validation/validation.go (ValidateRuntimeClass,
validateScheduling, validateTolerations) with core's ValidateTolerations (operator and effect
values) and apimachinery's ValidateLabels. overhead.podFixed quantities are left to the
quantity rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .errors import duplicate, invalid, invalid_omitted, not_supported
from .group_fields import items, mapping

if TYPE_CHECKING:
    from ...model.context import RuleContext

TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


class RuntimeClassSpec(Rule):
    """ValidateRuntimeClass."""

    id = "KL151"
    name = "runtimeclass-spec"
    severity = Severity.ERROR
    summary = "A RuntimeClass's handler is a DNS label and its scheduling constraints are valid."
    kinds = frozenset({"RuntimeClass"})
    doc = RuleDoc(
        what="handler: a lowercase RFC 1123 label (runc, kata-fc). scheduling.nodeSelector: label syntax. "
             "scheduling.tolerations: operator Equal or Exists (Exists with no value), effect NoSchedule, "
             "PreferNoSchedule or NoExecute, tolerationSeconds only with NoExecute, no toleration twice.",
        why="The API server refuses the RuntimeClass (ValidateRuntimeClass in "
            "pkg/apis/node/validation/validation.go).",
        failing="handler: kata_fc", passing="handler: kata-fc")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        raw = obj.raw
        handler = raw.get("handler")
        if isinstance(handler, str):
            for problem in validation.dns1123_label(handler):
                yield invalid(("handler",), handler, problem)
        scheduling = raw.get("scheduling")
        if not isinstance(scheduling, dict):
            return
        for key, value in mapping(scheduling.get("nodeSelector")).items():
            at = ("scheduling", "nodeSelector", key)
            if isinstance(key, str):
                for problem in validation.qualified_name(key):
                    yield invalid(at, key, problem, anchor="key")
            if isinstance(value, str):
                for problem in validation.label_value(value):
                    yield invalid(at, value, problem)
        seen = set()
        for index, toleration in enumerate(items(scheduling.get("tolerations"))):
            if not isinstance(toleration, dict):
                continue
            at = ("scheduling", "tolerations", index)
            yield from _toleration(toleration, at)
            identity = tuple(str(toleration.get(k, "")) for k in ("key", "operator", "value", "effect"))
            if identity in seen:
                yield duplicate(at, "key={}, operator={}, value={}, effect={}".format(*identity))
            seen.add(identity)


def _toleration(toleration: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """ValidateTolerations (the parts that do not depend on a feature gate)."""
    key, operator, value = toleration.get("key"), toleration.get("operator"), toleration.get("value")
    effect = toleration.get("effect")
    if isinstance(key, str) and key:
        for problem in validation.qualified_name(key):
            yield invalid(at + ("key",), key, problem)
    if (key is None or key == "") and operator != "Exists":
        yield invalid(at + ("operator",), operator if operator is not None else "",
                      "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        yield invalid(at + ("effect",), effect if effect is not None else "",
                      "effect must be 'NoExecute' when `tolerationSeconds` is set")
    if operator in (None, "", "Equal"):
        if isinstance(value, str) and value:
            for problem in validation.label_value(value):
                yield invalid(at + ("value",), value, problem)  # the API server names .operator
    elif operator == "Exists":
        if isinstance(value, str) and value:
            yield invalid_omitted(at + ("operator",), "value must be empty when `operator` is 'Exists'")
    elif isinstance(operator, str):
        yield not_supported(at + ("operator",), operator, TOLERATION_OPERATORS)
    if isinstance(effect, str) and effect and effect not in TAINT_EFFECTS:
        yield not_supported(at + ("effect",), effect, TAINT_EFFECTS)
