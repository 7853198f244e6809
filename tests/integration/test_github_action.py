"""The GitHub Action, run for real: its composite steps execute here with the environment
GitHub would set (inputs through env:, GITHUB_ACTIONS=true, RUNNER_TEMP), installing kubelint
from this checkout into a virtual environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Optional

import pytest
import yaml

from tests.helpers import REPO, commit_all, git, git_repo

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


def step(name_start: str) -> dict:
    return next(s for s in load_action()["runs"]["steps"] if s["name"].startswith(name_start))


def expand(value: str, inputs: dict, github: Optional[dict] = None) -> str:
    """Evaluate the only expressions the action uses: inputs.*, github.* and runner.temp."""
    github = {"action_path": REPO, "event_name": "push", "event.pull_request.base.sha": "", **(github or {})}

    def replace(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression.startswith("github."):
            return github[expression[len("github."):]]
        assert expression.startswith("inputs."), expression
        return inputs[expression[len("inputs."):]]
    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


def test_inputs_are_never_pasted_into_shell_lines():
    action = load_action()
    assert set(action["inputs"]) == {"paths", "kubernetes-version", "config", "fail-on", "format", "sarif-file",
                                     "baseline", "new-from-rev", "context", "summary", "mode"}
    for each in action["runs"]["steps"]:
        assert "${{" not in each.get("run", ""), each["name"]
    run_env = step("Run kubelint")["env"]
    for name in action["inputs"]:
        assert run_env[f"INPUT_{name.upper().replace('-', '_')}"] == "${{ inputs." + name + " }}"


def test_the_installation_is_cached_by_a_key_of_the_sources_and_python():
    action = load_action()
    cache = step("Restore the kubelint installation")
    assert cache["uses"].startswith("actions/cache@") and cache["continue-on-error"] is True
    assert cache["with"]["key"] == "${{ steps.key.outputs.key }}"
    key_step = step("Find the kubelint installation")
    output = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"kubelint-action-output-{os.getpid()}")
    env = {**os.environ, "RUNNER_OS": "Linux", "GITHUB_OUTPUT": output,
           **{k: expand(v, {}) for k, v in key_step["env"].items()}}
    try:
        subprocess.run(["bash", "-e", "-c", key_step["run"]], env=env, check=True, timeout=120)
        with open(output, encoding="utf-8") as handle:
            key = handle.read().strip()
    finally:
        os.unlink(output)
    assert re.fullmatch(r"key=kubelint-venv-Linux-3\.\d+-[0-9a-f]{16}", key), key
    assert action["runs"]["steps"].index(cache) < action["runs"]["steps"].index(step("Install kubelint"))


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory):
    """Run the install step once, as GitHub would."""
    temp = tmp_path_factory.mktemp("runner-temp")
    install = step("Install kubelint")
    env = {**os.environ, "RUNNER_TEMP": str(temp), "GITHUB_ACTIONS": "true",
           **{k: expand(v, {}) for k, v in install["env"].items()}}
    subprocess.run(["bash", "-e", "-c", install["run"]], env=env, check=True, timeout=900)
    assert os.path.exists(temp / "kubelint-venv" / "bin" / "kubelint")
    # A second run finds the (restored) installation and does not install again.
    again = subprocess.run(["bash", "-e", "-c", install["run"]], env=env, check=True, timeout=120,
                           capture_output=True, text=True)
    assert "restored from the cache" in again.stdout
    return temp


def run_action(runner_temp, workspace, github=None, summary_file=None, **given):  # type: ignore[no-untyped-def]
    action = load_action()
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    run = step("Run kubelint")
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_ACTIONS": "true",
           "KUBELINT_CACHE_DIR": str(runner_temp / "kubelint-cache"),
           **{k: expand(v, inputs, github) for k, v in run["env"].items()}}
    env.pop("GITHUB_STEP_SUMMARY", None)
    if summary_file is not None:
        env.update(GITHUB_STEP_SUMMARY=str(summary_file), GITHUB_SERVER_URL="https://github.com",
                   GITHUB_REPOSITORY="example/app", GITHUB_SHA="0123abc", GITHUB_WORKSPACE=str(workspace))
    return subprocess.run(["bash", "-e", "-c", run["run"]], env=env, cwd=workspace,
                          capture_output=True, text=True, timeout=300)


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


def test_fix_mode_writes_nothing_and_gives_the_diff_as_summary_and_artifact(runner_temp, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(BAD)
    summary = tmp_path / "summary.md"
    completed = run_action(runner_temp, tmp_path, paths="k8s", mode="fix", fail_on="error", summary_file=summary)
    assert completed.returncode == 0, completed.stdout + completed.stderr  # nothing at error level remains
    assert (tmp_path / "k8s" / "app.yaml").read_text() == BAD
    diff = (runner_temp / "kubelint-fix.diff").read_text()
    assert diff.startswith("--- a/k8s/app.yaml\n+++ b/k8s/app.yaml\n") and '+  a: "1"\n' in diff and "+  - port: 80\n" in diff
    assert "## kubelint fix" in summary.read_text() and '+  a: "1"' in summary.read_text()
    upload = load_action()["runs"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["if"] == "always() && inputs.mode == 'fix'"
    assert upload["with"]["path"] == "${{ runner.temp }}/kubelint-fix.diff"


def test_the_job_summary_counts_and_links_every_finding(runner_temp, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(BAD)
    summary = tmp_path / "summary.md"
    completed = run_action(runner_temp, tmp_path, paths="k8s", summary_file=summary)
    assert completed.returncode == 1
    text = summary.read_text()
    assert "❌ **Failed**: 2 findings at or above `error`" in text
    assert "| KL101 invalid-field-value | ❌ error | 2 |" in text
    assert "[k8s/app.yaml:6](https://github.com/example/app/blob/0123abc/k8s/app.yaml#L6)" in text


def test_a_warnings_only_run_passes_and_says_so(runner_temp, tmp_path):
    (tmp_path / "dep.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"
        "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: 'x:latest'}]\n")
    completed = run_action(runner_temp, tmp_path, paths="dep.yaml")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.splitlines()[-1].endswith("passes: nothing at or above error (--fail-on error)")
    assert any(line.startswith("::warning ") for line in completed.stdout.splitlines())


def test_on_a_pull_request_only_new_findings_are_reported(runner_temp, tmp_path):
    repo = str(tmp_path)
    base = git_repo(repo, {"k8s/old.yaml": BAD}, "base, with an old finding")
    git(repo, "checkout", "-q", "-b", "feature")
    (tmp_path / "k8s" / "new.yaml").write_text(BAD.replace("name: cfg", "name: cfg2").replace("name: web", "name: web2"))
    commit_all(repo, "a new finding")
    completed = run_action(runner_temp, tmp_path, paths="k8s",
                           github={"event_name": "pull_request", "event.pull_request.base.sha": base})
    assert completed.returncode == 1, completed.stdout + completed.stderr
    annotations = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    assert [a.split(",")[0] for a in annotations] == ["::error file=k8s/new.yaml", "::error file=k8s/new.yaml"]
    assert "findings that exist at" in completed.stderr
    # new-from-rev: none turns it off
    completed = run_action(runner_temp, tmp_path, paths="k8s", new_from_rev="none",
                           github={"event_name": "pull_request", "event.pull_request.base.sha": base})
    assert sum(1 for line in completed.stdout.splitlines() if line.startswith("::error")) == 4


def test_a_baseline_input_hides_recorded_findings(runner_temp, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(BAD)
    kubelint = str(runner_temp / "kubelint-venv" / "bin" / "kubelint")
    subprocess.run([kubelint, "baseline", "write", "kubelint-baseline.json", "k8s"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    completed = run_action(runner_temp, tmp_path, paths="k8s", baseline="kubelint-baseline.json")
    assert completed.returncode == 0, completed.stdout + completed.stderr
