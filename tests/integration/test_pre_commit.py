"""The pre-commit hook, run for real with `pre-commit try-repo` against a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import REPO


def test_pre_commit_is_installed():
    """pre-commit is a test dependency (pip install -e '.[test]'): without it these tests fail,
    they are not skipped."""
    assert shutil.which("pre-commit") or os.path.exists(os.path.join(os.path.dirname(sys.executable), "pre-commit"))

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: b\n"
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n"
CI_CONFIG = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n"


def pre_commit() -> str:
    local = os.path.join(os.path.dirname(sys.executable), "pre-commit")
    return local if os.path.exists(local) else "pre-commit"


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def try_repo(repo, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([pre_commit(), "try-repo", REPO, "kubelint", "--all-files"], cwd=repo,
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def make_repo(path, files):
    path.mkdir()
    git(path, "init", "-q")
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")
    return path


def test_hook_passes_on_good_manifests_and_other_yaml(tmp_path, home):
    repo = make_repo(tmp_path / "good", {"k8s/cm.yaml": GOOD, ".github/workflows/ci.yml": CI_CONFIG,
                                         "values.yaml": "replicaCount: 2\n"})
    completed = try_repo(repo, home)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "kubelint" in completed.stdout and "Passed" in completed.stdout


def test_hook_fails_on_a_bad_manifest_printing_the_line(tmp_path, home):
    repo = make_repo(tmp_path / "bad", {"k8s/cm.yaml": BAD, "k8s/ok.yaml": GOOD})
    completed = try_repo(repo, home)
    assert completed.returncode == 1
    assert "k8s/cm.yaml:6:6: error KL101 data.a: expected string, got integer 1" in completed.stdout
