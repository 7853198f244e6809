"""Rendered input: `helm template` output on stdin and `--kustomize` directories."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from kubelint.cli import main

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


def test_helm_findings_name_the_template_and_the_line_inside_it():
    result = check("-", input=HELM_OUTPUT)
    assert result.output.splitlines()[:2] == [
        "shop/templates/config.yaml:6:13: error KL101 data.replicas: expected string, got integer 3 [ConfigMap web]",
        'shop/templates/service.yaml:7:13: error KL101 spec.ports[0].port: expected integer, got string "80" '
        "(remove the quotes) [Service web]",
    ]


def test_syntax_errors_in_helm_output_stay_on_stdin():
    result = check("-", input=HELM_OUTPUT + "---\n# Source: shop/templates/bad.yaml\na: [\n")
    assert result.output.splitlines()[0].startswith("-:21:1: error KL001 ")


@pytest.fixture
def fake_kustomize(tmp_path, monkeypatch):
    """A `kustomize` on PATH that prints a rendered stream, as `kustomize build DIR` does."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kustomize"
    script.write_text("#!/bin/sh\n[ \"$1\" = build ] || exit 3\n/bin/cat \"$2/rendered.txt\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("resources: [base.yaml]\n")
    (overlay / "rendered.txt").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n")
    monkeypatch.chdir(tmp_path)
    return overlay


def test_kustomize_directory_is_rendered_and_named(fake_kustomize):
    result = check("--kustomize", "overlay")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "overlay/kustomization (rendered):6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap c]")


def test_kustomize_without_a_renderer_says_what_to_install(fake_kustomize, monkeypatch):
    monkeypatch.setenv("PATH", os.devnull)
    result = CliRunner().invoke(main, ["check", "--kustomize", "overlay"])
    assert result.exit_code == 2
    assert "needs kubectl or kustomize on PATH" in result.output


def test_kustomize_flag_leaves_plain_directories_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert check("--kustomize", "plain").exit_code == 0
