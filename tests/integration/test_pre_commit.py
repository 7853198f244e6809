"""The pre-commit hook, run for real with `pre-commit try-repo` in temporary repositories: one
scenario per commit a team makes (see issue 12).

try-repo installs the hook into a fresh environment on every call; the module first gathers
kubelint's dependencies as wheels once, so that each installation reads them from disk
(PIP_NO_INDEX) instead of asking the index again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import API_DEPLOYMENT as DEPLOY
from tests.helpers import API_SERVICE_AND_WORKER as SVC
from tests.helpers import REPO, commit_all, git, git_repo, write_file


def test_pre_commit_is_installed():
    """pre-commit is a test dependency (pip install -e '.[test]'): without it these tests fail,
    they are not skipped."""
    assert shutil.which("pre-commit") or os.path.exists(os.path.join(os.path.dirname(sys.executable), "pre-commit"))

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: b\n"
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n"
CI_CONFIG = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n"
CONFIG = 'select: [KL0, KL1, KL3]\nexclude: ["charts/**"]\n'


def pre_commit() -> str:
    local = os.path.join(os.path.dirname(sys.executable), "pre-commit")
    return local if os.path.exists(local) else "pre-commit"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """This working tree, committed into a repository of its own: a clean repository makes
    try-repo use its commit as the revision, so the hook's environment is built once."""
    snapshot = tmp_path_factory.mktemp("kubelint-snapshot")
    listed = subprocess.run(["git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = os.path.join(REPO, name)
        if os.path.isfile(source) and not name.startswith(("benchmarks/corpus", "tests/")):
            os.makedirs(os.path.dirname(os.path.join(snapshot, name)), exist_ok=True)
            shutil.copy2(source, os.path.join(snapshot, name))
    git(str(snapshot), "init", "-q")
    commit_all(str(snapshot), "snapshot")
    return str(snapshot)


@pytest.fixture(scope="module")
def home(tmp_path_factory, hook_repo):
    """PRE_COMMIT_HOME, with a wheelhouse of the hook's dependencies."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    wheels = home / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheels), hook_repo,
                    "setuptools>=61", "wheel"], check=True, capture_output=True, timeout=900)
    for built in wheels.glob("kubelint-*.whl"):
        built.unlink()  # try-repo installs kubelint itself from the repository
    return home


def try_repo(repo, hook_repo, home, *args):  # type: ignore[no-untyped-def]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "KUBELINT_CACHE_DIR": str(home / "kubelint-cache"),
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(home / "wheels")}
    return subprocess.run([pre_commit(), "try-repo", hook_repo, "kubelint", *args], cwd=repo,
                          capture_output=True, text=True, env=env, timeout=900)


def make_repo(path, files):  # type: ignore[no-untyped-def]
    git_repo(path, files)
    return path


def stage(repo, files):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        write_file(str(repo / name), text)
    git(str(repo), "add", "-A")


def findings(completed):  # type: ignore[no-untyped-def]
    return [line for line in completed.stdout.splitlines() if ": error " in line or ": warning " in line]


def test_hook_passes_on_good_manifests_and_other_yaml(tmp_path, hook_repo, home):
    repo = make_repo(tmp_path / "good", {"k8s/cm.yaml": GOOD, ".github/workflows/ci.yml": CI_CONFIG,
                                         "values.yaml": "replicaCount: 2\n"})
    completed = try_repo(repo, hook_repo, home, "--all-files")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "kubelint" in completed.stdout and "Passed" in completed.stdout


def test_hook_fails_on_a_bad_manifest_printing_the_line(tmp_path, hook_repo, home):
    repo = make_repo(tmp_path / "bad", {"k8s/cm.yaml": BAD, "k8s/ok.yaml": GOOD})
    completed = try_repo(repo, hook_repo, home, "--all-files")
    assert completed.returncode == 1
    assert "k8s/cm.yaml:6:6: error KL101 data.a: expected string, got integer 1" in completed.stdout


def test_fix_hook_fixes_the_file_and_fails_because_it_changed_it(tmp_path, home):
    repo = make_repo(tmp_path / "fixable", {"k8s/cm.yaml": "# keep me\n" + BAD, "k8s/ok.yaml": GOOD})
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    completed = subprocess.run([pre_commit(), "try-repo", REPO, "kubelint-fix", "--all-files"], cwd=repo,
                               capture_output=True, text=True, env=env, timeout=900)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "files were modified by this hook" in completed.stdout
    assert (repo / "k8s" / "cm.yaml").read_text() == "# keep me\n" + BAD.replace("a: 1", 'a: "1"')
    assert (repo / "k8s" / "ok.yaml").read_text() == GOOD
    again = subprocess.run([pre_commit(), "try-repo", REPO, "kubelint-fix", "--all-files"], cwd=repo,
                           capture_output=True, text=True, env=env, timeout=900)
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.fixture
def team_repo(tmp_path):
    return make_repo(tmp_path / "team", {".kubelint.yaml": CONFIG, "k8s/api-deploy.yaml": DEPLOY,
                                         "k8s/api-svc.yaml": SVC})


def test_a_commit_touching_only_the_service_passes(team_repo, hook_repo, home):
    stage(team_repo, {"k8s/api-svc.yaml": SVC.replace("port: 80", "port: 8000")})
    completed = try_repo(team_repo, hook_repo, home)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert findings(completed) == []


def test_a_relabelling_commit_fails_naming_the_untouched_services_line(team_repo, hook_repo, home):
    stage(team_repo, {"k8s/api-deploy.yaml": DEPLOY.replace("{app: api}", "{app: api-v2}")})
    completed = try_repo(team_repo, hook_repo, home)
    assert completed.returncode == 1
    assert findings(completed) == [
        'k8s/api-svc.yaml:6:13: error KL313 spec.selector: selects no pods: no workload in namespace "default" '
        "has labels app=api [Service api]"]


def test_a_typo_in_the_changed_file_fails_at_its_line(team_repo, hook_repo, home):
    stage(team_repo, {"k8s/api-svc.yaml": SVC.replace("targetPort: 8080", "targetPort: 8080\n    protocl: TCP")})
    completed = try_repo(team_repo, hook_repo, home)
    assert completed.returncode == 1
    assert findings(completed) == [
        'k8s/api-svc.yaml:10:5: error KL102 spec.ports[0]: unknown field "protocl", did you mean "protocol"? '
        "[Service api]"]


def test_a_commit_of_excluded_files_only_passes(team_repo, hook_repo, home):
    stage(team_repo, {"charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .x }}\n"})
    completed = try_repo(team_repo, hook_repo, home, "--verbose")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "every given path is excluded" in completed.stdout


def test_an_old_error_in_an_untouched_file_does_not_block_an_unrelated_commit(team_repo, hook_repo, home):
    write_file(str(team_repo / "k8s/legacy.yaml"), BAD)
    commit_all(str(team_repo), "an old mistake")
    stage(team_repo, {"k8s/new.yaml": GOOD})
    completed = try_repo(team_repo, hook_repo, home)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert findings(completed) == []
