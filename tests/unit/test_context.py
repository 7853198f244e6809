"""`--context DIR`: the given files are checked against the rest of the repository, and a
context finding is reported only when the change introduced it (compared with git HEAD)."""

from __future__ import annotations

import json
import os

import pytest

from kubelint.cli import main
from tests.helpers import API_DEPLOYMENT as DEPLOY
from tests.helpers import API_SERVICE_AND_WORKER as SVC
from tests.helpers import CliRunner, commit_all, git_repo, split_runner, write_file


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / ".cache"))
    git_repo(tmp_path, {"k8s/api-deploy.yaml": DEPLOY, "k8s/api-svc.yaml": SVC})
    return tmp_path


def check(*args: str):  # type: ignore[no-untyped-def]
    result = split_runner().invoke(
        main, ["check", "--no-config", "--select", "KL3,KL0,KL1", "--format", "json", *args], catch_exceptions=False)
    return result.exit_code, [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]], \
        result.stderr


def test_without_context_a_partial_set_would_fail(repo):
    code, findings, _ = check("k8s/api-svc.yaml")
    assert (code, findings) == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_the_service_file_alone_passes_with_the_repository_as_context(repo):
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (0, [])


def test_a_relabelled_deployment_fails_at_the_untouched_services_line(repo):
    write_file("k8s/api-deploy.yaml", DEPLOY.replace("{app: api}", "{app: api-v2}"))
    assert check("k8s/api-deploy.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_a_deleted_deployment_counts_as_a_change(repo):
    os.remove("k8s/api-deploy.yaml")
    write_file("k8s/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n")
    assert check("k8s/other.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_a_finding_that_was_already_in_the_context_is_not_reported(repo):
    write_file("k8s/api-svc.yaml", SVC.replace("selector: {app: api}", "selector: {app: nothing}"))
    commit_all(str(repo), "a broken service, committed")
    write_file("k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert check("k8s/cm.yaml", "--context", ".")[:2] == (0, [])
    # ... even when the change moves lines above it: findings match by rule, object and field.
    write_file("k8s/api-deploy.yaml", "# a comment\n" * 5 + DEPLOY.replace("image:", "imagePullPolicy: Always\n        image:"))
    assert check("k8s/api-deploy.yaml", "--context", ".")[:2] == (0, [])


def test_a_typo_in_the_changed_file_is_reported_at_its_line(repo):
    write_file("k8s/api-svc.yaml", SVC.replace("targetPort: 8080", "targetPort: 8080\n    protocl: TCP"))
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 10, "KL102")])


def test_context_honours_excludes(repo):
    write_file("charts/app/templates/deploy.yaml", DEPLOY.replace("name: api\n", "name: api\n  namespace: {{ .ns }}\n"))
    code, findings, _ = check("k8s/api-svc.yaml", "--context", ".", "--exclude", "charts/**")
    assert (code, findings) == (0, [])


def test_outside_git_context_findings_are_not_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_file("k8s/api-deploy.yaml", DEPLOY.replace("{app: api}", "{app: api-v2}"))
    write_file("k8s/api-svc.yaml", SVC)
    assert check("k8s/api-deploy.yaml", "--context", ".")[:2] == (0, [])
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_the_cache_is_refreshed_when_a_context_file_changes(repo):
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (0, [])
    assert os.listdir(repo / ".cache" / "context")
    write_file("k8s/api-deploy.yaml", DEPLOY.replace("{app: api}", "{app: api-v2}"))
    # api-deploy.yaml is context now, changed since the cache was written
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_only_namespaces_the_change_touches_are_checked_for_new_findings(repo):
    # A broken Service in another namespace is not the change's doing, and not even checked.
    write_file("other/svc.yaml", SVC.replace("name: api\n", "name: api\n  namespace: other\n", 1)
               .replace("selector: {app: api}", "selector: {app: nothing}"))
    commit_all(str(repo))
    write_file("k8s/api-deploy.yaml", DEPLOY.replace("{app: api}", "{app: api-v2}"))
    assert check("k8s/api-deploy.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_config_context_is_relative_to_the_config_file_and_beats_the_default(repo):
    write_file(".kubelint.yaml", "context: k8s\nselect: [KL3]\n")
    os.makedirs("k8s/sub")
    os.chdir("k8s/sub")
    result = CliRunner().invoke(main, ["check", "--default-context", "/nonexistent", "../api-svc.yaml"])
    assert result.exit_code == 0, result.output


def test_a_missing_context_directory_is_a_usage_error(repo):
    result = CliRunner().invoke(main, ["check", "--context", "nope", "k8s/api-svc.yaml"])
    assert result.exit_code == 2 and "context nope is not a directory" in result.output


def test_every_given_path_excluded_exits_0_with_a_notice(repo):
    write_file("charts/app/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ x }}\n")
    result = split_runner().invoke(main, ["check", "--exclude", "charts/**", "charts/app/templates/cm.yaml"])
    assert result.exit_code == 0
    assert "every given path is excluded" in result.stderr
    os.makedirs("empty")
    result = CliRunner().invoke(main, ["check", "empty"])
    assert result.exit_code == 2 and "nothing to check" in result.output


def test_a_corrupt_cache_file_only_costs_a_reparse(repo):
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (0, [])
    directory = repo / ".cache" / "context"
    for name in os.listdir(directory):
        (directory / name).write_bytes(b"\x00garbage, not marshal data")
    assert check("k8s/api-svc.yaml", "--context", ".")[:2] == (0, [])
    write_file("k8s/api-deploy.yaml", DEPLOY.replace("{app: api}", "{app: api-v2}"))
    assert check("k8s/api-deploy.yaml", "--context", ".")[:2] == (1, [("k8s/api-svc.yaml", 6, "KL313")])


def test_an_untracked_new_file_is_a_change_too(repo):
    # Not staged: git diff does not list it, but it did not exist at HEAD.
    write_file("k8s/api-svc-2.yaml", SVC.split("---")[0])
    code, found, _ = check("k8s/api-svc-2.yaml", "--context", ".", "--select", "KL206")
    assert [f for f in found if f[0] == "k8s/api-svc.yaml"] == [("k8s/api-svc.yaml", 4, "KL206")]  # a warning
