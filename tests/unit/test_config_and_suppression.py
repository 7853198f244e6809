"""Config discovery and validation; suppression by annotation, comment and config (DESIGN §4)."""

from __future__ import annotations

import json

import pytest

from kubelint.cli import main
from kubelint.config import ConfigError, find_config, load_config, parse_config
from tests.helpers import CliRunner, run_text, triples

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n"


def test_config_is_found_walking_up(tmp_path, monkeypatch):
    (tmp_path / ".kubelint.yaml").write_text("strict: false\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_config(str(tmp_path / "a" / "b")) == str(tmp_path / ".kubelint.yaml")


def test_pyproject_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kubelint]\nkubernetes-version = "1.30"\nignore = ["KL101"]\n')
    path = find_config(str(tmp_path))
    config = load_config(path)
    assert config.kubernetes_version == "1.30" and config.ignore == ["KL101"]


def test_pyproject_without_section_is_not_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(str(tmp_path)) in (None,) or not find_config(str(tmp_path)).startswith(str(tmp_path))


def test_broken_pyproject_without_kubelint_is_not_ours_to_judge(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project\nname = "x"\n')
    assert find_config(str(tmp_path)) in (None,) or not find_config(str(tmp_path)).startswith(str(tmp_path))


def test_broken_pyproject_with_a_kubelint_section_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kubelint]\nstrict = \n')
    with pytest.raises(ConfigError, match="pyproject.toml"):
        find_config(str(tmp_path))


@pytest.mark.parametrize("toml", [
    '[tool.kubelint]\nstrict = false\n',
    '[tool]\nkubelint = { strict = false }\n',
    'tool.kubelint.strict = false\n',
    '[ tool . "kubelint" ]\nstrict = false\n',
])
def test_every_spelling_of_the_section_is_read(tmp_path, toml):
    project = '[project]\nname = "kubelint"\ndependencies = ["kubelint>=0.1"]\n'
    (tmp_path / "pyproject.toml").write_text(toml + project if toml.startswith("tool.") else project + toml)
    assert load_config(find_config(str(tmp_path))).strict is False


def test_kubelint_only_as_a_value_is_not_a_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kubelint"\ndependencies = ["kubelint>=0.1"]\n')
    assert find_config(str(tmp_path)) in (None,) or not find_config(str(tmp_path)).startswith(str(tmp_path))


def test_pyproject_section_spelled_with_an_escape_is_still_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool."kube\\u006cint"]\nstrict = false\n')
    assert find_config(str(tmp_path)) == str(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("raw, message", [
    ({"strictt": True}, 'unknown key "strictt"'),
    ({"strict": "yes"}, '"strict" must be true or false'),
    ({"kubernetes-version": 1.3}, "unquoted, 1.30 reads as the number 1.3"),
    ({"ignore": "KL101"}, '"ignore" must be a list of strings'),
    ({"rules": {"KL101": {"level": "warning"}}}, 'rules.KL101: unknown key "level"'),
    ([], "must be a mapping"),
])
def test_bad_config_names_the_key(raw, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        parse_config(raw, ".kubelint.yaml")


def test_bad_config_exits_two(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text("selct: [KL101]\n")
    (tmp_path / "x.yaml").write_text(BAD)
    result = CliRunner().invoke(main, ["check", "x.yaml"])
    assert result.exit_code == 2 and 'unknown key "selct"' in result.output


BAD_FINDING = "x.yaml:6:6: {severity} KL101 data.a: expected string, got integer 1 [ConfigMap bad]"


def test_config_changes_severity_and_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(BAD)
    (tmp_path / ".kubelint.yaml").write_text("rules:\n  invalid-field-value: {severity: warning}\n")
    result = CliRunner().invoke(main, ["check", "x.yaml"])
    assert (result.exit_code, result.output.splitlines()) == (0, [
        BAD_FINDING.format(severity="warning"),
        "1 file, 1 object (0 skipped): 0 errors, 1 warning, 0 infos"])
    (tmp_path / ".kubelint.yaml").write_text("ignore: [KL101]\n")
    result = CliRunner().invoke(main, ["check", "x.yaml"])
    assert (result.exit_code, result.output.splitlines()) == (0, [
        "1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos"])
    result = CliRunner().invoke(main, ["check", "x.yaml", "--no-config"])
    assert (result.exit_code, result.output.splitlines()) == (1, [
        BAD_FINDING.format(severity="error"),
        "1 file, 1 object (0 skipped): 1 error, 0 warnings, 0 infos"])


def test_unknown_rule_option_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(BAD)
    (tmp_path / ".kubelint.yaml").write_text("rules:\n  KL101: {options: {nope: 1}}\n")
    result = CliRunner().invoke(main, ["check", "x.yaml"])
    assert result.exit_code == 2 and 'unknown option "nope"' in result.output


def test_per_file_ignores(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "x.yaml").write_text(BAD)
    (tmp_path / ".kubelint.yaml").write_text("per-file-ignores:\n  'legacy/*': [KL101]\n")
    result = CliRunner().invoke(main, ["check", "legacy", "--format", "json"])
    document = json.loads(result.output)
    assert (result.exit_code, document["findings"]) == (0, [])
    assert (document["summary"]["errors"], document["summary"]["suppressed"]) == (0, 1)
    # Only the files the pattern names: the same file elsewhere is reported.
    (tmp_path / "x.yaml").write_text(BAD)
    result = CliRunner().invoke(main, ["check", "legacy", "x.yaml", "--format", "json"])
    document = json.loads(result.output)
    assert result.exit_code == 1
    assert [(f["path"], f["line"], f["column"], f["rule"]) for f in document["findings"]] == [("x.yaml", 6, 6, "KL101")]
    assert document["summary"]["suppressed"] == 1


# --- suppression --------------------------------------------------------------------------

def test_annotation_suppresses_by_id_or_name_with_reason():
    text = BAD.replace("  name: bad\n", "  name: bad\n  annotations:\n    kubelint.io/ignore: \"invalid-field-value -- legacy\"\n")
    result = run_text(text)
    assert triples(result) == [] and result.suppressed == 1


def test_disable_line_comment():
    result = run_text(BAD.replace("  a: 1\n", "  a: 1  # kubelint: disable-line=KL101\n"))
    assert triples(result) == [] and result.suppressed == 1


def test_disable_next_line_comment():
    result = run_text(BAD.replace("  a: 1\n", "  # kubelint: disable-next-line=invalid-field-value\n  a: 1\n"))
    assert triples(result) == []


def test_disable_file_comment():
    result = run_text("# kubelint: disable-file=KL101\n" + BAD + "---\n" + BAD.replace("name: bad", "name: bad2"))
    assert triples(result) == [] and result.suppressed == 2


def test_comment_on_another_line_does_not_suppress():
    result = run_text(BAD.replace("  name: bad\n", "  name: bad  # kubelint: disable-line=KL101\n"))
    assert triples(result) == [("KL901", 4, 14), ("KL101", 6, 6)]


def test_unused_suppressions_are_reported():
    text = BAD.replace("  a: 1\n", "  a: \"1\"  # kubelint: disable-line=KL101,nonsense\n")
    result = run_text(text)
    assert [(f.rule, f.line, f.message) for f in result.active()] == [
        ("KL901", 6, 'suppression names unknown rule "nonsense"'),
        ("KL901", 6, 'suppression of "KL101" matches no finding'),
    ]
    assert result.active()[0].severity.value == "info"


def test_unused_annotation_is_reported_at_the_annotation():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  annotations:\n"
            "    kubelint.io/ignore: KL101\n")
    assert triples(run_text(text)) == [("KL901", 6, 25)]


def test_schema_location_notices_are_printed_on_stderr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "w.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
    (tmp_path / ".kubelint.yaml").write_text("schema-locations: ['http://127.0.0.1:9/{{ .ResourceKind }}.json']\n"
                                             "cache-ttl: 60\n")
    result = CliRunner().invoke(main, ["check", "w.yaml", "--offline"])
    assert "kubelint: offline: http://127.0.0.1:9/widget.json is not in the cache" in result.stderr
    # The notice is not a finding; the object without a schema is one warning: exit 0.
    assert (result.exit_code, result.stdout.splitlines()) == (0, [
        "w.yaml:2:7: warning KL106 no schema for Widget example.com/v1 at any schema location "
        "(http://127.0.0.1:9/{{ .ResourceKind }}.json) (a custom resource: give its CRD with --crd, "
        "or a --schema-location that has its schema) [Widget w]",
        "1 file, 1 object (0 skipped): 0 errors, 1 warning, 0 infos"])


# --- every suppression form, with `all`, and the exit code after suppression -------------------

TWO = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\ndata:\n  a: 1\n  b: 2\n"
A_LINE_6 = ("KL101", 6, 6, "data.a: expected string, got integer 1")
B_LINE_7 = ("KL101", 7, 6, "data.b: expected string, got integer 2")


def annotated(keys, text=TWO):
    return text.replace("  name: two\n", f'  name: two\n  annotations:\n    kubelint.io/ignore: "{keys}"\n')


def active(result):
    return [(f.rule, f.line, f.column, f.message) for f in result.active()]


@pytest.mark.parametrize("text, remaining, suppressed", [
    (annotated("KL101"), [], 2),
    (annotated("invalid-field-value"), [], 2),
    (annotated("all"), [], 2),
    (annotated("all -- generated by a tool, fixed upstream"), [], 2),
    (annotated("KL102, invalid-field-value"), [("KL901", 6, 25, 'suppression of "KL102" matches no finding')], 2),
    (annotated("KL102, invalid-field-value -- a reason, with commas -- and dashes"),
     [("KL901", 6, 25, 'suppression of "KL102" matches no finding')], 2),
    (annotated("invalid-field-value--reason--more"), [], 2),
    (annotated("KL102"), [("KL901", 6, 25, 'suppression of "KL102" matches no finding'),
                          ("KL101", 8, 6, "data.a: expected string, got integer 1"),
                          ("KL101", 9, 6, "data.b: expected string, got integer 2")], 0),
    (TWO.replace("  a: 1\n", "  a: 1  # kubelint: disable-line=KL101\n"), [B_LINE_7], 1),
    (TWO.replace("  a: 1\n", "  a: 1  # kubelint: disable-line=all\n"), [B_LINE_7], 1),
    (TWO.replace("  b: 2\n", "  # kubelint: disable-next-line=invalid-field-value\n  b: 2\n"), [A_LINE_6], 1),
    (TWO.replace("  b: 2\n", "  # kubelint: disable-next-line=all\n  b: 2\n"), [A_LINE_6], 1),
    (TWO.replace("  a: 1\n", "  # kubelint: disable-next-line=KL101\n  a: 1\n"),
     [("KL101", 8, 6, "data.b: expected string, got integer 2")], 1),
    ("# kubelint: disable-file=all\n" + TWO, [], 2),
    ("# kubelint: disable-file=invalid-field-value\n" + TWO, [], 2),
    ("# kubelint: disable-file=KL102\n" + TWO, [("KL901", 1, 1, 'suppression of "KL102" matches no finding'),
                                                ("KL101", 7, 6, "data.a: expected string, got integer 1"),
                                                ("KL101", 8, 6, "data.b: expected string, got integer 2")], 0),
], ids=["annotation-id", "annotation-name", "annotation-all", "annotation-reason", "annotation-list",
        "annotation-list-reason", "annotation-reason-without-spaces",
        "annotation-other-rule", "line-id", "line-all", "next-line-name", "next-line-all", "next-line-first",
        "file-all", "file-name", "file-other-rule"])
def test_each_suppression_form(text, remaining, suppressed):
    result = run_text(text, select=["KL1", "KL9"])
    assert active(result) == remaining
    assert result.suppressed == suppressed


def test_annotation_all_covers_only_its_own_object():
    text = annotated("all") + "---\n" + TWO.replace("name: two", "name: other")
    result = run_text(text, select=["KL1", "KL9"])
    assert active(result) == [("KL101", 16, 6, "data.a: expected string, got integer 1"),
                              ("KL101", 17, 6, "data.b: expected string, got integer 2")]
    assert result.suppressed == 2


@pytest.mark.parametrize("text, line, column", [
    (annotated("all", TWO.replace("a: 1", "a: '1'").replace("b: 2", "b: '2'")), 6, 25),
    ("# kubelint: disable-file=all\n" + TWO.replace("a: 1", "a: '1'").replace("b: 2", "b: '2'"), 1, 1),
    (TWO.replace("a: 1", "a: '1'  # kubelint: disable-line=all").replace("b: 2", "b: '2'"), 6, 11),
])
def test_unused_all_is_reported(text, line, column):
    result = run_text(text, select=["KL1", "KL9"])
    assert active(result) == [("KL901", line, column, 'suppression of "all" matches no finding')]
    assert result.active()[0].severity.value == "info"


@pytest.mark.parametrize("keys", [["KL101"], ["invalid-field-value"], ["all"]])
def test_per_file_ignores_by_id_name_or_all(keys):
    result = run_text(TWO, path="legacy/x.yaml", select=["KL1", "KL9"], per_file_ignores={"legacy/*": keys})
    assert active(result) == [] and result.suppressed == 2
    other = run_text(TWO, path="new/x.yaml", select=["KL1", "KL9"], per_file_ignores={"legacy/*": keys})
    assert active(other) == [A_LINE_6, B_LINE_7] and other.suppressed == 0


@pytest.mark.parametrize("text, code, lines", [
    (TWO, 1, ["x.yaml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap two]",
              "x.yaml:7:6: error KL101 data.b: expected string, got integer 2 [ConfigMap two]",
              "1 file, 1 object (0 skipped): 2 errors, 0 warnings, 0 infos"]),
    (annotated("all"), 0, ["1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos, 2 suppressed"]),
    ("# kubelint: disable-file=all\n" + TWO, 0,
     ["1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos, 2 suppressed"]),
    (TWO.replace("  a: 1\n", "  a: 1  # kubelint: disable-line=all\n"), 1,
     ["x.yaml:7:6: error KL101 data.b: expected string, got integer 2 [ConfigMap two]",
      "1 file, 1 object (0 skipped): 1 error, 0 warnings, 0 infos, 1 suppressed"]),
    # An unused suppression is an info finding: it does not fail the run by default.
    (annotated("all", TWO.replace("a: 1", "a: '1'").replace("b: 2", "b: '2'")), 0,
     ['x.yaml:6:25: info KL901 suppression of "all" matches no finding',
      "1 file, 1 object (0 skipped): 0 errors, 0 warnings, 1 info"]),
], ids=["none", "annotation-all", "file-all", "line-all-one-left", "unused"])
def test_exit_code_after_suppression(tmp_path, monkeypatch, text, code, lines):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(text)
    result = CliRunner().invoke(main, ["check", "--no-config", "--select", "KL1,KL9", "x.yaml"])
    assert (result.exit_code, result.output.splitlines()) == (code, lines)


def test_comment_suppression_position_spans_the_directive():
    text = TWO.replace("a: 1", "a: '1'  # kubelint: disable-line=KL101").replace("b: 2", "b: '2'")
    [finding] = run_text(text, select=["KL1", "KL9"]).active()
    directive = "# kubelint: disable-line=KL101"
    assert (finding.rule, finding.position) == ("KL901", (6, 11, 6, 11 + len(directive)))


@pytest.mark.parametrize("metadata", ["", "metadata: null\n", "metadata: [a]\n", "metadata: text\n",
                                      "metadata:\n  annotations: [a]\n", "metadata:\n  annotations:\n    kubelint.io/ignore: [KL101]\n"])
def test_objects_without_a_usable_annotation_are_checked_as_usual(metadata):
    text = "apiVersion: v1\nkind: ConfigMap\n" + metadata + "data:\n  a: 1\n"
    result = run_text(text, select=["KL101"])
    line = 3 + metadata.count("\n") + 1
    assert [(f.rule, f.line, f.message) for f in result.active() if f.json_path == "/data/a"] == [
        ("KL101", line, "data.a: expected string, got integer 1")]
    assert result.suppressed == 0
