"""Mutation testing of kubelint's core with mutmut: one module at a time, each with the fast
part of the suite that is meant to pin it. Slow (minutes to an hour per module on two cores),
so it is not part of the normal suite. See README, "Mutation testing".

    python scripts/mutation.py run [MODULE...]    # default: every module, one after another
    python scripts/mutation.py report [--diff] [MODULE...]   # scores and surviving mutants
    python scripts/mutation.py list               # the modules, their files and their tests

pyproject.toml's [tool.mutmut] holds the settings every run shares (and a whole-core run with
`mutmut run` from the repository root uses it as it is). For one module this script writes a
copy of it into .mutation/<module>/ with `only_mutate` set to the module's files and
`pytest_add_cli_args_test_selection` to its tests, links the sources there, and runs mutmut
in that directory; results stay there (.mutation/<module>/mutants/) for `report` and for
`mutmut show NAME` / `mutmut browse` run inside it.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from typing import Dict, List, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, ".mutation")
LINKED = ["kubelint", "tests", "examples", "scripts", "benchmarks", "README.md"]

U = "tests/unit/"
# module -> (files mutated, tests run against them). The tests are those that state the
# module's behaviour; a mutant no test here notices is a survivor even if a slow test elsewhere
# (corpus, integration) would catch it.
MODULES: Dict[str, Tuple[List[str], List[str]]] = {
    "index": (["kubelint/model/index.py"],
              [U + "test_index.py", U + "test_boundaries.py", U + "test_service_rules.py", U + "test_workloads.py",
               U + "test_references.py", U + "test_ingress.py", U + "test_rule_caches.py",
               U + "test_metadata_rules.py", "tests/rules/test_rule_cases.py"]),
    # positions_text and positions_stream answer a document's first positions, positions the
    # rest: their tests compare them with it on every pointer, the loader tests go through
    # SourceFile.
    "positions": (["kubelint/input/positions.py", "kubelint/input/positions_stream.py",
                   "kubelint/input/positions_text.py"],
                  [U + "test_positions.py", U + "test_positions_stream.py", U + "test_positions_text.py",
                   U + "test_loader.py",
                   U + "test_loader_edges.py", U + "test_boundaries.py", U + "test_config_and_suppression.py"]),
    "loader": (["kubelint/input/loader.py"],
               [U + "test_loader.py", U + "test_loader_edges.py", U + "test_positions.py", U + "test_boundaries.py",
                U + "test_hostile_input.py", U + "test_hostile_output.py", U + "test_packing.py",
                U + "test_rendered.py", U + "test_robustness.py"]),
    "yaml_k8s": (["kubelint/input/yaml_k8s.py"],
                 [U + "test_yaml_typing.py", U + "test_loader.py", U + "test_loader_edges.py", U + "test_positions.py",
                  U + "test_yaml_fast.py",
                  U + "test_robustness.py"]),
    "suppress": (["kubelint/run/suppress.py"],
                 [U + "test_config_and_suppression.py", U + "test_formatters.py", U + "test_cli.py"]),
    "schemacheck": (["kubelint/run/schemacheck.py"],
                    [U + "test_schema_step.py", U + "test_schema_check.py", U + "test_deprecations.py", U + "test_crd.py",
                     U + "test_remote_schemas.py", U + "test_cli.py"]),
    "formatters": (["kubelint/formatters/*"],
                   [U + "test_formatter_output.py", U + "test_formatters.py", U + "test_positions.py", U + "test_cli.py",
                    U + "test_config_and_suppression.py"]),
    "cli": (["kubelint/cli.py"],
            [U + "test_cli.py", U + "test_cli_run.py", U + "test_config_and_suppression.py", U + "test_formatters.py",
             U + "test_rule_crash.py", U + "test_positions.py"]),
    "common": (["kubelint/rules/common/*"],
               [U + "test_rules_common.py", U + "test_rule_caches.py", U + "test_workloads.py", U + "test_references.py",
                U + "test_service_rules.py", "tests/rules/test_rule_cases.py"]),
}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _settings() -> Dict[str, Dict[str, object]]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]

    with open(os.path.join(REPO, "pyproject.toml"), "rb") as handle:
        tool = tomllib.load(handle)["tool"]
    return {"pytest.ini_options": dict(tool["pytest"]["ini_options"]), "mutmut": dict(tool["mutmut"])}


def prepare(module: str) -> str:
    """The module's scratch directory, with its pyproject.toml and links to the sources."""
    files, tests = MODULES[module]
    directory = os.path.join(WORK, module)
    os.makedirs(directory, exist_ok=True)
    settings = _settings()
    settings["mutmut"].update(only_mutate=files, pytest_add_cli_args_test_selection=tests)
    lines = [f"# Written by scripts/mutation.py for {module}; edit pyproject.toml and the script instead."]
    for table, values in settings.items():
        lines.append(f"\n[tool.{table}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    with open(os.path.join(directory, "pyproject.toml"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    for name in LINKED:
        link = os.path.join(directory, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(REPO, name), link)
    return directory


def run(modules: List[str], children: int, incremental: bool = False) -> int:
    mutmut = shutil.which("mutmut", path=os.path.dirname(sys.executable)) or "mutmut"
    for module in modules:
        directory = prepare(module)
        survivors = _survivors(module) if incremental else []
        if not incremental:
            # Copies from an earlier run are stale once sources or tests change: start afresh.
            shutil.rmtree(os.path.join(directory, "mutants"), ignore_errors=True)
        print(f"== {module}: {', '.join(MODULES[module][0])}", flush=True)
        # Incremental: mutmut tests the mutants of functions changed since the last run (and
        # links new tests to functions); a mutant it killed stays killed, as tests are only
        # added. The survivors of the last run are then tried again against the new tests.
        batches: List[List[str]] = [[]] + ([survivors] if survivors else [])  # [] = every untested mutant
        for names in batches:
            completed = subprocess.run([mutmut, "run", "--max-children", str(children), *names], cwd=directory,
                                       stdout=subprocess.DEVNULL)
            if completed.returncode != 0:
                print(f"mutmut failed on {module} (exit {completed.returncode}); rerun in {directory} to see why")
                return completed.returncode
        report([module], diff=False)
    return 0


def _survivors(module: str) -> List[str]:
    """The mutants an earlier run of `module` left undetected."""
    names: List[str] = []
    root = os.path.join(WORK, module, "mutants")
    for meta in glob.glob(os.path.join(root, "**", "*.py.meta"), recursive=True):
        with open(meta, encoding="utf-8") as handle:
            results = json.load(handle).get("exit_code_by_key", {})
        names += [key for key, code in results.items() if _status(code) in ("survived", "no tests", "suspicious")]
    return sorted(names)


KILLED = {1: "killed", 3: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}
UNDETECTED = {0: "survived", 5: "no tests", 33: "no tests"}


def _status(exit_code: object) -> str:
    if exit_code is None:
        return "not checked"
    if exit_code in KILLED:
        return KILLED[exit_code]  # type: ignore[index]
    if exit_code in UNDETECTED:
        return UNDETECTED[exit_code]  # type: ignore[index]
    return {34: "skipped", 37: "caught by type check"}.get(exit_code, "suspicious")  # type: ignore[call-overload]


def report(modules: List[str], diff: bool) -> int:
    """Score = mutants the tests noticed (killed, or timed out) / mutants checked. A mutant no
    test reaches ("no tests") or that only looked odd ("suspicious") counts as surviving."""
    total = Counter()  # type: Counter[str]
    print(f"{'module':<36} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>7}")
    survivors: List[Tuple[str, str, str]] = []
    for module in modules:
        root = os.path.join(WORK, module, "mutants")
        for meta in sorted(glob.glob(os.path.join(root, "**", "*.py.meta"), recursive=True)):
            with open(meta, encoding="utf-8") as handle:
                results = json.load(handle).get("exit_code_by_key", {})
            counts = Counter(_status(code) for code in results.values())
            detected = counts["killed"] + counts["timeout"]
            undetected = counts["survived"] + counts["no tests"] + counts["suspicious"]
            total.update(detected=detected, undetected=undetected)
            checked = detected + undetected
            score = f"{100 * detected / checked:.1f}%" if checked else "-"
            name = os.path.relpath(meta, root)[: -len(".meta")]
            unchecked = f"  ({counts['not checked']} not checked)" if counts["not checked"] else ""
            print(f"{name:<36} {len(results):>7} {detected:>7} {undetected:>8} {score:>7}{unchecked}")
            survivors += [(module, key, _status(code)) for key, code in sorted(results.items())
                          if _status(code) in ("survived", "no tests", "suspicious")]
    checked = total["detected"] + total["undetected"]
    if checked:
        print(f"{'all':<36} {checked:>7} {total['detected']:>7} {total['undetected']:>8} "
              f"{100 * total['detected'] / checked:>6.1f}%")
    print(f"\n{len(survivors)} surviving mutants")
    mutmut = shutil.which("mutmut", path=os.path.dirname(sys.executable)) or "mutmut"
    for module, name, state in survivors:
        print(f"  {name}  ({state})")
        if diff:
            shown = subprocess.run([mutmut, "show", name], cwd=os.path.join(WORK, module),
                                   capture_output=True, text=True)
            print("".join(f"      {line}\n" for line in shown.stdout.splitlines()
                          if line[:1] in "+-" and not line.startswith(("+++", "---"))), end="")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="mutate and test modules, one after another")
    run_parser.add_argument("modules", nargs="*", metavar="MODULE")
    run_parser.add_argument("--max-children", type=int, default=2, help="parallel test processes (default 2)")
    run_parser.add_argument("--incremental", action="store_true",
                            help="keep the last run's results: test only changed functions, then its survivors again")
    report_parser = commands.add_parser("report", help="scores and survivors of earlier runs")
    report_parser.add_argument("modules", nargs="*", metavar="MODULE")
    report_parser.add_argument("--diff", action="store_true", help="show each survivor's change")
    commands.add_parser("list", help="the modules, their files and tests")
    args = parser.parse_args()
    if args.command == "list":
        for module, (files, tests) in MODULES.items():
            print(f"{module}: {' '.join(files)}\n    {' '.join(tests)}")
        return 0
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)} (see `list`)")
    if args.command == "run":
        return run(modules, args.max_children, args.incremental)
    return report(modules, args.diff)


if __name__ == "__main__":
    sys.exit(main())
