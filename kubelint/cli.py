"""Command line: `kubelint check`, `fix`, `rules`, `explain`, `schemas`, `baseline write`.

Parsing options (argparse, in cli_args) is kept apart from running a check (`execute`), so
tests call `execute` directly. Heavy modules are imported inside commands: `kubelint --version`
and a one-file check stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from .cli_args import FORMAT_NAMES, parse
from .named_tuple import NamedTuple

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageProblem(Exception):
    """Configuration, usage or I/O error: exit code 2."""


def _error(message: str) -> int:
    """`kubelint: error: ...` on stderr; the usage error's exit code."""
    from .formatters.escape import visible

    print(f"kubelint: error: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE


def _tolerate_unencodable_output() -> None:
    """Characters the output's encoding lacks (PYTHONIOENCODING=ascii, a C locale) are written
    as backslash escapes instead of failing the run with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # not a text file (a test's buffer)
            pass


def run() -> None:
    """The `kubelint` command: `main`, then an immediate exit. Output is flushed first; the
    interpreter's teardown (freeing every module and object of the run, 10 ms on 600 objects
    and far more on large runs) is skipped, as it has nothing left to write."""
    import gc

    # The process ends with os._exit, so the cyclic collector need not run again: turned off
    # here, `execute` leaves it off. Turned back on after a check, it would make the next
    # allocation scan the run's whole heap, every object made while it was off being in its
    # youngest generation (1.7 s of 27 s profiled on 12,250 objects, reclaiming nothing).
    gc.disable()
    try:
        code: object = main()
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):  # sys.exit("message"), as Python does it
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more can be written
            pass
    os._exit(code or 0)


def main(args: Optional[Sequence[str]] = None) -> int:
    """Run the command `args` (default: the process's arguments) names; its exit code. `--help`,
    `--version` and usage errors argparse finds end in SystemExit (0, or 2 with the usage)."""
    _tolerate_unencodable_output()
    command, parsed = parse(sys.argv[1:] if args is None else args)
    try:
        return _COMMANDS[command](vars(parsed))
    except UsageProblem as exc:
        return _error(str(exc))
    except BrokenPipeError:  # the reader went away (| head): nothing more to say, as click did
        return EXIT_FINDINGS
    except (KeyboardInterrupt, EOFError):  # Ctrl-C: one line, no traceback, as click did
        print("\nAborted!", file=sys.stderr)
        return EXIT_FINDINGS


class CheckOptions(NamedTuple):
    """Everything `kubelint check` was asked to do, parsed; `execute` runs it.

    A NamedTuple, not a dataclass: making this 23-field dataclass cost 2 ms on every start,
    and importing dataclasses (with inspect) 6 ms more for `kubelint --version`."""

    paths: Sequence[str]
    kubernetes_version: Optional[str] = None
    strict: Optional[bool] = None
    output_format: Optional[str] = None  # None: "github" under GitHub Actions, else "text"
    outputs: Sequence[str] = ()  # "FORMAT:FILE", written in addition to stdout
    fail_on: str = "error"
    exclude: Sequence[str] = ()
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    config_path: Optional[str] = None
    no_config: bool = False
    max_file_size: Optional[int] = None
    color: Optional[bool] = None
    kustomize: bool = False
    crds: Sequence[str] = ()
    schema_locations: Sequence[str] = ()
    offline: bool = False
    ignore_missing_schemas: bool = False
    skip_kinds: Sequence[str] = ()
    reject_kinds: Sequence[str] = ()
    cache_ttl: Optional[int] = None
    jobs: Optional[int] = None
    fix: bool = False  # apply fixes (kubelint fix, check --fix)
    diff: bool = False  # print the fixes as a diff, write nothing
    unsafe_fixes: bool = False
    context: Optional[str] = None
    default_context: Optional[str] = None
    no_context: bool = False
    baseline: Optional[str] = None
    no_baseline: bool = False
    new_from_rev: Optional[str] = None


def _check_command(parsed: Dict[str, object]) -> int:
    """`kubelint check PATHS...`."""
    return execute(CheckOptions(**parsed))  # type: ignore[arg-type]


def execute(options: CheckOptions, out: Optional[TextIO] = None) -> int:
    """Run one check and print its report; returns the exit code."""
    import gc

    out = out or sys.stdout
    # A run builds many small objects and frees few: the cyclic collector's rescans of the
    # growing heap cost 15-20% and reclaim nothing, so it is off while checking.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _execute(options, out)
    finally:
        if gc_was_enabled:
            gc.enable()


class Prepared(NamedTuple):
    settings: object  # kubelint.run.settings.Settings
    request: object  # kubelint.run.plan.CheckRequest
    outputs: List[Tuple[str, str]]
    baseline: Optional[str]


def _prepare(options: CheckOptions) -> Prepared:
    """Config and options merged: what to check, and how."""
    from .config import ConfigError, find_config, load_config
    from .run.plan import CheckRequest
    from .run.settings import Settings

    try:
        config = load_config(None if options.no_config else (options.config_path or find_config()))
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    settings = Settings(
        kubernetes_version=options.kubernetes_version or config.kubernetes_version,
        strict=_first(options.strict, config.strict, True),
        select=_split(options.select) or config.select, ignore=_split(options.ignore) + config.ignore,
        rule_config=config.rules, per_file_ignores=config.per_file_ignores,
        assume_present=config.assume_present, complete=config.complete,
        crd_paths=list(options.crds), schema_locations=list(options.schema_locations) or config.schema_locations,
        offline=options.offline, ignore_missing_schemas=options.ignore_missing_schemas,
        skip_kinds=_split(options.skip_kinds), reject_kinds=_split(options.reject_kinds), jobs=options.jobs,
        cache_ttl=_first(options.cache_ttl, config.cache_ttl), pod_security=config.pod_security,
        nodes=config.nodes)
    if options.max_file_size or config.max_file_size:
        settings.max_file_size = options.max_file_size or config.max_file_size  # type: ignore[assignment]
    outputs = [_parse_output(spec) for spec in options.outputs]
    context = None
    if not options.no_context:
        context = options.context or _config_relative(config, config.context) or options.default_context
        if context is not None and not os.path.isdir(context):
            raise UsageProblem(f"context {context} is not a directory")
    baseline = None if options.no_baseline else (options.baseline or _config_relative(config, config.baseline))
    request = CheckRequest(list(options.paths), list(options.exclude) + config.exclude, options.kustomize, context)
    return Prepared(settings, request, outputs, baseline)


def _config_relative(config, path: Optional[str]) -> Optional[str]:  # type: ignore[no-untyped-def]
    """A path from the config file, relative to the config file's directory."""
    if path is None or config.path is None or os.path.isabs(path):
        return path
    return os.path.relpath(os.path.join(os.path.dirname(os.path.abspath(config.path)), path))


def _check(prepared: Prepared, options: CheckOptions, notices: List[str], out: TextIO):  # type: ignore[no-untyped-def]
    """Run the check `prepared` describes: (RunResult with --new-from-rev applied, the fix
    outcome or None). Fixing works on the given files themselves (no context, no kustomize)."""
    from .config import ConfigError
    from .input.files import DiscoveryError, GitError
    from .run.engine import Checker
    from .run.parallel import WorkerError
    from .run.plan import NothingToCheck, run_request
    from .schemas.bundled import UnknownVersionError

    try:
        checker = Checker(prepared.settings)  # type: ignore[arg-type]
        outcome = None
        if options.fix or options.diff:
            from .fix.command import run_fix

            inputs = _fix_inputs(prepared.request)  # type: ignore[arg-type]
            outcome = run_fix(checker, inputs, options.paths, diff=options.diff, unsafe=options.unsafe_fixes,
                              out=out, err=sys.stderr)
            result = outcome.result
        else:
            result = run_request(checker, prepared.request, notices, progress=_progress_bar())  # type: ignore[arg-type]
            if _wants_fixable(options, prepared) and result.findings:
                from .fix.command import mark_fixable

                result = mark_fixable(checker, _fix_inputs(prepared.request), result)  # type: ignore[arg-type]
        if options.new_from_rev:
            from .run.context import new_findings
            from .run.revision import findings_at

            before = findings_at(options.new_from_rev, prepared.request,  # type: ignore[arg-type]
                                 lambda: Checker(prepared.settings))  # type: ignore[arg-type]
            suppressed = [f for f in result.findings if f.suppressed]
            fresh = new_findings(result.active(), before)
            if len(fresh) < len(result.active()):
                notices.append(f"{len(result.active()) - len(fresh)} findings that exist at {options.new_from_rev} "
                               "not shown (--new-from-rev)")
            result.findings[:] = sorted(fresh + suppressed, key=lambda f: f.sort_key())
    except (ConfigError, DiscoveryError, UnknownVersionError, NothingToCheck, GitError) as exc:
        raise UsageProblem(str(exc)) from None
    except WorkerError as exc:  # killed (out of memory?) or a bug: say so without a traceback
        last = (str(exc).strip().splitlines() or ["no detail"])[-1]
        raise UsageProblem(f"a worker process failed ({last}); rerun with --jobs 1 to check in one process") from None
    notices.extend(n for n in checker.store.notices if n not in notices)  # failed schema locations, stale copies
    return result, outcome


def _fix_inputs(request):  # type: ignore[no-untyped-def]
    """The files `kubelint fix` edits: the given paths as discovered, never rendered output."""
    from .input.discover import discover
    from .run.plan import NothingToCheck

    inputs = discover(request.paths, request.exclude)
    if not inputs:
        raise NothingToCheck("nothing to check: no .yaml, .yml or .json files under " + " ".join(request.paths))
    return inputs


def _wants_fixable(options: CheckOptions, prepared: Prepared) -> bool:
    """JSON says `fixable`; worked out only for JSON output of plain files (it costs a fix pass)."""
    formats = [options.output_format] + [f for f, _ in prepared.outputs]
    return "json" in formats and not prepared.request.kustomize and prepared.request.context is None


def _execute(options: CheckOptions, out: TextIO) -> int:
    from .findings import Severity

    prepared = _prepare(options)
    notices: List[str] = []
    result, outcome = _check(prepared, options, notices, out)
    if prepared.baseline is not None:
        from .run import baseline

        try:
            entries = baseline.read(prepared.baseline)
        except baseline.BaselineError as exc:
            raise UsageProblem(str(exc)) from None
        dropped, stale = baseline.apply(result, entries)
        if dropped:
            notices.append(f"{dropped} finding{'' if dropped == 1 else 's'} recorded in {prepared.baseline} not shown")
        if stale:
            notices.extend(baseline.stale_lines(prepared.baseline, stale))
    from .formatters.escape import visible

    for notice in notices:
        print(f"kubelint: {visible(notice)}", file=sys.stderr)
    output_format = options.output_format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if not options.diff:  # with --diff, stdout is the diff
        write_report(result, output_format, options.color, out, options.fail_on)
    for output_format, path in prepared.outputs:
        try:
            with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
                write_report(result, output_format, False, handle, options.fail_on)
        except OSError as exc:
            raise UsageProblem(f"cannot write {path}: {exc.strerror or exc}") from None
    if outcome is not None and outcome.problems:  # a file that could not be written is an I/O error
        return EXIT_USAGE
    threshold = Severity.parse(options.fail_on).rank
    return EXIT_FINDINGS if any(f.severity.rank >= threshold for f in result.active()) else EXIT_OK


def _fix_command(parsed: Dict[str, object]) -> int:
    """`kubelint fix PATHS...`: `check --fix` with the same options."""
    return execute(CheckOptions(fix=True, **parsed))  # type: ignore[arg-type]


PROGRESS_MIN_FILES = 200


def _progress_bar():  # type: ignore[no-untyped-def]
    """A one-line progress bar on stderr, for large inputs on a terminal only."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_MIN_FILES or (done % 50 and done != total):
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\rchecking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        if done == total:
            sys.stderr.write("\r" + " " * (width + 40) + "\r")
        sys.stderr.flush()

    return show


def _split(values: Sequence[str]) -> List[str]:
    """Repeated options that also take comma-separated lists: --select KL1,KL3 --select KL501."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _first(*values):  # type: ignore[no-untyped-def]
    """The first value that is set (command line, then config, then default)."""
    return next((v for v in values if v is not None), None)


def _parse_output(spec: str) -> Tuple[str, str]:
    output_format, _, path = spec.partition(":")
    if not path or output_format not in FORMAT_NAMES:
        raise UsageProblem(f"--output takes FORMAT:FILE with FORMAT one of {', '.join(FORMAT_NAMES)}, got {spec!r}")
    return output_format, path


def render(result, output_format: str, color: Optional[bool], out, fail_on: str = "error") -> str:  # type: ignore[no-untyped-def]
    """The report as text (`out`: where it would go, for colour and source lines)."""
    return _formatter(output_format, color, out, fail_on).format(result)


def write_report(result, output_format: str, color: Optional[bool], out, fail_on: str = "error") -> None:  # type: ignore[no-untyped-def]
    """Write the report to `out` in pieces where the format allows (a large run's JSON text
    would otherwise be the run's peak of memory)."""
    _formatter(output_format, color, out, fail_on).write(result, out)


def _formatter(output_format: str, color: Optional[bool], out, fail_on: str):  # type: ignore[no-untyped-def]
    from .formatters import formatter_class
    from .formatters.base import OutputOptions

    is_tty = hasattr(out, "isatty") and out.isatty()
    if color is None:
        color = is_tty and "NO_COLOR" not in os.environ
    options = OutputOptions(color=color, show_source=is_tty, source_lines=_source_line_reader(), fail_on=fail_on)
    return formatter_class(output_format)(options)


def _source_line_reader():  # type: ignore[no-untyped-def]
    cache: dict = {}

    def read(path: str, line: int) -> Optional[str]:
        if path == "-":
            return None
        if path not in cache:
            from .input.loader import DEFAULT_MAX_FILE_SIZE
            from .input.reading import read_file

            read = read_file(path, DEFAULT_MAX_FILE_SIZE)  # a FIFO or /dev/zero is not read
            cache[path] = read.data.decode("utf-8-sig", errors="replace").splitlines() if read.data else []
        lines: List[str] = cache[path]
        return lines[line - 1] if 0 < line <= len(lines) else None

    return read


def _rules_command(parsed: Dict[str, object]) -> int:
    """`kubelint rules [--all]`: id, name, default severity, on/off, fix, summary of each rule."""
    from .rules import all_rules

    show_all = parsed["show_all"]
    for rule in all_rules():
        if not show_all and not rule.enabled_by_default:
            continue
        state = "on" if rule.enabled_by_default else "off"
        fix = rule.fix.safety if rule.fix else "-"
        print(f"{rule.id}  {rule.name:<34} {rule.severity.value:<8} {state:<4} {fix:<6} {rule.summary}")
    return EXIT_OK


def _explain_command(parsed: Dict[str, object]) -> int:
    """`kubelint explain RULE`: a rule's documentation (by id or name)."""
    from .rules import Registry, all_rules

    rule = str(parsed["rule"])
    registry = Registry(all_rules())  # the rules themselves: their docs, not the catalog's entries
    try:
        found = registry.get(rule)
    except KeyError:
        raise UsageProblem(f'unknown rule "{rule}" (see `kubelint rules`)') from None
    options = "".join(f"\n  {k}: {v!r}" for k, v in found.options.items()) or " none"
    kinds = ", ".join(sorted(found.kinds)) if found.kinds else "all"
    print(f"{found.id} {found.name} ({found.severity.value}, "
          f"{'on' if found.enabled_by_default else 'off'} by default)\n\n{found.summary}\n\n"
          f"What it checks\n  {found.doc.what}\n\nWhy it matters\n  {found.doc.why}\n\n"
          f"Applies to: {kinds}\nOptions:{options}\n"
          f"Fix: {f'{found.fix.safety}: {found.fix.what}' if found.fix else 'none'}\n\n"
          f"Fails\n{_indent(found.doc.failing)}\n\nPasses\n{_indent(found.doc.passing)}")
    return EXIT_OK


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _schemas_command(parsed: Dict[str, object]) -> int:
    """`kubelint schemas`: the bundled Kubernetes schema versions."""
    from .schemas.bundled import available_versions, latest_version

    latest = latest_version()
    for version in available_versions():
        print(f"{version}{'  (default)' if version == latest else ''}")
    return EXIT_OK


def _pull_command(parsed: Dict[str, object]) -> int:
    """`kubelint schemas pull URL...`: download schemas (and the documents they $ref) into the
    cache, for CI images built offline."""
    from .schemas.remote import pull as pull_urls

    failed = False
    for ok, line in pull_urls(list(parsed["urls"])):  # type: ignore[call-overload]
        if ok:
            print(line)
        else:
            print(f"kubelint: error: {line}", file=sys.stderr)
            failed = True
    return EXIT_USAGE if failed else EXIT_OK


def _baseline_write_command(parsed: Dict[str, object]) -> int:
    """`kubelint baseline write FILE PATHS...`: check PATHS (as `kubelint check` would) and
    record every finding in FILE."""
    from .run import baseline as baselines

    file = str(parsed.pop("file"))
    parsed["baseline"], parsed["no_baseline"] = None, True
    options = CheckOptions(**parsed)  # type: ignore[arg-type]
    try:
        previous = baselines.read(file) if os.path.exists(file) else []
        result, _ = _check(_prepare(options), options, [], sys.stdout)
        entries = baselines.entries_of(result.active())
        baselines.write(file, entries)
    except baselines.BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    current = {entry.key for entry in entries}
    dropped = [entry for entry in previous if entry.key not in current]
    count = sum(entry.count for entry in entries)
    print(f"kubelint: wrote {count} finding{'' if count == 1 else 's'} to {file}"
          + (f" ({len(dropped)} entries no longer found were dropped)" if dropped else ""), file=sys.stderr)
    return EXIT_OK


_COMMANDS: Dict[str, Callable[[Dict[str, object]], int]] = {
    "check": _check_command, "fix": _fix_command, "rules": _rules_command, "explain": _explain_command,
    "schemas": _schemas_command, "schemas pull": _pull_command, "baseline write": _baseline_write_command,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
