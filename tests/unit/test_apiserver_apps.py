"""KL140's StatefulSet checks that depend on the Kubernetes version: serviceName (validated since
1.33, kubernetes/kubernetes#130233) and volumeClaimTemplates (validated since 1.34,
kubernetes/kubernetes#132212). Before, the API server accepts the StatefulSet and its controller
is refused, so the finding stays an error and says so."""

from __future__ import annotations

import pytest

from tests.helpers import run_text

# kubernetes/kubernetes#132211: the claim template has no accessModes.
STATEFUL_SET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: fire-web
spec:
  serviceName: {service}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          volumeMounts:
            - {{name: data, mountPath: /data}}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        resources:
          requests:
            storage: 1Gi
"""


def _found(text: str, version: str):
    return [(f.line, f.column, f.severity.value, f.message)
            for f in run_text(text, select=["KL140"], kubernetes_version=version).active()]


def test_claim_template_refused_by_the_api_server_since_1_34():
    assert _found(STATEFUL_SET.format(service="web"), "1.34") == [
        (21, 7, "error", "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is "
                         "required")]


@pytest.mark.parametrize("version", ["1.25", "1.33"])
def test_claim_template_before_1_34_says_the_claims_are_refused(version):
    assert _found(STATEFUL_SET.format(service="web"), version) == [
        (21, 7, "error", "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is "
                         "required (the API server accepts it before Kubernetes 1.34, but the PersistentVolumeClaims "
                         "the controller creates from this template are refused, so no pod starts)")]


def test_service_name_hint_before_1_33_only():
    text = STATEFUL_SET.format(service="web.internal").replace("      spec:\n        resources",
                                                                "      spec:\n        accessModes: [ReadWriteOnce]\n"
                                                                "        resources")
    new = _found(text, "1.33")
    old = _found(text, "1.32")
    assert [(line, column) for line, column, _, _ in new] == [(6, 16)]
    assert new[0][3] == 'spec.serviceName: Invalid value: "web.internal": must not contain dots'
    assert old[0][3] == new[0][3] + (" (the API server accepts it before Kubernetes 1.33, but it is each pod's "
                                     "spec.subdomain, so every pod is refused)")


def test_claim_template_spec_absent_or_not_a_mapping():
    """A missing spec is an empty claim spec (access modes and storage are required); a spec of
    the wrong type is the schema's (KL101), not reported twice."""
    text = STATEFUL_SET.format(service="web").replace(
        "      spec:\n        resources:\n          requests:\n            storage: 1Gi\n", "")
    assert [m for _, _, _, m in _found(text, "1.37")] == [
        "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required",
        "spec.volumeClaimTemplates[0].spec.resources[storage]: Required value"]
    wrong = text.replace("        name: data\n", "        name: data\n      spec: [1]\n")
    assert _found(wrong, "1.37") == []
