"""Golden tests for every rule: tests/rules/cases/<RULE ID>/ holds `fire*.yaml` (objects named
fire-*), `dont-fire*.yaml` (objects named dont-fire-*) and `expected.txt`, the exact findings
of the fire files. Each file is checked as its own set, with only that rule selected.

The tests only compare. A golden file is rewritten by `python scripts/update_golden.py RULE`,
which prints the diff to review.
"""

from __future__ import annotations

import json
import os

import pytest

from kubelint.rules import all_rules
from tests.helpers import lines, run_paths

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
CHECKED_RULES = [r for r in all_rules() if not r.builtin]


def _settings(rule_id: str) -> dict:
    """Extra run settings of a case directory (settings.json), e.g. config `nodes:` for KL840."""
    path = os.path.join(CASES, rule_id, "settings.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _case_files(rule_id: str, prefix: str):
    directory = os.path.join(CASES, rule_id)
    if not os.path.isdir(directory):
        return []
    return sorted(n for n in os.listdir(directory) if n.startswith(prefix) and n.endswith((".yaml", ".yml", ".json")))


@pytest.mark.parametrize("rule", CHECKED_RULES, ids=lambda r: f"{r.id}-{r.name}")
def test_fire_fixtures_match_golden(rule, monkeypatch):
    files = _case_files(rule.id, "fire")
    assert files, f"{rule.id} has no fire*.yaml fixture in tests/rules/cases/{rule.id}/"
    monkeypatch.chdir(os.path.join(CASES, rule.id))
    found = []
    for name in files:
        found += lines(run_paths([name], select=[rule.id], **_settings(rule.id)))
    golden = os.path.join(CASES, rule.id, "expected.txt")
    with open(golden, encoding="utf-8") as handle:
        expected = handle.read().splitlines()
    assert found == expected
    assert any(f" {rule.id} " in line for line in found), f"{rule.id}: the fire fixtures raise no finding"


@pytest.mark.parametrize("rule", CHECKED_RULES, ids=lambda r: f"{r.id}-{r.name}")
def test_dont_fire_fixtures_are_clean(rule, monkeypatch):
    files = _case_files(rule.id, "dont-fire")
    assert files, f"{rule.id} has no dont-fire*.yaml fixture in tests/rules/cases/{rule.id}/"
    monkeypatch.chdir(os.path.join(CASES, rule.id))
    for name in files:
        assert lines(run_paths([name], select=[rule.id], **_settings(rule.id))) == [], name


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: f"{r.id}-{r.name}")
def test_rule_is_documented(rule):
    assert rule.id.startswith("KL") and len(rule.id) == 5 and rule.id[2:].isdigit()
    assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
    assert rule.summary.strip() and rule.doc.what.strip() and rule.doc.why.strip()
    assert rule.doc.failing.strip() and rule.doc.passing.strip()
