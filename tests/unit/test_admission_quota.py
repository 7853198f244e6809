"""ResourceQuota admission (KL825-KL827) beyond the golden cases: scopes and scopeSelector
(pkg/quota/v1/evaluator/core/pods_test.go TestPodEvaluatorMatchingScopes), and which objects a
quota can judge (an object that names no namespace, from another directory, is not related)."""

from __future__ import annotations

from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, Settings

QUOTA = """\
apiVersion: v1
kind: ResourceQuota
metadata: {name: high, namespace: team}
spec:
  hard: {pods: "1", cpu: "1"}
  scopeSelector:
    matchExpressions:
    - {operator: In, scopeName: PriorityClass, values: [high]}
"""


def _pod(name: str, priority: str = "", cpu: str = "500m", namespace: str = "team") -> str:
    line = f"  priorityClassName: {priority}\n" if priority else ""
    return (f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{line}"
            f"  containers:\n  - name: app\n    image: r.example/app:1\n    resources:\n"
            f"      requests: {{cpu: {cpu}, memory: 64Mi}}\n")


def _run(files):
    loaded = [load_file(path, text.encode()) for path, text in files]
    result = Checker(Settings(select=["KL825", "KL826", "KL827"])).check_loaded(loaded)
    return [(f.path, f.line, f.rule, f.message) for f in result.active()]


def test_priority_class_scope_selects_only_matching_pods():
    text = QUOTA + _pod("dont-fire-low", "low", cpu="2") + _pod("dont-fire-none", cpu="2") + \
        _pod("fire-high-a", "high") + _pod("fire-high-b", "high")
    found = _run([("q.yaml", text)])
    assert found == [
        ("q.yaml", 43, "KL826", "pods: 1, + 1 used by earlier objects of the namespace = 2 > pods 1 of ResourceQuota "
                                "team/high; the Pod is refused by ResourceQuota admission")]


def test_scope_not_in_and_missing_resource_for_matching_pod_only():
    quota = QUOTA.replace("In, scopeName", "NotIn, scopeName").replace('pods: "1", cpu: "1"', 'limits.cpu: "4"')
    found = _run([("q.yaml", quota + _pod("dont-fire-high", "high") + _pod("fire-low", "low"))])
    assert [(line, rule) for _, line, rule, _ in found] == [(29, "KL825")]
    assert found[0][3].startswith('container "app" must specify limits.cpu: ResourceQuota team/high tracks them')


def test_objects_without_namespace_relate_only_within_their_directory():
    quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {count/configmaps: \"1\"}\n"
    config = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"
    found = _run([("a/quota.yaml", quota + config % "fire-a" + config % "fire-b"),
                  ("b/other.yaml", config % "dont-fire-c" + config % "dont-fire-d")])
    assert [(path, line, rule) for path, line, rule, _ in found] == [("a/quota.yaml", 12, "KL826")]
