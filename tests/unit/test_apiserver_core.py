"""The core-group API server checks (rules/apiserver): the field-error wording, Go's base64 and
value syntax, and the cases too large or too specific for the golden fixtures."""

from __future__ import annotations

import copy
import glob
import json
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.findings import Severity
from kubelint.rules.apiserver import errors, syntax
from tests.helpers import run_text


def _found(text: str, rule: str):
    return [(f.rule, f.line, f.column, f.severity.value, f.message) for f in run_text(text, select=[rule]).active()]


# --- errors.py: field.ErrorList's wording (apimachinery/pkg/util/validation/field/errors.go) ---

def test_not_supported_wording_and_case_hint():
    report = errors.not_supported(("spec", "containers", 0, "imagePullPolicy"), "always",
                                  ("Always", "IfNotPresent", "Never"))
    assert report.message == ('spec.containers[0].imagePullPolicy: Unsupported value: "always": supported values: '
                              '"Always", "IfNotPresent", "Never" (did you mean "Always"?)')
    assert report.anchor == "value" and report.severity is None


@pytest.mark.parametrize("value, shown", [
    ("x", '"x"'), ('say "hi"', r'"say \"hi\""'), ("tab\there", r'"tab\there"'), ("\x01", r'"\x01"'),
    ("né", '"né"'), (None, "null"), (True, "true"), (5, "5"), (2.0, "2"), (1.5, "1.5"),
])
def test_values_print_as_go_prints_them(value, shown):
    assert errors.go_value(value) == shown


def test_required_points_at_the_parent_when_absent_and_at_the_value_when_empty():
    assert errors.required(("spec", "containers")).anchor == "key"
    assert errors.required(("spec", "containers"), present=True).anchor == "value"
    assert errors.required(("a",), "why").message == "a: Required value: why"


def test_other_error_types():
    assert errors.forbidden(("a",), "no").message == "a: Forbidden: no"
    assert errors.duplicate(("a",), "x").message == 'a: Duplicate value: "x"'
    assert errors.too_long(("data",), 10).message == "data: Too long: must have at most 10 bytes"
    assert errors.too_many(("a",), 5, 3).message == "a: Too many: 5: must have at most 3 items"
    assert errors.not_found(("a",), "x").message == 'a: Not found: "x"'
    assert errors.invalid(("a",), "x", "bad", field="b").message == 'b: Invalid value: "x": bad'
    assert errors.warning(("a",), "careful").severity is Severity.WARNING


# --- syntax.py: apimachinery's value checks, word for word ----------------------------------

def test_regex_error_matches_go_spacing():
    assert syntax.regex_error("m", "f", "a", "b") == "m (e.g. 'a',  or 'b', regex used for validation is 'f')"
    assert syntax.regex_error("m", "f") == "m (regex used for validation is 'f')"


@pytest.mark.parametrize("key, ok", [("a.b", True), ("KEY_NAME", True), ("a b", False), (".", False),
                                     ("..", False), ("..a", False), ("x" * 254, False)])
def test_config_map_key(key, ok):
    assert (syntax.config_map_key(key) == ()) is ok


def test_dns_label_says_dots_when_it_is_a_subdomain():
    assert syntax.dns1123_label("a.b") == ("must not contain dots",)


@pytest.mark.parametrize("value, relaxed, ok", [("MY_VAR", False, True), ("1VAR", False, False), ("1VAR", True, True),
                                                ("A=B", True, False), ("", True, False), ("..", False, False)])
def test_env_var_names(value, relaxed, ok):
    assert (syntax.env_var_name(value, relaxed) == ()) is ok


@pytest.mark.parametrize("value, ok", [("10.0.0.1", True), ("010.000.000.001", True), ("::1", True),
                                       ("256.1.1.1", False), ("fe80::1%eth0", False), ("host", False), ("", False)])
def test_sloppy_ip_parsing(value, ok):
    assert syntax.is_ip_sloppy(value) is ok


@pytest.mark.parametrize("text, result", [
    ("", (0, None)), ("YWJj", (3, None)), ("YQ==", (1, None)), ("YW\nJj", (3, None)),
    ("abc", (0, 0)), ("a===", (0, 1)), ("YQ=", (0, 3)), ("YQ==x", (1, 4)), ("not base64!", (0, 3)),
    ("YWJj====", (3, 4)), ("YQ==YQ==", (1, 4)), ("é", (0, 0)),
])
def test_base64_as_go_decodes_it(text, result):
    """encoding/base64.StdEncoding.Decode: CorruptInputError offsets, newlines skipped."""
    assert syntax.go_base64(text) == result


# --- cases kept out of the golden fixtures ---------------------------------------------------

def test_config_map_over_one_mebibyte():
    """validation_test.go TestValidateConfigMap: data and binaryData total at most 1 MiB."""
    big = "x" * (1024 * 1024)
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  a: {big}\nbinaryData:\n  b: YQ==\n"
    assert _found(text, "KL127") == [("KL127", 5, 3, "error", "data and binaryData: Too long: must have at most "
                                                              "1048576 bytes (the contents total 1,048,577 bytes)")]


def test_secret_size_counts_decoded_bytes_and_string_data_wins():
    """ValidateSecret after stringData is merged into data: 1 MiB of decoded bytes is fine."""
    import base64

    exactly = base64.b64encode(b"x" * (1024 * 1024)).decode()
    text = (f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ndata:\n  a: {exactly}\nstringData:\n  a: small\n")
    assert _found(text, "KL127") == []


def test_every_invalid_field_is_reported_not_only_the_first():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  restartPolicy: always
  dnsPolicy: clusterFirst
  containers:
    - name: a
      image: nginx:1.27
      imagePullPolicy: always
    - name: b
      image: nginx:1.27
      imagePullPolicy: never
"""
    found = _found(text, "KL121") + _found(text, "KL122")
    assert [(line, column) for _, line, column, _, _ in found] == [(5, 18), (6, 14), (10, 24), (13, 24)]


def test_wrong_types_are_left_to_the_schema_check():
    text = """apiVersion: v1
kind: Pod
metadata: {name: p, finalizers: [1], ownerReferences: [x]}
spec:
  restartPolicy: [Always]
  tolerations: [{operator: 5}]
  volumes: [{name: v, secret: [x]}]
  containers: [{name: a, image: nginx, imagePullPolicy: {x: 1}, env: [{name: 5}], volumeMounts: 7}]
"""
    for rule in ("KL120", "KL121", "KL122", "KL123", "KL124", "KL125", "KL126"):
        assert _found(text, rule) == [], rule


def test_kubernetes_version_gates():
    """Checks that depend on feature gates follow the chosen version's defaults."""
    text = """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: nginx:1.27
      env: [{name: 1ABC, value: x}]
      securityContext: {procMount: Unmasked}
"""
    new = run_text(text, select=["KL122", "KL125"], kubernetes_version="1.37").active()
    old = run_text(text, select=["KL122", "KL125"], kubernetes_version="1.31").active()
    assert [f.rule for f in new] == ["KL125"]  # relaxed env names (1.32+); ProcMountType on (1.33+)
    assert [f.rule for f in old] == ["KL122"]  # strict env names; procMount dropped, not validated


# --- robustness: any node of a valid fixture replaced by a value of any type ------------------

def _fixture_documents():
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rules", "cases")
    documents = []
    for path in sorted(glob.glob(os.path.join(here, "KL12*", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            documents += [d for d in yaml.safe_load_all(handle) if isinstance(d, dict)]
    return documents


_DOCUMENTS = _fixture_documents()
_ODD_VALUES = [None, True, 0, -1, 2 ** 40, 1.5, "", "a b", "..", [], {}, [1], {"a": 1}, ["x", None], {"": None},
               "YQ==", "ENC[x]", "${X}"]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(_DOCUMENTS) - 1),
       st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, len(_ODD_VALUES) - 1)), min_size=1, max_size=4))
def test_rules_survive_any_node_of_any_type(document, mutations):
    """Bad input never produces a traceback: no 'internal error' finding from KL120-KL129."""
    data = copy.deepcopy(_DOCUMENTS[document])
    for where, odd in mutations:
        paths = [p for p in _paths(data) if p and p[0] not in ("apiVersion", "kind")]
        if not paths:
            break
        path = paths[where % len(paths)]
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = copy.deepcopy(_ODD_VALUES[odd])
    rules = [f"KL12{n}" for n in range(10)]
    result = run_text(json.dumps(data, default=str), "x.json", select=rules)
    assert not any("internal error" in f.message for f in result.findings), result.findings
