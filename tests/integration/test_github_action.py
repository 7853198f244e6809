"""The GitHub Action, run for real: its composite steps execute here with the environment
GitHub would set (inputs through env:, GITHUB_ACTIONS=true, RUNNER_TEMP), installing kubelint
from this checkout into a virtual environment."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from tests.helpers import REPO

ACTION = os.path.join(REPO, "action.yml")
BAD = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: "80"
"""


def load_action() -> dict:
    with open(ACTION, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def expand(value: str, inputs: dict) -> str:
    """Evaluate the only expressions the action uses: inputs.* and github.action_path."""
    def replace(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression == "github.action_path":
            return REPO
        assert expression.startswith("inputs."), expression
        return inputs[expression[len("inputs."):]]
    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


def test_inputs_are_never_pasted_into_shell_lines():
    action = load_action()
    assert set(action["inputs"]) == {"paths", "kubernetes-version", "config", "fail-on", "format", "sarif-file", "mode"}
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    run_env = action["runs"]["steps"][1]["env"]
    for name in action["inputs"]:
        assert run_env[f"INPUT_{name.upper().replace('-', '_')}"] == "${{ inputs." + name + " }}"


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory):
    """Run the install step once, as GitHub would."""
    temp = tmp_path_factory.mktemp("runner-temp")
    install = load_action()["runs"]["steps"][0]
    env = {**os.environ, "RUNNER_TEMP": str(temp), "GITHUB_ACTIONS": "true",
           **{k: expand(v, {}) for k, v in install["env"].items()}}
    subprocess.run(["bash", "-e", "-c", install["run"]], env=env, check=True, timeout=600)
    assert os.path.exists(temp / "kubelint-venv" / "bin" / "kubelint")
    return temp


def run_action(runner_temp, workspace, **given):
    action = load_action()
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    step = action["runs"]["steps"][1]
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_ACTIONS": "true",
           **{k: expand(v, inputs) for k, v in step["env"].items()}}
    return subprocess.run(["bash", "-e", "-c", step["run"]], env=env, cwd=workspace,
                          capture_output=True, text=True, timeout=120)


def test_action_prints_annotations_and_writes_sarif(runner_temp, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(BAD)
    completed = run_action(runner_temp, tmp_path, paths="k8s", sarif_file="kubelint.sarif",
                           kubernetes_version="1.30")
    assert completed.returncode == 1, completed.stderr
    annotations = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    assert annotations[0].startswith("::error file=k8s/app.yaml,line=6,col=6,")
    assert "title=KL101 invalid-field-value::data.a: expected string, got integer 1" in annotations[0]
    assert any(a.startswith("::error file=k8s/app.yaml,line=14,col=11,") for a in annotations)
    sarif = json.loads((tmp_path / "kubelint.sarif").read_text())
    regions = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
               for r in sarif["runs"][0]["results"]]
    assert ("KL101", 6) in regions and ("KL101", 14) in regions


def test_action_passes_on_clean_manifests_and_tolerates_odd_paths(runner_temp, tmp_path):
    odd = tmp_path / "dir with spaces; echo injected"
    odd.mkdir()
    (odd / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    completed = run_action(runner_temp, tmp_path, paths=".", fail_on="warning")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "injected" not in completed.stdout.replace("dir with spaces; echo injected", "")


def test_fix_mode_writes_nothing_and_gives_the_diff_as_summary_and_artifact(runner_temp, tmp_path, monkeypatch):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(BAD)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    completed = run_action(runner_temp, tmp_path, paths="k8s", mode="fix", fail_on="error")
    assert completed.returncode == 0, completed.stdout + completed.stderr  # nothing at error level remains
    assert (tmp_path / "k8s" / "app.yaml").read_text() == BAD
    diff = (runner_temp / "kubelint-fix.diff").read_text()
    assert diff.startswith("--- a/k8s/app.yaml\n+++ b/k8s/app.yaml\n") and '+  a: "1"\n' in diff and "+  - port: 80\n" in diff
    assert "## kubelint fix" in summary.read_text() and '+  a: "1"' in summary.read_text()
    upload = load_action()["runs"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "always() && inputs.mode == 'fix'"
    assert upload["with"]["path"] == "${{ runner.temp }}/kubelint-fix.diff"
