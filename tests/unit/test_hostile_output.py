"""Issue 13, classes 3 to 5: no traceback on ordinary hostile input, output that cannot be
forged, and wrong types in config that are errors rather than silently ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest

from kubelint.cli import main, render
from kubelint.config import ConfigError, find_config, load_config, parse_config
from kubelint.formatters.escape import visible
from kubelint.formatters.sarif import _uri
from kubelint.input.loader import load_file
from kubelint.run import engine, parallel, sharded
from tests.helpers import CliRunner, run_paths, run_text, write_file

FORMATS = ("text", "json", "github", "sarif", "junit")
FORGING_NAME = 'x\\n::error file=README.md,line=1::forged\\e]0;pwned\\a\\0\\u202eevil'


def rendered(result, name):
    return render(result, name, False, None)


def assert_well_formed(result):
    """Each format's output parses, and none carries a raw control character."""
    for name in FORMATS:
        output = rendered(result, name)
        assert not any(ch in output for ch in "\x00\x07\x1b\u202e"), name
        if name in ("json", "sarif"):
            json.loads(output)
        elif name == "junit":
            ET.fromstring(output.encode("utf-8"))
        elif name == "github":
            assert all(line.startswith(("::", "kubelint: ")) for line in output.splitlines()), output
        else:
            lines = output.splitlines()
            assert all(line.startswith(("test.yaml:", "x.json:")) for line in lines[:-1]), output


# -- class 4: output cannot be forged ------------------------------------------------------------

def test_a_name_cannot_forge_lines_or_terminal_sequences():
    text = f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{FORGING_NAME}"\ndata: {{a: 1}}\n'
    result = run_text(text)
    assert result.active(), "the ConfigMap's name and data are findings"
    assert_well_formed(result)
    plain = rendered(result, "text")
    assert "x\\n::error file=README.md,line=1::forged\\x1b]0;pwned\\x07\\x00\\u202eevil" in plain
    github = rendered(result, "github")
    assert "%0A::error file=README.md,line=1::forged]0;pwnedevil" in github


def test_junit_stays_well_formed_with_control_characters_in_keys():
    result = run_text('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"bad\\x01key": 1\n')
    output = rendered(result, "junit")
    failures = [f.get("message") for f in ET.fromstring(output.encode()).iter("failure")]
    assert 'error: unknown field "bad\\x01key"' in failures


@pytest.mark.parametrize("path, uri", [
    ("a b#c?d.yaml", "a%20b%23c%3Fd.yaml"), ("C:evil.yaml", "C%3Aevil.yaml"), ("dir\\x.yaml", "dir/x.yaml"),
    ("//host/share.yaml", "/.//host/share.yaml"), ("caf\u00e9.yaml", "caf%C3%A9.yaml"),
    ("bad\udce9.yaml", "bad%E9.yaml"), ("lone\ud800.yaml", "lone%5Cud800.yaml"), ("-", "stdin"),
    ("/abs/ok-1_x.yaml", "/abs/ok-1_x.yaml"), ("100%.yaml", "100%25.yaml")])
def test_sarif_uris_are_percent_encoded_relative_references(path, uri):
    assert _uri(path) == uri
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")


def test_file_names_are_escaped_in_every_format(tmp_path):
    name = "a b#c?d\x1b[2J.yaml"
    write_file(str(tmp_path / name), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1}\n")
    result = run_paths([str(tmp_path)])
    assert "a b#c?d\\x1b[2J.yaml:" in rendered(result, "text")
    sarif = json.loads(rendered(result, "sarif"))
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] \
        .endswith("/a%20b%23c%3Fd%1B%5B2J.yaml")
    ET.fromstring(rendered(result, "junit").encode())


def test_visible_escapes():
    assert visible("a\nb\tc\x1bd\x9be\u2028f\ud800g\ufffe") == "a\\nb\\tc\\x1bd\\x9be\\u2028f\\ud800g\\ufffe"
    assert visible("caf\u00e9 \u4e2d") == "caf\u00e9 \u4e2d"


def test_an_output_encoding_without_the_characters_is_not_a_traceback(tmp_path):
    write_file(str(tmp_path / "x.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\u00e9}\ndata: {a: 1}\n")
    completed = subprocess.run([sys.executable, "-m", "kubelint", "check", "--no-config", str(tmp_path / "x.yaml")],
                               capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=60)
    assert completed.returncode == 1, completed.stderr
    assert b"Traceback" not in completed.stderr and b"caf\\xe9" in completed.stdout


# -- class 3: no traceback ---------------------------------------------------------------------------

def test_nesting_beyond_the_validator_recursion_limit_is_a_finding():
    data: dict = {}
    node = data
    for _ in range(260):
        node["a"] = {}
        node = node["a"]
    text = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": data})
    result = run_text(text, "x.json", select=["KL0", "KL1"])
    assert [(f.rule, f.line, f.message) for f in result.active()] == [
        ("KL009", 1, "nesting too deep to validate against the schema")]


def test_lone_surrogates_in_keys_and_names_are_findings_in_every_format():
    text = ('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a\\ud800"}, '
            '"data": {"k\\udc80": "v", "n": 1}}')
    result = run_text(text, "x.json", select=["KL0", "KL10"])
    assert [f.message for f in result.active()] == ['data.n: expected string, got integer 1']
    assert_well_formed(result)
    assert "[ConfigMap a\\ud800]" in rendered(result, "text")


def test_a_worker_that_dies_after_sending_its_summary_is_an_exit_2_error(tmp_path, monkeypatch):
    for number in range(4):
        write_file(str(tmp_path / f"f{number}.yaml"),
                   f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\ndata: {{a: '{'x' * 70000}'}}\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    parent = os.getpid()
    real_read = sharded._read

    def die_in_the_worker(stream):
        if os.getpid() != parent:
            os._exit(3)  # after the summary went out, before reading the others'
        return real_read(stream)

    monkeypatch.setattr(sharded, "_read", die_in_the_worker)
    result = CliRunner().invoke(main, ["check", "--no-config", "--jobs", "2", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "a worker process failed" in result.stderr


def test_jobs_are_capped_by_a_limit_and_by_open_files(monkeypatch):
    assert parallel.workers_for(1_000_000, 1000) == parallel.MAX_WORKERS
    import resource

    monkeypatch.setattr(resource, "getrlimit", lambda which: (128, 4096))
    assert parallel.workers_for(1_000_000, 400) == (128 - 64) // 6
    assert parallel.workers_for(1_000_000, 2) == 2


def test_jobs_1000_on_a_small_input_runs(tmp_path):
    for number in range(90):
        write_file(str(tmp_path / f"f{number}.yaml"), f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\n")
    result = CliRunner().invoke(main, ["check", "--no-config", "--jobs", "1000", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_the_schema_step_failing_is_a_finding_not_a_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(engine, "schema_issues", broken)
    result = run_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", select=["KL1"])
    assert [(f.rule, f.message) for f in result.active()] == [
        ("KL101", "internal error while validating against the schema: KeyError: 'boom'")]


# -- class 5: wrong types are errors; the fast path refuses what libyaml refuses ----------------------

def test_enabled_must_be_a_boolean():
    with pytest.raises(ConfigError, match='rules.KL101.enabled must be true or false \\(unquoted\\), got \'false\''):
        parse_config({"rules": {"KL101": {"enabled": "false"}}}, "c.yaml")
    with pytest.raises(ConfigError, match="rules.KL101.severity must be error, warning or info, got 3"):
        parse_config({"rules": {"KL101": {"severity": 3}}}, "c.yaml")
    assert parse_config({"rules": {"KL101": {"enabled": False}}}, "c.yaml").rules["KL101"]["enabled"] is False


def test_a_tool_kubelint_that_is_not_a_table_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\nkubelint = "string"\n')
    with pytest.raises(ConfigError, match=r"\[tool.kubelint\] must be a table of settings, got 'string'"):
        find_config(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('tool = "kubelint"\n')
    assert find_config(str(tmp_path)) != str(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("body", [
    "strict:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  {n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, n in zip("abcdefghi", "bcdefghij")),
    "strict: &a [*a]\n",
])
def test_an_alias_bomb_or_cycle_in_the_config_is_refused_quickly(tmp_path, body):
    (tmp_path / ".kubelint.yaml").write_text(body)
    with pytest.raises(ConfigError, match="more than 100,000 values once YAML aliases are expanded"):
        load_config(str(tmp_path / ".kubelint.yaml"))


def test_a_config_that_is_a_fifo_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "c.yaml")
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(str(tmp_path / "c.yaml"))


def test_a_wrongly_typed_value_is_described_briefly():
    with pytest.raises(ConfigError, match='"strict" must be true or false, got a list of 3 items$'):
        parse_config({"strict": [1, 2, 3]}, "c.yaml")


def test_raw_control_characters_after_8_kb_are_refused_as_libyaml_refuses_them():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  c: '" + "x" * 9000 + "\x1b'\n"
    loaded = load_file("x.yaml", text.encode())
    assert [(i.rule, i.position.line, i.position.column, i.message) for i in loaded.issues] == [
        # One wording whichever parser (libyaml or the pure-Python one) found it.
        ("KL001", 5, 9007, "YAML syntax error: character #x001b is not allowed (control characters are "
                           "refused, as kubectl refuses them)")]
    nul = text.replace("\x1b", "\x00")
    assert [(i.rule, i.position.column) for i in load_file("x.yaml", nul.encode()).issues] == [("KL001", 9007)]
    c1 = text.replace("\x1b", "\x9b")
    assert [i.rule for i in load_file("x.yaml", c1.encode()).issues] == ["KL001"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(constant):
    loaded = load_file("x.json", f'{{"apiVersion": "v1", "kind": "ConfigMap",\n "data": {{"a": {constant}}}}}'.encode())
    assert [(i.rule, i.position.line, i.position.column, i.message) for i in loaded.issues] == [
        ("KL001", 2, 16, f"JSON syntax error: {constant} is not a JSON number")]
    assert loaded.manifests == []
    assert load_file("x.json", b'{"apiVersion": "v1", "kind": "NaN"}').issues == []
    # Run into other characters the constant is not found as a word: the file's start, no traceback.
    assert [(i.rule, tuple(i.position), i.message) for i in load_file("x.json", b'[NaNa]').issues] == [
        ("KL001", (1, 1, 1, 1), "JSON syntax error: NaN is not a JSON number")]


@pytest.mark.parametrize("change", ["delete", "rewrite"])
def test_files_deleted_or_rewritten_during_a_parallel_run_are_no_traceback(tmp_path, monkeypatch, change):
    for number in range(4):
        write_file(str(tmp_path / f"f{number}.yaml"),
                   f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\ndata:\n  a: 1\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    check_shard = engine.Checker._check_shard

    def change_files_first(self, number, state, summaries):
        for result in state[0]:  # this shard's files, whose text positions will read again
            if change == "delete":
                os.remove(result.source.path)
            else:
                write_file(result.source.path, "rewritten: [\n" * 3)
        return check_shard(self, number, state, summaries)

    monkeypatch.setattr(engine.Checker, "_check_shard", change_files_first)
    result = run_paths([str(tmp_path)], jobs=2, select=["KL1"])
    # Each finding is still there; as its file changed, it points at its document's first line.
    assert sorted((os.path.basename(f.path), f.rule, f.line, f.column) for f in result.active()) == [
        (f"f{n}.yaml", "KL101", 1, 1) for n in range(4)]


def test_an_unchanged_file_in_a_parallel_run_keeps_exact_positions(tmp_path, monkeypatch):
    for number in range(4):
        write_file(str(tmp_path / f"f{number}.yaml"),
                   f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{number}\ndata:\n  a: 1\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    result = run_paths([str(tmp_path)], jobs=2, select=["KL1"])
    assert sorted((os.path.basename(f.path), f.rule, f.line, f.column) for f in result.active()) == [
        (f"f{n}.yaml", "KL101", 6, 6) for n in range(4)]
