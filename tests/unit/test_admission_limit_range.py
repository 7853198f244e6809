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


# --- PersistentVolumeClaims (PersistentVolumeClaimValidateLimitFunc) and pod-level resources -----

CLAIM_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: storage, namespace: team}
spec:
  limits:
  - type: PersistentVolumeClaim
    min: {storage: 1Gi}
    max: {storage: 10Gi}
"""


def test_claim_storage_bounds_from_upstream_cases():
    """TestPersistentVolumeClaimLimitFunc: 500Mi below a 1Gi min, 100Gi above the max; 1Gi at the
    min and 10Gi at the max pass. Claims are never defaulted; only requests are compared."""
    text = CLAIM_RANGE
    for name, size in (("below", "500Mi"), ("above", "100Gi"), ("at-min", "1Gi"), ("at-max", "10Gi")):
        text += (f"---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}, namespace: team}}\n"
                 f"spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {{storage: {size}}}\n"
                 f"    limits: {{storage: 1Ti}}\n")
    assert _findings(text) == [
        ("KL820", 16, 25, "error", "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi (from "
                                   "LimitRange team/storage spec.limits[0].min.storage); the PersistentVolumeClaim is "
                                   "refused by LimitRanger"),
        ("KL820", 25, 25, "error", "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 100Gi "
                                   "(from LimitRange team/storage spec.limits[0].max.storage); the "
                                   "PersistentVolumeClaim is refused by LimitRanger")]


def test_claim_without_resources_and_unreadable_request():
    """No request: both bounds say so, at spec (no resources written); a request that does not
    parse is the quantity rules', not "no request"."""
    missing = CLAIM_RANGE + ("---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: team}\n"
                             "spec:\n  accessModes: [ReadWriteOnce]\n")
    assert [(line, column, message.split(" (from")[0]) for _, line, column, _, message in _findings(missing)] == [
        (14, 3, "maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified"),
        (14, 3, "minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified")]
    bad = missing + "  resources:\n    requests: {storage: lots}\n"
    assert _findings(bad) == []


def test_claims_are_judged_only_by_their_namespace_limit_ranges():
    text = CLAIM_RANGE + ("---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: other}\n"
                          "spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Ti}\n")
    assert _findings(text) == []


POD_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata: {name: per-pod, namespace: team}
spec:
  limits:
  - type: Pod
    min: {cpu: "1"}
    max: {cpu: "2"}
"""


def _pod_level(pod_resources: str, container_resources: str) -> str:
    return POD_RANGE + ("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n"
                        f"  resources: {pod_resources}\n  containers:\n  - name: a\n    image: registry.example/a:1\n"
                        f"    resources: {container_resources}\n")


def test_pod_level_resources_replace_the_container_sum_from_1_34():
    """podRequests/podLimits: with PodLevelResources (beta, on since 1.34) the pod's cpu and memory
    stand for the pod; before, the containers' sums do."""
    text = _pod_level("{requests: {cpu: '1'}, limits: {cpu: '3'}}", "{requests: {cpu: 500m}, limits: {cpu: 500m}}")
    new = [(f.line, f.column, f.message.split(" (from")[0])
           for f in run_text(text, select=["KL820"], kubernetes_version="1.34").active()]
    assert new == [(14, 51, "the pod: maximum cpu usage per Pod is 2, but limit is 3")]
    old = [f.message.split(" (from")[0] for f in run_text(text, select=["KL820"], kubernetes_version="1.33").active()]
    assert old == ["the pod: minimum cpu usage per Pod is 1, but request is 500m"]


def test_pod_level_limit_without_request_leaves_the_request_unjudged():
    """defaultPodRequests fills a missing pod-level request (from the limit in recent versions):
    the min is not judged on the containers' sum, the max still is on the limit."""
    under_min = _pod_level("{limits: {cpu: 1500m}}", "{requests: {cpu: 100m}}")
    assert _findings(under_min, ("KL820",)) == []
    over_max = _pod_level("{limits: {cpu: '4'}}", "{requests: {cpu: 100m}}")
    assert [m.split(" (from")[0] for _, _, _, _, m in _findings(over_max, ("KL820",))] == [
        "the pod: maximum cpu usage per Pod is 2, but limit is 4"]
