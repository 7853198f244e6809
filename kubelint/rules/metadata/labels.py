"""Label and annotation syntax (KL202-KL203): in an object's metadata, in the templates it
carries, and in its selectors.

What the API server rejects follows k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta,
ValidateAnnotations) and k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateLabels,
ValidateLabelSelector).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Tuple

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import POD_TEMPLATE_PATHS, K8sObject, as_list, get_path
from ..base import Report, Rule, RuleDoc
from ..common.pods import shared_per_object
from ..common.values import dotted, shown
from .kinds import kind_class
from .names import problems_text

if TYPE_CHECKING:
    from ...model.context import RuleContext


# --- labels and annotations: where they are -------------------------------------------------

# The ObjectMeta of the templates a built-in kind carries (a Pod's template is the Pod itself).
TEMPLATE_METADATA: Dict[str, Tuple[Pointer, ...]] = {
    kind: (template + ("metadata",),) for kind, template in POD_TEMPLATE_PATHS.items() if template}
TEMPLATE_METADATA["CronJob"] += (("spec", "jobTemplate", "metadata"),)


def metadata_pointers(obj: K8sObject, builtin: bool) -> List[Pointer]:
    """Every ObjectMeta the API server validates when it takes this object, or that becomes one."""
    pointers: List[Pointer] = [("metadata",)]
    if not builtin:
        return pointers
    pointers += TEMPLATE_METADATA.get(obj.kind, ())
    if obj.kind == "StatefulSet":
        for index, _ in enumerate(as_list(get_path(obj.raw, ("spec", "volumeClaimTemplates")))):
            pointers.append(("spec", "volumeClaimTemplates", index, "metadata"))
    return pointers


# metav1.LabelSelector fields of built-in kinds, and plain label maps used as selectors.
LABEL_SELECTORS: Dict[str, List[Pointer]] = {
    "Deployment": [("spec", "selector")], "ReplicaSet": [("spec", "selector")],
    "DaemonSet": [("spec", "selector")], "StatefulSet": [("spec", "selector")], "Job": [("spec", "selector")],
    "CronJob": [("spec", "jobTemplate", "spec", "selector")], "PodDisruptionBudget": [("spec", "selector")],
    "NetworkPolicy": [("spec", "podSelector")],
}
MAP_SELECTORS: Dict[str, List[Pointer]] = {"Service": [("spec", "selector")],
                                           "ReplicationController": [("spec", "selector")]}
# Both kinds of equality selector as key=value maps: plain maps, then matchLabels.
EQUALITY_SELECTORS: Dict[str, Tuple[Pointer, ...]] = {
    kind: tuple(MAP_SELECTORS.get(kind, ())) + tuple(p + ("matchLabels",) for p in LABEL_SELECTORS.get(kind, ()))
    for kind in {**MAP_SELECTORS, **LABEL_SELECTORS}}


_Maps = List[Tuple[Pointer, Dict[Any, Any]]]


@shared_per_object  # KL202 and KL203 of one object walk the same ObjectMetas
def _metadata_maps(obj: K8sObject) -> Tuple[_Maps, _Maps]:
    """(labels, annotations): (pointer, mapping) of each map in every ObjectMeta of the object,
    labels followed by the equality selectors (key=value maps)."""
    builtin = kind_class(obj).builtin
    raw = obj.raw
    labels: _Maps = []
    annotations: _Maps = []
    for meta in metadata_pointers(obj, builtin):
        found = get_path(raw, meta)
        if isinstance(found, dict):
            value = found.get("labels")
            if isinstance(value, dict):
                labels.append((meta + ("labels",), value))
            value = found.get("annotations")
            if isinstance(value, dict):
                annotations.append((meta + ("annotations",), value))
    if builtin and obj.kind in EQUALITY_SELECTORS:
        labels += _mappings(raw, EQUALITY_SELECTORS[obj.kind])
    return labels, annotations


def label_maps(obj: K8sObject) -> _Maps:
    """(pointer, mapping) of every key=value label map: metadata labels and equality selectors."""
    return _metadata_maps(obj)[0]


def annotation_maps(obj: K8sObject) -> _Maps:
    """(pointer, mapping) of the annotations of every ObjectMeta of the object."""
    return _metadata_maps(obj)[1]


def _mappings(raw: Dict[str, Any], pointers: Tuple[Pointer, ...]) -> _Maps:
    found = []
    for pointer in pointers:
        value = get_path(raw, pointer)
        if isinstance(value, dict):
            found.append((pointer, value))
    return found


def selector_expressions(obj: K8sObject, builtin: bool) -> Iterator[Tuple[Pointer, Dict[str, Any]]]:
    if not builtin or obj.kind not in LABEL_SELECTORS:
        return
    for pointer in LABEL_SELECTORS[obj.kind]:
        for index, expression in enumerate(as_list(get_path(obj.raw, pointer + ("matchExpressions",)))):
            if isinstance(expression, dict):
                yield pointer + ("matchExpressions", index), expression


def invalid_key(what: str, pointer: Pointer, key: str, checked: str, anchor: str = "key") -> Report:
    """A label or annotation key that is not a qualified name; `checked` is the key as the API
    server checks it."""
    return Report(pointer, f"{dotted(pointer)}: {what} key {shown(key)} is not valid: "
                           f"{problems_text(validation.qualified_name(checked))}", anchor=anchor)


# --- KL202 ------------------------------------------------------------------------------------

class LabelSyntax(Rule):
    """Label keys are qualified names and label values are valid label values."""

    id = "KL202"
    name = "invalid-label"
    severity = Severity.ERROR
    summary = "Label keys and values (and selector keys and values) follow Kubernetes' label syntax."
    doc = RuleDoc(
        what="Checks label keys (an optional DNS-subdomain prefix of at most 253 characters, '/', and a "
             "name of at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric) and "
             "values (empty, or at most 63 such characters) in metadata.labels, pod template and "
             "CronJob job template labels, StatefulSet volume claim template labels, workload, "
             "PodDisruptionBudget and NetworkPolicy selectors (matchLabels and matchExpressions) and "
             "Service and ReplicationController selectors. A bad key is reported at the key, a bad value "
             "at the value. Values that are not strings are left to the schema check.",
        why="The API server rejects the object (or the Pods a template stamps out).",
        failing="metadata:\n  labels:\n    app.kubernetes.io/name: my app\n    team/owner/x: web",
        passing="metadata:\n  labels:\n    app.kubernetes.io/name: my-app\n    team.example.com/owner: web",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        _, builtin, api_object = kind_class(obj)
        if not api_object:
            return
        is_key, is_value = validation.is_qualified_name, validation.is_label_value
        for pointer, labels in label_maps(obj):
            for key, value in labels.items():
                if not isinstance(key, str):
                    continue
                if not is_key(key):
                    yield invalid_key("label", pointer + (key,), key, checked=key)
                if isinstance(value, str) and not is_value(value):
                    yield Report(pointer + (key,), f"{dotted(pointer + (key,))}: label value {shown(value)} "
                                                   f"is not valid: {problems_text(validation.label_value(value))}")
        for pointer, expression in selector_expressions(obj, builtin):
            key = expression.get("key")
            if isinstance(key, str) and not is_key(key):
                yield invalid_key("label", pointer + ("key",), key, checked=key, anchor="value")
            for index, value in enumerate(as_list(expression.get("values"))):
                if isinstance(value, str) and not is_value(value):
                    where = pointer + ("values", index)
                    yield Report(where, f"{dotted(where)}: {shown(value)} is not a valid label value, so it "
                                        f"can match no label: {problems_text(validation.label_value(value))}")


# --- KL203 ------------------------------------------------------------------------------------

ANNOTATIONS_SIZE_MAX = 256 * 1024  # TotalAnnotationSizeLimitB: keys plus values, in bytes


def utf8_size(text: str) -> int:
    """Bytes in UTF-8; ASCII text (nearly all of it) is counted without encoding it."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))


class AnnotationSyntax(Rule):
    """Annotation keys are qualified names and all annotations together stay under 256 KiB."""

    id = "KL203"
    name = "invalid-annotation"
    severity = Severity.ERROR
    summary = "Annotation keys are qualified names; annotations total at most 256 KiB."
    doc = RuleDoc(
        what="Checks annotation keys in metadata.annotations and in pod template, CronJob job template "
             "and StatefulSet volume claim template annotations: an optional DNS-subdomain prefix, '/', "
             "and a name of at most 63 alphanumerics, '-', '_' or '.' (case does not matter, as the API "
             "server lowercases keys before checking). Also reports annotations whose keys and values "
             "together exceed 262144 bytes. Values are otherwise free text.",
        why="The API server rejects the object.",
        failing="metadata:\n  annotations:\n    example.com/owner team: web",
        passing="metadata:\n  annotations:\n    example.com/owner-team: web",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if not kind_class(obj).api_object:
            return
        for pointer, written in annotation_maps(obj):
            size = 0
            for key, value in written.items():
                if not isinstance(key, str):
                    continue
                size += utf8_size(key) + (utf8_size(value) if isinstance(value, str) else 0)
                if not validation.is_qualified_name(key.lower()):  # ValidateAnnotations lowercases keys
                    yield invalid_key("annotation", pointer + (key,), key, checked=key.lower())
            if size > ANNOTATIONS_SIZE_MAX:
                yield Report(pointer, f"{dotted(pointer)}: annotations total {size:,} bytes (keys and values), "
                                      f"over the {ANNOTATIONS_SIZE_MAX:,}-byte limit: keep large data out of "
                                      "annotations (in a ConfigMap's data or a volume)", anchor="key")
