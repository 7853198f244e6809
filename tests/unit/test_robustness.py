"""Bad input never produces a traceback: arbitrary bytes, YAML-ish text and manifests with
fields of the wrong type all become findings (DESIGN §7)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.input.loader import load_file
from tests.helpers import run_text

FAST = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_load_without_a_traceback(data):
    result = load_file("x.yaml", data)
    for issue in result.issues:
        assert issue.position.line >= 1 and issue.position.column >= 1


YAMLISH = st.text(alphabet="abk:- \n\t[]{},'\"#&*!|>%?~0123456789yn.", max_size=200)


@FAST
@given(YAMLISH)
def test_yaml_like_text_checks_without_a_traceback(text):
    result = run_text(text)
    assert all(f.line >= 1 and f.column >= 1 for f in result.findings)
    assert not any("internal error" in f.message for f in result.findings)


VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False),
              st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
KINDS = st.sampled_from([("v1", "Service"), ("v1", "Pod"), ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"),
                         ("batch/v1", "CronJob"), ("networking.k8s.io/v1", "Ingress"), ("v1", "Secret"),
                         ("v1", "ConfigMap"), ("rbac.authorization.k8s.io/v1", "RoleBinding"),
                         ("autoscaling/v2", "HorizontalPodAutoscaler"), ("v1", "PersistentVolumeClaim")])


@FAST
@given(KINDS, st.dictionaries(st.sampled_from(["spec", "metadata", "data", "template", "ports", "rules", "selector"]),
                              VALUES, max_size=3))
def test_every_rule_survives_fields_of_the_wrong_type(kind, fields):
    import json

    api_version, kind_name = kind
    document = {"apiVersion": api_version, "kind": kind_name, **fields}
    result = run_text(json.dumps(document), "x.json")
    assert not any("internal error" in f.message for f in result.findings), result.findings
