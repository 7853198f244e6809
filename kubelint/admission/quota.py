"""ResourceQuota admission (plugin/pkg/admission/resourcequota, the evaluators of
pkg/quota/v1/evaluator/core), as the set alone can show it.

Per namespace, once per set: its ResourceQuotas, and one pass over the namespace's objects in
set order that adds each object's usage to every quota that matches it. Usage starts at zero
(the set is all kubelint knows), so every excess it finds is certain.

- Pods (and the pods of workload templates) after LimitRanger's defaults: a quota tracking cpu or
  memory (requests or limits) needs each container to specify it (podEvaluator.Constraints,
  "must specify"). Pods match a quota through its scopes (BestEffort, NotBestEffort,
  Terminating, NotTerminating, PriorityClass) and scopeSelector.
- Object counts: pods, services, services.loadbalancers, services.nodeports (one per port of a
  NodePort or LoadBalancer Service), persistentvolumeclaims, requests.storage (and their
  <class>.storageclass.storage.k8s.io/ forms), configmaps, secrets, replicationcontrollers,
  resourcequotas and count/<resource>[.<group>]: the object that takes a count past hard is
  refused.
- Compute (requests.cpu, limits.memory, ...): a Pod's usage is PodUsageFunc's (containers summed,
  the max with init containers, plus overhead). A workload's pods are replicas x pod; the
  controller's pods beyond the quota are refused, so a workload that goes past it is a warning.
"""

from __future__ import annotations

import weakref
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from ..findings import Pointer
from ..model.index import SetIndex, is_namespaced
from ..model.objects import K8sObject, PodTemplate, as_dict, as_list
from ..named_tuple import NamedTuple
from .kinds import resource_of
from .limit_ranger import ContainerResources, defaulted_containers, limit_ranges
from .resources import Amount, Scope, admission_scope, format_amount, quantity, resource_list

# podEvaluator.Constraints: the resources every container must name when a quota tracks them.
VALIDATION_SET = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
MISSING, COUNT, COMPUTE = "missing", "count", "compute"
POD_SCOPES = frozenset({"BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "PriorityClass",
                        "CrossNamespacePodAffinity"})


class ScopeRequirement(NamedTuple):
    scope: str
    operator: str  # In, NotIn, Exists, DoesNotExist
    values: Tuple[str, ...]


class Quota(NamedTuple):
    label: str  # "ResourceQuota team/compute"
    hard: Dict[str, Amount]
    scopes: Tuple[ScopeRequirement, ...]


def _quota(obj: K8sObject) -> Quota:
    spec = obj.spec
    scopes = [ScopeRequirement(str(s), "Exists", ()) for s in as_list(spec.get("scopes"))]
    for expression in as_list(as_dict(spec.get("scopeSelector")).get("matchExpressions")):
        expression = as_dict(expression)
        scopes.append(ScopeRequirement(str(expression.get("scopeName")), str(expression.get("operator")),
                                       tuple(str(v) for v in as_list(expression.get("values")))))
    return Quota(f"ResourceQuota {obj.namespace}/{obj.name}", resource_list(spec.get("hard")), tuple(scopes))


class QuotaFinding(NamedTuple):
    kind: str  # MISSING, COUNT or COMPUTE
    pointer: Pointer
    message: str
    anchor: str = "value"


# ---------------------------------------------------------------------------------------------
# Pods
# ---------------------------------------------------------------------------------------------

def _is_best_effort(containers: List[ContainerResources]) -> bool:
    """GetPodQOS: no container requests or limits cpu or memory."""
    return not any(key in ("cpu", "memory") for c in containers for key in (*c.requests, *c.limits))


def _pod_matches(quota: Quota, template: PodTemplate, containers: List[ContainerResources]) -> bool:
    """podMatchesScopeFunc for every scope of the quota (they are ANDed)."""
    spec = template.spec
    for requirement in quota.scopes:
        scope = requirement.scope
        if scope == "BestEffort":
            matched = _is_best_effort(containers)
        elif scope == "NotBestEffort":
            matched = not _is_best_effort(containers)
        elif scope == "Terminating":
            matched = isinstance(spec.get("activeDeadlineSeconds"), int) and spec.get("activeDeadlineSeconds") >= 0
        elif scope == "NotTerminating":
            matched = not (isinstance(spec.get("activeDeadlineSeconds"), int) and spec.get("activeDeadlineSeconds") >= 0)
        elif scope == "PriorityClass":
            name = spec.get("priorityClassName")
            name = name if isinstance(name, str) and name else None
            op = requirement.operator
            if op == "Exists":
                matched = name is not None
            elif op == "DoesNotExist":
                matched = name is None
            elif op == "In":
                matched = name is not None and name in requirement.values
            elif op == "NotIn":
                matched = name is None or name not in requirement.values
            else:
                return False
        else:
            return False  # CrossNamespacePodAffinity and unknown scopes: not judged here
        if not matched:
            return False
    return True


def _pod_usage(template: PodTemplate, containers: List[ContainerResources]) -> Dict[str, Decimal]:
    """PodUsageFunc: requests and limits summed over containers (and sidecars), the max with each
    plain init container, plus spec.overhead; under every quota name that tracks them."""
    usage: Dict[str, Decimal] = {"pods": Decimal(1), "count/pods": Decimal(1)}
    overhead = {k: v.value for k, v in resource_list(template.spec.get("overhead")).items()}
    for part in ("requests", "limits"):
        total: Dict[str, Decimal] = {}
        running = [c for c in containers if not c.init or c.sidecar]
        for container in running:
            for key, value in getattr(container, part).items():
                total[key] = total.get(key, Decimal(0)) + value.amount.value
        for container in containers:
            if container.init and not container.sidecar:
                for key, value in getattr(container, part).items():
                    if value.amount.value > total.get(key, Decimal(0)):
                        total[key] = value.amount.value
        if part == "limits":
            # PodLimits adds overhead only to resources that have a limit.
            for key in list(total):
                total[key] += overhead.get(key, Decimal(0))
        else:
            for key, value in overhead.items():
                total[key] = total.get(key, Decimal(0)) + value
        for key, value in total.items():
            usage[f"{part}.{key}"] = value
            if part == "requests" and key in ("cpu", "memory", "ephemeral-storage"):
                usage[key] = value
    return usage


def _missing(containers: List[ContainerResources], required: List[str]) -> List[Tuple[ContainerResources, List[str]]]:
    """enforcePodContainerConstraints: the tracked names each container does not give."""
    out = []
    for container in containers:
        has = set()
        for key in container.requests:
            has.update((key, f"requests.{key}"))
        for key in container.limits:
            has.add(f"limits.{key}")
        lacking = [name for name in required if name not in has]
        if lacking:
            out.append((container, lacking))
    return out


def _replicas(obj: K8sObject) -> Optional[int]:
    """How many pods the object runs at once; None when the set cannot tell (DaemonSet)."""
    kind, spec = obj.kind, obj.spec
    if kind == "Pod":
        return 1
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
        replicas = spec.get("replicas", 1)
        return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else None
    if kind in ("Job", "CronJob"):
        job = spec if kind == "Job" else as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
        parallelism = job.get("parallelism", 1)
        completions = job.get("completions")
        if not isinstance(parallelism, int) or isinstance(parallelism, bool):
            return None
        if isinstance(completions, int) and not isinstance(completions, bool):
            return min(parallelism, completions)
        return parallelism
    return None


# ---------------------------------------------------------------------------------------------
# Other objects
# ---------------------------------------------------------------------------------------------

def _object_usage(obj: K8sObject) -> Dict[str, Decimal]:
    """What an object that is not a pod counts against quota (evaluators of services and PVCs,
    and the generic count/<resource>.<group> of every kind)."""
    resource, group = resource_of(obj.kind, str(obj.raw.get("apiVersion", "")))
    one = Decimal(1)
    usage: Dict[str, Decimal] = {f"count/{resource}.{group}" if group else f"count/{resource}": one}
    if obj.kind in ("ConfigMap", "Secret", "ReplicationController", "ResourceQuota") and not group:
        usage[resource] = one
    elif obj.kind == "Service" and not group:
        spec = obj.spec
        usage["services"] = one
        ports = [as_dict(p) for p in as_list(spec.get("ports"))]
        kind = spec.get("type", "ClusterIP")
        if kind == "NodePort":
            usage["services.nodeports"] = Decimal(len(ports))
        elif kind == "LoadBalancer":
            usage["services.loadbalancers"] = one
            if spec.get("allocateLoadBalancerNodePorts") is False:
                usage["services.nodeports"] = Decimal(sum(1 for p in ports if p.get("nodePort")))
            else:
                usage["services.nodeports"] = Decimal(len(ports))
    elif obj.kind == "PersistentVolumeClaim" and not group:
        spec = obj.spec
        usage["persistentvolumeclaims"] = one
        storage = quantity(as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")) or Decimal(0)
        usage["requests.storage"] = storage
        storage_class = spec.get("storageClassName")
        if isinstance(storage_class, str) and storage_class:
            prefix = f"{storage_class}.storageclass.storage.k8s.io/"
            usage[prefix + "persistentvolumeclaims"] = one
            usage[prefix + "requests.storage"] = storage
    return usage


# ---------------------------------------------------------------------------------------------
# The namespace pass
# ---------------------------------------------------------------------------------------------

def _what(obj: K8sObject) -> str:
    return f"{obj.kind} {obj.namespace}/{obj.name}"


def _kind_pointer(obj: K8sObject) -> Pointer:
    return ("kind",)


class NamespaceQuotas:
    """Findings of every object of one namespace, computed in one pass over it."""

    def __init__(self, index: SetIndex, quotas: List[Quota], objects: List[K8sObject]) -> None:
        self.findings: Dict[int, List[QuotaFinding]] = {}
        used: List[Dict[str, Decimal]] = [{} for _ in quotas]
        # (quota label, name) -> [the workload finding where the total crossed hard, later adders]
        self._crossed: Dict[Tuple[str, str], List[Any]] = {}
        for obj in objects:
            found = self.findings.setdefault(id(obj), [])
            template = obj.pod_template
            if template is not None:
                if obj.kind == "PodTemplate":
                    continue
                containers = defaulted_containers(template, limit_ranges(index, obj))
                per_pod = _pod_usage(template, containers)
                replicas = _replicas(obj)
                for quota, usage in zip(quotas, used):
                    if not _pod_matches(quota, template, containers):
                        continue
                    required = sorted(k for k in quota.hard if k in VALIDATION_SET)
                    for container, lacking in _missing(containers, required):
                        pointer = container.pointer + (("resources",) if container.written else ())
                        found.append(QuotaFinding(MISSING, pointer, f"{container.label} must specify "
                                                  f"{', '.join(lacking)}: {quota.label} tracks them",
                                                  "key" if container.written else "value"))
                    if replicas is None or replicas <= 0:
                        continue
                    self._add(quota, usage, obj, per_pod, replicas, found)
            else:
                object_usage = _object_usage(obj)
                for quota, usage in zip(quotas, used):
                    if quota.scopes:
                        continue  # a scoped quota matches pods only
                    self._add(quota, usage, obj, object_usage, 1, found)
        self._note_later_workloads()

    def _note_later_workloads(self) -> None:
        """A workload's excess is reported once, where the total crosses hard; the message counts
        the workloads after it that add more (their pods are refused too)."""
        for (label, key), (finding_list, position, later) in self._crossed.items():
            if later:
                finding = finding_list[position]
                finding_list[position] = finding._replace(message=(
                    f"{finding.message}; {later} later workload{'s' if later != 1 else ''} of the namespace "
                    f"add{'s' if later == 1 else ''} more {key}"))

    def _add(self, quota: Quota, usage: Dict[str, Decimal], obj: K8sObject, per_item: Dict[str, Decimal],
             replicas: int, out: List[QuotaFinding]) -> None:
        """Add the object's usage to the quota's; append to `out` (the object's findings) what
        goes past hard."""
        for key, hard in quota.hard.items():
            each = per_item.get(key)
            if each is None:
                continue
            before = usage.get(key, Decimal(0))
            added = each * replicas
            total = usage[key] = before + added
            if added <= 0 or total <= hard.value:
                continue
            workload = obj.kind != "Pod" and obj.pod_template is not None
            crossed = self._crossed.get((quota.label, key))
            if workload and crossed is not None:
                crossed[2] += 1
                continue
            if workload:
                arithmetic = f"{replicas} replica{'s' if replicas != 1 else ''} × {format_amount(each, key)} = " \
                             f"{format_amount(added, key)}"
            else:
                arithmetic = f"{format_amount(added, key)}"
            if before:
                arithmetic += f", + {format_amount(before, key)} used by earlier objects of the namespace = " \
                              f"{format_amount(total, key)}"
            message = f"{key}: {arithmetic} > {key} {hard.text} of {quota.label}"
            out.append(QuotaFinding(COMPUTE if workload else COUNT, _kind_pointer(obj), message))
            if workload:
                self._crossed[(quota.label, key)] = [out, len(out) - 1, 0]


_by_index: "weakref.WeakKeyDictionary[SetIndex, Dict[str, Any]]" = weakref.WeakKeyDictionary()


def namespace_quotas(index: SetIndex, scope: Scope) -> Optional[NamespaceQuotas]:
    """The quota findings of a namespace (resources.admission_scope), or None when the set has no
    ResourceQuota there. The set's quotas, and the objects of namespaces that have one, are
    gathered in one pass; each namespace is evaluated on first use."""
    state = _by_index.get(index)
    if state is None:
        quotas: Dict[Scope, List[Quota]] = {}
        for obj in index.objects:
            if obj.kind == "ResourceQuota":
                quotas.setdefault(admission_scope(obj), []).append(_quota(obj))
        objects: Dict[Scope, List[K8sObject]] = {}
        if quotas:
            namespaces = {namespace for namespace, _ in quotas}
            for obj in index.objects:
                if obj.namespace in namespaces and is_namespaced(obj.kind):
                    where = admission_scope(obj)
                    if where in quotas:
                        objects.setdefault(where, []).append(obj)
        state = _by_index[index] = {"quotas": quotas, "objects": objects, "done": {}}
    quotas_here = state["quotas"].get(scope)
    if not quotas_here:
        return None
    done = state["done"].get(scope)
    if done is None:
        done = state["done"][scope] = NamespaceQuotas(index, quotas_here, state["objects"].get(scope, []))
    return done


def quota_findings(index: SetIndex, obj: K8sObject) -> List[QuotaFinding]:
    quotas = namespace_quotas(index, admission_scope(obj))
    if quotas is None:
        return []
    return quotas.findings.get(id(obj), [])
