"""Schema findings: every violation, each at its own node, with messages a person understands."""

from __future__ import annotations

import pytest

from kubelint.schemas.store import SchemaStore
from tests.helpers import run_text, triples

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        imagePullPolcy: Always
        ports:
        - containerPort: "8080"
        resources: {}
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        backend:
          service: {name: web, port: {number: 80}}
"""


def messages(result):
    return [(f.rule, f.line, f.column, f.message) for f in result.active()]


def test_every_violation_is_reported_at_its_own_node():
    assert messages(run_text(DEPLOYMENT, select=["KL1"])) == [
        ("KL102", 15, 9, 'spec.template.spec.containers[0]: unknown field "imagePullPolcy", did you mean "imagePullPolicy"?'),
        ("KL101", 17, 26, 'spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "8080" (remove the quotes)'),
    ]


def test_missing_required_field_points_at_the_object_lacking_it():
    assert messages(run_text(INGRESS, select=["KL1"])) == [
        ("KL103", 10, 9, 'spec.rules[0].http.paths[0]: missing required field "pathType"'),
    ]


def test_service_port_as_string():
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: \"80\"\n"
    assert messages(run_text(text, select=["KL1"])) == [
        ("KL101", 6, 11, 'spec.ports[0].port: expected integer, got string "80" (remove the quotes)'),
    ]


def test_no_strict_drops_unknown_fields_only():
    result = run_text(DEPLOYMENT, select=["KL1"], strict=False)
    assert triples(result) == [("KL101", 17, 26)]


def test_int_or_string_accepts_both_and_null():
    text = ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n"
            "  - {port: 80, targetPort: http}\n  - {port: 81, targetPort: 8081}\n  - {port: 82, targetPort: ~}\n"
            "  - {port: 83, targetPort: true}\n")
    assert messages(run_text(text, select=["KL1"])) == [
        ("KL101", 9, 28, "spec.ports[3].targetPort: expected string or integer, got boolean true "
                         "(YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)"),
    ]


def test_quantities_accept_numbers_and_strings():
    text = DEPLOYMENT.replace("imagePullPolcy", "imagePullPolicy").replace('"8080"', "8080").replace(
        "resources: {}", "resources: {requests: {cpu: 0.5, memory: 1e9}, limits: {cpu: '1'}}")
    assert triples(run_text(text, select=["KL1"])) == []


def test_removed_api_names_the_version_and_replacement():
    text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\n"
    assert messages(run_text(text, select=["KL1"])) == [
        ("KL104", 1, 13, "Ingress extensions/v1beta1 was removed in Kubernetes 1.22; use networking.k8s.io/v1"),
    ]


def test_removed_api_is_fine_on_an_old_enough_version():
    text = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\nspec:\n  priorityLevelConfiguration: {name: p}\n"
    result = run_text(text, select=["KL1"], kubernetes_version="1.30")
    assert messages(result) == [
        ("KL105", 1, 13, "FlowSchema flowcontrol.apiserver.k8s.io/v1beta3 is deprecated since Kubernetes 1.29 "
                         "and is removed in 1.32; migrate to flowcontrol.apiserver.k8s.io/v1"),
    ]
    assert triples(run_text(text, select=["KL1"], kubernetes_version="1.37")) == [("KL104", 1, 13)]


def test_unknown_kind_is_a_warning_with_a_hint():
    result = run_text("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: d}\n", select=["KL1"])
    assert messages(result) == [
        ("KL106", 2, 7, 'no schema for Deploymnet apps/v1 in Kubernetes 1.37; did you mean kind "Deployment"?'),
    ]
    assert result.active()[0].severity.value == "warning"


def test_kind_under_wrong_api_version_says_where_it_is_served():
    result = run_text("apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n", select=["KL1"])
    assert messages(result)[0][3] == "no schema for Deployment v1 in Kubernetes 1.37; Deployment is served as apps/v1"


def test_custom_resource_without_schema_says_to_give_its_crd():
    result = run_text("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n", select=["KL1"])
    assert messages(result)[0][3].endswith(
        "(a custom resource: give its CRD with --crd, or a --schema-location that has its schema)")


@pytest.mark.parametrize("version", ["1.25", "v1.30", "1.37.2"])
def test_versions_are_normalized(version):
    assert SchemaStore(version).version == version.lstrip("v")[:4]


def test_validators_are_compiled_once_per_kind():
    store = SchemaStore("1.37")
    assert store.validator("v1", "Service") is store.validator("v1", "Service")
    assert store.validator("v1", "NoSuchKind") is None


def test_both_engines_give_identical_findings():
    rust, python = SchemaStore("1.37", engine="rust"), SchemaStore("1.37", engine="python")
    from kubelint.input.loader import load_file

    for text in (DEPLOYMENT, INGRESS):
        manifest = load_file("x.yaml", text.encode()).manifests[0]
        args = (manifest.ref.api_version, manifest.ref.kind)
        assert rust.validator(*args).issues(manifest.data) == python.validator(*args).issues(manifest.data)


@pytest.mark.parametrize("engine", ["rust", "python"])
def test_bundled_validator_from_json_text_matches_one_from_the_parsed_schema(engine):
    import json

    from kubelint.input.loader import load_file
    from kubelint.schemas import bundled
    from kubelint.schemas.validator import KindValidator

    text = bundled.schema_set("1.37").kind_schema("io.k8s.api.apps.v1.Deployment")
    manifest = load_file("x.yaml", DEPLOYMENT.encode()).manifests[0]
    from_text = KindValidator.from_json(text, engine)
    issues = from_text.issues(manifest.data)
    assert issues and issues == KindValidator(json.loads(text), engine).issues(manifest.data)
    assert from_text.schema == json.loads(text)
