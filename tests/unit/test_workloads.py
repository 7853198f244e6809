"""Helpers of kubelint.rules.workloads: LabelSelector parsing and matching, int-or-percent values."""

from __future__ import annotations

import pytest

from kubelint.rules.workloads.rollout import int_or_percent
from kubelint.rules.workloads.selectors import parse_label_selector


def _matches(selector: dict, labels: dict) -> bool:
    parsed = parse_label_selector(selector, ("spec", "selector"))
    assert parsed is not None and not parsed.problems
    return all(term.matches(labels) for term in parsed.requirements)


@pytest.mark.parametrize("selector, labels, expected", [
    ({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "x"}, True),
    ({"matchLabels": {"app": "web"}}, {"app": "api"}, False),
    ({"matchLabels": {"app": "web"}}, {}, False),
    ({"matchExpressions": [{"key": "t", "operator": "In", "values": ["a", "b"]}]}, {"t": "b"}, True),
    ({"matchExpressions": [{"key": "t", "operator": "In", "values": ["a"]}]}, {}, False),
    ({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["a"]}]}, {}, True),
    ({"matchExpressions": [{"key": "t", "operator": "NotIn", "values": ["a"]}]}, {"t": "a"}, False),
    ({"matchExpressions": [{"key": "t", "operator": "Exists"}]}, {"t": ""}, True),
    ({"matchExpressions": [{"key": "t", "operator": "Exists"}]}, {}, False),
    ({"matchExpressions": [{"key": "t", "operator": "DoesNotExist"}]}, {}, True),
    ({"matchExpressions": [{"key": "t", "operator": "DoesNotExist", "values": None}]}, {"t": "x"}, False),
    ({}, {"anything": "x"}, True),  # empty selects everything
])
def test_selector_matching(selector, labels, expected):
    assert _matches(selector, labels) is expected


def test_selector_size_counts_entries_as_written():
    assert parse_label_selector({}, ()).size == 0
    assert parse_label_selector({"matchLabels": {}, "matchExpressions": []}, ()).size == 0
    assert parse_label_selector({"matchLabels": {"a": 1}}, ()).size == 1  # wrong type still counts


def test_selector_problems_and_pointers():
    parsed = parse_label_selector({"matchExpressions": [
        {"key": "a", "operator": "Equals", "values": ["x"]},
        {"key": "b", "operator": "In"},
        {"key": "c", "operator": "Exists", "values": ["x"]},
        {"key": "d", "operator": "In", "values": ["x"]},
    ]}, ("spec", "selector"))
    assert [p for p, _ in parsed.problems] == [
        ("spec", "selector", "matchExpressions", 0, "operator"),
        ("spec", "selector", "matchExpressions", 1),
        ("spec", "selector", "matchExpressions", 2, "values"),
    ]
    assert [t.key for t in parsed.requirements] == ["d"]


@pytest.mark.parametrize("value", ["web", None, 3, [], {"matchLabels": "x"},
                                   {"matchExpressions": [None, "x", {"key": 1, "operator": "In"}]},
                                   {"matchLabels": {"a": None, 2: "b"}}])
def test_selector_wrong_types_never_raise(value):
    parsed = parse_label_selector(value, ())
    assert parsed is None or (parsed.requirements == [] and parsed.problems == [])


@pytest.mark.parametrize("raw, value, percent, ok", [
    (0, 0, False, True), (3, 3, False, True), (-1, -1, False, False),
    ("25%", 25, True, True), ("0%", 0, True, True), ("150%", 150, True, True),
    ("2", 2, False, False), ("-2", -2, False, False), ("abc", 0, False, False),
    ("25 %", 0, False, False), ("%", 0, False, False), ("5%\n", 0, False, False),
])
def test_int_or_percent(raw, value, percent, ok):
    parsed = int_or_percent(raw)
    assert (parsed.value, parsed.percent, parsed.problem is None) == (value, percent, ok)


@pytest.mark.parametrize("raw", [None, True, 1.5, [], {}])
def test_int_or_percent_wrong_types(raw):
    assert int_or_percent(raw) is None
