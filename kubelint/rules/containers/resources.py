"""Rules KL513-KL516: container requests and limits.

What the API server accepts is checked against kubernetes/kubernetes:
pkg/apis/core/validation/validation.go (validateResourceRequirements),
pkg/apis/core/helper/helpers.go (IsOvercommitAllowed) and pkg/apis/core/v1/defaults.go
(SetDefaults_ResourceList rounds values up to milli units, SetDefaults_Pod copies limits into
missing requests, SetDefaults_LimitRangeItem).
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Iterator, Tuple, Type

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, PodTemplate, as_dict
from ..base import Report, Rule, RuleDoc
from ..common.pods import (
    POD_KINDS,
    all_containers,
    container_label,
    pod_containers,
    runs_with_pod,
)
from ..common.values import dotted, quoted
from .quantities import effective_quantity
from .resource_names import overcommit_allowed
from .set_facts import set_facts


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
                        yield Report(at, f"{dotted(at)}: {name} cannot be overcommitted, so it needs a limit "
                                         f"equal to the request ({quoted(raw)})")
                    continue
                limit = effective_quantity(limits[name])
                overcommit = overcommit_allowed(name)
                if limit is None or (request <= limit if overcommit else request == limit):
                    continue
                limit_at = dotted(pointer + ("limits", name))
                if not overcommit:
                    yield Report(at, f"{dotted(at)}: request {quoted(raw)} must equal the limit "
                                     f"{quoted(limits[name])} ({limit_at}): {name} cannot be overcommitted")
                else:
                    yield Report(at, f"{dotted(at)}: request {quoted(raw)} is more than the limit "
                                     f"{quoted(limits[name])} ({limit_at}); a request must be less than or equal "
                                     f"to its limit")


class _MissingResource(Rule):
    """Shared logic of KL514-KL516: a container without a request or limit for one resource."""

    severity = Severity.WARNING
    kinds = POD_KINDS
    resource: ClassVar[str]
    part: ClassVar[str]  # "requests" or "limits"
    hint: ClassVar[str]  # what that means and how to set it, after the finding's "; "

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
            yield Report(pointer, f"{dotted(pointer)}: {container_label(container)} has no {self.resource} "
                                  f"{self.part[:-1]}; {self.hint}")

    def _has(self, resources: Dict[str, Any]) -> bool:
        # SetDefaults_Pod copies a limit into a missing request, so a limit also counts as a request.
        for part in ("requests", "limits") if self.part == "requests" else ("limits",):
            block = resources.get(part)
            if isinstance(block, dict) and block.get(self.resource) is not None:
                return True
        return False


def _missing_resource_rule(class_name: str, rule_id: str, name: str, summary: str, resource: str, part: str,
                           hint: str, doc: RuleDoc) -> Type[_MissingResource]:
    """A rule class of KL514-KL516: they differ only in these values."""
    return type(class_name, (_MissingResource,), {
        "__doc__": summary, "id": rule_id, "name": name, "summary": summary, "resource": resource, "part": part,
        "hint": hint, "doc": doc})


MissingCpuRequest = _missing_resource_rule(
    "MissingCpuRequest", "KL514", "missing-cpu-request", "Containers request CPU.", "cpu", "requests",
    "the scheduler cannot reserve CPU for it (set resources.requests.cpu, e.g. 100m)", RuleDoc(
        what="Warns on a container or sidecar with neither a cpu request nor a cpu limit (a limit becomes "
             "the request). Skipped when the pod sets pod-level resources for cpu, or when a LimitRange of "
             "type Container in the same namespace of the set gives a default. Plain init containers are "
             "skipped: they run before the app and only raise the pod's request if theirs is larger.",
        why="The scheduler places pods by their requests; a container that requests nothing can land on a "
            "full node and is first in line to be starved.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {cpu: 100m}"))

MissingMemoryRequest = _missing_resource_rule(
    "MissingMemoryRequest", "KL515", "missing-memory-request", "Containers request memory.", "memory", "requests",
    "the scheduler cannot reserve memory for it (set resources.requests.memory, e.g. 128Mi)", RuleDoc(
        what="Warns on a container or sidecar with neither a memory request nor a memory limit (a limit "
             "becomes the request). Skipped when the pod sets pod-level resources for memory, or when a "
             "LimitRange of type Container in the same namespace of the set gives a default. Plain init "
             "containers are skipped.",
        why="The scheduler places pods by their requests; without a memory request a pod can land on a node "
            "without room for it and is among the first evicted under memory pressure.",
        failing="containers:\n- name: web\n  image: nginx:1.27",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}"))

MissingMemoryLimit = _missing_resource_rule(
    "MissingMemoryLimit", "KL516", "missing-memory-limit", "Containers limit their memory.", "memory", "limits",
    "it can use all of the node's memory (set resources.limits.memory, e.g. 512Mi)", RuleDoc(
        what="Warns on a container or sidecar without a memory limit. Skipped when the pod sets a pod-level "
             "memory limit, or when a LimitRange of type Container in the same namespace of the set gives a "
             "default (or max). Plain init containers are skipped.",
        why="A container without a memory limit can use all of the node's memory; a leak then pushes the "
            "node into OOM kills of unrelated pods.",
        failing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}",
        passing="containers:\n- name: web\n  image: nginx:1.27\n  resources:\n    requests: {memory: 128Mi}\n"
                "    limits: {memory: 256Mi}"))
