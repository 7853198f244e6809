"""Config discovery and validation; suppression by annotation, comment and config (DESIGN §4)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kubelint.cli import main
from kubelint.config import ConfigError, find_config, load_config, parse_config
from tests.helpers import run_text, triples

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


def test_config_changes_severity_and_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(BAD)
    (tmp_path / ".kubelint.yaml").write_text("rules:\n  invalid-field-value: {severity: warning}\n")
    result = CliRunner().invoke(main, ["check", "x.yaml"])
    assert result.exit_code == 0 and "warning KL101" in result.output
    (tmp_path / ".kubelint.yaml").write_text("ignore: [KL101]\n")
    assert CliRunner().invoke(main, ["check", "x.yaml"]).exit_code == 0
    assert CliRunner().invoke(main, ["check", "x.yaml", "--no-config"]).exit_code == 1


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
    assert result.exit_code == 0 and '"suppressed": 1' in result.output


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
    assert result.exit_code in (0, 1)
    assert "kubelint: offline: http://127.0.0.1:9/widget.json is not in the cache" in result.stderr
