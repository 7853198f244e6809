"""The parts of a `kubelint check` run around the checking: options against config, extra
output files, worker failures, notices, the progress bar, and the command's own exit."""

from __future__ import annotations

import io
import json

import pytest

from kubelint import cli
from kubelint.cli import CheckOptions, UsageProblem, execute, main
from tests.helpers import CliRunner

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: 1\n"
FINDING = "x.yaml:6:6: error KL101 data.a: expected string, got integer 1 [ConfigMap bad]"
SUMMARY = "1 file, 1 object (0 skipped): 1 error, 0 warnings, 0 infos"
TOO_BIG_SUMMARY = "1 file, 0 objects (0 skipped): 1 error, 0 warnings, 0 infos"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "x.yaml").write_text(BAD)
    return tmp_path


def check(*args):
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def test_max_file_size_from_the_command_line_and_from_config(here):
    too_big = (f"x.yaml:1:1: error KL007 file is {len(BAD)} bytes, over the 10-byte limit; "
               "raise it with --max-file-size if it is really a manifest")
    assert check("--no-config", "--max-file-size", "10", "x.yaml") == (1, [too_big, TOO_BIG_SUMMARY])
    (here / ".kubelint.yaml").write_text("max-file-size: 10\n")
    assert check("x.yaml") == (1, [too_big, TOO_BIG_SUMMARY])
    assert check("--max-file-size", "1000", "x.yaml") == (1, [FINDING, SUMMARY])  # the option wins
    assert check("--no-config", "x.yaml") == (1, [FINDING, SUMMARY])


def test_config_select_ignore_and_exclude_combine_with_the_options(here):
    (here / "skip").mkdir()
    (here / "skip" / "y.yaml").write_text(BAD)
    (here / ".kubelint.yaml").write_text("select: [KL1]\nexclude: ['skip/*']\n")
    assert check(".") == (1, [FINDING, SUMMARY])
    assert check(".", "--select", "KL2") == (0, ["1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos"])
    assert check(".", "--ignore", "KL101") == (0, ["1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos"])
    (here / ".kubelint.yaml").write_text("ignore: [KL101]\n")
    assert check("x.yaml", "--ignore", "KL102") == (0, ["1 file, 1 object (0 skipped): 0 errors, 0 warnings, 0 infos"])


def test_strict_option_config_and_default(here):
    (here / "x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nextra: 1\n")
    unknown = 'x.yaml:5:1: error KL102 unknown field "extra" [ConfigMap c]'
    assert check("--no-config", "x.yaml") == (1, [unknown, SUMMARY])  # strict by default, as kubectl
    assert check("--no-config", "--no-strict", "x.yaml")[0] == 0
    (here / ".kubelint.yaml").write_text("strict: false\n")
    assert check("x.yaml")[0] == 0
    assert check("--strict", "x.yaml") == (1, [unknown, SUMMARY])


def test_outputs_are_written_in_their_formats(here):
    code, lines = check("--no-config", "x.yaml", "-o", "json:out.json", "--output", "github:out.txt")
    assert (code, lines) == (1, [FINDING, SUMMARY])
    assert [(f["rule"], f["line"]) for f in json.loads((here / "out.json").read_text())["findings"]] == [("KL101", 6)]
    assert (here / "out.txt").read_text().splitlines()[0].startswith("::error file=x.yaml,line=6,col=6,")


@pytest.mark.parametrize("spec", ["json", "yaml:out.txt", "json:", ":out.json"])
def test_bad_output_spec(here, spec):
    result = CliRunner().invoke(main, ["check", "--no-config", "x.yaml", "-o", spec])
    assert result.exit_code == 2
    assert result.output == ("kubelint: error: --output takes FORMAT:FILE with FORMAT one of "
                             f"text, json, github, sarif, junit, markdown, got {spec!r}\n")


def test_an_output_that_cannot_be_written_is_a_usage_error(here):
    (here / "dir").mkdir()
    with pytest.raises(UsageProblem, match=r"^cannot write dir: Is a directory$"):
        execute(CheckOptions(["x.yaml"], no_config=True, outputs=["json:dir"]), io.StringIO())


def test_a_failed_worker_is_a_usage_error_without_a_traceback(here, monkeypatch):
    from kubelint.run.engine import Checker
    from kubelint.run.parallel import WorkerError

    def fail(self, inputs, progress=None):
        raise WorkerError("Traceback ...\n  File x\nMemoryError: out of memory\n")

    monkeypatch.setattr(Checker, "run", fail)
    result = CliRunner().invoke(main, ["check", "--no-config", "x.yaml"])
    assert result.exit_code == 2
    assert result.output == ("kubelint: error: a worker process failed (MemoryError: out of memory); "
                             "rerun with --jobs 1 to check in one process\n")
    monkeypatch.setattr(Checker, "run", lambda self, inputs, progress=None: (_ for _ in ()).throw(WorkerError("")))
    assert "a worker process failed (no detail)" in CliRunner().invoke(main, ["check", "--no-config", "x.yaml"]).output


def test_schema_notices_go_to_stderr_each_once(here, monkeypatch):
    from kubelint.schemas.store import SchemaStore

    real_init = SchemaStore.__init__

    def with_notices(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.notices.extend(["first notice", "second notice"])

    monkeypatch.setattr(SchemaStore, "__init__", with_notices)
    result = CliRunner().invoke(main, ["check", "--no-config", "x.yaml"])
    assert result.stderr == "kubelint: first notice\nkubelint: second notice\n"
    assert (result.exit_code, result.stdout.splitlines()) == (1, [FINDING, SUMMARY])


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("total, tty, shown", [(199, True, False), (200, True, True), (5000, False, False)])
def test_progress_bar_only_for_many_files_on_a_terminal(monkeypatch, total, tty, shown):
    stderr = Terminal() if tty else io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", stderr)
    show = cli._progress_bar()
    assert (show is not None) == tty  # a bar only on a terminal
    if show is not None:
        show(total, total)
    assert (stderr.getvalue() != "") == shown  # and it draws only for 200 files or more


def test_progress_bar_draws_every_50_files_and_clears_at_the_end(monkeypatch):
    stderr = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stderr)
    show = cli._progress_bar()
    show(1, 200)
    assert stderr.getvalue() == ""
    show(50, 200)
    assert stderr.getvalue() == "\rchecking [" + "#" * 7 + "." * 23 + "] 50/200 files"
    show(100, 200)
    assert stderr.getvalue().endswith("\rchecking [" + "#" * 15 + "." * 15 + "] 100/200 files")
    show(200, 200)
    assert stderr.getvalue().endswith("\rchecking [" + "#" * 30 + "] 200/200 files\r" + " " * 70 + "\r")


def run_leaving_gc_off():
    """cli.run with os._exit stubbed: the command leaves the cyclic GC off (the process exits at
    once, and a last collection would scan every object of the run); turned on again for the
    tests that follow."""
    import gc

    try:
        cli.run()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("how, exit_with, code, stderr", [
    ("raise", None, 0, ""), ("raise", 0, 0, ""), ("raise", 1, 1, ""), ("raise", 2, 2, ""),
    ("raise", "a message", 1, "a message\n"), ("return", 0, 0, ""), ("return", 1, 1, ""), ("return", 2, 2, ""),
])
def test_run_exits_with_the_command_s_code_after_flushing(monkeypatch, capsys, how, exit_with, code, stderr):
    flushed, exited = [], []

    def fake_main(args=None):
        assert args is None  # main reads the process's arguments
        cli.sys.stdout.write("report")
        if how == "return":
            return exit_with
        raise SystemExit(exit_with)

    class Stream(io.StringIO):
        def flush(self):
            flushed.append(self.getvalue())

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(cli.sys, "stdout", Stream())
    monkeypatch.setattr(cli.os, "_exit", exited.append)
    run_leaving_gc_off()
    assert exited == [code]
    assert "report" in flushed
    assert capsys.readouterr().err == stderr


def test_run_survives_a_closed_pipe(monkeypatch):
    class Closed(io.StringIO):
        def flush(self):
            raise BrokenPipeError()

    exited = []
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(cli.sys, "stdout", Closed())
    monkeypatch.setattr(cli.sys, "stderr", Closed())
    monkeypatch.setattr(cli.os, "_exit", exited.append)
    run_leaving_gc_off()
    assert exited == [0]


def test_source_lines_for_the_caret(here):
    read = cli._source_line_reader()
    assert read("x.yaml", 1) == "apiVersion: v1"
    assert read("x.yaml", 6) == "  a: 1"
    assert read("x.yaml", 0) is None and read("x.yaml", 7) is None
    assert read("-", 1) is None
    assert read("missing.yaml", 1) is None


def test_split_and_first():
    assert cli._split(["KL1,KL3", " KL501 ", "", "a,,b"]) == ["KL1", "KL3", "KL501", "a", "b"]
    assert cli._first(None, False, True) is False
    assert cli._first(None, None) is None
    assert cli._first(0, 5) == 0


# --- what the command hands to the engine ---------------------------------------------------------

@pytest.fixture
def captured(here, monkeypatch):
    """The Settings the command builds and the request it runs: (paths, excludes, kustomize)."""
    from kubelint.run import plan
    from kubelint.run.engine import Checker

    seen = {}
    real_init, real_run_request = Checker.__init__, plan.run_request

    def init(self, settings, registry=None):
        seen["settings"] = settings
        real_init(self, settings, registry)

    def run_request(checker, request, notices, progress=None):
        seen["discover"] = (list(request.paths), list(request.exclude), request.kustomize)
        return real_run_request(checker, request, notices, progress=progress)

    monkeypatch.setattr(Checker, "__init__", init)
    monkeypatch.setattr(plan, "run_request", run_request)
    return seen


def test_every_option_reaches_the_engine(here, captured):
    (here / "crd.yaml").write_text("")
    (here / ".kubelint.yaml").write_text("assume-present: [Secret/s]\ncomplete: true\ncache-ttl: 60\nexclude: [c/*]\n")
    check("x.yaml", "--ignore-missing-schemas", "--skip", "A,B", "--skip", "C", "--reject", "D", "--jobs", "3",
          "--offline", "--crd", "crd.yaml", "--cache-ttl", "5", "--kustomize", "--exclude", "e/*",
          "--schema-location", "default")
    settings = captured["settings"]
    assert (settings.ignore_missing_schemas, list(settings.skip_kinds), list(settings.reject_kinds), settings.jobs,
            settings.offline, list(settings.crd_paths), settings.cache_ttl, list(settings.assume_present),
            settings.complete, list(settings.schema_locations)) == (
        True, ["A", "B", "C"], ["D"], 3, True, ["crd.yaml"], 5, ["Secret/s"], True, ["default"])
    assert captured["discover"] == (["x.yaml"], ["e/*", "c/*"], True)


def test_defaults_reach_the_engine(here, captured):
    (here / ".kubelint.yaml").write_text("cache-ttl: 60\n")
    check("x.yaml")
    settings = captured["settings"]
    assert (settings.ignore_missing_schemas, list(settings.skip_kinds), list(settings.reject_kinds), settings.jobs,
            settings.offline, list(settings.crd_paths), settings.cache_ttl, list(settings.assume_present),
            settings.complete, settings.strict) == (False, [], [], None, False, [], 60, [], False, True)
    assert captured["discover"] == (["x.yaml"], [], False)
    check("--no-config", "x.yaml")
    assert captured["settings"].cache_ttl is None


def test_terminal_output_shows_source_lines_and_files_never_get_colour(here, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Terminal()
    code = execute(CheckOptions(["x.yaml"], no_config=True, outputs=["text:out.txt"]), out)
    assert code == 1
    assert out.getvalue().splitlines()[:3] == [
        "\033[1mx.yaml:6:6:\033[0m \033[31merror\033[0m KL101 data.a: expected string, got integer 1 [ConfigMap bad]",
        "      a: 1", "         \033[31m^\033[0m"]
    assert (here / "out.txt").read_text() == f"{FINDING}\n{SUMMARY}\n"


def test_an_output_path_may_hold_a_colon(here):
    assert check("--no-config", "x.yaml", "-o", "json:out:1.json")[0] == 1
    assert json.loads((here / "out:1.json").read_text())["summary"]["errors"] == 1


def test_nothing_to_check_names_the_paths(here):
    (here / "a").mkdir()
    (here / "b").mkdir()
    result = CliRunner().invoke(main, ["check", "a", "b"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "kubelint: error: nothing to check: no .yaml, .yml or .json files under a b\n")


def test_usage_errors_go_to_stderr(here):
    result = CliRunner().invoke(main, ["check", "missing.yaml"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "kubelint: error: path not found: missing.yaml\n")
    result = CliRunner().invoke(main, ["explain", "nope"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == 'kubelint: error: unknown rule "nope" (see `kubelint rules`)\n'


def test_a_large_run_on_a_terminal_shows_progress(here, monkeypatch):
    for number in range(200):
        (here / f"m{number:03}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{number}}}\n")
    (here / "x.yaml").unlink()
    stderr = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stderr)
    assert execute(CheckOptions(["."], no_config=True, jobs=1), io.StringIO()) == 0
    assert stderr.getvalue().startswith("\rchecking [" + "#" * 7 + "." * 23 + "] 50/200 files")
    assert stderr.getvalue().endswith("] 200/200 files\r" + " " * 70 + "\r")


def test_the_cyclic_garbage_collector_is_back_on_after_a_run(here):
    import gc

    assert gc.isenabled()
    execute(CheckOptions(["x.yaml"], no_config=True), io.StringIO())
    assert gc.isenabled()
    gc.disable()
    try:
        execute(CheckOptions(["x.yaml"], no_config=True), io.StringIO())
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_source_lines_skip_a_byte_order_mark_and_survive_bad_bytes(here):
    (here / "bom.yaml").write_bytes(b"\xef\xbb\xbfa: 1\nb: caf\xe9\n")
    (here / "-").write_text("a file named -\n")
    read = cli._source_line_reader()
    assert read("bom.yaml", 1) == "a: 1"
    assert read("bom.yaml", 2) == "b: caf\ufffd"
    assert read("-", 1) is None  # stdin, never a file of that name


def test_explain_indents_the_examples():
    result = CliRunner().invoke(main, ["explain", "KL001"])
    text = result.output
    assert "\nFails\n    metadata:\n      name: web\n       labels: {}\n\nPasses\n    metadata:\n      name: web\n" \
           "      labels: {}" in text


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_answered_without_the_command_line_machinery(flag):
    """`kubelint --version` (the console script's entry, kubelint.__main__:run) prints what
    the parser's version option prints, exit 0, without importing argparse or kubelint.cli."""
    import subprocess
    import sys

    probe = ("import sys; sys.argv = ['kubelint', %r]; from kubelint.__main__ import run; run(); "
             "print(sorted(m for m in ('argparse', 'kubelint.cli', 'kubelint.cli_args') if m in sys.modules))" % flag)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "kubelint 0.1.0\n[]\n", "")
    assert CliRunner().invoke(main, [flag]).output == "kubelint 0.1.0\n"


def test_other_arguments_go_to_the_cli(monkeypatch):
    from kubelint import __main__ as entry

    called = []
    monkeypatch.setattr(cli, "run", lambda: called.append(True))
    for argv in (["kubelint"], ["kubelint", "--version", "check"], ["kubelint", "check", "--version"]):
        monkeypatch.setattr("sys.argv", argv)
        entry.run()
    assert called == [True, True, True]
