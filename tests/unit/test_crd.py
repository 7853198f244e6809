"""Custom resources validated with the CRDs of the run: structural-schema extensions, exact
findings, invalid CRDs reported at their node, the same findings from both engines."""

from __future__ import annotations

import os

import pytest

from kubelint.findings import ObjectRef
from kubelint.input.loader import Manifest, SourceFile, load_file
from kubelint.schemas.crd import read_crd, translate_pattern
from kubelint.schemas.store import SchemaStore
from tests.helpers import HERE, run_paths, run_text

FIXTURES = os.path.join(HERE, "fixtures", "crd")
WIDGET_CRD = os.path.join(FIXTURES, "widget-crd.yaml")
WIDGETS = os.path.join(FIXTURES, "widgets.yaml")
INVALID = os.path.join(FIXTURES, "invalid-crds.yaml")


def messages(result, rules=("KL1",)):
    return [(f.rule, f.line, f.column, f.message) for f in result.active() if f.rule.startswith(rules)]


def widget_findings(**settings):
    result = run_paths([WIDGETS], crd_paths=[WIDGET_CRD], select=["KL1"], **settings)
    return messages(result)


def test_a_valid_custom_resource_has_no_finding():
    """int-or-string, preserve-unknown-fields, embedded-resource, a list-map whose keys differ
    by a defaulted key, a set, nullable fields and items, ObjectMeta labels: all accepted."""
    assert [f for f in widget_findings() if f[1] < 28] == []


def test_every_violation_of_a_custom_resource_is_reported_at_its_node():
    assert [f for f in widget_findings() if 28 < f[1] < 49] == [
        ("KL102", 33, 3, 'metadata: unknown field "lables", did you mean "labels"?'),
        ("KL101", 35, 9, 'spec.size: "medium" is not one of "small", "large"'),
        ("KL101", 36, 13, "spec.replicas: 0 must be at least 1"),
        ("KL101", 37, 9, "spec.port: expected string or integer, got number 1.5"),
        ("KL101", 38, 13, 'spec.interval: "soon" does not match the pattern ^(?i)[0-9]+(s|m|h)$'),
        ("KL102", 39, 3, 'spec: unknown field "replcas", did you mean "replicas"?'),
        ("KL101", 41, 12, 'spec.config.level: expected integer, got string "high"'),
        ("KL103", 43, 5, 'spec.template: missing required field "apiVersion"'),
        ("KL103", 43, 5, 'spec.template: missing required field "kind"'),
        ("KL108", 46, 5, 'spec.ports[1]: duplicate entry with name "web", protocol "TCP" '
                         "(the list is keyed by name, protocol; first at spec.ports[0])"),
        ("KL108", 47, 16, 'spec.tags[2]: duplicate value "a" in a set (first at spec.tags[0])'),
    ]


def test_nulls_follow_the_api_server():
    """nullable: true allows null; a null optional field is dropped by the server (accepted);
    a null required field or list item is an error."""
    assert [f for f in widget_findings() if 49 < f[1] < 60] == [
        ("KL101", 55, 9, "spec.size: expected string, got null"),
        ("KL101", 55, 9, 'spec.size: null is not one of "small", "large"'),
        ("KL101", 58, 13, "spec.tags[1]: expected string, got null"),
    ]


def test_a_version_the_crd_does_not_serve_is_an_error_that_names_the_served_ones():
    assert widget_findings()[-1] == (
        "KL112", 61, 13, "Widget example.com/v1beta1 is not served: CRD widgets.example.com defines it but does "
                         "not serve it; it serves example.com/v1")


UNSERVED_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gizmo, plural: gizmos}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
  - name: v1alpha1
    storage: false
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"""


@pytest.mark.parametrize("version, message", [
    # `served` is a plain bool of CustomResourceDefinitionVersion: absent means not served.
    ("v1alpha1", "Gizmo example.com/v1alpha1 is not served: CRD gizmos.example.com defines it but does not serve "
                 "it; it serves example.com/v1"),
    ("v2", "Gizmo example.com/v2 is not served: CRD gizmos.example.com does not define v2; it serves example.com/v1"),
])
def test_fire_a_custom_resource_at_a_version_its_crd_does_not_serve(version, message):
    text = UNSERVED_CRD + f"---\napiVersion: example.com/{version}\nkind: Gizmo\nmetadata: {{name: fire-g}}\n"
    line = UNSERVED_CRD.count("\n") + 2
    assert messages(run_text(text, select=["KL106", "KL112"])) == [("KL112", line, 13, message)]


def test_dont_fire_a_served_version_or_a_kind_no_crd_defines():
    text = (UNSERVED_CRD + "---\napiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: dont-fire-g}\n"
            "---\napiVersion: example.com/v2\nkind: Gadget\nmetadata: {name: dont-fire-other-kind}\n")
    assert [f[0] for f in messages(run_text(text, select=["KL106", "KL112"]))] == ["KL106"]  # Gadget: no CRD


def test_no_strict_drops_unknown_fields_of_custom_resources_too():
    assert [f[:3] for f in widget_findings(strict=False) if f[0] == "KL102"] == []


def test_crd_in_the_input_set_works_like_crd_option():
    result = run_paths([WIDGETS, WIDGET_CRD], select=["KL1"])
    assert messages(result) == widget_findings()


def test_typo_in_a_custom_resource_is_reported_at_its_line():
    crd = open(WIDGET_CRD).read()
    text = crd + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: small\n  replicaz: 2\n"
    line = crd.count("\n") + 7
    assert messages(run_text(text, select=["KL1"])) == [
        ("KL102", line, 3, 'spec: unknown field "replicaz", did you mean "replicas"?')]


def test_invalid_crds_are_reported_at_their_nodes():
    result = run_paths([INVALID], select=["KL107"])
    prefix = "spec.versions[0].schema.openAPIV3Schema.properties.spec."
    missing_type = ("type is missing (a structural schema needs one here, unless "
                    "x-kubernetes-preserve-unknown-fields or x-kubernetes-int-or-string is true)")
    assert messages(result) == [
        ("KL107", 20, 23, prefix + "required: required must be a list of field names"),
        ("KL107", 22, 28, prefix + 'properties.size.type: "int" is not a schema type '
                                   "(use object, array, string, integer, number or boolean)"),
        ("KL107", 25, 24, prefix + "properties.items.items: items must be one schema "
                                   "(a list of schemas is not allowed in a CRD)"),
        ("KL107", 26, 20, prefix + "properties.ref: " + missing_type),
        ("KL107", 26, 27, prefix + 'properties.ref["$ref"]: "$ref" is not allowed in a CRD schema'),
        ("KL107", 27, 24, prefix + "properties.untyped: " + missing_type),
        ("KL107", 30, 41, prefix + "properties.ports.x-kubernetes-list-type: "
                                   "a list of type map needs x-kubernetes-list-map-keys"),
        ("KL107", 32, 5, "spec.versions[1]: version v2 has no schema.openAPIV3Schema "
                         "(required in apiextensions.k8s.io/v1); its Gadget objects are not validated"),
        ("KL107", 41, 3, "spec.group is missing or empty; no custom resource is defined"),
        ("KL107", 56, 24, "spec.versions[0].schema.openAPIV3Schema: openAPIV3Schema must be a mapping "
                          "(a schema); the custom resources are not validated"),
    ]


def test_custom_resources_of_an_invalid_crd_are_checked_as_far_as_possible():
    result = run_paths([INVALID], select=["KL1"], ignore=["KL107"])
    assert [f for f in messages(result) if f[1] > 58] == [
        ("KL101", 63, 12, 'spec.untyped: "" must be at least 1 character long'),
        ("KL102", 64, 3, 'spec: unknown field "extra"'),
        ("KL106", 67, 7, "no schema for Gadget example.com/v2 in Kubernetes 1.37: "
                         "CRD gadgets.example.com has no valid schema for v2 (see KL107)"),
        ("KL106", 71, 7, "no schema for Text example.com/v1 in Kubernetes 1.37: "
                         "CRD texts.example.com has no valid schema for v1 (see KL107)"),
    ]


@pytest.mark.parametrize("document", [
    {}, {"apiVersion": "apiextensions.k8s.io/v1"}, {"apiVersion": "apiextensions.k8s.io/v1", "spec": []},
    {"apiVersion": "apiextensions.k8s.io/v1", "spec": {"group": "g", "names": {"kind": "K"}, "versions": [None, 3]}},
    {"apiVersion": "apiextensions.k8s.io/v1", "spec": {"group": "g", "names": {"kind": "K"}, "versions": [
        {"name": "v1", "schema": {"openAPIV3Schema": {"type": "object", "properties": {"a": [1], "b": {
            "type": "array", "items": {"type": "object", "properties": None, "enum": 3,
                                       "minimum": "x", "maxLength": -1, "allOf": {}, "not": 1}}}}}}]}},
    {"apiVersion": "apiextensions.k8s.io/v2", "spec": {}},
])
def test_malformed_crds_never_crash(document):
    reading = read_crd(document)
    assert reading.issues and all(issue.rule == "KL107" for issue in reading.issues)
    manifest = Manifest(SourceFile("x.yaml"), 0, (), document,
                        ObjectRef("apiextensions.k8s.io/v1", "CustomResourceDefinition", None, None))
    store = SchemaStore("1.37")
    assert all(issue.rule == "KL107" for _, issue in store.add_crds([manifest]))
    validator = store.validator("g/v1", "K")
    assert validator is None or isinstance(validator.issues({"b": [{}], "a": 1}), list)


def test_v1beta1_crd_preserves_unknown_fields_by_default():
    crd = ("apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: olds.example.com}\n"
           "spec:\n  group: example.com\n  version: v1\n  names: {kind: Old, plural: olds}\n  validation:\n"
           "    openAPIV3Schema:\n      properties:\n        spec:\n          properties:\n"
           "            count: {type: integer}\n")
    resource = "---\napiVersion: example.com/v1\nkind: Old\nmetadata: {name: o}\nspec: {count: x, other: 1}\n"
    assert [f[:3] for f in messages(run_text(crd + resource, select=["KL101", "KL102", "KL107"]))] == [
        ("KL101", 18, 15)]
    pruned = crd.replace("  version: v1\n", "  version: v1\n  preserveUnknownFields: false\n")
    assert [f[:3] for f in messages(run_text(pruned + resource, select=["KL101", "KL102"]))] == [
        ("KL101", 19, 15), ("KL102", 19, 18)]


def test_metadata_restrictions_of_a_crd_are_kept():
    crd = open(WIDGET_CRD).read().replace(
        "        properties:\n          spec:\n",
        "        properties:\n          metadata:\n            type: object\n            properties:\n"
        "              name: {type: string, maxLength: 5}\n          spec:\n", 1)
    text = crd + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: toolong}\nspec: {size: small}\n"
    assert [f[3] for f in messages(run_text(text, select=["KL1"]))] == [
        'metadata.name: "toolong" must be at most 5 characters long']


def test_first_crd_for_a_kind_wins():
    store = SchemaStore("1.37")
    manifests = load_file(WIDGET_CRD, open(WIDGET_CRD, "rb").read()).manifests
    assert store.add_crds(manifests + manifests) == []
    assert store.has_kind("example.com/v1", "Widget")
    assert store.kinds()["example.com/v1"]["Widget"] == "crd:widgets.example.com"
    assert store.definition_name("example.com/v1", "Widget") is None
    assert store.resolve("example.com/v1", "Widget").source == "CRD widgets.example.com"


@pytest.mark.parametrize("pattern, expected", [
    ("^[a-z]+$", "^[a-z]+$"),
    ("^(?i)(abort|warn)?$", "^(?i:(abort|warn)?$)"),  # RE2 allows a flag group anywhere
    ("(a(?i)b)c", "(a(?i:b))c"),
    ("^[(](?i)x$", "^[(](?i:x$)"),
    ("x(?U)a+", None),  # ungreedy mode: neither engine has it, so the pattern is not checked
    ("[a-", None),
])
def test_go_patterns_are_translated_or_dropped(pattern, expected):
    assert translate_pattern(pattern) == expected


def test_both_engines_give_identical_findings_for_custom_resources():
    stores = {engine: SchemaStore("1.37", engine=engine) for engine in ("rust", "python")}
    crds = [m for path in (WIDGET_CRD, INVALID) for m in load_file(path, open(path, "rb").read()).manifests
            if m.ref.kind == "CustomResourceDefinition"]
    for store in stores.values():
        store.add_crds(crds)
    compared = 0
    for path in (WIDGETS, INVALID):
        for manifest in load_file(path, open(path, "rb").read()).manifests:
            key = (manifest.ref.api_version, manifest.ref.kind)
            rust, python = (stores[e].validator(*key) for e in ("rust", "python"))
            if rust is None:
                continue
            assert rust.issues(manifest.data) == python.issues(manifest.data), manifest.ref
            compared += 1
    assert compared == 7  # the CRDs themselves (bundled schema) and the custom resources
