"""The command line's grammar, on the standard library's argparse: the commands, their options
and arguments, `--help` and `--version`. `parse` turns arguments into (command, options);
kubelint.cli runs the command.

argparse rather than click: importing click and what it imports (inspect, ast, dis, tokenize,
uuid, platform) cost 71 M instructions more than argparse; the one-file check went from 412 M
to 358 M (valgrind). Only the parser of the command being run is built. Usage errors are
argparse's: a short usage line and `kubelint check: error: ...` on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import __version__
from .formatters import FORMATTERS
from .named_tuple import NamedTuple

PROG = "kubelint"
FORMAT_NAMES = tuple(FORMATTERS)
EXIT_USAGE = 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, but a description's paragraphs (blank-line separated) stay apart."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fill = super()._fill_text
        return "\n\n".join(fill(part, width, indent) for part in text.split("\n\n"))


class _CommandListFormatter(_Formatter):
    """A group's help: its epilog, the list of commands, is printed as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return text if text.startswith("commands:\n") else super()._fill_text(text, width, indent)


# Marks the arguments after `--` (all PATHS, whatever they look like): argparse's intermixed
# parsing loses `--` when no positional argument comes before it (CPython 3.10-3.13), so `check
# -- -odd.yaml` would say PATHS is missing. A NUL cannot be part of a real argument.
_LITERAL = "\0"


class _Parser(argparse.ArgumentParser):
    _checker: Optional[argparse.HelpFormatter] = None
    _adding = False

    def add_argument(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # argparse makes a help formatter for each argument only to check its metavar against
        # its nargs, and each formatter asks the terminal for its width (importing shutil):
        # 16 M instructions for check's options, a twentieth of a one-file check. One formatter,
        # of any width, checks them all; help and usage still get the terminal's.
        self._adding = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._adding = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if not self._adding:
            return super()._get_formatter()
        if self._checker is None:
            self._checker = self.formatter_class(prog=self.prog, width=80)
        return self._checker

    def error(self, message: str):  # type: ignore[no-untyped-def]
        super().error(message.replace(_LITERAL, ""))


def _parser(prog: str, description: str, epilog: Optional[str] = None) -> argparse.ArgumentParser:
    # allow_abbrev=False: `--str` is an unknown option, not `--strict` (as click had it; an
    # abbreviation that works today would break when an option sharing its prefix is added).
    return _Parser(prog=prog, description=description, epilog=epilog, allow_abbrev=False,
                   formatter_class=_CommandListFormatter if epilog else _Formatter)


def _integer_at_least(minimum: int) -> Callable[[str], int]:
    """An integer option's type: a usage error (exit 2) below `minimum` or when not a number."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def _file_path(text: str) -> str:
    """--config: a file, so an existing directory is a usage error (a missing file is the
    config loader's error, with its own message)."""
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a directory")
    return text


# A repeatable option. argparse's append copies the default before adding to it, and cannot
# start from a tuple; `parse` hands every list on as a tuple, as click did.
_REPEATABLE = dict(action="append", default=[])

# (option strings, add_argument keywords) of every option `check`, `fix` and `baseline write` share.
_CHECK_OPTIONS: List[Tuple[Tuple[str, ...], Dict[str, object]]] = [
    (("-k", "--kubernetes-version"), dict(metavar="1.NN", help="Schema set to validate against (default: newest bundled).")),
    (("--strict",), dict(action=argparse.BooleanOptionalAction, default=None,
                         help="Unknown fields are errors (default: strict, as kubectl).")),
    (("-f", "--format"), dict(dest="output_format", choices=FORMAT_NAMES,
                              help="Output format (default: text; github when GITHUB_ACTIONS=true).")),
    (("-o", "--output"), dict(dest="outputs", metavar="FORMAT:FILE", **_REPEATABLE,
                              help="Also write FORMAT to FILE (repeatable), e.g. sarif:kubelint.sarif.")),
    (("--fail-on",), dict(choices=("error", "warning", "info"), default="error",
                          help="Lowest severity that makes the exit code 1 (default: error).")),
    (("--exclude",), dict(metavar="GLOB", **_REPEATABLE, help="Skip matching paths (repeatable).")),
    (("--select",), dict(metavar="RULES", **_REPEATABLE,
                         help="Only these rules: ids, names or id prefixes such as KL3, comma-separated or repeated.")),
    (("--ignore",), dict(metavar="RULES", **_REPEATABLE, help="Turn these rules off (comma-separated or repeated).")),
    (("--config",), dict(dest="config_path", type=_file_path, metavar="FILE",
                         help="Config file (default: .kubelint.yaml found walking up).")),
    (("--no-config",), dict(action="store_true", help="Ignore config files.")),
    (("--max-file-size",), dict(type=_integer_at_least(1), metavar="BYTES",
                                help="Skip files larger than this (default 10 MiB).")),
    (("--color",), dict(action=argparse.BooleanOptionalAction, default=None,
                        help="Colour output (default: on a terminal, unless NO_COLOR is set).")),
    (("--kustomize",), dict(action="store_true",
                            help="Render every kustomization root under PATHS with kubectl kustomize and check the output.")),
    (("--crd",), dict(dest="crds", metavar="PATH", **_REPEATABLE,
                      help="CustomResourceDefinitions to validate custom resources with (repeatable).")),
    (("--schema-location",), dict(dest="schema_locations", metavar="LOCATION", **_REPEATABLE,
                                  help="Schema directory or URL template, kubeconform placeholders; "
                                       "'default' = bundled (repeatable).")),
    (("--offline",), dict(action="store_true", help="Never touch the network; use cached schemas only.")),
    (("--ignore-missing-schemas",), dict(action="store_true", help="No warning for objects without a schema.")),
    (("--skip",), dict(dest="skip_kinds", metavar="KIND", **_REPEATABLE,
                       help="Do not check objects of this kind (repeatable).")),
    (("--reject",), dict(dest="reject_kinds", metavar="KIND", **_REPEATABLE,
                         help="Objects of this kind are errors (repeatable).")),
    (("--cache-ttl",), dict(type=_integer_at_least(0), metavar="SECONDS",
                            help="Use a downloaded schema this long before revalidating it (default 86400, one day).")),
    (("-j", "--jobs"), dict(type=_integer_at_least(1), metavar="N",
                            help="Worker processes (default: number of cores, for large inputs).")),
    (("--context",), dict(metavar="DIR", help="Manifests under DIR are context for cross-object rules; report the "
                                              "given files and what their change broke elsewhere.")),
    (("--default-context",), dict(metavar="DIR", help="Context when neither --context nor config `context` names one "
                                                      "(the pre-commit hook and the Action pass the repository root).")),
    (("--no-context",), dict(action="store_true", help="No context, whatever config or --default-context say.")),
    (("--baseline",), dict(metavar="FILE", help="Report only findings not recorded in FILE "
                                                "(see `kubelint baseline write`).")),
    (("--no-baseline",), dict(action="store_true", help="Ignore config `baseline`.")),
    (("--new-from-rev",), dict(metavar="REF", help="Report only findings that do not exist at git revision REF.")),
]

_FIX_OPTIONS: List[Tuple[Tuple[str, ...], Dict[str, object]]] = [
    (("--diff",), dict(action="store_true", help="Print the fixes as a unified diff; write nothing.")),
    (("--unsafe-fixes",), dict(action="store_true", help="Also apply fixes that change meaning (review them).")),
]


def _add(parser: argparse.ArgumentParser, options: List[Tuple[Tuple[str, ...], Dict[str, object]]]) -> None:
    for flags, keywords in options:
        parser.add_argument(*flags, **keywords)  # type: ignore[arg-type]


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="Files, directories, or - for stdin.")


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    _paths(parser)
    _add(parser, _CHECK_OPTIONS)
    parser.add_argument("--fix", action="store_true", help="Apply safe fixes, then report what remains (as `kubelint fix`).")
    _add(parser, _FIX_OPTIONS)


def _fix_arguments(parser: argparse.ArgumentParser) -> None:
    _paths(parser)
    _add(parser, _CHECK_OPTIONS)
    _add(parser, _FIX_OPTIONS)


def _baseline_write_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="The baseline to write (replaced if it exists).")
    _paths(parser)
    _add(parser, _CHECK_OPTIONS)


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", dest="show_all", action="store_true", help="Also list rules that are off by default.")


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="RULE", help="A rule id (KL101) or name (invalid-field-value).")


def _pull_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="+", metavar="URL", help="Schema documents to download.")


class Command(NamedTuple):
    summary: str  # the line in its group's list of commands
    description: str  # `--help`'s text (the summary when empty)
    arguments: Callable[[argparse.ArgumentParser], None]
    usage: str  # after the command's name; short, as it heads every usage error


class Group(NamedTuple):
    summary: str
    description: str
    commands: Dict[str, Union[Command, "Group"]]
    runs_alone: bool = False  # `kubelint schemas` does something; `kubelint baseline` prints its help


COMMANDS = Group("", "Lint and validate Kubernetes manifests: schemas, cross-object rules, exact lines.", {
    "baseline": Group("Record current findings, so that `check --baseline FILE` reports only new ones.", "", {
        "write": Command("Check PATHS (as `kubelint check` would) and record every finding in FILE.", "",
                         _baseline_write_arguments, "[OPTIONS] FILE PATHS..."),
    }),
    "check": Command("Check manifests in PATHS (files, directories, or - for stdin).", "", _check_arguments,
                     "[OPTIONS] PATHS..."),
    "explain": Command("Show a rule's documentation (by id or name).", "", _explain_arguments, "[-h] RULE"),
    "fix": Command("Fix what can be fixed in PATHS, then report what remains.",
                   "Fix what can be fixed in PATHS, then report what remains.\n\n"
                   "Only safe fixes unless --unsafe-fixes; only changed files are rewritten (atomically), "
                   "and every other byte stays as it was. The exit code is check's, for what remains.",
                   _fix_arguments, "[OPTIONS] PATHS..."),
    "rules": Command("List every rule: id, name, default severity, on/off, fix (safe, unsafe, mixed or -), summary.",
                     "", _rules_arguments, "[-h] [--all]"),
    "schemas": Group("List the bundled Kubernetes schema versions.", "", {
        "pull": Command("Download schema URLs into the cache, for CI images built offline.",
                        "Download schema URLs into the cache, for CI images built offline.\n\n"
                        "Documents the schemas refer to ($ref) are pulled too. `check --offline` then uses them.",
                        _pull_arguments, "[-h] URL..."),
    }, runs_alone=True),
})


def parse(args: Sequence[str]) -> Tuple[str, argparse.Namespace]:
    """The command ("check", "schemas pull", ...) and its options. `--help` and `--version`
    print and exit 0; a usage error prints and exits 2 (SystemExit, from argparse)."""
    group, names, args = COMMANDS, [PROG], list(args)
    while args and not args[0].startswith("-"):
        found = group.commands.get(args[0])
        if found is None:
            _group_parser(names, group).error(
                f"no such command {args[0]!r} (choose from {', '.join(sorted(group.commands))})")
        names.append(args.pop(0))
        if isinstance(found, Command):
            return " ".join(names[1:]), _parse_command(" ".join(names), found, args)
        group = found
    # A group's own options (-h, -V) or none: help, version and unknown options exit here.
    parser = _group_parser(names, group)
    parser.parse_args(args)
    if not group.runs_alone:  # as click did for a group without its command
        parser.print_help(sys.stderr)
        sys.exit(EXIT_USAGE)
    return " ".join(names[1:]), argparse.Namespace()


def _parse_command(prog: str, command: Command, args: List[str]) -> argparse.Namespace:
    parser = _parser(prog, command.description or command.summary)
    parser.usage = f"{prog} {command.usage}"
    command.arguments(parser)
    if "--" in args:
        end = args.index("--")
        args = args[:end] + [_LITERAL + arg for arg in args[end + 1:]]
    # Options may come before, between and after PATHS: `check a.yaml -f json b.yaml`.
    parsed = parser.parse_intermixed_args(args)
    for key, value in vars(parsed).items():
        if isinstance(value, str) and value.startswith(_LITERAL):
            setattr(parsed, key, value[1:])
        elif isinstance(value, list):
            setattr(parsed, key, tuple(item[1:] if item.startswith(_LITERAL) else item for item in value))
    return parsed


def _group_parser(names: List[str], group: Group) -> argparse.ArgumentParser:
    import shutil
    import textwrap

    width = max(len(name) for name in group.commands) + 4
    line_width = max(min(shutil.get_terminal_size().columns, 100) - 2, width + 30)
    listing = "\n".join(textwrap.fill(command.summary, line_width, initial_indent=f"  {name:<{width - 2}}",
                                       subsequent_indent=" " * width)
                        for name, command in sorted(group.commands.items()))
    prog = " ".join(names)
    parser = _parser(prog, group.description or group.summary, epilog=f"commands:\n{listing}")
    top = len(names) == 1
    parser.usage = f"{prog} [-h]{' [-V]' if top else ''} {'[COMMAND]' if group.runs_alone else 'COMMAND'} ..."
    if top:
        parser.add_argument("-V", "--version", action="version", version=f"{PROG} {__version__}")
    return parser
