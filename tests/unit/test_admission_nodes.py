"""Bin packing against config `nodes:` (KL840, KL841): the scheduler's filters as
pkg/scheduler/framework/plugins (noderesources/fit.go, nodeaffinity, tainttoleration) apply them,
and the config errors of `nodes:`."""

from __future__ import annotations

import pytest

from kubelint.config import ConfigError, parse_config
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, Settings

NODES = [{"name": "general", "cpu": 4, "memory": "16Gi", "pods": 110, "count": 2},
         {"name": "gpu", "cpu": 16, "memory": "64Gi", "count": 1, "labels": {"pool": "gpu"},
          "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}]


def _deployment(name: str, cpu: str, replicas: int = 1, extra: str = "") -> str:
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: team}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{extra}      containers:
      - name: app
        image: registry.example/app:1
        resources:
          requests: {{cpu: "{cpu}", memory: 1Gi}}
"""


def _run(text: str, nodes=NODES):
    result = Checker(Settings(select=["KL840", "KL841"], nodes=nodes)).check_loaded([load_file("n.yaml", text.encode())])
    return [(f.rule, f.line, f.severity.value, f.message) for f in result.active()]


def test_without_nodes_nothing_runs():
    assert _run(_deployment("dont-fire", "64"), nodes=None) == []


def test_pod_fitting_a_shape_does_not_fire():
    assert _run(_deployment("dont-fire-fits", "2")) == []


def test_requests_above_every_shape_fire_unschedulable():
    found = _run(_deployment("fire-too-big", "8"))
    assert found == [("KL840", 3, "error", "unschedulable: the pod fits no node shape of config nodes (general: cpu "
                                           "request 8 > allocatable 4; gpu: taint gpu=true:NoSchedule not tolerated)")]


def test_toleration_and_node_selector():
    tolerate = "      tolerations: [{key: gpu, operator: Equal, value: \"true\", effect: NoSchedule}]\n"
    assert _run(_deployment("dont-fire-tolerates", "8", extra=tolerate)) == []
    selector = "      nodeSelector: {pool: cpu}\n"
    found = _run(_deployment("fire-selector", "1", extra=selector))
    assert [rule for rule, *_ in found] == ["KL840"]
    assert "general: nodeSelector pool=cpu" in found[0][3]


def test_required_node_affinity():
    affinity = ("      affinity:\n        nodeAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n"
                "            nodeSelectorTerms:\n            - matchExpressions:\n"
                "              - {key: pool, operator: In, values: [gpu]}\n"
                "      tolerations: [{key: gpu, operator: Exists}]\n")
    assert _run(_deployment("dont-fire-affinity", "8", extra=affinity)) == []


def test_total_over_capacity_warns_with_figures():
    # 4 + 4 + 16 = 24 cpu allocatable; 3 replicas x 4 = 12, then 7 x 2 = 14 -> 26 > 24.
    found = _run(_deployment("dont-fire-first", "4", replicas=3) + _deployment("fire-second", "2", replicas=7))
    assert found == [("KL841", 18, "warning", "the set's cpu requests reach 26 with this Deployment (7 replicas × 2 = "
                                              "14, + 12 before it) > 24 allocatable on the nodes of config nodes")]


@pytest.mark.parametrize("raw, message", [
    ({"nodes": {"cpu": 4}}, '"nodes" must be a list of node shapes'),
    ({"nodes": [{"cpu": "four"}]}, "nodes[0].cpu must be a quantity"),
    ({"nodes": [{"count": 0}]}, "nodes[0].count must be a whole number of at least 1"),
    ({"nodes": [{"labels": {"a": 1}}]}, "nodes[0].labels must be a mapping of strings to strings"),
    ({"nodes": [{"taints": [{"key": "a", "effect": "Never"}]}]}, "nodes[0].taints: each taint needs"),
])
def test_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(raw, "cfg")
