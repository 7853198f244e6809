"""LimitRanger admission (plugin/pkg/admission/limitranger/admission.go), as it treats the pods
a manifest creates.

Per namespace, once per set: the LimitRanges of the namespace, each with the defaults the API
server stored for it (pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem, type Container:
a `max` with no `default` becomes the default limit, a `default` with no `defaultRequest` the
default request, then a `min` the default request).

Per pod (or pod template): SetDefaults_Pod first copies a container's limit into its missing
request; then, for each LimitRange in turn, mergePodResourceRequirements fills the container's
missing requests and limits from defaultContainerResourceRequirements, and PodLimitFunc checks
min, max and maxLimitRequestRatio per container (containers and init containers) and per pod
(the sum over containers, a resource counted only when every container sets it, then the max
with each init container; with PodLevelResources, on by default since 1.34, the pod-level
spec.resources of cpu and memory replace those sums: podRequests, podLimits and
isSupportedPodLevelResource). Pod validation then runs on the defaulted pod: a request above the
limit the LimitRange filled in is refused (validateResourceRequirements: "must be less than or
equal to cpu limit").

Per PersistentVolumeClaim: PersistentVolumeClaimValidateLimitFunc checks spec.resources.requests
against the min (minConstraint, no limits) and max (maxRequestConstraint) of every item of type
PersistentVolumeClaim; nothing is defaulted. LimitRanger sees a claim when it is created, so a
StatefulSet's volumeClaimTemplates are checked as the claims its controller creates from them."""

from __future__ import annotations

import weakref
from decimal import Decimal
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from ..findings import Pointer
from ..model.index import SetIndex
from ..model.objects import K8sObject, PodTemplate, as_dict, as_list
from ..named_tuple import NamedTuple
from .resources import Amount, Scope, admission_scope, format_amount, resource_list

CONTAINER, POD, CLAIM = "Container", "Pod", "PersistentVolumeClaim"
# PodLevelResources: alpha (off) in 1.32 and 1.33, beta and on by default since 1.34.
POD_LEVEL_RESOURCES_SINCE = 34
POD_LEVEL_RESOURCES = frozenset({"cpu", "memory"})  # limitranger's isSupportedPodLevelResource
# Pointers name where a value comes from; a string rather than a pointer into another object.
Origin = str


class LimitItem(NamedTuple):
    where: str  # "LimitRange team/limits spec.limits[0]"
    type: str
    min: Dict[str, Amount]
    max: Dict[str, Amount]
    ratio: Dict[str, Amount]


class LimitRangeFacts(NamedTuple):
    label: str  # "LimitRange team/limits"
    default_limits: Dict[str, Tuple[Amount, Origin]]
    default_requests: Dict[str, Tuple[Amount, Origin]]
    items: Tuple[LimitItem, ...]


def _limit_range_facts(obj: K8sObject) -> LimitRangeFacts:
    label = f"LimitRange {obj.namespace}/{obj.name}"
    limits: Dict[str, Tuple[Amount, Origin]] = {}
    requests: Dict[str, Tuple[Amount, Origin]] = {}
    items = []
    for number, raw in enumerate(as_list(obj.spec.get("limits"))):
        raw = as_dict(raw)
        kind = raw.get("type")
        where = f"{label} spec.limits[{number}]"
        mins, maxes = resource_list(raw.get("min")), resource_list(raw.get("max"))
        items.append(LimitItem(where, str(kind), mins, maxes, resource_list(raw.get("maxLimitRequestRatio"))))
        if kind != CONTAINER:
            continue
        # SetDefaults_LimitRangeItem, then defaultContainerResourceRequirements (a later item of
        # type Container overrides an earlier one's default).
        default = {k: (v, f"{where}.default.{k}") for k, v in resource_list(raw.get("default")).items()}
        for key, value in maxes.items():
            default.setdefault(key, (value, f"{where}.max.{key} (a max with no default is the default limit)"))
        default_request = {k: (v, f"{where}.defaultRequest.{k}")
                           for k, v in resource_list(raw.get("defaultRequest")).items()}
        for key, (value, origin) in default.items():
            default_request.setdefault(key, (value, f"{origin}, also the default request"))
        for key, value in mins.items():
            default_request.setdefault(key, (value, f"{where}.min.{key} (a min with no default request is the "
                                                    f"default request)"))
        limits.update(default)
        requests.update(default_request)
    return LimitRangeFacts(label, limits, requests, tuple(items))


_by_index: "weakref.WeakKeyDictionary[SetIndex, Dict[Scope, List[LimitRangeFacts]]]" = weakref.WeakKeyDictionary()


def limit_ranges(index: SetIndex, obj: K8sObject) -> List[LimitRangeFacts]:
    """The LimitRanges of the object's namespace in the set (resources.admission_scope), in set
    order; the set's LimitRanges are read once."""
    per_scope = _by_index.get(index)
    if per_scope is None:
        per_scope = {}
        for other in index.objects:
            if other.kind == "LimitRange":
                per_scope.setdefault(admission_scope(other), []).append(_limit_range_facts(other))
        _by_index[index] = per_scope
    if not per_scope:
        return []
    return per_scope.get(admission_scope(obj), [])


class Value(NamedTuple):
    amount: Amount
    origin: Optional[Origin]  # None: written in the manifest (or copied from its limit by the API)


class ContainerResources:
    """A container's requests and limits as admission sees them, with where each came from."""

    def __init__(self, pointer: Pointer, name: str, init: bool, raw: Any, sidecar: bool = False) -> None:
        self.pointer = pointer
        self.name = name
        self.init = init
        self.sidecar = sidecar  # an init container with restartPolicy: Always runs beside the app
        self.written = isinstance(raw, dict)
        resources = as_dict(raw)
        self.limits: Dict[str, Value] = {k: Value(v, None) for k, v in resource_list(resources.get("limits")).items()}
        self.requests: Dict[str, Value] = {k: Value(v, None)
                                           for k, v in resource_list(resources.get("requests")).items()}
        for key, value in self.limits.items():  # SetDefaults_Pod: a limit is the missing request
            self.requests.setdefault(key, value)

    @property
    def label(self) -> str:
        return f'{"init container" if self.init else "container"} "{self.name}"'

    def at(self, part: str, resource: str) -> Pointer:
        """The written value's pointer, else the nearest written parent."""
        value = (self.requests if part == "requests" else self.limits).get(resource)
        if value is not None and value.origin is None and self.written:
            return self.pointer + ("resources", part, resource)
        return self.pointer + ("resources",) if self.written else self.pointer


class LimitFinding(NamedTuple):
    kind: str  # CONSTRAINT or REQUEST_ABOVE_DEFAULT_LIMIT
    pointer: Pointer
    message: str
    anchor: str = "value"  # "key": the finding sits on the mapping key (the pod's `spec:` line)


CONSTRAINT, REQUEST_ABOVE_DEFAULT_LIMIT = "constraint", "request-above-default-limit"


def _containers(template: PodTemplate) -> List[ContainerResources]:
    found = []
    for group, init in (("containers", False), ("initContainers", True)):
        for number, data in enumerate(as_list(template.spec.get(group))):
            if isinstance(data, dict):
                found.append(ContainerResources(template.pointer + ("spec", group, number), str(data.get("name", "")),
                                                init, data.get("resources"),
                                                init and data.get("restartPolicy") == "Always"))
    return found


def evaluate(template: PodTemplate, ranges: List[LimitRangeFacts], pod_level: bool = False) -> List[LimitFinding]:
    """What LimitRanger and the validation after it say about the pod `template` describes.
    `pod_level`: the PodLevelResources feature is on (the pod's spec.resources count)."""
    containers = _containers(template)
    findings: List[LimitFinding] = []
    for facts in ranges:
        _merge_defaults(containers, facts)
        for item in facts.items:
            if item.type == CONTAINER:
                for container in containers:
                    for message, pointer in _constraints(item, container.requests, container.limits, container.at):
                        findings.append(LimitFinding(CONSTRAINT, pointer, f"{container.label}: {message}"))
            elif item.type == POD:
                requests, limits, locate, unknown = _pod_totals(containers, template if pod_level else None)
                for message, pointer in _constraints(item, requests, limits, locate, unknown):
                    if pointer:  # a pod-level value written in spec.resources
                        findings.append(LimitFinding(CONSTRAINT, pointer, f"the pod: {message}"))
                    else:
                        findings.append(LimitFinding(CONSTRAINT, template.pointer + ("spec",), f"the pod: {message}",
                                                     "key"))
    for container in containers:
        findings.extend(_request_above_default_limit(container))
    return findings


def _merge_defaults(containers: List[ContainerResources], facts: LimitRangeFacts) -> None:
    """mergePodResourceRequirements: a missing request or limit takes the LimitRange's default."""
    for container in containers:
        for key, (amount, origin) in facts.default_limits.items():
            container.limits.setdefault(key, Value(amount, origin))
        for key, (amount, origin) in facts.default_requests.items():
            container.requests.setdefault(key, Value(amount, origin))


def defaulted_containers(template: PodTemplate, ranges: List[LimitRangeFacts]) -> List[ContainerResources]:
    """The pod's containers and init containers with every LimitRange's defaults merged in, as
    the admission plugins after LimitRanger (ResourceQuota) see them."""
    containers = _containers(template)
    for facts in ranges:
        _merge_defaults(containers, facts)
    return containers


def _defaulted(value: Optional[Value]) -> str:
    return f" (set by default from {value.origin})" if value is not None and value.origin else ""


def _constraints(item: LimitItem, requests: Dict[str, Value], limits: Dict[str, Value],
                 at: Callable[[str, str], Pointer], unknown: FrozenSet[str] = frozenset()) \
        -> List[Tuple[str, Pointer]]:
    """minConstraint, maxConstraint and limitRequestRatioConstraint, with upstream's wording;
    `at(part, resource)` locates the value a message is about (() for the pod as a whole);
    a request in `unknown` is not known, so min and ratio are not judged for it."""
    out: List[Tuple[str, Pointer]] = []
    kind = item.type

    for key, enforced in item.min.items():
        if key in unknown:
            continue
        request, limit = requests.get(key), limits.get(key)
        rule = f"(from {item.where}.min.{key})"
        if request is None:
            out.append((f"minimum {key} usage per {kind} is {enforced.text}.  No request is specified {rule}",
                        at("requests", key)))
        elif request.amount.value < enforced.value:
            out.append((f"minimum {key} usage per {kind} is {enforced.text}, but request is {request.amount.text}"
                        f"{_defaulted(request)} {rule}", at("requests", key)))
        elif limit is not None and limit.amount.value < enforced.value:
            out.append((f"minimum {key} usage per {kind} is {enforced.text}, but limit is {limit.amount.text}"
                        f"{_defaulted(limit)} {rule}", at("limits", key)))
    for key, enforced in item.max.items():
        request, limit = requests.get(key), limits.get(key)
        rule = f"(from {item.where}.max.{key})"
        if limit is None:
            out.append((f"maximum {key} usage per {kind} is {enforced.text}.  No limit is specified {rule}",
                        at("limits", key)))
        elif limit.amount.value > enforced.value:
            out.append((f"maximum {key} usage per {kind} is {enforced.text}, but limit is {limit.amount.text}"
                        f"{_defaulted(limit)} {rule}", at("limits", key)))
        elif request is not None and request.amount.value > enforced.value:
            out.append((f"maximum {key} usage per {kind} is {enforced.text}, but request is {request.amount.text}"
                        f"{_defaulted(request)} {rule}", at("requests", key)))
    for key, enforced in item.ratio.items():
        if key in unknown:
            continue
        request, limit = requests.get(key), limits.get(key)
        rule = f"(from {item.where}.maxLimitRequestRatio.{key})"
        if request is None or request.amount.value == 0:
            out.append((f"{key} max limit to request ratio per {kind} is {enforced.text}, but no request is "
                        f"specified or request is 0 {rule}", at("requests", key)))
        elif limit is None or limit.amount.value == 0:
            out.append((f"{key} max limit to request ratio per {kind} is {enforced.text}, but no limit is "
                        f"specified or limit is 0 {rule}", at("limits", key)))
        else:
            ratio = limit.amount.value / request.amount.value
            if ratio > enforced.value:
                out.append((f"{key} max limit to request ratio per {kind} is {enforced.text}, but provided ratio "
                            f"is {float(ratio):f} (limit {limit.amount.text}{_defaulted(limit)} / request "
                            f"{request.amount.text}{_defaulted(request)}) {rule}", at("limits", key)))
    return out


def _pod_totals(containers: List[ContainerResources], pod_level: Optional[PodTemplate]) \
        -> Tuple[Dict[str, Value], Dict[str, Value], Callable[[str, str], Pointer], FrozenSet[str]]:
    """PodLimitFunc's pod requests and limits: sum() over containers (a resource only when every
    container has it), then the max with each init container; then, with PodLevelResources
    (`pod_level` given), the pod's own spec.resources for cpu and memory. Also where a total
    comes from: the pod-level value's pointer, or () for a sum; and the resources whose pod
    request is not known (left out of the requests)."""
    regular = [c for c in containers if not c.init]
    totals = []
    for part in ("requests", "limits"):
        lists = [getattr(c, part) for c in regular]
        keys = {k for values in lists for k in values}
        total: Dict[str, Value] = {}
        for key in keys:
            if lists and all(key in values for values in lists):
                amount = sum((values[key].amount.value for values in lists), Decimal(0))
                total[key] = Value(Amount(amount, _text(amount)), None)
        for container in containers:
            if container.init:
                for key, value in getattr(container, part).items():
                    if key not in total or value.amount.value > total[key].amount.value:
                        total[key] = Value(value.amount, None)
        totals.append(total)
    written: Dict[Tuple[str, str], Pointer] = {}
    unknown: FrozenSet[str] = frozenset()
    if pod_level is not None:
        resources = as_dict(pod_level.spec.get("resources"))
        for part, total in zip(("requests", "limits"), totals):
            for key, amount in resource_list(resources.get(part)).items():
                if key in POD_LEVEL_RESOURCES:
                    total[key] = Value(amount, None)
                    written[(part, key)] = pod_level.pointer + ("spec", "resources", part, key)
        # A pod-level limit without a pod-level request: the API server defaults the request
        # (defaultPodRequests; from the limit in recent versions, from the containers' requests in
        # earlier ones), so the request LimitRanger compares is not known here: left out. (It is
        # at most the limit, so a max is still judged on the limit.)
        unknown = frozenset(k for (part, k) in written if part == "limits" and ("requests", k) not in written)
        for key in unknown:
            totals[0].pop(key, None)

    def at(part: str, key: str) -> Pointer:
        return written.get((part, key), ())

    return totals[0], totals[1], at, unknown


def _text(value: Decimal) -> str:
    return format_amount(value)


def _request_above_default_limit(container: ContainerResources) -> List[LimitFinding]:
    """validateResourceRequirements on the defaulted pod: requests at most limits."""
    out = []
    for key, request in container.requests.items():
        limit = container.limits.get(key)
        if limit is None or (request.origin is None and limit.origin is None):
            continue  # without a default involved, KL513 reports it
        if request.amount.value > limit.amount.value:
            out.append(LimitFinding(
                REQUEST_ABOVE_DEFAULT_LIMIT, container.at("requests", key),
                f"{container.label}: {key} request {request.amount.text}{_defaulted(request)} is above the {key} limit "
                f"{limit.amount.text}{_defaulted(limit)}; the defaulted pod is refused: must be less than or equal "
                f"to {key} limit of {limit.amount.text}"))
    return out


def evaluate_claim(at: Pointer, spec: Any, ranges: List[LimitRangeFacts]) -> List[LimitFinding]:
    """PersistentVolumeClaimValidateLimitFunc for the claim spec at `at` (a PersistentVolumeClaim's
    `spec`, or a StatefulSet's claim template's): its requests against every PersistentVolumeClaim
    item's min (minConstraint with no limits) and max (maxRequestConstraint)."""
    spec = as_dict(spec)
    resources = spec.get("resources")
    raw = as_dict(resources).get("requests")
    requests = resource_list(raw)
    unreadable = {k for k in as_dict(raw) if k not in requests}  # the quantity rules report those

    def locate(key: str) -> Pointer:
        if key in requests:
            return at + ("resources", "requests", key)
        if isinstance(raw, dict):
            return at + ("resources", "requests")
        return at + ("resources",) if isinstance(resources, dict) else at

    findings = []
    for facts in ranges:
        for item in facts.items:
            if item.type != CLAIM:
                continue
            for bound, enforced_list in (("min", item.min), ("max", item.max)):
                for key, enforced in enforced_list.items():
                    if key in unreadable:
                        continue
                    request = requests.get(key)
                    word = "minimum" if bound == "min" else "maximum"
                    rule = f"(from {item.where}.{bound}.{key})"
                    if request is None:
                        message = f"{word} {key} usage per {CLAIM} is {enforced.text}.  No request is specified {rule}"
                    elif (request.value < enforced.value) if bound == "min" else (request.value > enforced.value):
                        message = f"{word} {key} usage per {CLAIM} is {enforced.text}, but request is {request.text} {rule}"
                    else:
                        continue
                    findings.append(LimitFinding(CONSTRAINT, locate(key), message))
    return findings
