"""Schema findings: every violation, each at its own node, with messages a person understands."""

from __future__ import annotations

import pytest

from kubelint.schemas.store import SchemaStore
from tests.helpers import run_text, triples, web_deployment

# The containers start at line 13 (web_deployment), so imagePullPolcy is line 15.
DEPLOYMENT = web_deployment("""\
    - name: web
      image: nginx:1.25
      imagePullPolcy: Always
      ports:
      - containerPort: "8080"
      resources: {}
""")

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


@pytest.mark.parametrize("api_version, kind, pointer_line, column, message", [
    # The server's RESTMapper finds no resource for these: "no matches for kind" (issue 11, item 3).
    ("apps/v1", "Deploymnet", 2, 7, 'kind "Deploymnet": apps/v1 has no such kind; did you mean kind "Deployment"?'),
    ("v1", "configmap", 2, 7,
     'kind "configmap": v1 has no such kind; did you mean "ConfigMap"? (kinds are case-sensitive)'),
    ("v1", "Deployment", 2, 7, 'kind "Deployment": v1 has no such kind; it is served as apps/v1'),
    ("apps/v1", "Frobnicator", 2, 7, 'kind "Frobnicator": apps/v1 has no such kind'),
    ("apps/v2", "Deployment", 1, 13,
     'apiVersion "apps/v2" is not served by Kubernetes 1.37: the apps group serves Deployment in v1'),
    ("v1beta1", "ConfigMap", 1, 13, 'apiVersion "v1beta1" is not served by Kubernetes 1.37: the core group serves ConfigMap in v1'),
    ("autoscaling/v3", "HorizontalPodAutoscaler", 1, 13,
     'apiVersion "autoscaling/v3" is not served by Kubernetes 1.37: the autoscaling group serves '
     'HorizontalPodAutoscaler in v1, v2'),
])
def test_version_or_kind_the_server_does_not_serve_is_an_error(api_version, kind, pointer_line, column, message):
    result = run_text(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: d}}\n", select=["KL1"])
    assert messages(result) == [("KL118", pointer_line, column, message)]
    assert result.active()[0].severity.value == "error"


def test_served_version_of_a_builtin_group_is_not_reported():
    text = "apiVersion: resource.k8s.io/v1beta2\nkind: DeviceClass\nmetadata: {name: d}\n"
    assert [m for m in messages(run_text(text, select=["KL1"])) if m[0] == "KL118"] == []


def test_unknown_group_stays_a_warning_that_names_crd_and_schema_location():
    # metrics.k8s.io is an aggregated API, not one of the server's own groups.
    result = run_text("apiVersion: metrics.k8s.io/v1beta1\nkind: PodMetrics\nmetadata: {name: m}\n", select=["KL1"])
    assert messages(result) == [
        ("KL106", 2, 7, "no schema for PodMetrics metrics.k8s.io/v1beta1 in Kubernetes 1.37 (a custom resource: "
                        "give its CRD with --crd, or a --schema-location that has its schema)"),
    ]
    assert result.active()[0].severity.value == "warning"


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
    assert from_text.schema == KindValidator(json.loads(text), engine).schema


def test_removed_api_names_the_replacement_the_version_serves():
    # The table says v1beta2 -> v1beta3, but v1beta3 is removed in 1.32 as well (issue 11, item 6).
    text = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\nkind: FlowSchema\nmetadata: {name: f}\n"
    assert messages(run_text(text, select=["KL1"], kubernetes_version="1.37")) == [
        ("KL104", 1, 13, "FlowSchema flowcontrol.apiserver.k8s.io/v1beta2 was removed in Kubernetes 1.29; "
                         "use flowcontrol.apiserver.k8s.io/v1"),
    ]
    assert messages(run_text(text, select=["KL1"], kubernetes_version="1.30")) == [
        ("KL104", 1, 13, "FlowSchema flowcontrol.apiserver.k8s.io/v1beta2 was removed in Kubernetes 1.29; "
                         "use flowcontrol.apiserver.k8s.io/v1beta3"),
    ]


FORMATS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 99999999999
  revisionHistoryLimit: 2147483647
  minReadySeconds: 2147483648
  progressDeadlineSeconds: 1e400
  paused: false
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: .nan
      activeDeadlineSeconds: 9223372036854775808
      containers: [{name: web, image: "nginx:1.25"}]
"""


def test_integer_formats_are_ranges_and_non_finite_numbers_are_named():
    # int32 and int64 fields are decoded into Go integers: out of range is refused (issue 11, item 2).
    assert messages(run_text(FORMATS, select=["KL101"])) == [
        ("KL101", 5, 13, "spec.replicas: 99999999999 does not fit in int32 (-2147483648 to 2147483647); "
                         "the API server cannot decode it"),
        ("KL101", 7, 20, "spec.minReadySeconds: 2147483648 does not fit in int32 (-2147483648 to 2147483647); "
                         "the API server cannot decode it"),
        ("KL101", 8, 28, "spec.progressDeadlineSeconds: expected integer, got infinity (a number such as 1e400 or "
                         ".inf that is not finite cannot be sent to the API server)"),
        ("KL101", 14, 38, "spec.template.spec.terminationGracePeriodSeconds: expected integer, got NaN (a number "
                          "such as 1e400 or .inf that is not finite cannot be sent to the API server)"),
        ("KL101", 15, 30, "spec.template.spec.activeDeadlineSeconds: 9223372036854775808 does not fit in int64 "
                          "(-9223372036854775808 to 9223372036854775807); the API server cannot decode it"),
    ]


def test_date_time_format():
    # base64 in Secret data and binaryData is KL127's (rules/apiserver/config.py), not the schema step's.
    text = """\
apiVersion: v1
kind: Secret
metadata: {name: s, creationTimestamp: "2024-01-31T12:00:00.5+01:00"}
data:
  bad: hello world
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, creationTimestamp: "yesterday"}
"""
    assert messages(run_text(text, select=["KL101"])) == [
        ("KL101", 9, 40, "metadata.creationTimestamp: not an RFC 3339 date-time such as 2024-01-31T12:00:00Z"),
    ]


def test_octal_looking_integer_in_a_string_field_says_how_yaml_read_it():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    mode: 0644\n    ten: 10\n"
            "data:\n  a: 0o17\n")
    assert messages(run_text(text, select=["KL1"])) == [
        ("KL101", 6, 11, 'metadata.labels.mode: expected string, got integer 420 (YAML reads 0644 as an octal '
                         'number: quote it, "0644", to keep the text)'),
        ("KL101", 7, 10, "metadata.labels.ten: expected string, got integer 10"),
        ("KL101", 9, 6, 'data.a: expected string, got integer 15 (YAML reads 0o17 as an octal number: quote it, '
                        '"0o17", to keep the text)'),
    ]
