"""Rules KL501-KL502: resource quantities, read as the API server reads them, and where they live.

What the API server accepts is checked against kubernetes/kubernetes:
staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (parsing),
pkg/apis/core/validation/validation.go (ValidateResourceQuantityValue, ValidateResourceQuotaSpec),
pkg/apis/core/helper/helpers.go (IsExtendedResourceName, IsIntegerResourceName),
pkg/apis/core/v1/defaults.go (SetDefaults_ResourceList rounds values up to milli units) and
pkg/api/pod/warnings.go (the server's warning about fractional byte values).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, PodTemplate, as_dict, as_list
from ...model.quantity import (
    QuantityError,
    json_text,
    parse_quantity,
    round_up_milli,
    split_quantity,
)
from ...named_tuple import NamedTuple
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers, shared_per_object
from ..common.values import dotted, quoted
from .resource_names import is_integer_resource

BYTE_RESOURCES = ("memory", "ephemeral-storage")


def _is_integral(value: Decimal) -> bool:
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return True
    return not any(digits[exponent:])


class Reading(NamedTuple):  # not a dataclass: cheaper to define on every start
    """What the API server makes of one quantity value."""

    error: Optional[str]  # why it does not parse; the other fields are then unset
    digits: bool = False  # the number has a digit; without one the server reads 0
    suffix: str = ""
    effective: Optional[Decimal] = None  # parsed and rounded up to milli units, as validation sees it
    negative: bool = False
    whole: bool = False  # effective is a whole number


def _read(value: Any) -> Reading:
    try:
        parsed = parse_quantity(value)
    except QuantityError as error:
        return Reading(error.message)
    number, suffix = split_quantity(json_text(value))
    effective = round_up_milli(parsed)
    return Reading(None, any(c.isdigit() for c in number), suffix, effective, effective < 0, _is_integral(effective))


# Manifests repeat a few values (100m, 128Mi) thousands of times: each is parsed once. Numbers
# are keyed with their type, since 1 and 1.0 are equal keys but read differently ("1" and "1.0").
_READINGS: Dict[Any, Reading] = {}
_READINGS_MAX = 10_000  # generated or hostile input must not grow it without bound


def read_quantity(value: Any) -> Optional[Reading]:
    """The server's reading of a manifest value; None for null and for types the schema reports."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    key = value if type(value) is str else (type(value), value)  # strings, the usual case, need no tuple
    found = _READINGS.get(key)
    if found is None:
        if len(_READINGS) >= _READINGS_MAX:
            _READINGS.clear()
        found = _READINGS[key] = _read(value)
    return found


def effective_quantity(value: Any) -> Optional[Decimal]:
    """The value the server validates: parsed and rounded up to milli units; None if unusable."""
    reading = read_quantity(value)
    return None if reading is None else reading.effective


# ---------------------------------------------------------------------------------------------
# Where quantities live
# ---------------------------------------------------------------------------------------------

class QuantityField(NamedTuple):  # a NamedTuple: built for every quantity of every object, 2.5x cheaper than a dataclass
    pointer: Pointer
    value: Any
    resource: Optional[str] = None  # the key when the field is an entry of a resource list
    validated: bool = False  # ValidateResourceQuantityValue applies: not negative, whole for counted resources
    byte_warning: bool = False  # pkg/api/pod/warnings.go warns about fractional memory bytes here


# The walk appends to one list: it runs over every container, env entry and volume of every
# object, where nested generators cost more than the fields they find.
_Fields = List[QuantityField]


def _resource_list(out: _Fields, pointer: Pointer, mapping: Any, validated: bool = False,
                   byte_warning: bool = False) -> None:
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if isinstance(key, str):
                out.append(QuantityField(pointer + (key,), value, key, validated, byte_warning))


def _requirements(out: _Fields, pointer: Pointer, resources: Any, validated: bool = False,
                  byte_warning: bool = False) -> None:
    if isinstance(resources, dict):
        for part in ("requests", "limits"):
            _resource_list(out, pointer + (part,), resources.get(part), validated, byte_warning)


def _single(out: _Fields, pointer: Pointer, mapping: Any, key: str) -> None:
    if isinstance(mapping, dict) and key in mapping:
        out.append(QuantityField(pointer + (key,), mapping[key]))


def _downward_items(out: _Fields, pointer: Pointer, items: Any) -> None:
    for i, item in enumerate(as_list(items)):
        if isinstance(item, dict):
            _single(out, pointer + (i, "resourceFieldRef"), item.get("resourceFieldRef"), "divisor")


def _pod_spec_quantities(out: _Fields, template: PodTemplate) -> None:
    spec, base = template.spec, template.pointer + ("spec",)
    for container in all_containers(template):
        _requirements(out, container.pointer + ("resources",), container.data.get("resources"),
                      validated=True, byte_warning=True)
        for i, env in enumerate(as_list(container.data.get("env"))):
            value_from = env.get("valueFrom") if isinstance(env, dict) else None
            if isinstance(value_from, dict):
                _single(out, container.pointer + ("env", i, "valueFrom", "resourceFieldRef"),
                        value_from.get("resourceFieldRef"), "divisor")
    _resource_list(out, base + ("overhead",), spec.get("overhead"), byte_warning=True)
    _requirements(out, base + ("resources",), spec.get("resources"), validated=True)
    for i, volume in enumerate(as_list(spec.get("volumes"))):
        if isinstance(volume, dict):
            _volume_quantities(out, base + ("volumes", i), volume)


def _volume_quantities(out: _Fields, at: Pointer, volume: Dict[str, Any]) -> None:
    _single(out, at + ("emptyDir",), volume.get("emptyDir"), "sizeLimit")
    downward = volume.get("downwardAPI")
    if isinstance(downward, dict):
        _downward_items(out, at + ("downwardAPI", "items"), downward.get("items"))
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for j, source in enumerate(as_list(projected.get("sources"))):
            _downward_items(out, at + ("projected", "sources", j, "downwardAPI", "items"),
                            as_dict(as_dict(source).get("downwardAPI")).get("items"))
    ephemeral = volume.get("ephemeral")
    if isinstance(ephemeral, dict):
        claim_spec = as_dict(as_dict(ephemeral.get("volumeClaimTemplate")).get("spec"))
        _requirements(out, at + ("ephemeral", "volumeClaimTemplate", "spec", "resources"),
                      claim_spec.get("resources"))


_HPA_SOURCES = ("resource", "containerResource", "pods", "object", "external")


def _hpa_quantities(out: _Fields, obj: K8sObject) -> None:
    for i, metric in enumerate(as_list(obj.spec.get("metrics"))):
        for source in _HPA_SOURCES:
            block = metric.get(source) if isinstance(metric, dict) else None
            if not isinstance(block, dict):
                continue
            at = ("spec", "metrics", i, source)
            target = block.get("target")
            for key in ("value", "averageValue"):  # autoscaling/v2
                _single(out, at + ("target",), target, key)
            for key in ("targetValue", "targetAverageValue"):  # autoscaling/v2beta1
                _single(out, at, block, key)


@shared_per_object
def quantity_fields(obj: K8sObject) -> Tuple[QuantityField, ...]:
    """Every resource.Quantity field of the object, with what the server checks about it."""
    out: _Fields = []
    kind, spec = obj.kind, obj.spec
    template = obj.pod_template
    if template is not None:
        _pod_spec_quantities(out, template)
    if kind == "StatefulSet":
        for i, claim in enumerate(as_list(spec.get("volumeClaimTemplates"))):
            _requirements(out, ("spec", "volumeClaimTemplates", i, "spec", "resources"),
                          as_dict(as_dict(claim).get("spec")).get("resources"))
    elif kind == "PersistentVolumeClaim":
        _requirements(out, ("spec", "resources"), spec.get("resources"))
    elif kind == "PersistentVolume":
        _resource_list(out, ("spec", "capacity"), spec.get("capacity"))
    elif kind == "ResourceQuota":
        _resource_list(out, ("spec", "hard"), spec.get("hard"), validated=True)
    elif kind == "LimitRange":
        for i, item in enumerate(as_list(spec.get("limits"))):
            for part in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
                _resource_list(out, ("spec", "limits", i, part), as_dict(item).get(part))
    elif kind == "RuntimeClass":
        _resource_list(out, ("overhead", "podFixed"), as_dict(obj.data.get("overhead")).get("podFixed"))
    elif kind == "CSIStorageCapacity":
        for key in ("capacity", "maximumVolumeSize"):
            _single(out, (), obj.data, key)
    elif kind == "HorizontalPodAutoscaler":
        _hpa_quantities(out, obj)
    return tuple(out)


QUANTITY_KINDS = POD_KINDS | {"PersistentVolumeClaim", "PersistentVolume", "ResourceQuota", "LimitRange",
                              "RuntimeClass", "CSIStorageCapacity", "HorizontalPodAutoscaler"}


class InvalidQuantity(Rule):
    """A resource quantity the API server cannot parse, or rejects."""

    id = "KL501"
    name = "invalid-quantity"
    severity = Severity.ERROR
    summary = "Resource quantities (250m, 1Gi, 1e3) parse, are not negative and are whole where they must be."
    kinds = QUANTITY_KINDS
    doc = RuleDoc(
        what="Parses every resource.Quantity field exactly as the API server does (quantity.go): container, "
             "init and pod-level requests and limits, overhead, emptyDir.sizeLimit, downward API divisors, "
             "ephemeral volume claims, StatefulSet volumeClaimTemplates, PersistentVolumeClaim requests and "
             "limits, PersistentVolume capacity, ResourceQuota hard, LimitRange max/min/default/"
             "defaultRequest/maxLimitRequestRatio, RuntimeClass overhead, CSIStorageCapacity and "
             "HorizontalPodAutoscaler targets. Container requests and limits and ResourceQuota hard values "
             "must also be at least 0, and whole numbers for extended resources (vendor.com/gpu) and object "
             "counts. A quantity without any digit (`Mi`) is accepted by the server as 0: that is a warning.",
        why="The API server rejects the whole object when one quantity does not parse; `1gb`, `512 Mi` and "
            "`1K` are common slips (the suffixes are Ki, Mi, Gi or k, M, G).",
        failing="resources:\n  limits:\n    memory: 512MB\n    cpu: 1 core",
        passing="resources:\n  limits:\n    memory: 512Mi\n    cpu: \"1\"")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        for field in quantity_fields(obj):
            value = field.value
            reading = read_quantity(value)
            if reading is None:
                continue  # null is allowed; other types are the schema check's
            if reading.error is not None:
                advice = "" if any(h in reading.error for h in ("e.g.", "did you mean", "use one of")) else \
                    "; a quantity is a number with an optional suffix, e.g. 500m, 1.5, 128Mi, 2Gi or 1e3"
                yield Report(field.pointer, f"{dotted(field.pointer)}: {quoted(value)} is not a valid quantity: {reading.error}{advice}")
                continue
            if not reading.digits:
                yield Report(field.pointer, f"{dotted(field.pointer)}: {quoted(value)} has no digits, so the API "
                                            f"server reads it as 0; write the amount, e.g. 512{reading.suffix}",
                             severity=Severity.WARNING)
                continue
            if field.validated and field.resource is not None and (reading.negative or not reading.whole):
                yield from self._value_checks(field, reading)

    @staticmethod
    def _value_checks(field: QuantityField, reading: Reading) -> Iterator[Report]:
        if reading.negative:
            yield Report(field.pointer, f"{dotted(field.pointer)}: {quoted(field.value)} is negative; it must be "
                                        f"greater than or equal to 0")
        elif field.resource is not None and is_integer_resource(field.resource) and not reading.whole:
            yield Report(field.pointer, f"{dotted(field.pointer)}: {quoted(field.value)} must be a whole number: "
                                        f"{field.resource} is counted in whole units")


class FractionalByteValue(Rule):
    """Memory or ephemeral storage given as a fraction of a byte."""

    id = "KL502"
    name = "fractional-byte-value"
    severity = Severity.WARNING
    summary = "Memory and ephemeral-storage values are whole numbers of bytes."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Warns, as the API server does (pkg/api/pod/warnings.go), when a container's memory or "
             "ephemeral-storage request or limit, or the pod overhead, is not a whole number of bytes after "
             "the server rounds it up to milli units. The usual cause is the `m` suffix (milli) written for "
             "megabytes.",
        why="`memory: 500m` is half a byte, not 500 megabytes: the container gets a limit it cannot start "
            "with, or a request of nearly nothing.",
        failing="resources:\n  limits:\n    memory: 500m",
        passing="resources:\n  limits:\n    memory: 500Mi")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        for field in quantity_fields(obj):
            if not field.byte_warning or field.resource not in BYTE_RESOURCES:
                continue
            reading = read_quantity(field.value)
            if reading is None or reading.effective is None or reading.whole:
                continue
            value = reading.effective
            hint = ""
            text = field.value.strip() if isinstance(field.value, str) else ""
            if text.endswith("m") and text[:-1].isdigit():
                hint = f" (did you mean {text[:-1]}Mi or {text[:-1]}M? m means milli)"
            yield Report(field.pointer, f"{dotted(field.pointer)}: {quoted(field.value)} is {value.normalize():f} "
                                        f"bytes; a fractional byte value is invalid, use a whole number of "
                                        f"bytes{hint}")
