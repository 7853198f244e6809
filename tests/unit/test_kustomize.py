"""`--kustomize` with the real `kubectl kustomize`: which roots are rendered, and findings placed
in the files (and patches) that wrote the offending fields, once per overlay."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from kubelint.cli import main
from tests.helpers import API_DEPLOYMENT as DEPLOYMENT
from tests.helpers import API_SERVICE as SERVICE
from tests.helpers import CliRunner, write_file

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")

BASE_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        imagePullPolcy: Always
"""
PROD_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: "3"
"""
PROD_KUSTOMIZATION = """\
resources:
- ../../base
namePrefix: prod-
patches:
- path: replicas.yaml
- target:
    kind: Deployment
    name: api
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env
      value:
      - name: MODE
        value: on
"""
STAGING_KUSTOMIZATION = """\
resources:
- ../../base
namespace: staging
configMapGenerator:
- name: settings
  literals: [mode=staging]
"""


def check(*args: str) -> "object":
    return CliRunner().invoke(main, ["check", "--no-config", "--select", "KL0,KL1", *args], catch_exceptions=False)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_file("base/kustomization.yaml", "resources:\n- deployment.yaml\n- service.yaml\npatches:\n- path: patch.yaml\n")
    write_file("base/deployment.yaml", DEPLOYMENT)
    write_file("base/service.yaml", SERVICE)
    write_file("base/patch.yaml", BASE_PATCH)
    write_file("overlays/prod/kustomization.yaml", PROD_KUSTOMIZATION)
    write_file("overlays/prod/replicas.yaml", PROD_PATCH)
    write_file("overlays/staging/kustomization.yaml", STAGING_KUSTOMIZATION)
    return tmp_path


def test_a_base_patch_defect_is_reported_at_its_line_once_per_overlay(tree):
    result = check("--kustomize", "overlays/")
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        'base/patch.yaml:10:9: error KL102 spec.template.spec.containers[0]: unknown field "imagePullPolcy", '
        'did you mean "imagePullPolicy"? [Deployment prod-api in overlays/prod]',
        'base/patch.yaml:10:9: error KL102 spec.template.spec.containers[0]: unknown field "imagePullPolcy", '
        'did you mean "imagePullPolicy"? [Deployment staging/api in overlays/staging]',
        "overlays/prod/kustomization.yaml:14:16: error KL101 spec.template.spec.containers[0].env[0].value: "
        "expected string, got boolean true (YAML reads unquoted yes/no/on/off/true/false as booleans: quote it) "
        "[Deployment prod-api in overlays/prod]",
        'overlays/prod/replicas.yaml:6:13: error KL101 spec.replicas: expected integer, got string "3" '
        "(remove the quotes) [Deployment prod-api in overlays/prod]",
    ]


def test_the_json_output_names_the_overlay(tree):
    result = check("--kustomize", "--format", "json", "overlays/staging")
    findings = json.loads(result.output)["findings"]
    assert [(f["path"], f["line"], f["column"], f["overlay"], f["object"]["namespace"]) for f in findings] == [
        ("base/patch.yaml", 10, 9, "overlays/staging", "staging")]


def test_the_whole_tree_renders_the_overlays_not_the_base_nor_its_raw_files(tree):
    """`--kustomize .` renders both overlays; base is only their base, and its files (the
    kustomization, the resources, the partial Deployment of the patch) are not checked raw."""
    result = check("--kustomize", "--format", "json", ".")
    findings = json.loads(result.output)["findings"]
    assert sorted({f["overlay"] for f in findings}) == ["overlays/prod", "overlays/staging"]
    assert [f for f in findings if f["rule"] == "KL103"] == []  # the patch is not validated as a Deployment
    assert json.loads(result.output)["summary"]["objects"] == 5  # prod: 2; staging: 2 + the generated ConfigMap


def test_a_base_given_alone_is_rendered(tree):
    result = check("--kustomize", "base")
    assert result.output.splitlines()[0].startswith("base/patch.yaml:10:9: error KL102 ")
    assert result.output.splitlines()[0].endswith("[Deployment api in base]")


def test_a_field_no_source_wrote_points_at_the_objects_first_line(tree):
    # The namespace transformer writes metadata.namespace; a rule about it points at the object.
    write_file("overlays/staging/kustomization.yaml", STAGING_KUSTOMIZATION.replace("staging\n", "Staging_1\n", 1))
    result = CliRunner().invoke(main, ["check", "--no-config", "--select", "KL201", "--kustomize", "overlays/staging"])
    found = [line for line in result.output.splitlines() if " KL201 " in line]
    assert found and all(line.startswith(("base/deployment.yaml:1:1:", "base/service.yaml:1:1:",
                                          "overlays/staging/kustomization.yaml:5:9:")) for line in found), found
    assert len(found) == 3  # the Deployment, the Service and the generated ConfigMap (at its generator)


def test_a_directory_named_like_an_option_is_rendered_not_read_as_one(tree):
    os.makedirs("overlays/--output=x")
    write_file("overlays/--output=x/kustomization.yaml", "resources:\n- ../../base\n")
    result = check("--kustomize", "overlays/--output=x")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith("[Deployment api in overlays/--output=x]")
    assert not os.path.exists("x")


def test_a_component_is_rendered_only_inside_the_overlay_that_uses_it(tree):
    write_file("components/debug/kustomization.yaml",
               "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: debug.yaml\n")
    write_file("components/debug/debug.yaml",
               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  paused: 1\n")
    write_file("overlays/staging/kustomization.yaml", STAGING_KUSTOMIZATION + "components:\n- ../../components/debug\n")
    result = check("--kustomize", ".")
    assert "components/debug/debug.yaml:6:11: error KL101 spec.paused: expected boolean, got integer 1 " \
           "[Deployment staging/api in overlays/staging]" in result.output.splitlines()
    assert "in components/debug]" not in result.output


def test_kustomize_failures_are_usage_errors(tree):
    write_file("overlays/broken/kustomization.yaml", "resources:\n- missing.yaml\n")
    result = CliRunner().invoke(main, ["check", "--kustomize", "overlays/broken"])
    assert result.exit_code == 2
    assert "overlays/broken failed" in result.output and "missing.yaml" in result.output


def test_without_kustomize_kustomization_files_are_checked_against_their_schema(tree):
    write_file("overlays/staging/kustomization.yaml", "resourcess:\n- ../../base\n")
    result = CliRunner().invoke(main, ["check", "--no-config", "--select", "KL1", "overlays/staging"])
    assert result.output.splitlines()[:-1] == [
        'overlays/staging/kustomization.yaml:1:1: warning KL113 kustomization: unknown field "resourcess", '
        'did you mean "resources"?']
