"""The command line's grammar (kubelint.cli_args, on argparse): options before, between and after
PATHS, on/off pairs, integer bounds, usage errors (exit 2, stderr), --help, --version, and the
in-process runner the command line tests use."""

from __future__ import annotations

import json
import os
import sys

import pytest

from kubelint import __version__, cli
from kubelint.cli import CheckOptions, main
from kubelint.cli_args import parse
from tests.helpers import CliRunner

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: 1\n"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(BAD.format(name=name))
    return tmp_path


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def finding_paths(output: str):
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(output)["findings"]]


# -- options and paths in any order ---------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["check", "a.yaml", "-f", "json", "b.yaml", "--no-config"],
    ["check", "--no-config", "-f", "json", "a.yaml", "b.yaml"],
    ["check", "a.yaml", "b.yaml", "--format=json", "--no-config"],
    ["check", "-fjson", "a.yaml", "--no-config", "b.yaml"],
])
def test_options_may_come_before_between_and_after_the_paths(here, args):
    result = invoke(*args)
    assert (result.exit_code, result.stderr) == (1, "")
    assert finding_paths(result.stdout) == [("a.yaml", 6, "KL101"), ("b.yaml", 6, "KL101")]


def test_stdin_among_options_and_paths(here):
    result = invoke("check", "--no-config", "-", "-f", "json", "a.yaml", input=BAD.format(name="c"))
    assert result.exit_code == 1
    assert finding_paths(result.stdout) == [("-", 6, "KL101"), ("a.yaml", 6, "KL101")]


def test_baseline_write_takes_its_file_then_paths_among_options(here):
    result = invoke("baseline", "write", "base.json", "a.yaml", "--no-config", "--select", "KL1", "b.yaml")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "kubelint: wrote 2 findings to base.json\n"
    assert invoke("check", "--no-config", "--baseline", "base.json", "a.yaml", "b.yaml").exit_code == 0


def test_a_path_that_looks_like_an_option_follows_double_dash(here):
    (here / "-odd.yaml").write_text(BAD.format(name="odd"))
    result = invoke("check", "--no-config", "-f", "json", "--", "-odd.yaml")
    assert finding_paths(result.stdout) == [("-odd.yaml", 6, "KL101")]


# -- what each command's options parse to ---------------------------------------------------------

def test_check_defaults_are_check_options_defaults():
    command, parsed = parse(["check", "x.yaml"])
    assert command == "check"
    assert CheckOptions(**vars(parsed)) == CheckOptions(paths=("x.yaml",))


def test_every_check_option_reaches_check_options():
    args = ["check", "p1", "-k", "1.30", "--no-strict", "-f", "sarif", "-o", "json:o.json", "-o", "text:o.txt",
            "--fail-on", "info", "--exclude", "e1", "--select", "KL1", "--ignore", "KL2", "--config", "c.yaml",
            "--no-config", "--max-file-size", "5", "--no-color", "--kustomize", "--crd", "crd.yaml",
            "--schema-location", "default", "--offline", "--ignore-missing-schemas", "--skip", "Secret",
            "--reject", "Pod", "--cache-ttl", "0", "-j", "3", "--context", "ctx", "--default-context", "dc",
            "--no-context", "--baseline", "b.json", "--no-baseline", "--new-from-rev", "HEAD~1", "--fix", "--diff",
            "--unsafe-fixes", "p2"]
    assert CheckOptions(**vars(parse(args)[1])) == CheckOptions(
        paths=("p1", "p2"), kubernetes_version="1.30", strict=False, output_format="sarif",
        outputs=("json:o.json", "text:o.txt"), fail_on="info", exclude=("e1",), select=("KL1",), ignore=("KL2",),
        config_path="c.yaml", no_config=True, max_file_size=5, color=False, kustomize=True, crds=("crd.yaml",),
        schema_locations=("default",), offline=True, ignore_missing_schemas=True, skip_kinds=("Secret",),
        reject_kinds=("Pod",), cache_ttl=0, jobs=3, fix=True, diff=True, unsafe_fixes=True, context="ctx",
        default_context="dc", no_context=True, baseline="b.json", no_baseline=True, new_from_rev="HEAD~1")


@pytest.mark.parametrize("args, strict, color", [
    ([], None, None),
    (["--strict", "--color"], True, True),
    (["--no-strict", "--no-color"], False, False),
    (["--strict", "--no-strict"], False, None),  # the last one given wins
    (["--no-strict", "--strict"], True, None),
])
def test_on_off_pairs_are_unset_on_or_off(args, strict, color):
    parsed = parse(["check", "x.yaml", *args])[1]
    assert (parsed.strict, parsed.color) == (strict, color)


def test_repeated_options_collect_in_order():
    parsed = parse(["check", "--select", "KL1,KL3", "x", "--select", "KL501", "--skip", "Secret"])[1]
    assert (parsed.select, parsed.skip_kinds, parsed.reject_kinds) == (("KL1,KL3", "KL501"), ("Secret",), ())


def test_fix_and_baseline_write_take_the_check_options():
    fix = vars(parse(["fix", "x"])[1])
    assert set(fix) == set(CheckOptions._fields) - {"fix"}
    write = vars(parse(["baseline", "write", "f.json", "x"])[1])
    assert set(write) == set(CheckOptions._fields) - {"fix", "diff", "unsafe_fixes"} | {"file"}
    assert (write["file"], write["paths"]) == ("f.json", ("x",))


def test_the_other_commands_parse():
    assert (parse(["rules"])[0], parse(["rules"])[1].show_all, parse(["rules", "--all"])[1].show_all) == (
        "rules", False, True)
    assert vars(parse(["explain", "KL101"])[1]) == {"rule": "KL101"}
    assert parse(["schemas"])[0] == "schemas"
    command, parsed = parse(["schemas", "pull", "u1", "u2"])
    assert (command, parsed.urls) == ("schemas pull", ("u1", "u2"))


# -- usage errors: exit 2, the message on stderr --------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["check", "--jobs", "0", "a.yaml"], "argument -j/--jobs: expected an integer >= 1, got '0'"),
    (["check", "-j", "two", "a.yaml"], "argument -j/--jobs: expected an integer >= 1, got 'two'"),
    (["check", "--max-file-size", "0", "a.yaml"], "argument --max-file-size: expected an integer >= 1, got '0'"),
    (["check", "--cache-ttl", "-1", "a.yaml"], "argument --cache-ttl: expected an integer >= 0, got '-1'"),
    (["check", "-f", "xml", "a.yaml"], "argument -f/--format: invalid choice: 'xml'"),
    (["check", "--fail-on", "never", "a.yaml"], "argument --fail-on: invalid choice: 'never'"),
    (["check", "--frobnicate", "a.yaml"], "unrecognized arguments: --frobnicate"),
    (["check", "--str", "a.yaml"], "unrecognized arguments: --str"),  # no abbreviations
    (["check", "--config", ".", "a.yaml"], "argument --config: '.' is a directory"),
    (["check", "--no-config"], "the following arguments are required: PATHS"),
    (["fix", "--fix", "a.yaml"], "unrecognized arguments: --fix"),
    (["baseline", "write", "f.json"], "the following arguments are required: PATHS"),
    (["explain"], "the following arguments are required: RULE"),
    (["schemas", "pull"], "the following arguments are required: URL"),
    (["schemas", "push"], "no such command 'push' (choose from pull)"),
    (["lint", "a.yaml"], "no such command 'lint' (choose from baseline, check, explain, fix, rules, schemas)"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_usage_errors_exit_two_with_the_message_on_stderr(here, args, message):
    result = invoke(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: kubelint") and message in result.stderr.splitlines()[-1]


def test_the_usage_line_of_an_error_is_short(here):
    result = invoke("check", "--jobs", "0", "a.yaml")
    assert result.stderr == ("usage: kubelint check [OPTIONS] PATHS...\nkubelint check: error: "
                             "argument -j/--jobs: expected an integer >= 1, got '0'\n")


def test_cache_ttl_zero_is_allowed(here):
    assert invoke("check", "--no-config", "--cache-ttl", "0", "a.yaml").exit_code == 1


@pytest.mark.parametrize("args", [[], ["baseline"]])
def test_a_command_group_alone_prints_its_help_on_stderr_and_exits_two(args):
    result = invoke(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"usage: {' '.join(['kubelint', *args])} [-h]") and "\ncommands:\n" in result.stderr


# -- --help and --version -------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    result = invoke(flag)
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"kubelint {__version__}\n", "")
    assert invoke(flag, "check", "--frobnicate").stdout == f"kubelint {__version__}\n"  # answered first


def test_help_lists_the_commands():
    result = invoke("--help")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: kubelint [-h] [-V] COMMAND ...\n")
    commands = result.stdout.split("\ncommands:\n")[1]
    assert [line.split()[0] for line in commands.splitlines() if not line.startswith("    ")] == [
        "baseline", "check", "explain", "fix", "rules", "schemas"]


def test_fix_help_has_no_fix_option_and_check_help_has():
    fix, check = invoke("fix", "--help"), invoke("check", "-h")
    assert (fix.exit_code, check.exit_code) == (0, 0)
    assert "--fix" not in fix.stdout and "--diff" in fix.stdout and "--unsafe-fixes" in fix.stdout
    # ("-j N, --jobs N" before Python 3.13, "-j, --jobs N" from it)
    assert "--fix " in check.stdout and "--no-strict" in check.stdout and "--jobs N" in check.stdout
    # The description's paragraphs stay apart.
    assert "what remains.\n\nOnly safe fixes unless --unsafe-fixes;" in fix.stdout


# -- what main does around a command --------------------------------------------------------------

def test_a_closed_pipe_ends_the_command_with_exit_one_and_no_traceback(monkeypatch):
    def closed(parsed):
        raise BrokenPipeError()

    monkeypatch.setitem(cli._COMMANDS, "rules", closed)
    result = invoke("rules")
    assert (result.exit_code, result.output) == (1, "")


def test_an_interrupt_says_aborted(monkeypatch):
    def interrupted(parsed):
        raise KeyboardInterrupt()

    monkeypatch.setitem(cli._COMMANDS, "rules", interrupted)
    result = invoke("rules")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "\nAborted!\n")


# -- the in-process runner (tests.helpers.CliRunner) ----------------------------------------------

def test_the_runner_keeps_streams_apart_and_in_order(monkeypatch):
    seen = {}

    def fake_main(args):
        seen["args"], seen["stdin"] = args, sys.stdin.buffer.read()
        seen["tty"] = (sys.stdout.isatty(), sys.stderr.isatty())
        seen["env"] = os.environ.get("KUBELINT_PROBE")
        print("out 1")
        print("err 1", file=sys.stderr)
        print("out 2 \u00e9")
        return 3

    monkeypatch.setenv("KUBELINT_PROBE", "before")
    result = CliRunner(env={"KUBELINT_PROBE": None}).invoke(fake_main, ["x"], input="in")
    assert seen == {"args": ["x"], "stdin": b"in", "tty": (False, False), "env": None}
    assert os.environ["KUBELINT_PROBE"] == "before"
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out 1\nout 2 \u00e9\n", "err 1\n")
    assert result.output == "out 1\nerr 1\nout 2 \u00e9\n" and isinstance(result.exception, SystemExit)


def test_the_runner_reports_exceptions_and_restores_the_process():
    def broken(args):
        print("partial")
        raise ValueError("boom")

    streams = (sys.stdin, sys.stdout, sys.stderr)
    result = CliRunner().invoke(broken, [])
    assert (result.exit_code, result.output, repr(result.exception)) == (1, "partial\n", "ValueError('boom')")
    with pytest.raises(ValueError):
        CliRunner().invoke(broken, [], catch_exceptions=False)
    assert (sys.stdin, sys.stdout, sys.stderr) == streams
    assert CliRunner().invoke(lambda args: 0, []).exception is None
