"""Baselines and --new-from-rev on a real git repository: findings keep their identity when
lines move and files are renamed; fixed ones drop out (and stale baseline entries are listed)."""

from __future__ import annotations

import json
import os

import pytest

from kubelint.cli import main
from tests.helpers import CliRunner, commit_all, git, git_repo, split_runner, write_file

CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
  replicas: 3
"""
SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: "80"
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git_repo(tmp_path, {"k8s/cm.yaml": CM.format(name="settings"), "k8s/svc.yaml": SVC})
    return tmp_path


def check(*args: str):  # type: ignore[no-untyped-def]
    result = split_runner().invoke(main, ["check", "--no-config", "--select", "KL0,KL1", "--format", "json", *args],
                                   catch_exceptions=False)
    found = [(f["path"], f["line"], f["rule"], f["jsonPath"]) for f in json.loads(result.stdout)["findings"]]
    return result.exit_code, found, result.stderr


def write_baseline(*args: str) -> str:
    result = split_runner().invoke(main, ["baseline", "write", "baseline.json", "--no-config", "--select", "KL0,KL1",
                                          *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stderr


def test_baseline_write_records_every_finding(repo):
    assert "wrote 2 findings to baseline.json" in write_baseline("k8s")
    document = json.loads((repo / "baseline.json").read_text())
    assert document["format"] == "kubelint-baseline"
    assert [(e["rule"], e["object"], e["jsonPath"], e["path"]) for e in document["findings"]] == [
        ("KL101", {"kind": "ConfigMap", "namespace": "default", "name": "settings"}, "/data/replicas", "k8s/cm.yaml"),
        ("KL101", {"kind": "Service", "namespace": "default", "name": "web"}, "/spec/ports/0/port", "k8s/svc.yaml"),
    ]
    assert check("k8s", "--baseline", "baseline.json")[:2] == (0, [])


def test_baselined_findings_survive_moved_lines_and_renamed_files(repo):
    write_baseline("k8s")
    write_file("k8s/cm.yaml", "# moved down\n---\n" + CM.format(name="settings"))
    git(str(repo), "mv", "k8s/svc.yaml", "k8s/service.yaml")
    code, found, stderr = check("k8s", "--baseline", "baseline.json")
    assert (code, found) == (0, [])
    assert "2 findings recorded in baseline.json not shown" in stderr


def test_a_new_finding_is_reported_and_a_fixed_one_is_listed_stale(repo):
    write_baseline("k8s")
    write_file("k8s/cm.yaml", CM.format(name="settings").replace("replicas: 3", 'replicas: "3"\n  workers: 2'))
    code, found, stderr = check("k8s", "--baseline", "baseline.json")
    assert (code, found) == (1, [("k8s/cm.yaml", 7, "KL101", "/data/workers")])
    assert "baseline baseline.json: 1 entry no longer found" in stderr
    assert "KL101 ConfigMap default/settings /data/replicas (k8s/cm.yaml)" in stderr
    # writing it again prunes the stale entry and records the new finding
    assert "(1 entries no longer found were dropped)" in write_baseline("k8s")
    assert check("k8s", "--baseline", "baseline.json")[:2] == (0, [])


def test_entries_of_files_not_checked_are_not_stale(repo):
    write_baseline("k8s")
    code, found, stderr = check("k8s/svc.yaml", "--baseline", "baseline.json")
    assert (code, found) == (0, [])
    assert "no longer found" not in stderr


def test_a_second_identical_finding_is_new(repo):
    write_baseline("k8s")
    write_file("k8s/cm2.yaml", CM.format(name="settings"))  # the same object again: a duplicate
    code, found, _ = check("k8s", "--baseline", "baseline.json", "--ignore", "KL2")
    assert found == [("k8s/cm2.yaml", 6, "KL101", "/data/replicas")]


def test_a_missing_or_foreign_baseline_is_a_usage_error(repo):
    result = CliRunner().invoke(main, ["check", "--baseline", "nope.json", "k8s"])
    assert result.exit_code == 2 and "baseline nope.json does not exist" in result.output
    write_file("other.json", '{"findings": []}')
    result = CliRunner().invoke(main, ["check", "--baseline", "other.json", "k8s"])
    assert result.exit_code == 2 and "is not a kubelint baseline" in result.output


def test_config_baseline_is_used_and_no_baseline_turns_it_off(repo):
    write_baseline("k8s")
    write_file(".kubelint.yaml", "baseline: baseline.json\nselect: [KL0, KL1]\n")
    assert CliRunner().invoke(main, ["check", "k8s"]).exit_code == 0
    assert CliRunner().invoke(main, ["check", "--no-baseline", "k8s"]).exit_code == 1


# --new-from-rev -----------------------------------------------------------------------------

def test_new_from_rev_reports_only_what_the_revision_did_not_have(repo):
    base = git(str(repo), "rev-parse", "HEAD").strip()
    write_file("k8s/cm.yaml", "# two lines\n# above\n" + CM.format(name="settings") + "  workers: 2\n")
    git(str(repo), "mv", "k8s/svc.yaml", "k8s/web-service.yaml")
    commit_all(str(repo), "moved, renamed and one new finding")
    code, found, stderr = check("k8s", "--new-from-rev", base)
    assert (code, found) == (1, [("k8s/cm.yaml", 9, "KL101", "/data/workers")])
    assert f"2 findings that exist at {base} not shown" in stderr


def test_new_from_rev_with_a_fixed_finding_and_uncommitted_changes(repo):
    write_file("k8s/svc.yaml", SVC.replace('"80"', "80"))  # fixed, not even committed
    assert check("k8s", "--new-from-rev", "HEAD")[:2] == (0, [])
    assert check("k8s/cm.yaml", "--new-from-rev", "HEAD")[:2] == (0, [])


def test_new_from_rev_of_a_file_that_did_not_exist_reports_everything(repo):
    write_file("k8s/new.yaml", CM.format(name="fresh"))
    code, found, _ = check("k8s/new.yaml", "--new-from-rev", "HEAD")
    assert found == [("k8s/new.yaml", 6, "KL101", "/data/replicas")]


def test_new_from_rev_from_a_subdirectory_with_a_branch_name(repo):
    git(str(repo), "branch", "main-line")
    write_file("k8s/cm.yaml", CM.format(name="settings") + "  workers: 2\n")
    os.chdir("k8s")
    code, found, _ = check(".", "--new-from-rev", "main-line")
    assert found == [("cm.yaml", 7, "KL101", "/data/workers")]


def test_new_from_rev_needs_a_known_revision_in_a_repository(repo, tmp_path_factory, monkeypatch):
    result = CliRunner().invoke(main, ["check", "--new-from-rev", "no-such-branch", "k8s"])
    assert result.exit_code == 2 and "unknown git revision 'no-such-branch'" in result.output
    result = CliRunner().invoke(main, ["check", "--new-from-rev", "--output=x", "k8s"])
    assert result.exit_code == 2 and not os.path.exists("x")
    outside = tmp_path_factory.mktemp("outside")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(outside.parent))
    monkeypatch.chdir(outside)
    write_file("cm.yaml", CM.format(name="a"))
    result = CliRunner().invoke(main, ["check", "--new-from-rev", "HEAD", "cm.yaml"])
    assert result.exit_code == 2 and "needs a git repository" in result.output
