"""The workload kinds whose rules differ: apps/v1 selectors, long-running pods, batch pods."""

from __future__ import annotations

# Kinds whose spec.selector is a LabelSelector (apps/v1).
APPS_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
# Kinds whose pods must restart Always.
LONG_RUNNING_KINDS = APPS_KINDS | {"ReplicationController"}
BATCH_KINDS = frozenset({"Job", "CronJob"})
