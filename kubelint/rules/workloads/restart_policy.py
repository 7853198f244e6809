"""The pod restart policy a workload kind allows (KL542).

Follows the API server's validation (kubernetes/kubernetes pkg/apis/apps/validation,
pkg/apis/batch/validation, pkg/apis/core/validation) after its defaulting of restartPolicy to
Always (pkg/apis/core/v1/defaults.go).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ...findings import Severity
from ...model.objects import K8sObject, get_path
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted
from .kinds import BATCH_KINDS, LONG_RUNNING_KINDS

if TYPE_CHECKING:
    from ...model.context import RuleContext


class WorkloadRestartPolicy(Rule):
    """Controllers that keep pods running need Always; Jobs need OnFailure or Never."""

    id = "KL542"
    name = "workload-restart-policy"
    severity = Severity.ERROR
    summary = "The pod template's restartPolicy is one the workload kind allows."
    kinds = LONG_RUNNING_KINDS | BATCH_KINDS
    doc = RuleDoc(
        what="Deployments, StatefulSets, DaemonSets, ReplicaSets and ReplicationControllers need "
             "restartPolicy Always (the default). Jobs and CronJobs need OnFailure or Never, written out, "
             "because the default is Always; with spec.podFailurePolicy only Never is allowed.",
        why="The API server rejects other values. A Job that omits restartPolicy is rejected because "
            "its pods would default to Always.",
        failing="kind: Job\nspec:\n  template:\n    spec:\n      containers: [{name: run, image: busybox}]",
        passing="kind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
                "      containers: [{name: run, image: busybox}]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        pointer = template.pointer + ("spec", "restartPolicy")
        written = get_path(obj.raw, pointer)
        if written is not None and not isinstance(written, str):
            return
        if written in ((None, "Always") if obj.kind in LONG_RUNNING_KINDS else ("Never",)):
            return  # the usual case: fine, and no message to format
        where = dotted(pointer)
        if obj.kind in LONG_RUNNING_KINDS:
            if written is not None and written != "Always":
                yield Report(pointer, f'{where}: "{written}" is not supported for a {obj.kind}; only Always is '
                                      "(its pods are restarted whenever they exit); remove it or set Always")
            return
        if written is None:
            yield Report(pointer, f"{where}: required for a {obj.kind}: set OnFailure or Never (it defaults to "
                                  f"Always, which the API server rejects for {obj.kind} pods)")
        elif written == "Always":
            yield Report(pointer, f'{where}: "Always" is not supported for a {obj.kind}; use OnFailure or Never')
        elif written not in ("OnFailure", "Never"):
            yield Report(pointer, f'{where}: "{written}" is not supported; use OnFailure or Never')
        elif written != "Never":
            job = ("spec",) if obj.kind == "Job" else ("spec", "jobTemplate", "spec")
            if isinstance(obj.get(*job, "podFailurePolicy"), dict):
                yield Report(pointer, f'{where}: only "Never" is supported when {dotted(job + ("podFailurePolicy",))} '
                                      "is set")
