"""KL158 on hostile CRDs: deep or huge schemas and costly rules give findings or nothing, never a
traceback, and in bounded time."""

from __future__ import annotations

import json
import time

from tests.helpers import run_text


def _crd(schema: object) -> str:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    head = json.dumps({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "things.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "things", "kind": "Thing"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": 0}}]}})
    return head.replace('"openAPIV3Schema": 0', '"openAPIV3Schema": ' + text)


def _deep(levels: int) -> str:
    """JSON text of a schema `levels` objects deep (too deep for json.dumps)."""
    opening = '{"type": "object", "uniqueItems": true, "allOf": [{"properties": {"a": {}}}], "properties": {"a": '
    return opening * levels + '{"type": "string", "default": 1}' + "}}" * levels


def test_a_schema_deeper_than_kubelint_walks_is_no_crash():
    started = time.monotonic()
    result = run_text(_crd(_deep(400)), "deep.json", select=["KL158"])
    assert time.monotonic() - started < 30
    found = result.active()
    # uniqueItems at every level kubelint walks (160 keys, 80 levels), none further, no traceback
    assert len(found) == 81 and all(f.rule == "KL158" and "uniqueItems" in f.message for f in found)


def test_a_wide_schema_is_checked_in_bounded_time():
    schema = {"type": "object", "properties": {f"p{i}": {"type": "array", "x-kubernetes-list-type": "set",
                                                         "items": {"type": "object"}} for i in range(500)}}
    started = time.monotonic()
    result = run_text(_crd(schema), "wide.json", select=["KL158"])
    assert time.monotonic() - started < 30
    assert len(result.active()) == 500  # each set of non-atomic objects is reported once


def test_a_rule_nested_fifty_comprehensions_deep_is_no_crash():
    rule = "self.l" + "".join(f".all(x{i}, self.l" for i in range(50)) + ".size() > 0" + ")" * 50
    schema = {"type": "object", "properties": {"l": {"type": "array", "items": {"type": "string"}}},
              "x-kubernetes-validations": [{"rule": rule}]}
    result = run_text(_crd(schema), "rule.json", select=["KL158"])
    assert all(f.rule == "KL158" for f in result.active())
