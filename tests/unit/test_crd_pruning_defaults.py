"""Custom resources checked as the API server decodes them: unknown fields kept or pruned exactly
as apiextensions-apiserver's pruning does (x-kubernetes-preserve-unknown-fields carried into the
items of an array), and structural defaults applied before validation (so a required field with
a default is never missing)."""

from __future__ import annotations

from kubelint.schemas.defaulting import apply, build
from tests.helpers import crd_yaml, run_text

PRESERVING_CRD = crd_yaml("Pipeline", """\
    type: object
    properties:
      steps:                 # a list of free-form steps that names a few of their fields
        type: array
        x-kubernetes-preserve-unknown-fields: true
        items:
          type: object
          properties:
            name: {type: string}
            config:
              type: object
              properties:
                level: {type: integer}
      matrix:                # preserving carries through nested arrays to the objects
        type: array
        x-kubernetes-preserve-unknown-fields: true
        items:
          type: array
          items:
            type: object
            properties:
              a: {type: string}
      plain:                 # no preserve: the items' unknown fields are pruned
        type: array
        items:
          type: object
          properties:
            name: {type: string}
      byName:                # preserving is not inherited by additionalProperties
        type: object
        x-kubernetes-preserve-unknown-fields: true
        additionalProperties:
          type: object
          properties:
            specified: {type: object}
""")


def _findings(crd: str, resource: str, rules=("KL101", "KL102", "KL103")):
    text = crd + "---\n" + resource
    offset = crd.count("\n") + 1
    return [(f.rule, f.line - offset, f.column, f.message) for f in run_text(text, select=list(rules)).active()]


def test_dont_fire_unknown_fields_in_objects_of_a_preserving_array():
    """pruning/algorithm.go: skipPrune(v, s.Items) for each item of a preserving array; the
    fields an item's schema names are still pruned (prune(v, &prop)), see TestPrune "nested
    x-kubernetes-preserve-unknown-fields"."""
    resource = """apiVersion: example.com/v1
kind: Pipeline
metadata: {name: dont-fire-steps}
spec:
  steps:
  - name: build
    image: golang:1.22
    args: [go, build]
  matrix:
  - - a: x
      b: y
  byName:
    first: {specified: {}}
"""
    assert _findings(PRESERVING_CRD, resource) == []


def test_fire_unknown_fields_where_pruning_still_applies():
    resource = """apiVersion: example.com/v1
kind: Pipeline
metadata: {name: fire-steps}
spec:
  steps:
  - name: build
    config: {level: 1, color: red}
  plain:
  - name: a
    extra: 1
  byName:
    first: {specified: {}, unspecified: bar}
"""
    assert _findings(PRESERVING_CRD, resource) == [
        ("KL102", 7, 24, 'spec.steps[0].config: unknown field "color"'),
        ("KL102", 10, 5, 'spec.plain[0]: unknown field "extra"'),
        ("KL102", 12, 28, 'spec.byName.first: unknown field "unspecified", did you mean "specified"?'),
    ]


DEFAULTING_CRD = crd_yaml("Rollout", """\
    type: object
    required: [replicas, strategy, image]   # kubebuilder: required fields with +default
    properties:
      image: {type: string}
      replicas: {type: integer, minimum: 0, default: 1}
      strategy:
        type: object
        default: {}
        required: [type]
        properties:
          type: {type: string, enum: [RollingUpdate, Recreate], default: RollingUpdate}
      ports:
        type: array
        items:
          type: object
          required: [port, protocol]
          properties:
            port: {type: integer}
            protocol: {type: string, default: TCP}
      timeout: {type: string, default: 30s}
""") + """\
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [replicas]
            properties:
              replicas: {type: integer}
"""


def test_dont_fire_required_fields_that_have_defaults():
    """The server defaults while decoding (defaulting/algorithm.go: Default), before validation:
    missing fields, a defaulted object's own defaulted fields, each list item's, and a null in a
    field that is not nullable all take their default."""
    resource = """apiVersion: example.com/v1
kind: Rollout
metadata: {name: dont-fire-defaults}
spec:
  image: web:1
  replicas: null
  ports:
  - port: 80
"""
    assert _findings(DEFAULTING_CRD, resource) == []


def test_fire_required_fields_without_defaults_and_defaults_per_version():
    resource = """apiVersion: example.com/v1
kind: Rollout
metadata: {name: fire-no-image}
spec:
  strategy: {}
---
apiVersion: example.com/v2
kind: Rollout
metadata: {name: fire-v2-has-no-default}
spec: {}
"""
    assert _findings(DEFAULTING_CRD, resource) == [
        ("KL103", 5, 3, 'spec: missing required field "image"'),
        ("KL103", 10, 7, 'spec: missing required field "replicas"'),
    ]


def test_defaulting_follows_the_upstream_algorithm_cases():
    """Cases of TestDefault in apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm_test.go."""
    items_schema = {"type": "array", "items": {"type": "object", "properties": {
        "a": {"default": "A"}, "b": {"default": "B"}, "c": {"default": "C"}}}}
    defaults = build({"type": "object", "properties": {"list": items_schema}}, 10)
    # "object array"
    assert apply({"list": [{"a": 1}, {"b": 1}, {"c": 1}]}, defaults) == {"list": [
        {"a": 1, "b": "B", "c": "C"}, {"a": "A", "b": 1, "c": "C"}, {"a": "A", "b": "B", "c": 1}]}
    # "null in nullable object" / "null in non-nullable object"
    nullable = build({"properties": {"a": {"nullable": True, "default": "A"}}}, 10)
    assert apply({"a": None}, nullable) == {"a": None}
    not_nullable = build({"properties": {"a": {"default": "A"}}}, 10)
    assert apply({"a": None}, not_nullable) == {"a": "A"}
    # "null in non-nullable list"
    listed = build({"properties": {"l": {"items": {"default": "A"}}}}, 10)
    assert apply({"l": [None]}, listed) == {"l": ["A"]}
    # "null in non-nullable object with additionalProperties"
    extra = build({"properties": {"m": {"additionalProperties": {"default": "A"}}}}, 10)
    assert apply({"m": {"a": None}}, extra) == {"m": {"a": "A"}}


def test_defaulting_copies_only_what_it_changes():
    defaults = build({"properties": {"spec": {"properties": {"x": {"default": 1}}}, "other": {"type": "object"}}}, 10)
    other = {"deep": [1, 2]}
    original = {"spec": {}, "other": other}
    result = apply(original, defaults)
    assert result == {"spec": {"x": 1}, "other": other} and original == {"spec": {}, "other": other}
    assert result["other"] is other
    untouched = {"spec": {"x": 2}, "other": other}
    assert apply(untouched, defaults) is untouched
