"""Rendered input: `helm template` output on stdin and `--kustomize` directories."""

from __future__ import annotations

import json

from kubelint.cli import main
from tests.helpers import CliRunner

HELM_OUTPUT = """\
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: "80"
---
# Source: shop/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  replicas: 3
"""


def check(*args, input=None):
    return CliRunner().invoke(main, ["check", "--no-config", "--select", "KL0,KL1", *args], input=input,
                              catch_exceptions=False)


def test_helm_findings_stay_on_the_stream_and_name_the_template():
    result = check("-", input=HELM_OUTPUT)
    assert result.output.splitlines()[:2] == [
        '-:9:13: error KL101 spec.ports[0].port: expected integer, got string "80" (remove the quotes) '
        "(template shop/templates/service.yaml, line 7 of its output) [Service web]",
        "-:17:13: error KL101 data.replicas: expected string, got integer 3 "
        "(template shop/templates/config.yaml, line 6 of its output) [ConfigMap web]",
    ]


def test_a_committed_helm_output_file_keeps_its_own_path_and_lines_in_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rendered.yaml").write_text(HELM_OUTPUT)
    findings = json.loads(check("--format", "json", "rendered.yaml").output)["findings"]
    assert [(f["path"], f["line"], f["column"], f["source"]) for f in findings] == [
        ("rendered.yaml", 9, 13, {"template": "shop/templates/service.yaml", "line": 7}),
        ("rendered.yaml", 17, 13, {"template": "shop/templates/config.yaml", "line": 6}),
    ]


def test_a_source_comment_outside_a_rendered_stream_names_no_template(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cm.yaml").write_text(
        "# Source: https://github.com/example/charts/blob/main/cm.yaml\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # Source: shop/templates/cm.yaml\n"
        "data:\n  a: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  b: 2\n")
    findings = json.loads(check("--format", "json", "cm.yaml").output)["findings"]
    assert [(f["path"], f["line"], "source" in f) for f in findings] == [("cm.yaml", 8, False), ("cm.yaml", 15, False)]


def test_a_document_after_a_rendered_one_without_its_own_comment_names_no_template():
    stream = HELM_OUTPUT + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  x: 1\n"
    lines = check("-", input=stream).output.splitlines()
    assert lines[2] == "-:24:6: error KL101 data.x: expected string, got integer 1 [ConfigMap plain]"


def test_syntax_errors_in_helm_output_stay_on_stdin():
    result = check("-", input=HELM_OUTPUT + "---\n# Source: shop/templates/bad.yaml\na: [\n")
    assert [line for line in result.output.splitlines() if " KL001 " in line] == [
        "-:21:1: error KL001 YAML syntax error: did not find expected node content (while parsing a flow node)"]


def test_kustomize_without_a_renderer_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "overlay").mkdir()
    (tmp_path / "overlay" / "kustomization.yaml").write_text("resources: []\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    result = CliRunner().invoke(main, ["check", "--kustomize", "overlay"])
    assert result.exit_code == 2
    assert "--kustomize needs kubectl or kustomize on PATH" in result.output
