"""The installed command line: options, formats, stdin, excludes and exit codes (DESIGN §4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kubelint import __version__
from kubelint.cli import main
from tests.helpers import CliRunner

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: b\n"
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n"
WARN = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.yml").write_text(BAD)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.yaml").write_text(BAD)
    (tmp_path / "notes.txt").write_text("not yaml")
    return tmp_path


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_text_output_lines_and_summary(tree):
    result = invoke("check", ".", "--no-config")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "sub/bad.yml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
        "2 files, 2 objects (0 skipped): 1 error, 0 warnings, 0 infos",
    ]


def test_json_output_is_the_design_contract(tree):
    result = invoke("check", ".", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["kubelint"] == __version__ and document["kubernetesVersion"] == "1.37"
    assert document["findings"] == [{
        "path": "sub/bad.yml", "line": 6, "column": 6, "endLine": 6, "endColumn": 7,
        "rule": "KL101", "name": "invalid-field-value", "severity": "error",
        "message": "data.a: expected string, got integer 1",
        "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": None, "name": "bad"},
        "jsonPath": "/data/a", "fixable": True,  # `kubelint fix` quotes it: "1"
    }]
    assert document["summary"] == {"files": 2, "objects": 2, "skipped": 0, "errors": 1,
                                   "warnings": 0, "infos": 0, "suppressed": 0}


def test_clean_input_exits_zero(tree):
    result = invoke("check", "good.yaml")
    assert result.exit_code == 0
    assert result.output == "1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos\n"


WARN_FINDING = ("w.yaml:2:7: warning KL106 no schema for Widget example.com/v1 in Kubernetes 1.37 "
                "(a custom resource: give its CRD with --crd, or a --schema-location that has its schema) [Widget w]")
# An unused suppression: the only finding is KL901, an info.
INFO = GOOD.replace("  name: good\n", "  name: good\n  annotations:\n    kubelint.io/ignore: KL101\n")
INFO_FINDING = 'i.yaml:6:25: info KL901 suppression of "KL101" matches no finding'
SUMMARY = "1 file, 1 object (0 skipped): {}"


@pytest.mark.parametrize("name, text, fail_on, code, lines", [
    ("w.yaml", WARN, None, 0, [WARN_FINDING, SUMMARY.format("0 errors, 1 warning, 0 infos")]),
    ("w.yaml", WARN, "error", 0, [WARN_FINDING, SUMMARY.format("0 errors, 1 warning, 0 infos")]),
    ("w.yaml", WARN, "warning", 1, [WARN_FINDING, SUMMARY.format("0 errors, 1 warning, 0 infos")]),
    ("w.yaml", WARN, "info", 1, [WARN_FINDING, SUMMARY.format("0 errors, 1 warning, 0 infos")]),
    ("i.yaml", INFO, "warning", 0, [INFO_FINDING, SUMMARY.format("0 errors, 0 warnings, 1 info")]),
    ("i.yaml", INFO, "info", 1, [INFO_FINDING, SUMMARY.format("0 errors, 0 warnings, 1 info")]),
    ("b.yaml", BAD, "error", 1, ["b.yaml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
                                 SUMMARY.format("1 error, 0 warnings, 0 infos")]),
    ("good.yaml", GOOD, "info", 0, [SUMMARY.format("0 errors, 0 warnings, 0 infos")]),
])
def test_fail_on_sets_the_lowest_severity_that_fails(tree, name, text, fail_on, code, lines):
    (tree / name).write_text(text)
    result = invoke("check", name, *(["--fail-on", fail_on] if fail_on else []))
    assert (result.exit_code, result.output.splitlines()) == (code, lines)


def test_stdin(tree):
    result = invoke("check", "-", input=BAD)
    assert result.exit_code == 1
    assert result.output.startswith("-:6:6: error KL101 ")


@pytest.mark.parametrize("pattern", ["sub", "*.yml", "sub/bad.yml", "sub/*"])
def test_exclude_skips_paths(tree, pattern):
    result = invoke("check", ".", "--exclude", pattern)
    # Only good.yaml is left: one file, no finding.
    assert (result.exit_code, result.output.splitlines()) == (0, [SUMMARY.format("0 errors, 0 warnings, 0 infos")])


def test_exclude_that_matches_nothing_keeps_every_file(tree):
    result = invoke("check", ".", "--exclude", "other/*")
    assert (result.exit_code, result.output.splitlines()) == (1, [
        "sub/bad.yml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
        "2 files, 2 objects (0 skipped): 1 error, 0 warnings, 0 infos"])


def test_explicit_file_with_any_suffix_is_checked(tree):
    (tree / "manifest.txt").write_text(BAD)
    result = invoke("check", "manifest.txt")
    assert (result.exit_code, result.output.splitlines()) == (1, [
        "manifest.txt:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
        SUMMARY.format("1 error, 0 warnings, 0 infos")])
    # In a directory, only .yaml, .yml and .json files are read: not manifest.txt nor notes.txt.
    assert invoke("check", ".").output.splitlines() == [
        "sub/bad.yml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
        "2 files, 2 objects (0 skipped): 1 error, 0 warnings, 0 infos"]


@pytest.mark.parametrize("args, message", [
    (["check", "missing.yaml"], "path not found: missing.yaml"),
    (["check", "good.yaml", "-k", "1.2"], "1.2"),
    (["check", "good.yaml", "--select", "KL999"], 'unknown rule "KL999"'),
])
def test_usage_errors_exit_two(tree, args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output


def test_nothing_to_check_exits_two(tree):
    (tree / "empty").mkdir()
    result = CliRunner().invoke(main, ["check", "empty"])
    assert result.exit_code == 2 and "nothing to check" in result.output


def test_unknown_flag_exits_two(tree):
    assert CliRunner().invoke(main, ["check", "--frobnicate", "."]).exit_code == 2


def test_kubernetes_version_selects_the_schema_set(tree):
    (tree / "cron.yaml").write_text(
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n")
    result = invoke("check", "cron.yaml", "-k", "1.25", "--select", "KL1")
    assert "removed in Kubernetes 1.25" in result.output


def test_schemas_lists_bundled_versions():
    result = invoke("schemas")
    versions = result.output.split()
    assert versions[0] == "1.25" and "1.37" in versions and "(default)" in result.output


def test_rules_and_explain():
    listing = invoke("rules").output
    assert "KL101  invalid-field-value" in listing
    by_id, by_name = invoke("explain", "KL102"), invoke("explain", "unknown-field")
    assert by_id.output == by_name.output and "Why it matters" in by_id.output
    assert CliRunner().invoke(main, ["explain", "nope"]).exit_code == 2


def test_color_only_when_asked(tree):
    assert "\033[" not in invoke("check", ".").output
    assert "\033[31m" in invoke("check", ".", "--color").output


@pytest.mark.subprocess
def test_version_and_module_entry_point():
    assert invoke("--version").output == f"kubelint {__version__}\n"
    completed = subprocess.run([sys.executable, "-m", "kubelint", "--version"], capture_output=True, text=True)
    assert completed.returncode == 0 and completed.stdout == f"kubelint {__version__}\n"


@pytest.mark.subprocess
def test_installed_console_script_checks_a_file(tmp_path):
    script = os.path.join(os.path.dirname(sys.executable), "kubelint")
    if not os.path.exists(script):
        pytest.skip("console script not installed in this environment")
    (tmp_path / "bad.yaml").write_text(BAD)
    completed = subprocess.run([script, "check", str(tmp_path / "bad.yaml")], capture_output=True, text=True)
    assert completed.returncode == 1 and "KL101" in completed.stdout and completed.stderr == ""


@pytest.mark.subprocess
def test_the_command_flushes_everything_before_its_quick_exit(tmp_path):
    """`python -m kubelint` ends with os._exit (no interpreter teardown): every byte of a long
    report must still arrive, with the run's exit code."""
    manifests = "".join(BAD if i == 0 else "---\n" + BAD for i in range(300))
    (tmp_path / "many.yaml").write_text(manifests)
    completed = subprocess.run([sys.executable, "-m", "kubelint", "check", "--format", "json",
                                str(tmp_path / "many.yaml")], capture_output=True, text=True)
    report = json.loads(completed.stdout)
    assert completed.returncode == 1 and report["summary"]["objects"] == 300
    usage = subprocess.run([sys.executable, "-m", "kubelint", "check", str(tmp_path / "missing.yaml")],
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "path not found" in usage.stderr


@pytest.mark.subprocess
def test_a_text_check_imports_only_what_it_uses(tmp_path):
    # Start-up time is a target: other formatters, xml.etree (junit), subprocess (kustomize)
    # and hashlib (checksums of the bundled files) stay unimported in an ordinary run.
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n")
    unwanted = ["kubelint.formatters.json", "kubelint.formatters.junit", "kubelint.formatters.sarif",
                "kubelint.formatters.github", "xml.etree.ElementTree", "subprocess", "hashlib"]
    code = ("import io, sys\n"
            "from kubelint.cli import CheckOptions, execute\n"
            "execute(CheckOptions(['svc.yaml']), io.StringIO())\n"
            f"print(sorted(m for m in {unwanted!r} if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                               cwd=tmp_path, env={**os.environ, "PYTHONPATH": REPO_ROOT})
    assert completed.stdout.strip() == "[]"
