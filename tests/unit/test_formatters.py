"""Output formats: GitHub annotations, SARIF (validated against the official schema), JUnit,
--output to several files in one run."""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from kubelint.cli import main
from tests.helpers import CliRunner, web_deployment

HERE = os.path.dirname(os.path.abspath(__file__))
SARIF_SCHEMA = os.path.join(HERE, "..", "data", "sarif-2.1.0-rtm.5.json")

# The Deployment starts at line 9 and its containers at line 21, so imagePullPolcy is line 23.
FIXTURE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: 1
  b: "ok,100%"
---
""" + web_deployment("""\
    - name: web
      image: nginx:1.25
      imagePullPolcy: Always
""") + """\
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  annotations:
    kubelint.io/ignore: KL106
"""


@pytest.fixture
def fixture_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "app.yaml").write_text(FIXTURE)
    (tmp_path / "broken.yaml").write_text("a: [\n")
    return tmp_path


def run(*args, env=None):
    return CliRunner(env=env).invoke(main, ["check", "--no-config", "--select", "KL0,KL1,KL9", *args],
                                     catch_exceptions=False)


def test_github_annotations_carry_file_line_and_column(fixture_dir):
    result = run(".", "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        "::error file=app.yaml,line=6,col=6,endLine=6,endColumn=7,title=KL101 invalid-field-value::"
        "data.a: expected string, got integer 1 [ConfigMap cfg]",
        "::error file=app.yaml,line=23,col=9,endLine=23,endColumn=23,title=KL102 unknown-field::"
        'spec.template.spec.containers[0]: unknown field "imagePullPolcy", did you mean "imagePullPolicy"? [Deployment web]',
        "::error file=broken.yaml,line=2,col=1,title=KL001 yaml-syntax::"
        "YAML syntax error: did not find expected node content (while parsing a flow node)",
    ]


def test_github_format_is_the_default_under_github_actions(fixture_dir):
    result = run("app.yaml", env={"GITHUB_ACTIONS": "true"})
    assert result.output.startswith("::error file=app.yaml,line=6,col=6,")


def test_github_escapes_property_and_data_characters():
    from kubelint.formatters.github import escape_data, escape_property

    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    assert escape_data("line1\nline2 50%") == "line1%0Aline2 50%25"


def test_sarif_is_valid_against_the_official_schema(fixture_dir):
    result = run(".", "--format", "sarif")
    document = json.loads(result.output)
    with open(SARIF_SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"} <= set(rules[0])
    located = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["locations"][0]["physicalLocation"]["region"]["startColumn"], "suppressions" in r)
               for r in run_["results"]]
    assert located == [("KL101", "app.yaml", 6, 6, False), ("KL102", "app.yaml", 23, 9, False),
                       ("KL106", "app.yaml", 26, 7, True), ("KL001", "broken.yaml", 2, 1, False)]
    for result_ in run_["results"]:
        assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"]


def test_junit_has_one_case_per_object_and_file_failures(fixture_dir):
    result = run(".", "--format", "junit")
    root = ET.fromstring(result.output.split("\n", 1)[1])
    cases = [(c.get("classname"), c.get("name"), [f.get("type") for f in c.findall("failure")])
             for c in root.iter("testcase")]
    assert cases == [
        ("app.yaml", "v1 ConfigMap cfg", ["KL101 invalid-field-value"]),
        ("app.yaml", "apps/v1 Deployment web", ["KL102 unknown-field"]),
        ("app.yaml", "example.com/v1 Widget w", []),
        ("broken.yaml", "file", ["KL001 yaml-syntax"]),
    ]
    assert root.get("tests") == "4" and root.get("failures") == "3"


def test_one_run_writes_several_formats(fixture_dir):
    result = run("app.yaml", "--format", "json", "--output", "sarif:out.sarif", "--output", "junit:out.xml")
    assert json.loads(result.output)["summary"]["errors"] == 2
    assert json.loads((fixture_dir / "out.sarif").read_text())["version"] == "2.1.0"
    assert (fixture_dir / "out.xml").read_text().startswith("<?xml")


def test_bad_output_spec_is_a_usage_error(fixture_dir):
    result = CliRunner().invoke(main, ["check", "app.yaml", "--output", "yaml:x"])
    assert result.exit_code == 2 and "FORMAT:FILE" in result.output


def test_no_color_environment_variable(fixture_dir, monkeypatch):
    from kubelint.cli import render
    from kubelint.input.discover import discover
    from kubelint.run.engine import Checker, Settings

    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    result = Checker(Settings()).run(discover(["app.yaml"]))
    assert "\033[" in render(result, "text", None, Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in render(result, "text", None, Tty())
    assert "\033[" in render(result, "text", True, Tty())  # --color wins over NO_COLOR


def test_terminal_output_shows_the_source_line_with_a_caret(fixture_dir):
    from kubelint.cli import render
    from kubelint.input.discover import discover
    from kubelint.run.engine import Checker, Settings

    class Tty:
        def isatty(self):
            return True

    result = Checker(Settings(select=["KL1"])).run(discover(["app.yaml"]))
    text = render(result, "text", False, Tty()).splitlines()
    assert text[1:3] == ["      a: 1", "         ^"]


# The container is line 13; its image is at column 28.
WARNINGS_ONLY = web_deployment('- {name: web, image: "nginx:latest", resources: {limits: {cpu: "1", memory: 1Gi}}}')


@pytest.mark.parametrize("fail_on, failures", [("error", "0"), ("warning", "1")])
def test_junit_fails_a_case_only_at_or_above_fail_on(tmp_path, monkeypatch, fail_on, failures):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.yaml").write_text(WARNINGS_ONLY)
    result = CliRunner().invoke(main, ["check", "--no-config", "--select", "KL505", "--format", "junit",
                                       "--fail-on", fail_on, "web.yaml"])
    assert result.exit_code == int(failures)
    root = ET.fromstring(result.output.split("\n", 1)[1])
    assert root.get("failures") == failures
    case = next(root.iter("testcase"))
    if failures == "0":
        assert case.find("failure") is None
        assert case.find("system-out").text.startswith("web.yaml:13:28: warning KL505 ")
    else:
        assert case.find("failure").get("type") == "KL505 latest-tag"


@pytest.mark.parametrize("fail_on, verdict", [("error", "passes: nothing at or above error (--fail-on error)"),
                                              ("warning", "fails: 1 at or above warning (--fail-on warning)")])
def test_github_and_sarif_give_the_verdict_of_the_exit_code(tmp_path, monkeypatch, fail_on, verdict):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.yaml").write_text(WARNINGS_ONLY)
    args = ["check", "--no-config", "--select", "KL505", "--fail-on", fail_on, "web.yaml", "--output", "sarif:out.sarif"]
    result = CliRunner().invoke(main, args + ["--format", "github"])
    assert result.output.splitlines()[-1].endswith(verdict)
    invocation = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["invocations"][0]
    assert invocation["exitCode"] == result.exit_code == (0 if fail_on == "error" else 1)
    assert invocation["executionSuccessful"] is True


def test_sarif_describes_only_the_rules_it_reports(fixture_dir):
    document = json.loads(run(".", "--format", "sarif").output)
    assert [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]] == ["KL001", "KL101", "KL102", "KL106"]
    (fixture_dir / "clean.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    clean = run("clean.yaml", "--format", "sarif").output
    assert json.loads(clean)["runs"][0]["tool"]["driver"]["rules"] == [] and len(clean) < 2000


def test_findings_on_one_line_share_one_source_snippet(tmp_path, monkeypatch):
    from kubelint.cli import render
    from kubelint.input.discover import discover
    from kubelint.run.engine import Checker, Settings

    class Tty:
        def isatty(self):
            return True

    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: \"80\", protocol: TCP, nme: x}]}\n")
    result = Checker(Settings(select=["KL1"])).run(discover(["svc.yaml"]))
    text = render(result, "text", False, Tty()).splitlines()
    assert [line.split(" error ")[0] for line in text[:2]] == ["svc.yaml:4:23:", "svc.yaml:4:44:"]
    assert text[2:4] == ['    spec: {ports: [{port: "80", protocol: TCP, nme: x}]}',
                         "                          ^                    ^"]
    assert len(text) == 5  # and the summary


def test_markdown_caps_its_table(tmp_path, monkeypatch):
    from kubelint.formatters import markdown

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(markdown, "MAX_ROWS", 1)
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n  b: 2\n")
    text = CliRunner().invoke(main, ["check", "--no-config", "--format", "markdown", "cm.yaml"]).output
    assert "| ❌ | cm.yaml:6 | KL101 | data.a: expected string, got integer 1 [ConfigMap c] |" in text
    assert "cm.yaml:7" not in text and "… and 1 more findings" in text
