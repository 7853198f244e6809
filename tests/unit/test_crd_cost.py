"""KL158's lower bound of the API server's estimated CEL cost at CRD creation
(apiextensions validation.go, schema/cel/compilation.go, k8s.io/apiserver/pkg/cel/common/schemas.go)."""

from __future__ import annotations

import pytest

from kubelint.rules.apiserver import crd_cost
from kubelint.rules.apiserver.crd_cost import REQUEST, max_elements, min_size

STRING = {"type": "string"}


@pytest.mark.parametrize("items,divisor", [
    # k8s.io/apiserver pkg/cel/openapi/schemas_test.go TestEstimateMaxLengthJSON: the divisor of
    # (maxRequestSizeBytes - 2) for a list without maxItems
    ({"type": "boolean"}, 5),
    ({"type": "string", "format": "date-time"}, 22),
    ({"type": "string", "format": "date"}, 13),
    ({"type": "integer"}, 2),
    ({"type": "string"}, 3),
    ({"type": "object", "required": ["required"], "properties": {"required": STRING}}, 17),
    ({"type": "object"}, 3),
])
def test_unbounded_list_size_is_estimated_from_the_smallest_item(items, divisor):
    assert max_elements({"type": "array", "items": items}) == (REQUEST - 2) // divisor


def test_bounds_are_taken_from_max_items_and_max_properties():
    assert max_elements({"type": "array", "maxItems": 7, "items": STRING}) == 7
    assert max_elements({"type": "object", "maxProperties": 3, "additionalProperties": STRING}) == 3
    assert max_elements({"type": "object", "additionalProperties": STRING}) == (REQUEST - 2) // (2 + 6)
    assert min_size({"type": "object", "required": ["a"], "properties": {"a": dict(STRING, default="x")}}) == 2


@pytest.mark.parametrize("schemas,expected", [
    # apiextensions validation_test.go TestCostInfo
    ([{"type": "object", "properties": {}}], 1),
    ([{"type": "array", "maxItems": 5}], 5),
    ([{"type": "array"}], None),
    ([{"type": "object", "maxProperties": 10, "additionalProperties": {}}], 10),
    ([{"type": "object", "additionalProperties": {}}], None),
    ([{"type": "object", "maxProperties": 5, "additionalProperties": {}}, {"type": "array", "maxItems": 5}], 25),
    ([{"type": "object", "maxProperties": 5, "additionalProperties": {}}, {"type": "array"}], None),
    ([{"type": "array", "maxItems": 3}, {"type": "object", "properties": {}}], 3),
])
def test_cardinality_is_the_product_of_the_bounds_above(schemas, expected):
    leaf = {"type": "string", "x-kubernetes-validations": [{"rule": "true"}]}
    node = leaf
    for schema in reversed(schemas):
        schema = dict(schema)
        if schema["type"] == "array":
            schema["items"] = node
        elif "additionalProperties" in schema:
            schema["additionalProperties"] = node
        else:
            schema["properties"] = {"f": node}
        node = schema
    sites = crd_cost._sites({"type": "object", "properties": {"top": node}}, ())
    assert [site.cardinality for site in sites] == [expected]


pytest.importorskip("cel_expr_python")


def _bound(rule: str, schema: dict) -> int:
    from kubelint.cel.environment import compile_expression

    return crd_cost.lower_bound(compile_expression(rule).tree, schema)


def test_nested_comprehensions_multiply_their_ranges():
    lists = {"type": "object", "properties": {"a": {"type": "array", "items": STRING},
                                              "b": {"type": "array", "maxItems": 10, "items": STRING}}}
    unbounded = (REQUEST - 2) // 3
    assert _bound("self.a.all(x, self.b.all(y, x != y))", lists) == unbounded * 10
    assert _bound("self.b.all(x, self.b.exists(y, x == y))", lists) == 10 * 10
    assert _bound("self.a.size() > 1", lists) == 0  # no comprehension: not counted
    # the iteration variable resolves to the items' schema
    nested = {"type": "array", "maxItems": 4, "items": {"type": "object", "properties": {"c": {
        "type": "array", "maxItems": 6, "items": STRING}}}}
    assert _bound("self.all(i, i.c.all(s, s != ''))", nested) == 4 * 6


def test_string_functions_are_not_counted_so_upstreams_contains_case_is_not_reported():
    # validation_test.go "forbid validation rules where cost total exceeds total limit": upstream refuses
    # it for self.contains() on 100000 strings of 5000 characters; kubelint's lower bound counts no
    # string traversal, so it says nothing (a false negative, never a false error).
    schema = {"type": "object", "properties": {"list": {"type": "array", "maxItems": 100000, "items": {
        "type": "string", "maxLength": 5000, "x-kubernetes-validations": [{"rule": "self.contains('keyword')"}]}}}}
    assert list(crd_cost.cost_reports(schema, ("spec",))) == []
