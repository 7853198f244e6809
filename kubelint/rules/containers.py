"""Rules KL501-KL539: containers, ports, probes, resources, images and env of pod specs, and quantities.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (validateContainers, validateInitContainers,
validateEphemeralContainers, validateContainerCommon, validateContainerPorts,
AccumulateUniqueHostPorts, validatePodHostNetworkDeps, validateProbe, validateLivenessProbe,
validateReadinessProbe, validateStartupProbe, validateHandler, ValidatePortNumOrName,
validateResourceRequirements, ValidateResourceQuantityValue, ValidateResourceQuotaSpec),
pkg/apis/core/helper/helpers.go (IsOvercommitAllowed, IsExtendedResourceName, IsIntegerResourceName),
pkg/apis/core/v1/defaults.go (SetDefaults_ResourceList rounds values up to milli units,
SetDefaults_Pod copies limits into missing requests, SetDefaults_Probe, SetDefaults_HTTPGetAction,
SetDefaults_LimitRangeItem), pkg/api/pod/warnings.go (the server's warnings: fractional byte
values, duplicate env names, duplicate container ports) and pkg/probe/util.go (a named probe port
is looked up in the container's own ports).
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from decimal import Decimal
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Set,
    Tuple,
)

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model.objects import (
    Container,
    K8sObject,
    PodTemplate,
    as_dict,
    as_list,
)
from ..model.quantity import (
    QuantityError,
    json_text,
    parse_quantity,
    round_up_milli,
    split_quantity,
)
from ..model.validation import dns1123_label, iana_svc_name, port_number, qualified_name
from .base import Report, Rule, RuleDoc
from .common.pods import (
    EPHEMERAL,
    INIT,
    POD_KINDS,
    REGULAR,
    all_containers,
    container_group,
    container_label,
    is_sidecar,
    pod_containers,
    regular_containers,
    runs_with_pod,
    shared_per_object,
)

if TYPE_CHECKING:
    from typing import (
        TypeGuard,  # Python 3.10+; annotations are not evaluated at run time
    )

RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
PROTOCOLS = ("TCP", "UDP", "SCTP")
BYTE_RESOURCES = ("memory", "ephemeral-storage")
# Object-count resources that must be whole numbers (helper.integerResources).
INTEGER_RESOURCES = frozenset({"pods", "quotas", "services", "replicationcontrollers", "secrets", "configmaps",
                               "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"})


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _at(pointer: Pointer) -> str:
    return pointer_to_dotted(pointer)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _int_field(data: Dict[str, Any], key: str, default: int = 0) -> Optional[int]:
    """An int field with its default when absent; None when it has the wrong type."""
    value = data.get(key)
    if value is None:
        return default
    return value if _is_int(value) else None


def _is_integral(value: Decimal) -> bool:
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return True
    return not any(digits[exponent:])


def is_native_resource(name: str) -> bool:
    """Unprefixed names and names containing kubernetes.io/ (helper.IsNativeResource)."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource(name: str) -> bool:
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not qualified_name("requests." + name)


def overcommit_allowed(name: str) -> bool:
    """Native resources except hugepages may have requests below limits (helper.IsOvercommitAllowed)."""
    return is_native_resource(name) and not name.startswith("hugepages-")


def is_integer_resource(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended_resource(name)


@dataclass(frozen=True)
class Reading:
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


# ---------------------------------------------------------------------------------------------
# What the rest of the set says: Services that select a template, LimitRange defaults
# ---------------------------------------------------------------------------------------------

class SetFacts:
    """Facts about the whole set that rules look up per object, each computed once per index and
    only when a rule first needs it: reading another object's spec may mean unpacking it.

    Services are indexed by (namespace, key, value) of one selector pair, so finding the Services
    that select a template costs one lookup per template label (SetIndex only maps the other way).
    """

    def __init__(self, objects: List[K8sObject]) -> None:
        self._objects = objects  # the index's list; holding it does not keep the index alive

    @functools.cached_property
    def _services(self) -> Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]]:
        services: Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]] = {}
        for obj in self._objects:
            if obj.kind == "Service":
                self._add_service(services, obj)
        return services

    @functools.cached_property
    def limit_range_defaults(self) -> Dict[str, Set[Tuple[str, str]]]:
        """namespace -> {(part, resource)} that a LimitRange of type Container fills in."""
        provided: Dict[str, Set[Tuple[str, str]]] = {}
        for obj in self._objects:
            if obj.kind == "LimitRange":
                self._add_limit_range(provided.setdefault(obj.namespace, set()), obj)
        return provided

    @staticmethod
    def _add_service(services: Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]],
                     obj: K8sObject) -> None:
        spec = obj.spec
        selector = spec.get("selector")
        if spec.get("type") == "ExternalName" or not isinstance(selector, dict) or not selector:
            return
        if spec.get("publishNotReadyAddresses") is True:
            return  # it sends traffic to unready pods on purpose
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items()):
            return
        key, value = sorted(selector.items())[0]
        services.setdefault((obj.namespace, key, value), []).append((obj.name or "", selector))

    @staticmethod
    def _add_limit_range(provided: Set[Tuple[str, str]], obj: K8sObject) -> None:
        for item in as_list(obj.spec.get("limits")):
            item = as_dict(item)
            if item.get("type") != "Container":
                continue
            # SetDefaults_LimitRangeItem: max -> default, default -> defaultRequest, min -> defaultRequest
            limits = set(as_dict(item.get("default"))) | set(as_dict(item.get("max")))
            requests = limits | set(as_dict(item.get("defaultRequest"))) | set(as_dict(item.get("min")))
            provided.update(("limits", r) for r in limits)
            provided.update(("requests", r) for r in requests)

    def services_selecting(self, namespace: str, labels: Dict[str, str]) -> List[str]:
        names = []
        for key, value in labels.items():
            for name, selector in self._services.get((namespace, key, value), []):
                if all(labels.get(k) == v for k, v in selector.items()):
                    names.append(name)
        return sorted(set(names))


_facts: "weakref.WeakKeyDictionary[Any, SetFacts]" = weakref.WeakKeyDictionary()


def set_facts(index: Any) -> SetFacts:
    found = _facts.get(index)
    if found is None:
        found = _facts[index] = SetFacts(index.objects)
    return found


# ---------------------------------------------------------------------------------------------
# KL501-KL502: quantities
# ---------------------------------------------------------------------------------------------

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
                yield Report(field.pointer, f"{_at(field.pointer)}: {_show(value)} is not a valid quantity: {reading.error}{advice}")
                continue
            if not reading.digits:
                yield Report(field.pointer, f"{_at(field.pointer)}: {_show(value)} has no digits, so the API "
                                            f"server reads it as 0; write the amount, e.g. 512{reading.suffix}",
                             severity=Severity.WARNING)
                continue
            if field.validated and field.resource is not None and (reading.negative or not reading.whole):
                yield from self._value_checks(field, reading)

    @staticmethod
    def _value_checks(field: QuantityField, reading: Reading) -> Iterator[Report]:
        if reading.negative:
            yield Report(field.pointer, f"{_at(field.pointer)}: {_show(field.value)} is negative; it must be "
                                        f"greater than or equal to 0")
        elif field.resource is not None and is_integer_resource(field.resource) and not reading.whole:
            yield Report(field.pointer, f"{_at(field.pointer)}: {_show(field.value)} must be a whole number: "
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
            yield Report(field.pointer, f"{_at(field.pointer)}: {_show(field.value)} is {value.normalize():f} "
                                        f"bytes; a fractional byte value is invalid, use a whole number of "
                                        f"bytes{hint}")


# ---------------------------------------------------------------------------------------------
# KL503-KL505: container names and images
# ---------------------------------------------------------------------------------------------

class ContainerName(Rule):
    """Container names are DNS labels, unique in the pod."""

    id = "KL503"
    name = "invalid-container-name"
    severity = Severity.ERROR
    summary = "Container names are non-empty DNS-1123 labels, unique across all containers of the pod."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks that no container, init container or ephemeral container has an empty name (a missing "
             "one is a schema error), that each name is a DNS-1123 label (lowercase letters, digits and '-', "
             "at most 63 characters) and that no two containers of the pod share it.",
        why="The API server rejects the pod (or the workload) otherwise; names also key logs, exec and "
            "probes per container.",
        failing="containers:\n- name: web\n  image: nginx:1.27\ninitContainers:\n- name: web\n  image: busybox:1.36",
        passing="containers:\n- name: web\n  image: nginx:1.27\n"
                "initContainers:\n- name: migrate\n  image: busybox:1.36")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        containers = all_containers(template)
        # The server checks regular containers first, then init, then ephemeral ones against both.
        order = {REGULAR: 0, INIT: 1, EPHEMERAL: 2}
        seen: Dict[str, Pointer] = {}
        for container in sorted(containers, key=lambda c: order[container_group(c)]):
            name = container.data.get("name")
            pointer = container.pointer + ("name",)
            if not isinstance(name, str):
                continue  # a missing name is a schema error (KL1xx)
            if name == "":
                yield Report(pointer, f"{_at(pointer)}: a container name is required")
                continue
            problems = dns1123_label(name)
            if problems:
                yield Report(pointer, f"{_at(pointer)}: {_show(name)} is not a valid container name: "
                                      f"{'; '.join(problems)}")
            if name in seen:
                yield Report(pointer, f"{_at(pointer)}: container name {_show(name)} is already used by "
                                      f"{_at(seen[name])}; names must be unique across initContainers, "
                                      f"containers and ephemeralContainers")
            else:
                seen[name] = container.pointer


class MissingImage(Rule):
    """A container without an image."""

    id = "KL504"
    name = "missing-image"
    severity = Severity.ERROR
    summary = "Every container names an image."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Reports a container, init container or ephemeral container whose image is missing or empty. "
             "The OpenAPI schema leaves `image` optional (for higher-level tools), but the API server's "
             "validation requires it for Pods and for the pod templates of every workload.",
        why="The API server rejects the object: spec.containers[0].image: Required value.",
        failing="containers:\n- name: web",
        passing="containers:\n- name: web\n  image: nginx:1.27")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            image = container.data.get("image")
            pointer = container.pointer + ("image",)
            if image is None or image == "":
                yield Report(pointer if image == "" else container.pointer,
                             f"{_at(pointer)}: {container_label(container)} has no image; the API server requires one")


def image_tag(image: str) -> Tuple[Optional[str], bool]:
    """(tag, pinned by digest) of an image reference; the tag is None when there is none.

    A colon before the last '/' is a registry port (localhost:5000/app), not a tag.
    """
    if "@" in image:
        return None, True
    slash, colon = image.rfind("/"), image.rfind(":")
    return (image[colon + 1:] if colon > slash else None), False


class LatestTag(Rule):
    """An image that floats: `:latest` or no tag at all."""

    id = "KL505"
    name = "latest-tag"
    severity = Severity.WARNING
    summary = "Images are pinned to a version tag or a digest, not latest."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Warns when a container image has the tag `latest` or no tag (which pulls latest). Images "
             "pinned by digest (`@sha256:...`) pass whatever their tag; a registry port "
             "(`localhost:5000/app`) is not mistaken for a tag. Images holding an unexpanded `$` "
             "variable are skipped.",
        why="`latest` changes under you: two replicas can run different code, a rollback redeploys the "
            "new image, and the default imagePullPolicy becomes Always.",
        failing="containers:\n- name: web\n  image: nginx",
        passing="containers:\n- name: web\n  image: nginx:1.27.3")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            image = container.data.get("image")
            if not isinstance(image, str) or not image.strip() or "$" in image:
                continue
            tag, pinned = image_tag(image.strip())
            if pinned or (tag is not None and tag != "latest"):
                continue
            pointer = container.pointer + ("image",)
            what = 'has the tag "latest"' if tag == "latest" else 'has no tag, so it pulls "latest"'
            yield Report(pointer, f"{_at(pointer)}: image {_show(image)} {what}; pin a version tag or a "
                                  f"digest so every replica runs the same code")


# ---------------------------------------------------------------------------------------------
# KL506-KL508: container ports
# ---------------------------------------------------------------------------------------------

def _protocol(port: Dict[str, Any]) -> Any:
    value = port.get("protocol")
    return "TCP" if value in (None, "") else value


class ContainerPort(Rule):
    """Container port numbers, protocols and host ports the API server rejects."""

    id = "KL506"
    name = "invalid-container-port"
    severity = Severity.ERROR
    summary = "containerPort is 1-65535, hostPort 0-65535, protocol TCP/UDP/SCTP, host ports do not collide."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks each container port: containerPort between 1 and 65535, hostPort 0 (none) or between 1 "
             "and 65535, protocol TCP, UDP or SCTP; with hostNetwork a hostPort must equal its containerPort; "
             "two ports of the pod's containers may not claim the same hostPort, protocol and hostIP (each "
             "init container is checked on its own, since they run one by one).",
        why="The API server rejects the pod or workload with any of these.",
        failing="ports:\n- containerPort: 80800\n  protocol: HTTP",
        passing="ports:\n- containerPort: 8080\n  protocol: TCP")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        host_network = template.spec.get("hostNetwork") is True
        containers = all_containers(template)
        for container in containers:
            for pointer, port in container.ports():
                yield from self._port(pointer, port, host_network and container_group(container) == REGULAR)
        # Host port conflicts: regular containers together, each init container alone.
        yield from self._host_port_conflicts([c for c in containers if container_group(c) == REGULAR])
        for container in containers:
            if container_group(container) == INIT:
                yield from self._host_port_conflicts([container])

    @staticmethod
    def _port(pointer: Pointer, port: Dict[str, Any], host_network: bool) -> Iterator[Report]:
        container_port, host_port = port.get("containerPort"), port.get("hostPort")
        if _is_int(container_port) and port_number(container_port):
            at = _at(pointer + ("containerPort",))
            what = "is required (0 means unset)" if container_port == 0 else "must be between 1 and 65535"
            yield Report(pointer + ("containerPort",), f"{at}: {container_port} {what}")
        if _is_int(host_port) and host_port != 0 and port_number(host_port):
            yield Report(pointer + ("hostPort",), f"{_at(pointer + ('hostPort',))}: {host_port} must be between "
                                                  f"1 and 65535 (or 0 for no host port)")
        protocol = _protocol(port)
        if isinstance(protocol, str) and protocol not in PROTOCOLS:
            yield Report(pointer + ("protocol",), f"{_at(pointer + ('protocol',))}: {_show(protocol)} is not a "
                                                  f"supported protocol: use TCP, UDP or SCTP")
        if host_network and _is_int(host_port) and _is_int(container_port) and host_port not in (0, container_port):
            yield Report(pointer + ("hostPort",), f"{_at(pointer + ('hostPort',))}: {host_port} must match "
                                                  f"containerPort {container_port} when hostNetwork is true")

    @staticmethod
    def _host_port_conflicts(containers: List[Container]) -> Iterator[Report]:
        seen: Dict[str, Pointer] = {}
        for container in containers:
            for pointer, port in container.ports():
                host_port = port.get("hostPort")
                if not _is_int(host_port) or host_port == 0:
                    continue
                host_ip = port.get("hostIP") if isinstance(port.get("hostIP"), str) else ""
                key = f"{_protocol(port)}/{host_ip}/{host_port}"
                if key in seen:
                    where = f" on {host_ip}" if host_ip else ""
                    yield Report(pointer + ("hostPort",), f"{_at(pointer + ('hostPort',))}: host port "
                                                          f"{host_port}/{_protocol(port)}{where} is already claimed "
                                                          f"by {_at(seen[key])}")
                else:
                    seen[key] = pointer


class PortName(Rule):
    """Container port names: IANA service names, unique."""

    id = "KL507"
    name = "invalid-port-name"
    severity = Severity.ERROR
    summary = "Container port names are IANA service names, unique in their container (and in the pod)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Checks each named container port: at most 15 characters, lowercase letters, digits and '-', "
             "at least one letter, no leading, trailing or double '-' (RFC 6335); no two ports of one "
             "container share a name (an error). Two containers of the pod (containers and sidecars) using "
             "the same name and protocol is a warning: a Service targetPort with that name always resolves "
             "to the first.",
        why="The API server rejects invalid or duplicate names in a container; a name repeated across "
            "containers silently sends Service traffic to only one of them.",
        failing="ports:\n- name: http_web\n  containerPort: 8080\n"
                "- name: metrics-port-prometheus\n  containerPort: 9090",
        passing="ports:\n- name: http-web\n  containerPort: 8080\n- name: metrics\n  containerPort: 9090")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        valid: Dict[Pointer, List[Tuple[Pointer, str, Any]]] = {}  # container -> (pointer, name, protocol)
        for container in all_containers(template):
            in_container: Dict[str, Pointer] = {}
            for pointer, port in container.ports():
                name = port.get("name")
                if not isinstance(name, str) or name == "":
                    continue
                at = pointer + ("name",)
                problems = iana_svc_name(name)
                if problems:
                    yield Report(at, f"{_at(at)}: {_show(name)} is not a valid port name: {'; '.join(problems)}")
                elif name in in_container:
                    yield Report(at, f"{_at(at)}: port name {_show(name)} is already used by "
                                     f"{_at(in_container[name])} in this container")
                else:
                    in_container[name] = at
                    valid.setdefault(container.pointer, []).append((at, name, _protocol(port)))
        # Across containers, in the order FindPort resolves a Service's named targetPort: containers, then
        # sidecars. Plain init containers have exited before a Service routes to the pod.
        first: Dict[Tuple[str, Any], Pointer] = {}
        order = regular_containers(template) + tuple(c for c in all_containers(template) if is_sidecar(c))
        for container in order:
            for at, name, protocol in valid.get(container.pointer, []):
                if not isinstance(protocol, str):
                    continue
                other = first.setdefault((name, protocol), at)
                if other is not at:
                    yield Report(at, f"{_at(at)}: port name {_show(name)} is also used by {_at(other)} in another "
                                     f"container; a Service targetPort \"{name}\" resolves to that one, never to "
                                     f"this one", severity=Severity.WARNING)


class DuplicateContainerPort(Rule):
    """The same containerPort and protocol declared twice in a pod (an API server warning)."""

    id = "KL508"
    name = "duplicate-container-port"
    severity = Severity.WARNING
    summary = "A containerPort/protocol pair is declared once per pod; hostIP needs a hostPort."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Mirrors the API server's warnings (pkg/api/pod/warnings.go): the same containerPort and "
             "protocol declared twice across the pod's containers, with the same host binding (duplicate), "
             "with one side lacking a hostPort (overlapping), or with the same hostPort where only one side "
             "sets hostIP (ambiguous); and a hostIP without a hostPort.",
        why="Containers of a pod share one network namespace, so two of them cannot listen on the same port; "
            "duplicates are usually a copy-paste slip, and kubectl apply may merge them unexpectedly.",
        failing="ports:\n- containerPort: 8080\n- containerPort: 8080",
        passing="ports:\n- containerPort: 8080\n- containerPort: 8080\n  protocol: UDP")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        seen: Dict[str, List[Tuple[Pointer, str, int]]] = {}
        for container in all_containers(template):
            for pointer, port in container.ports():
                number = port.get("containerPort")
                host_ip = port.get("hostIP") if isinstance(port.get("hostIP"), str) else ""
                host_port = port.get("hostPort") if _is_int(port.get("hostPort")) else 0
                if host_ip and host_port == 0:
                    at = pointer + ("hostIP",)
                    yield Report(at, f"{_at(at)}: hostIP is set without hostPort, so it has no effect")
                if not _is_int(number):
                    continue
                key = f"{number}/{_protocol(port)}"
                at = pointer + ("containerPort",)
                for other, other_ip, other_port in seen.get(key, []):
                    there = _at(other + ("containerPort",))
                    if host_ip == other_ip and host_port == other_port:
                        how = f"is already declared at {there}"
                    elif host_port == 0 or other_port == 0:
                        how = f"overlaps {there}: one of them has no hostPort"
                    elif host_port == other_port and (host_ip == "") != (other_ip == ""):
                        how = f"with hostPort {host_port} is dangerously ambiguous with {there}: only one sets hostIP"
                    else:
                        continue
                    yield Report(at, f"{_at(at)}: port {key} {how}")
                seen.setdefault(key, []).append((pointer, host_ip, host_port))


# ---------------------------------------------------------------------------------------------
# KL509-KL512: probes
# ---------------------------------------------------------------------------------------------

def _probes(container: Container) -> Iterator[Tuple[str, Pointer, Dict[str, Any]]]:
    for kind in PROBES:
        probe = container.data.get(kind)
        if isinstance(probe, dict):
            yield kind, container.pointer + (kind,), probe


def _probe_port_problems(value: Any) -> List[str]:
    if _is_int(value):
        return port_number(value)
    if isinstance(value, str):
        return [f"a named port {p}" for p in iana_svc_name(value)]
    return []


class InvalidProbe(Rule):
    """Probes the API server rejects."""

    id = "KL509"
    name = "invalid-probe"
    severity = Severity.ERROR
    summary = "Probes have exactly one handler, valid ports and thresholds, and sit on containers that allow them."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="For liveness, readiness and startup probes: exactly one handler among exec, httpGet, "
             "tcpSocket and grpc; exec.command not empty; numeric ports between 1 and 65535 and named ports "
             "valid IANA names; httpGet.scheme HTTP or HTTPS; successThreshold 1 for liveness and startup "
             "probes; no negative delays, periods, timeouts or thresholds; terminationGracePeriodSeconds "
             "positive, and absent from readiness probes. Init containers may have probes only as sidecars "
             "(restartPolicy: Always); ephemeral containers never.",
        why="The API server rejects the pod or workload with any of these.",
        failing="livenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n  tcpSocket: {port: 8080}\n"
                "  successThreshold: 3",
        passing="livenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n  successThreshold: 1")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            for kind, pointer, probe in _probes(container):
                group = container_group(container)
                if group == EPHEMERAL:
                    yield Report(pointer, f"{_at(pointer)}: probes cannot be set for an ephemeral container",
                                 anchor="key")
                    continue
                if group == INIT and not is_sidecar(container):
                    yield Report(pointer, f"{_at(pointer)}: may not be set for init containers without "
                                          f"restartPolicy: Always", anchor="key")
                    continue
                yield from self._handler(pointer, probe)
                yield from self._numbers(kind, pointer, probe)

    @staticmethod
    def _handler(pointer: Pointer, probe: Dict[str, Any]) -> Iterator[Report]:
        present = [h for h in HANDLERS if probe.get(h) is not None]
        if not present:
            yield Report(pointer, f"{_at(pointer)}: must specify a handler: exec, httpGet, tcpSocket or grpc")
            return
        for extra in present[1:]:
            yield Report(pointer + (extra,), f"{_at(pointer + (extra,))}: may not specify more than 1 handler "
                                             f"type (already has {present[0]})", anchor="key")
        handler, action = present[0], as_dict(probe.get(present[0]))
        at = pointer + (handler,)
        if handler == "exec" and not as_list(action.get("command")):
            yield Report(at, f"{_at(at + ('command',))}: exec probes need a command")
        if handler in ("httpGet", "tcpSocket", "grpc") and "port" in action:
            value = action.get("port")
            if handler == "grpc" and not _is_int(value):
                return
            for problem in _probe_port_problems(value):
                yield Report(at + ("port",), f"{_at(at + ('port',))}: {_show(value)}: {problem}")
        scheme = action.get("scheme")
        if handler == "httpGet" and isinstance(scheme, str) and scheme not in ("", "HTTP", "HTTPS"):
            yield Report(at + ("scheme",), f"{_at(at + ('scheme',))}: {_show(scheme)} is not supported: use "
                                           f"HTTP or HTTPS")

    @staticmethod
    def _numbers(kind: str, pointer: Pointer, probe: Dict[str, Any]) -> Iterator[Report]:
        success = probe.get("successThreshold")
        must_be_one = kind in ("livenessProbe", "startupProbe") and _is_int(success) and success not in (0, 1)
        for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
            value = probe.get(key)
            # isinstance alone is enough here: a bool is an int but never negative
            if isinstance(value, int) and value < 0 and not (key == "successThreshold" and must_be_one):
                yield Report(pointer + (key,), f"{_at(pointer + (key,))}: {value} must be greater than or equal "
                                               f"to 0")
        if must_be_one:
            yield Report(pointer + ("successThreshold",), f"{_at(pointer + ('successThreshold',))}: {success} must "
                                                          f"be 1 for a {kind}")
        grace = probe.get("terminationGracePeriodSeconds")
        at = pointer + ("terminationGracePeriodSeconds",)
        if kind == "readinessProbe" and grace is not None:
            yield Report(at, f"{_at(at)}: must not be set for readiness probes", anchor="key")
        elif _is_int(grace) and grace <= 0:
            yield Report(at, f"{_at(at)}: {grace} must be greater than 0")


class ProbePortNotDeclared(Rule):
    """A probe that names a port its container does not declare."""

    id = "KL510"
    name = "probe-port-not-declared"
    severity = Severity.ERROR
    summary = "A named probe port (httpGet.port or tcpSocket.port) is declared by the container's ports."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="When a liveness, readiness or startup probe gives its port by name, the kubelet looks the "
             "name up in the same container's ports (pkg/probe/util.go findPortByName). Reports a name "
             "that container does not declare.",
        why="The API server accepts it, but the probe can never connect: a liveness or startup probe then "
            "restarts the container forever, a readiness probe keeps it out of its Services.",
        failing="ports:\n- name: http\n  containerPort: 8080\nreadinessProbe:\n  httpGet: {path: /ready, port: web}",
        passing="ports:\n- name: http\n  containerPort: 8080\nreadinessProbe:\n  httpGet: {path: /ready, port: http}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            if not runs_with_pod(container):
                continue  # probes are not allowed there: KL509
            declared = [p.get("name") for _, p in container.ports() if isinstance(p.get("name"), str)]
            for _, pointer, probe in _probes(container):
                for handler in ("httpGet", "tcpSocket"):
                    port = as_dict(probe.get(handler)).get("port")
                    if not isinstance(port, str) or iana_svc_name(port) or port in declared:
                        continue
                    at = pointer + (handler, "port")
                    names = ", ".join(declared) if declared else "none"
                    yield Report(at, f"{_at(at)}: port {_show(port)} is not declared in the ports of "
                                     f"{container_label(container)} (named ports: {names}); the probe cannot connect")


class MissingReadinessProbe(Rule):
    """Pods behind a Service without any readiness probe."""

    id = "KL511"
    name = "missing-readiness-probe"
    severity = Severity.WARNING
    summary = "Pods that a Service sends traffic to have a readiness probe."
    kinds = POD_KINDS - RUN_TO_COMPLETION - {"PodTemplate"}
    doc = RuleDoc(
        what="For a workload whose pod template is selected by a Service in the set (same namespace, "
             "selector matched against the template labels), warns once, at the first container, when no "
             "container or sidecar of the pod has a readinessProbe. Jobs, CronJobs, ExternalName Services, "
             "Services without a selector and Services with publishNotReadyAddresses are left out.",
        why="Without a readiness probe a pod counts as ready as soon as its containers start, so the Service "
            "sends it requests before the application listens, and keeps sending them while it is stuck.",
        failing="# a Service selects app: web\ncontainers:\n- name: web\n  image: nginx:1.27",
        passing="# a Service selects app: web\ncontainers:\n- name: web\n  image: nginx:1.27\n"
                "  readinessProbe:\n    httpGet: {path: /, port: 80}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None or not template.labels:
            return
        containers = [c for c in all_containers(template) if runs_with_pod(c)]
        if any(isinstance(c.data.get("readinessProbe"), dict) for c in containers):
            return
        services = set_facts(ctx.index).services_selecting(obj.namespace, template.labels)
        if not services:
            return
        names = ", ".join(f'"{s}"' for s in services[:3])
        names += f" and {len(services) - 3} more" if len(services) > 3 else ""
        who = f"Service {names} sends" if len(services) == 1 else f"Services {names} send"
        regular = [c for c in containers if container_group(c) == REGULAR]
        if not regular:
            return
        first = regular[0]  # one finding per pod: the fix is one probe, usually on the main container
        whom = container_label(first) if len(regular) == 1 else f"{container_label(first)} (or another container of the pod)"
        yield Report(first.pointer, f"{_at(first.pointer)}: no container of this pod has a readinessProbe, and "
                                    f"{who} traffic to it; add one to {whom} so traffic waits "
                                    f"until the application is ready")


class MissingLivenessProbe(Rule):
    """Long-running containers without a liveness probe."""

    id = "KL512"
    name = "missing-liveness-probe"
    severity = Severity.WARNING
    summary = "Long-running containers have a liveness probe."
    kinds = POD_KINDS - RUN_TO_COMPLETION
    doc = RuleDoc(
        what="Warns on each regular container without a livenessProbe in Deployments, StatefulSets, "
             "DaemonSets, ReplicaSets, ReplicationControllers, PodTemplates and Pods whose restartPolicy is "
             "Always. Jobs, CronJobs and run-to-completion Pods are skipped, and so are init containers "
             "(only sidecars may have probes, and they are helpers of the containers checked here).",
        why="Without a liveness probe the kubelet restarts a container only when its process exits; a "
            "deadlocked or hung process keeps serving errors until someone notices.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  livenessProbe:\n    tcpSocket: {port: 80}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        if template.spec.get("restartPolicy", "Always") != "Always":
            return  # the pod runs to completion
        for container in regular_containers(template):
            if container.data.get("livenessProbe") is None:
                yield Report(container.pointer, f"{_at(container.pointer)}: {container_label(container)} has no "
                                                f"livenessProbe; the kubelet cannot restart it when it hangs")


# ---------------------------------------------------------------------------------------------
# KL513-KL516: requests and limits
# ---------------------------------------------------------------------------------------------

def _requirement_blocks(template: PodTemplate) -> Iterator[Tuple[Pointer, Dict[str, Any]]]:
    """(pointer, resources) of each container with resources, and of the pod-level spec.resources."""
    for container in pod_containers(template):
        resources = container.data.get("resources")
        if isinstance(resources, dict):
            yield container.pointer + ("resources",), resources
    resources = template.spec.get("resources")
    if isinstance(resources, dict):
        yield template.pointer + ("spec", "resources"), resources


class RequestExceedsLimit(Rule):
    """A request above its limit, or a non-overcommittable request that differs from its limit."""

    id = "KL513"
    name = "request-above-limit"
    severity = Severity.ERROR
    summary = "Resource requests are at most their limits (equal for hugepages and extended resources)."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Compares each request with the limit of the same resource, after the server's rounding up to "
             "milli units, for containers, init containers and pod-level resources. Hugepages and extended "
             "resources (vendor.com/gpu) cannot be overcommitted: their request must equal the limit, and a "
             "limit is required when they are requested.",
        why="The API server rejects the pod or workload: requests must be less than or equal to limits.",
        failing="resources:\n  requests: {cpu: \"2\", memory: 1Gi}\n  limits: {cpu: 500m, memory: 512Mi}",
        passing="resources:\n  requests: {cpu: 250m, memory: 256Mi}\n  limits: {cpu: 500m, memory: 512Mi}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for pointer, resources in _requirement_blocks(template):
            requests, limits = as_dict(resources.get("requests")), as_dict(resources.get("limits"))
            for name, raw in requests.items():
                if not isinstance(name, str):
                    continue
                request = effective_quantity(raw)
                if request is None:
                    continue  # KL501 reports values that do not parse
                at = pointer + ("requests", name)
                if name not in limits or limits[name] is None:
                    if not overcommit_allowed(name):
                        yield Report(at, f"{_at(at)}: {name} cannot be overcommitted, so it needs a limit "
                                         f"equal to the request ({_show(raw)})")
                    continue
                limit = effective_quantity(limits[name])
                overcommit = overcommit_allowed(name)
                if limit is None or (request <= limit if overcommit else request == limit):
                    continue
                limit_at = _at(pointer + ("limits", name))
                if not overcommit:
                    yield Report(at, f"{_at(at)}: request {_show(raw)} must equal the limit "
                                     f"{_show(limits[name])} ({limit_at}): {name} cannot be overcommitted")
                else:
                    yield Report(at, f"{_at(at)}: request {_show(raw)} is more than the limit "
                                     f"{_show(limits[name])} ({limit_at}); a request must be less than or equal "
                                     f"to its limit")


class _MissingResource(Rule):
    """Shared logic of KL514-KL516: a container without a request or limit for one resource."""

    resource: str = ""
    part: str = ""  # "requests" or "limits"

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        pod_level = as_dict(template.spec.get("resources"))
        if self._has(pod_level):
            return  # pod-level resources set a budget the containers share
        # A plain init container finishes before the app starts.
        lacking = [c for c in all_containers(template)
                   if runs_with_pod(c) and not self._has(as_dict(c.data.get("resources")))]
        if not lacking:
            return  # the usual case, decided without looking at the set's LimitRanges
        provided = set_facts(ctx.index).limit_range_defaults.get(obj.namespace, set())
        if (self.part, self.resource) in provided:
            return  # a LimitRange in the namespace fills it in
        for container in lacking:
            resources = container.data.get("resources")
            pointer = container.pointer
            if isinstance(resources, dict):
                pointer += ("resources",)
                if isinstance(resources.get(self.part), dict):
                    pointer += (self.part,)
            yield Report(pointer, f"{_at(pointer)}: {container_label(container)} has no {self.resource} "
                                  f"{self.part[:-1]}; {self._why()}")

    def _has(self, resources: Dict[str, Any]) -> bool:
        # SetDefaults_Pod copies a limit into a missing request, so a limit also counts as a request.
        for part in ("requests", "limits") if self.part == "requests" else ("limits",):
            block = resources.get(part)
            if isinstance(block, dict) and block.get(self.resource) is not None:
                return True
        return False

    def _why(self) -> str:
        return ""


class MissingCpuRequest(_MissingResource):
    """A container without a CPU request."""

    id = "KL514"
    name = "missing-cpu-request"
    severity = Severity.WARNING
    summary = "Containers request CPU."
    kinds = POD_KINDS
    resource, part = "cpu", "requests"
    doc = RuleDoc(
        what="Warns on a container or sidecar with neither a cpu request nor a cpu limit (a limit becomes "
             "the request). Skipped when the pod sets pod-level resources for cpu, or when a LimitRange of "
             "type Container in the same namespace of the set gives a default. Plain init containers are "
             "skipped: they run before the app and only raise the pod's request if theirs is larger.",
        why="The scheduler places pods by their requests; a container that requests nothing can land on a "
            "full node and is first in line to be starved.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {cpu: 100m}")

    def _why(self) -> str:
        return "the scheduler cannot reserve CPU for it (set resources.requests.cpu, e.g. 100m)"


class MissingMemoryRequest(_MissingResource):
    """A container without a memory request."""

    id = "KL515"
    name = "missing-memory-request"
    severity = Severity.WARNING
    summary = "Containers request memory."
    kinds = POD_KINDS
    resource, part = "memory", "requests"
    doc = RuleDoc(
        what="Warns on a container or sidecar with neither a memory request nor a memory limit (a limit "
             "becomes the request). Skipped when the pod sets pod-level resources for memory, or when a "
             "LimitRange of type Container in the same namespace of the set gives a default. Plain init "
             "containers are skipped.",
        why="The scheduler places pods by their requests; without a memory request a pod can land on a node "
            "without room for it and is among the first evicted under memory pressure.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}")

    def _why(self) -> str:
        return "the scheduler cannot reserve memory for it (set resources.requests.memory, e.g. 128Mi)"


class MissingMemoryLimit(_MissingResource):
    """A container without a memory limit."""

    id = "KL516"
    name = "missing-memory-limit"
    severity = Severity.WARNING
    summary = "Containers limit their memory."
    kinds = POD_KINDS
    resource, part = "memory", "limits"
    doc = RuleDoc(
        what="Warns on a container or sidecar without a memory limit. Skipped when the pod sets a pod-level "
             "memory limit, or when a LimitRange of type Container in the same namespace of the set gives a "
             "default (or max). Plain init containers are skipped.",
        why="A container without a memory limit can use all of the node's memory; a leak then pushes the "
            "node into OOM kills of unrelated pods.",
        failing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}\n"
                "    limits: {memory: 256Mi}")

    def _why(self) -> str:
        return "it can use all of the node's memory (set resources.limits.memory, e.g. 512Mi)"


# ---------------------------------------------------------------------------------------------
# KL517: env
# ---------------------------------------------------------------------------------------------

class DuplicateEnvVar(Rule):
    """An env var defined twice in one container (an API server warning)."""

    id = "KL517"
    name = "duplicate-env-var"
    severity = Severity.WARNING
    summary = "An environment variable is defined once per container."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Mirrors the API server's warning (pkg/api/pod/warnings.go): a later env entry with the name of "
             "an earlier one, unless it extends it by reference (X=\"$(X):more\"). Reported at the later entry.",
        why="The later value wins in the container, but kubectl apply merges env by name and may drop one of "
            "the two; the earlier value is usually a forgotten leftover.",
        failing="env:\n- name: LOG_LEVEL\n  value: info\n- name: LOG_LEVEL\n  value: debug",
        passing="env:\n- name: PATH\n  value: /opt/bin\n- name: PATH\n  value: $(PATH):/usr/bin")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            first: Dict[str, int] = {}
            for i, item in enumerate(as_list(container.data.get("env"))):
                item = as_dict(item)
                name = item.get("name")
                if not isinstance(name, str):
                    continue
                if name not in first:
                    first[name] = i
                    continue
                raw_value = item.get("value")
                value = raw_value if isinstance(raw_value, str) else ""
                ref = f"$({name})"
                if item.get("valueFrom") is None and value != ref and ref in value:
                    continue  # X="$(X)..." builds on the earlier value
                at = container.pointer + ("env", i, "name")
                earlier = _at(container.pointer + ("env", first[name]))
                yield Report(at, f"{_at(at)}: {_show(name)} is already defined at {earlier}; this definition "
                                 f"hides it and kubectl apply may drop one of them")


def rules() -> List[Rule]:
    return [InvalidQuantity(), FractionalByteValue(), ContainerName(), MissingImage(), LatestTag(),
            ContainerPort(), PortName(), DuplicateContainerPort(), InvalidProbe(), ProbePortNotDeclared(),
            MissingReadinessProbe(), MissingLivenessProbe(), RequestExceedsLimit(), MissingCpuRequest(),
            MissingMemoryRequest(), MissingMemoryLimit(), DuplicateEnvVar()]
