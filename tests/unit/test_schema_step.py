"""The schema step's own choices (kubelint/run/schemacheck.py): --skip and --reject and how
they name kinds, and the messages for deprecated, removed and unknown kinds."""

from __future__ import annotations

import pytest

from tests.helpers import run_text

TWO = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: x}\n---\n"
       "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n")
DEPLOYMENT = [("KL103", 4, 7, 'spec: missing required field "selector"'),
              ("KL103", 4, 7, 'spec: missing required field "template"'),
              ("KL101", 4, 18, 'spec.replicas: expected integer, got string "x"')]
SERVICE = [("KL101", 9, 23, 'spec.ports[0].port: expected integer, got string "x"')]


def found(text=TWO, **settings):
    return [(f.rule, f.line, f.column, f.message) for f in run_text(text, select=["KL1"], **settings).active()]


@pytest.mark.parametrize("skip, expected", [
    ([], DEPLOYMENT + SERVICE),
    (["Deployment"], SERVICE),
    (["apps/v1/Deployment"], SERVICE),  # kubeconform's group/version/Kind
    (["v1/Deployment"], DEPLOYMENT + SERVICE),  # another apiVersion: not this object
    (["Deploy"], DEPLOYMENT + SERVICE),  # whole names only
    ([" Service , Deployment"], []),  # a comma-separated list, spaces around items
    (["ConfigMap", "v1/Service"], DEPLOYMENT),
    ([",,"], DEPLOYMENT + SERVICE),
])
def test_skip(skip, expected):
    assert found(skip_kinds=skip) == expected


@pytest.mark.parametrize("reject, expected", [
    (["Service"], DEPLOYMENT + [("KL110", 7, 7, "Service v1 is not allowed (--reject Service)")]),
    (["v1/Service"], DEPLOYMENT + [("KL110", 7, 7, "Service v1 is not allowed (--reject v1/Service)")]),
    (["ConfigMap, v1/Service"], DEPLOYMENT + [("KL110", 7, 7, "Service v1 is not allowed (--reject v1/Service)")]),
    (["apps/v1/Service"], DEPLOYMENT + SERVICE),
])
def test_reject_is_the_only_schema_finding_of_a_rejected_kind(reject, expected):
    assert found(reject_kinds=reject) == expected


def test_skip_wins_over_reject():
    assert found(skip_kinds=["Service"], reject_kinds=["Service"]) == DEPLOYMENT


DEPRECATED = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\n"


def test_deprecated_and_removed_api_versions():
    assert found(DEPRECATED, kubernetes_version="1.29") == [
        ("KL105", 1, 13, "FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 is deprecated since Kubernetes 1.29 and "
                         "is removed in 1.32; migrate to flowcontrol.apiserver.k8s.io/v1")]
    assert found(DEPRECATED, kubernetes_version="1.28") == []
    assert found(DEPRECATED, kubernetes_version="1.32") == [
        ("KL104", 1, 13, "FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 was removed in Kubernetes 1.32; "
                         "use flowcontrol.apiserver.k8s.io/v1")]


def test_removed_api_with_a_note_instead_of_a_replacement():
    psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n"
    [(rule, line, column, message)] = found(psp)
    assert (rule, line, column) == ("KL104", 1, 13)
    assert message.startswith("PodSecurityPolicy policy/v1beta1 was removed in Kubernetes 1.25 (")
    assert "; use" not in message


@pytest.mark.parametrize("text, message", [
    ("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: d}\n",
     'kind "Deploymnet": apps/v1 has no such kind; did you mean kind "Deployment"?'),
    ("apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
     "kind \"Deployment\": v1 has no such kind; it is served as apps/v1"),
    ("apiVersion: v1\nkind: Frobnicator\nmetadata: {name: d}\n", "kind \"Frobnicator\": v1 has no such kind"),
    ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
     "no schema for Widget example.com/v1 in Kubernetes 1.37 (a custom resource: give its CRD with --crd, "
     "or a --schema-location that has its schema)"),
    # A custom resource's near miss is a kind of its own group, and not a much longer name.
    ("apiVersion: monitoring.coreos.com/v1\nkind: Deploymnet\nmetadata: {name: d}\n",
     "no schema for Deploymnet monitoring.coreos.com/v1 in Kubernetes 1.37 (a custom resource: give its CRD with "
     "--crd, or a --schema-location that has its schema)"),
    # *.k8s.io groups are Kubernetes' own: not custom resources.
    ("apiVersion: networking.k8s.io/v1\nkind: Ingres\nmetadata: {name: i}\n",
     'kind "Ingres": networking.k8s.io/v1 has no such kind; did you mean kind "Ingress"?'),
])
def test_unknown_kind_hints(text, message):
    # A built-in group's unknown kind is KL118 (the API server's answer); a custom resource's stays KL106.
    rule = "KL106" if "custom resource" in message else "KL118"
    assert found(text) == [(rule, 2, 7, message)]


def test_ignore_missing_schemas():
    assert found("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", ignore_missing_schemas=True) == []


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: prometheusrules.monitoring.example.com
spec:
  group: monitoring.example.com
  scope: Namespaced
  names: {kind: PrometheusRule, plural: prometheusrules, singular: prometheusrule, listKind: PrometheusRuleList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
"""


@pytest.mark.parametrize("kind, hint", [
    ("PrometheusRul", '; did you mean kind "PrometheusRule"?'),
    ("Prometheus", " (a custom resource: give its CRD with --crd, or a --schema-location that has its schema)"),
])
def test_near_miss_of_a_custom_kind_is_a_kind_of_its_group(kind, hint):
    text = CRD + f"apiVersion: monitoring.example.com/v1\nkind: {kind}\nmetadata: {{name: r}}\n"
    assert found(text) == [("KL106", 17, 7, f"no schema for {kind} monitoring.example.com/v1 in Kubernetes 1.37{hint}")]


@pytest.mark.parametrize("replacement, removed_in, message", [
    (None, None, "ConfigMap v1 is deprecated since Kubernetes 1.30"),
    ("v2", None, "ConfigMap v1 is deprecated since Kubernetes 1.30; migrate to v2"),
    (None, "1.40", "ConfigMap v1 is deprecated since Kubernetes 1.30 and is removed in 1.40"),
])
def test_a_deprecation_says_only_what_is_known(monkeypatch, replacement, removed_in, message):
    """No entry of the bundled table lacks a replacement or a removal version yet; when one
    does, the message leaves out what it does not know."""
    from kubelint.run import schemacheck
    from kubelint.schemas.deprecations import Deprecation

    record = Deprecation("v1", "ConfigMap", "1.30", removed_in, replacement, None)
    monkeypatch.setattr(schemacheck, "lookup_deprecation", lambda api_version, kind: record)
    assert found("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n") == [("KL105", 1, 13, message)]


@pytest.mark.parametrize("text, message", [
    # *.k8s.io groups are not custom resources: their near misses come from every group.
    ("apiVersion: networking.k8s.io/v1\nkind: Deploymnet\nmetadata: {name: d}\n",
     'kind "Deploymnet": networking.k8s.io/v1 has no such kind; did you mean kind "Deployment"?'),
    # A near miss must be close (difflib ratio 0.8): Deploy is not.
    ("apiVersion: apps/v1\nkind: Deploy\nmetadata: {name: d}\n", "kind \"Deploy\": apps/v1 has no such kind"),
    ("apiVersion: v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n",
     "kind \"HorizontalPodAutoscaler\": v1 has no such kind; it is served as "
     "autoscaling/v1, autoscaling/v2"),
])
def test_more_unknown_kind_hints(text, message):
    assert found(text) == [("KL118", 2, 7, message)]  # built-in groups: the API server's unknown-kind rule


@pytest.mark.parametrize("kind, hint", [
    ("PrometheusRu", '; did you mean kind "PrometheusRule"?'),  # two letters short: a typo
    ("PrometheusR", " (a custom resource: give its CRD with --crd, or a --schema-location that has its schema)"),
])
def test_a_custom_near_miss_differs_by_at_most_two_letters(kind, hint):
    text = CRD + f"apiVersion: monitoring.example.com/v1\nkind: {kind}\nmetadata: {{name: r}}\n"
    assert found(text) == [("KL106", 17, 7, f"no schema for {kind} monitoring.example.com/v1 in Kubernetes 1.37{hint}")]


def test_skip_list_without_spaces():
    assert found(skip_kinds=["Service,Deployment"]) == []


def test_missing_schema_names_every_location(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path))
    locations = ["http://127.0.0.1:9/a/{{ .ResourceKind }}.json", "http://127.0.0.1:9/b/{{ .ResourceKind }}.json"]
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    assert found(text, schema_locations=locations, offline=True) == [
        ("KL106", 2, 7, f"no schema for Widget example.com/v1 at any schema location ({locations[0]}, {locations[1]}) "
                        "(a custom resource: give its CRD with --crd, or a --schema-location that has its schema)")]
