"""Hostile CRD schemas end in a finding, in bounded time, never a traceback: deep allOf nesting,
hundreds of thousands of properties, patterns that are not regular expressions."""

from __future__ import annotations

import json
import time

import pytest

from kubelint.findings import Severity
from kubelint.schemas.crd import MAX_SCHEMA_NODES, read_crd, translate_pattern
from kubelint.schemas.store import SchemaStore
from tests.helpers import crd_yaml, run_text


def _crd(schema, kind="Hostile"):
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{kind.lower()}s.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced", "names": {"kind": kind, "plural": f"{kind.lower()}s"},
                     "versions": [{"name": "v1", "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": schema}}]}}


def _spec(properties):
    return {"type": "object", "properties": {"spec": {"type": "object", "properties": properties}}}


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def test_490_nested_allof_is_a_warning_not_a_recursion_error():
    nested = '{"allOf": [' * 490 + '{"type": "string"}' + "]}" * 490  # deeper than json.dumps goes
    text = json.dumps(_crd(_spec({"x": "NESTED"}))).replace('"NESTED"', nested) + "\n---\n" + json.dumps(
        {"apiVersion": "example.com/v1", "kind": "Hostile", "metadata": {"name": "h"}, "spec": {"x": "a"}}) + "\n"
    result, seconds = _timed(lambda: run_text(text, select=["KL1"]))
    assert [(f.rule, f.severity) for f in result.active()] == [("KL107", Severity.WARNING), ("KL106", Severity.WARNING)]
    deep, unchecked = (f.message for f in result.active())
    assert deep.startswith("...") and deep.endswith(
        "allOf[0]: the schema is nested more than 160 keys deep here; kubelint does not validate the custom "
        "resources of this version")
    assert unchecked == ("no schema for Hostile example.com/v1 in Kubernetes 1.37: the schema of CRD "
                         "hostiles.example.com for v1 is too large for kubelint (see KL107)")
    assert seconds < 20


def test_a_crd_over_the_request_size_limit_is_refused_quickly():
    """200,000 properties: 5 MiB as JSON, over the API server's 3 MiB request limit."""
    crd = _crd(_spec({f"p{i}": {"type": "string"} for i in range(200_000)}))
    reading, seconds = _timed(read_crd, crd)
    assert [(i.rule, i.severity, i.message) for i in reading.issues] == [
        ("KL107", None, "the CRD is 5.2 MiB as JSON; the API server refuses a request over 3 MiB, so it cannot be "
                        "created (its custom resources are not validated)")]
    assert reading.versions == [] and seconds < 10


def test_a_schema_with_too_many_nodes_is_a_warning_and_not_converted():
    crd = _crd(_spec({f"p{i}": {"type": "string"} for i in range(MAX_SCHEMA_NODES + 10)}))
    reading, seconds = _timed(read_crd, crd)
    assert [(i.rule, i.severity) for i in reading.issues] == [("KL107", Severity.WARNING)]
    assert f"more than {MAX_SCHEMA_NODES:,} nodes" in reading.issues[0].message
    assert reading.versions == [] and "too large for kubelint" in reading.unusable["example.com/v1"]
    assert seconds < 20


def test_dont_fire_a_large_real_sized_schema():
    crd = _crd(_spec({f"p{i}": {"type": "string", "maxLength": 10} for i in range(5_000)}))
    reading = read_crd(crd)
    assert reading.issues == [] and len(reading.versions) == 1


# The schema below starts at line 17 of the CRD (see crd_yaml): `bad` is line 19.
PATTERN_CRD = crd_yaml("Thing", """\
    type: object
    properties:
      bad: {type: string, pattern: "+"}
      look: {type: string, pattern: "^(?!x)a$"}
      posix: {type: string, pattern: "^[[:alpha:]]+$"}
      huge: {type: string, pattern: "a{1001}"}
""")


def test_fire_a_pattern_that_is_not_a_regular_expression():
    """apiextensions-apiserver pkg/apiserver/validation/validation_test.go: TestValidateCustomResource,
    "invalid regex": the CRD is accepted, every value of the field is refused."""
    pytest.importorskip("cel_expr_python")
    resource = "---\napiVersion: example.com/v1\nkind: Thing\nmetadata: {name: fire-t}\nspec: {bad: foo, posix: abc}\n"
    result = run_text(PATTERN_CRD + resource, select=["KL1"])
    prefix = "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties."
    assert [(f.rule, f.line, f.column, f.message) for f in result.active()] == [
        ("KL107", 19, 44, prefix + 'bad.pattern: pattern "+" is not a valid regular expression (no argument for '
                                   "repetition operator: +): the API server refuses every value of this field"),
        ("KL107", 20, 45, prefix + 'look.pattern: pattern "^(?!x)a$" is not a valid regular expression (invalid '
                                   "perl operator: (?!): the API server refuses every value of this field"),
        ("KL107", 22, 45, prefix + 'huge.pattern: pattern "a{1001}" is not a valid regular expression (invalid '
                                   "repetition size: {1001}): the API server refuses every value of this field"),
        ("KL101", 27, 13, "spec.bad: \"foo\" should match '+', but pattern is invalid: no argument for repetition "
                          "operator: +"),
    ]


@pytest.mark.parametrize("pattern, expected", [
    ("^[[:alpha:]]+$", "^[A-Za-z]+$"),  # RE2 ASCII classes: Python would read a set of characters
    ("^[[:alnum:]_-]{1,63}$", "^[0-9A-Za-z_-]{1,63}$"),
    ("[[:^digit:]]", None),
])
def test_posix_classes_are_written_out(pattern, expected):
    assert translate_pattern(pattern) == expected


def test_a_huge_pattern_is_handled_in_bounded_time():
    store = SchemaStore("1.37")
    from kubelint.input.loader import load_file

    crd = _crd(_spec({"x": {"type": "string", "pattern": "(" * 3000 + "a" + ")" * 3000 + "|" + "b" * 50_000}}))
    manifests = load_file("crd.json", json.dumps(crd).encode()).manifests
    problems, seconds = _timed(store.add_crds, manifests)
    assert all(issue.rule == "KL107" for _, issue in problems) and seconds < 20
    validator = store.validator("example.com/v1", "Hostile")
    assert validator is None or isinstance(validator.issues({"spec": {"x": "a"}}), list)
