"""LimitRange admission (KL820, KL821): cases from kubernetes/kubernetes
plugin/pkg/admission/limitranger/admission_test.go (TestPodLimitFunc, TestDefaultContainerResourceRequirements,
TestMergePodResourceRequirements) and pkg/apis/core/v1/defaults_test.go (TestSetDefaultLimitRangeItem)."""

from __future__ import annotations

from tests.helpers import run_text

LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: team}
spec:
  limits:
  - type: Container
    min: {cpu: 50m}
    max: {cpu: "1", memory: 1Gi}
    maxLimitRequestRatio: {memory: "2"}
  - type: Pod
    max: {cpu: "2"}
"""


def _pod(name: str, resources: str, namespace: str = "team", kind: str = "Pod") -> str:
    body = f"""\
  containers:
  - name: app
    image: registry.example/app:1
{resources}"""
    if kind == "Pod":
        return f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{body}"
    return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            f"spec:\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n"
            f"    spec:\n" + "\n".join("    " + line if line else line for line in body.splitlines()) + "\n")


def _findings(text: str, rules=("KL820", "KL821")):
    result = run_text(text)
    return [(f.rule, f.line, f.column, f.severity.value, f.message) for f in result.active() if f.rule in rules]


def test_within_min_max_and_ratio_does_not_fire():
    # TestPodLimitFunc successCases "ctr-min-cpu-request" style: request 100m over min 50m; limits within max.
    text = LIMIT_RANGE + _pod("dont-fire-within", "    resources:\n      requests: {cpu: 100m, memory: 512Mi}\n"
                                                    "      limits: {cpu: 500m, memory: 1Gi}\n")
    assert _findings(text) == []


def test_min_request_below_fires_on_the_request():
    # TestPodLimitFunc errorCases "min-cpu-request": request 40m below min 50m.
    text = LIMIT_RANGE + _pod("fire-min", "    resources:\n      requests: {cpu: 40m, memory: 512Mi}\n"
                                          "      limits: {cpu: 500m, memory: 1Gi}\n")
    assert _findings(text) == [
        ("KL820", 21, 23, "error", 'container "app": minimum cpu usage per Container is 50m, but request is 40m '
                                   "(from LimitRange team/limits spec.limits[0].min.cpu); the Pod is refused by "
                                   "LimitRanger")]


def test_max_without_limit_is_defaulted_so_no_finding():
    # SetDefaults_LimitRangeItem: max with no default becomes the default limit, so the
    # "No limit is specified" error of maxConstraint cannot happen for type Container with max;
    # the default request is the default limit too, so the memory ratio (1Gi/1Gi) holds.
    text = LIMIT_RANGE + _pod("dont-fire-defaulted", "    resources: {}\n")
    assert _findings(text) == []


def test_max_limit_above_fires_for_deployment_with_accepted_but_refused_wording():
    # TestPodLimitFunc errorCases "max-cpu-limit": limit above max.
    text = LIMIT_RANGE + _pod("fire-max", "    resources:\n      limits: {cpu: \"2\", memory: 1Gi}\n",
                              kind="Deployment")
    found = _findings(text)
    assert [(r, line, col) for r, line, col, _, _ in found] == [("KL820", 25, 25)]
    assert "maximum cpu usage per Container is 1, but limit is 2" in found[0][4]
    assert found[0][4].endswith("the Deployment is accepted but its pods are refused by LimitRanger")


def test_ratio_exceeded_fires():
    # TestPodLimitFunc errorCases "limit-request-ratio": memory limit/request above maxLimitRequestRatio.
    text = LIMIT_RANGE + _pod("fire-ratio", "    resources:\n      requests: {cpu: 100m, memory: 256Mi}\n"
                                            "      limits: {cpu: 100m, memory: 1Gi}\n")
    found = _findings(text)
    assert [(r, line, col) for r, line, col, _, _ in found] == [("KL820", 22, 35)]
    assert "memory max limit to request ratio per Container is 2, but provided ratio is 4.000000" in found[0][4]


def test_pod_type_sums_containers():
    # TestPodLimitFunc errorCases "pod-max-cpu": the sum over containers exceeds the Pod max.
    text = LIMIT_RANGE + """\
---
apiVersion: v1
kind: Pod
metadata: {name: fire-pod-sum, namespace: team}
spec:
  containers:
  - {name: a, image: r.example/a:1, resources: {limits: {cpu: "1", memory: 512Mi}}}
  - {name: b, image: r.example/b:1, resources: {limits: {cpu: 1500m, memory: 512Mi}}}
"""
    found = _findings(text)
    assert [(r, line) for r, line, _, _, _ in found] == [("KL820", 16), ("KL820", 19)]
    assert found[0][4].startswith("the pod: maximum cpu usage per Pod is 2, but limit is 2500m")
    assert found[1][4].startswith('container "b": maximum cpu usage per Container is 1, but limit is 1500m')


def test_other_namespace_is_not_limited():
    text = LIMIT_RANGE + _pod("dont-fire-elsewhere", "    resources:\n      limits: {cpu: \"4\"}\n", namespace="other")
    assert _findings(text) == []


def test_default_limit_below_request_fires_kl821():
    # The classic: a request only, the LimitRange's default limit is lower; validation of the
    # defaulted pod refuses it (validateResourceRequirements).
    text = """\
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
  - type: Container
    default: {cpu: 200m}
""" + _pod("fire-default-limit", "    resources:\n      requests: {cpu: 500m}\n") + \
        _pod("dont-fire-own-limit", "    resources:\n      requests: {cpu: 500m}\n      limits: {cpu: 500m}\n")
    assert _findings(text) == [
        ("KL821", 17, 23, "error",
         'container "app": cpu request 500m is above the cpu limit 200m (set by default from LimitRange '
         "team/defaults spec.limits[0].default.cpu); the defaulted pod is refused: must be less than or equal to "
         "cpu limit of 200m; the Pod is refused by LimitRanger")]
