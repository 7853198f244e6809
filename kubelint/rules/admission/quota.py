"""ResourceQuota admission rules (KL825-KL827), evaluated by kubelint/admission/quota.py once per
namespace and set (one pass over the namespace's objects), each object then looking up its own
findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List

from ...findings import Severity
from ..base import Report, Rule, RuleDoc

if TYPE_CHECKING:
    from ...model.objects import K8sObject

SOURCE = "plugin/pkg/admission/resourcequota and pkg/quota/v1/evaluator/core"


def _refused(obj: "K8sObject") -> str:
    if obj.kind == "Pod" or obj.pod_template is None:
        return f"the {obj.kind} is refused"
    return f"the {obj.kind} is accepted but its pods are refused"


class _QuotaRule(Rule):
    finding_kind = ""

    def check(self, obj: "K8sObject", ctx: Any) -> Iterator[Report]:
        if not ctx.index.has_kind("ResourceQuota", obj.namespace):
            return
        from ...admission.quota import quota_findings

        for finding in quota_findings(ctx.index, obj):
            if finding.kind == self.finding_kind:
                yield Report(finding.pointer, self.message(obj, finding.message), finding.anchor)

    def message(self, obj: "K8sObject", text: str) -> str:
        return f"{text}; {_refused(obj)} by ResourceQuota admission"


class QuotaMissingResource(_QuotaRule):
    """A container that does not name a cpu or memory resource a quota tracks."""

    id = "KL825"
    name = "quota-requires-resource"
    severity = Severity.ERROR
    summary = "Containers specify the cpu and memory requests and limits their namespace's ResourceQuota tracks."
    finding_kind = "missing"
    doc = RuleDoc(
        what="For each ResourceQuota of the namespace in the set that matches the pod (scopes and scopeSelector), "
             "each container and init container must give every one of cpu, memory, requests.cpu, "
             "requests.memory, limits.cpu and limits.memory the quota's hard names, after the LimitRange defaults "
             "of the namespace are applied (podEvaluator.Constraints and enforcePodContainerConstraints in "
             "pkg/quota/v1/evaluator/core/pods.go; a limit counts as the request, SetDefaults_Pod).",
        why="The quota admission refuses the pod with \"failed quota: ...: must specify limits.cpu\"; for a "
            "workload the object is accepted and none of its pods is created.",
        failing="# ResourceQuota: hard: {limits.memory: 8Gi}\nresources:\n  requests: {memory: 128Mi}",
        passing="# ResourceQuota: hard: {limits.memory: 8Gi}\nresources:\n  requests: {memory: 128Mi}\n"
                "  limits: {memory: 256Mi}")


class QuotaObjectCountExceeded(_QuotaRule):
    """An object that takes a ResourceQuota count past its hard limit."""

    id = "KL826"
    name = "quota-exceeded"
    severity = Severity.ERROR
    summary = "The set does not create more objects (or Pod resources) than its namespace's ResourceQuota allows."
    finding_kind = "count"
    doc = RuleDoc(
        what="Adds up, in set order, what each object of the namespace uses of each ResourceQuota: pods, services, "
             "services.loadbalancers, services.nodeports (each port of a NodePort or LoadBalancer Service), "
             "persistentvolumeclaims, requests.storage (and per storage class), configmaps, secrets, "
             "count/<resource>.<group>, and a bare Pod's requests and limits. Reports the object that takes a "
             "count past hard, with the arithmetic. Usage starts at zero: objects already in the cluster only add "
             "to it. Follows " + SOURCE + " (services.go, persistent_volume_claims.go, pods.go, the generic "
             "object count evaluator).",
        why="The quota admission refuses the object: exceeded quota.",
        failing="# ResourceQuota: hard: {services.loadbalancers: \"1\"}\n# two Services of type LoadBalancer",
        passing="# ResourceQuota: hard: {services.loadbalancers: \"2\"}\n# two Services of type LoadBalancer")


class QuotaComputeExceeded(_QuotaRule):
    """A workload whose pods, replicas × pod, go past a ResourceQuota."""

    id = "KL827"
    name = "quota-exceeded-by-replicas"
    severity = Severity.WARNING
    summary = "A workload's replicas fit in its namespace's ResourceQuota."
    finding_kind = "compute"
    doc = RuleDoc(
        what="Counts each workload's pods as the quota evaluator would see them: replicas (Deployment, "
             "ReplicaSet, StatefulSet, ReplicationController; parallelism capped by completions for a Job or "
             "CronJob) × the pod's usage (PodUsageFunc: containers and sidecars summed, the max with init "
             "containers, plus overhead, after LimitRange defaults), and warns on the workload that takes "
             "requests.cpu, limits.memory, pods or another tracked name past hard, with the arithmetic "
             "(\"5 replicas × 1 = 5 > requests.cpu 4\"). DaemonSets are not counted (the node count is unknown). "
             "A warning: during a rollout or autoscaling the number of pods differs.",
        why="The controller's pods beyond the quota are refused: the workload never reaches its replicas.",
        failing="# ResourceQuota: hard: {requests.cpu: \"4\"}\nreplicas: 5\n...\n  requests: {cpu: \"1\"}",
        passing="# ResourceQuota: hard: {requests.cpu: \"4\"}\nreplicas: 4\n...\n  requests: {cpu: \"1\"}")

    def message(self, obj: "K8sObject", text: str) -> str:
        return f"{text}; the {obj.kind}'s pods beyond the quota are refused"


def rules() -> List[Rule]:
    return [QuotaMissingResource(), QuotaObjectCountExceeded(), QuotaComputeExceeded()]
