"""Regenerate the golden files of the rule tests: tests/rules/cases/<RULE ID>/expected.txt.

The tests only compare; they never write a golden file. After a change that is meant to change
a rule's findings, run this for that rule, read the diff it prints line by line, and commit the
new expected.txt with the change that explains it.

    python scripts/update_golden.py KL301 KL302    # these rules
    python scripts/update_golden.py --all          # every rule that has cases
    python scripts/update_golden.py --check KL301  # print the diff, write nothing (exit 1 if any)
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import List

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(REPO, "tests", "rules", "cases")


def case_files(rule_id: str, prefix: str) -> List[str]:
    directory = os.path.join(CASES, rule_id)
    if not os.path.isdir(directory):
        return []
    return sorted(n for n in os.listdir(directory) if n.startswith(prefix) and n.endswith((".yaml", ".yml", ".json")))


def golden_lines(rule_id: str) -> List[str]:
    """The findings of a rule's fire* fixtures, each file checked alone with only that rule
    selected, in the form tests/rules/test_rule_cases.py compares (tests.helpers.lines)."""
    from tests.helpers import lines, run_paths

    here = os.getcwd()
    os.chdir(os.path.join(CASES, rule_id))  # paths in the golden file are relative to the case
    try:
        found: List[str] = []
        for name in case_files(rule_id, "fire"):
            found += lines(run_paths([name], select=[rule_id]))
        return found
    finally:
        os.chdir(here)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules", nargs="*", metavar="RULE", help="rule ids (KL301)")
    parser.add_argument("--all", action="store_true", help="every rule with a cases directory")
    parser.add_argument("--check", action="store_true", help="only print the differences")
    args = parser.parse_args()
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    rules = sorted(os.listdir(CASES)) if args.all else [r.upper() for r in args.rules]
    if not rules:
        parser.error("name the rules to regenerate, or --all")
    changed = 0
    for rule_id in rules:
        if not case_files(rule_id, "fire"):
            print(f"{rule_id}: no fire*.yaml in tests/rules/cases/{rule_id}/", file=sys.stderr)
            return 2
        path = os.path.join(CASES, rule_id, "expected.txt")
        old = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else []
        new = golden_lines(rule_id)
        if new == old:
            continue
        changed += 1
        sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(
            old, new, f"a/{rule_id}/expected.txt", f"b/{rule_id}/expected.txt", lineterm=""))
        if not args.check:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in new))
    print(f"{changed} golden file(s) {'differ' if args.check else 'rewritten'}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
