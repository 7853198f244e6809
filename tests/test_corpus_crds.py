"""Custom resources of ../shared/corpus validated with the corpus' own CRDs: kube-prometheus
PrometheusRules, kubeconform's TrainingJob fixtures (v1beta1 CRDs); custom resources without a
CRD in the corpus (Istio samples, kubeval's SealedSecrets) are named, never crashed on."""

from __future__ import annotations

import glob
import os

import pytest

from kubelint.input.discover import discover
from kubelint.input.loader import load_file
from kubelint.schemas.store import SchemaStore
from tests.helpers import CORPUS, run_paths

pytestmark = pytest.mark.skipif(not os.path.isdir(CORPUS), reason="../shared/corpus is not present")

PROMETHEUS_RULE_CRD = os.path.join(CORPUS, "kube-prometheus/manifests/setup/0prometheusruleCustomResourceDefinition.yaml")
PROMETHEUS_RULES = sorted(glob.glob(os.path.join(CORPUS, "kube-prometheus/manifests/*-prometheusRule.yaml"))) + [
    os.path.join(CORPUS, "kubernetes-examples/AI/vllm-deployment/hpa/prometheus-rule.yaml")]
TRAINING_JOB_CRD = os.path.join(CORPUS, "kubeconform/fixtures/registry/sagemaker.aws.amazon.com_trainingjobs.yaml")
SCHEMA_RULES = ("KL101", "KL102", "KL103", "KL106", "KL107", "KL108", "KL109")


def schema_findings(result):
    return [(os.path.relpath(f.path, CORPUS), f.line, f.column, f.rule, f.message)
            for f in result.active() if f.rule in SCHEMA_RULES]


def test_the_corpus_crds_are_valid():
    result = run_paths([PROMETHEUS_RULE_CRD, TRAINING_JOB_CRD, os.path.join(CORPUS, "kubeconform/fixtures/crd_schema.yaml")],
                       select=["KL107"])
    assert schema_findings(result) == []


def test_kube_prometheus_rules_validate_cleanly_with_their_crd():
    assert len(PROMETHEUS_RULES) == 9
    result = run_paths(PROMETHEUS_RULES, crd_paths=[PROMETHEUS_RULE_CRD], select=["KL1"])
    assert result.objects == 9
    assert schema_findings(result) == []
    without = run_paths(PROMETHEUS_RULES, select=["KL1"])
    assert {f[3] for f in schema_findings(without)} == {"KL106"}


def test_a_typo_in_a_prometheus_rule_is_reported_at_its_line(tmp_path):
    source = os.path.join(CORPUS, "kube-prometheus/manifests/alertmanager-prometheusRule.yaml")
    text = open(source, encoding="utf-8").read()
    lines = text.splitlines()
    assert lines[18] == "      annotations:"
    broken = tmp_path / "alertmanager-prometheusRule.yaml"
    broken.write_text(text.replace("      annotations:", "      anotations:", 1), encoding="utf-8")
    result = run_paths([str(broken)], crd_paths=[PROMETHEUS_RULE_CRD], select=["KL1"])
    assert [(f.rule, f.line, f.column, f.message) for f in result.active()] == [
        ("KL102", 19, 7, 'spec.groups[0].rules[0]: unknown field "anotations", did you mean "annotations"?')]


def test_a_duplicate_rule_group_is_reported_at_the_second_one(tmp_path):
    source = os.path.join(CORPUS, "kube-prometheus/manifests/kubePrometheus-prometheusRule.yaml")
    text = open(source, encoding="utf-8").read()
    names = [line for line in text.splitlines() if line.startswith("  - name: ")]
    assert len(names) >= 2
    broken = tmp_path / "rules.yaml"
    broken.write_text(text.replace(names[1], names[0]), encoding="utf-8")
    result = run_paths([str(broken)], crd_paths=[PROMETHEUS_RULE_CRD], select=["KL1"])
    line = text.splitlines().index(names[1]) + 1
    group = names[0].split(": ", 1)[1]
    assert [(f.rule, f.line, f.column, f.message) for f in result.active()] == [
        ("KL108", line, 5, f'spec.groups[1]: duplicate entry with name "{group}" '
                           "(the list is keyed by name; first at spec.groups[0])")]


def test_crds_in_the_checked_tree_are_used_without_crd():
    result = run_paths([os.path.join(CORPUS, "kube-prometheus")], select=["KL1"])
    rules = {os.path.basename(f.path) for f in result.active() if f.object and f.object.kind == "PrometheusRule"}
    assert rules == set()
    others = {f.object.kind for f in result.active() if f.rule == "KL106"}
    assert others == {"Alertmanager", "Prometheus", "ServiceMonitor"}  # their CRDs are not in the corpus


def test_kubeconform_training_job_validates_with_its_crd():
    """kubeconform's test_crd.yaml with the CRD of its registry fixture (apiextensions v1beta1,
    which keeps unknown fields: only declared fields are checked)."""
    fixture = os.path.join(CORPUS, "kubeconform/fixtures/test_crd.yaml")
    result = run_paths([fixture], crd_paths=[TRAINING_JOB_CRD], select=["KL1"])
    assert schema_findings(result) == []
    assert schema_findings(run_paths([fixture], select=["KL1"]))[0][3:] == (
        "KL106", "no schema for TrainingJob sagemaker.aws.amazon.com/v1 in Kubernetes 1.37 (a custom resource: "
                 "give its CRD with --crd, or a --schema-location that has its schema)")
    wrong = open(fixture, encoding="utf-8").read().replace("instanceCount: 1", "instanceCount: one")
    store = SchemaStore("1.37")
    store.add_crds(load_file(TRAINING_JOB_CRD, open(TRAINING_JOB_CRD, "rb").read()).manifests)
    manifest = load_file("x.yaml", wrong.encode()).manifests[0]
    issues = store.validator("sagemaker.aws.amazon.com/v1", "TrainingJob").issues(manifest.data)
    assert [(i.rule, i.message) for i in issues] == [
        ("KL101", 'spec.resourceConfig.instanceCount: expected integer, got string "one"')]


def test_istio_samples_have_no_crds_so_their_resources_are_named():
    istio = os.path.join(CORPUS, "istio")
    result = run_paths([istio], select=["KL1"])
    missing = [f for f in result.active() if f.rule == "KL106"]
    kinds = {f.object.kind for f in missing}
    assert {"VirtualService", "DestinationRule", "Gateway", "ServiceEntry"} <= kinds
    assert all("(a custom resource: give its CRD with --crd, or a --schema-location that has its schema)"
               in f.message for f in missing if f.object.api_version.startswith("networking.istio.io/"))
    quiet = run_paths([istio], select=["KL1"], ignore_missing_schemas=True)
    assert [f for f in quiet.active() if f.rule == "KL106"] == []
    skipped = run_paths([istio], select=["KL1"], skip_kinds=sorted(kinds))
    assert [f for f in skipped.active() if f.rule == "KL106"] == []
    rejected = run_paths([istio], select=["KL1"], reject_kinds=["networking.istio.io/v1/VirtualService"])
    virtual_services = [f for f in rejected.active() if f.object and f.object.kind == "VirtualService"]
    assert virtual_services and {f.rule for f in virtual_services} == {"KL110"}
    assert virtual_services[0].message == ("VirtualService networking.istio.io/v1 is not allowed "
                                           "(--reject networking.istio.io/v1/VirtualService)")


def test_kubeval_sealed_secrets_without_a_crd():
    result = run_paths([os.path.join(CORPUS, "kubeval/fixtures/test_crd.yaml")], select=["KL1"])
    assert [(f.line, f.rule) for f in result.active()] == [(3, "KL106"), (12, "KL106")]


def test_whole_corpus_has_no_crd_error_and_engines_agree_on_custom_resources():
    result = run_paths([CORPUS], select=["KL107", "KL108", "KL109"])
    assert schema_findings(result) == []
    items = discover([CORPUS])
    manifests = [m for item in items for m in load_file(item.path, open(item.real_path, "rb").read()).manifests]
    crds = [m for m in manifests if m.ref.kind == "CustomResourceDefinition"]
    stores = {engine: SchemaStore("1.37", engine=engine) for engine in ("rust", "python")}
    for store in stores.values():
        store.add_crds(crds)
    compared = 0
    for manifest in manifests:
        key = (manifest.ref.api_version, manifest.ref.kind)
        if stores["rust"].resolve(*key).source.startswith("CRD "):
            assert stores["rust"].validator(*key).issues(manifest.data) == \
                stores["python"].validator(*key).issues(manifest.data)
            compared += 1
    assert compared >= 10
