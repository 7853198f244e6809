"""CRDs and the built-in API groups: a CRD cannot define kinds of a built-in group (`apps` has no
dot), a CRD in a `*.k8s.io` group needs the approval annotation, and a CRD version of a built-in
kind never replaces the built-in schema (the built-in API answers those requests first)."""

from __future__ import annotations

import pytest

from kubelint.schemas.crd import read_crd
from tests.helpers import crd_yaml, run_text

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: dont-fire-web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.25}]
"""

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: dont-fire-web}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
"""


def _crd(group: str, kind: str, plural: str, annotations: str = "") -> str:
    return crd_yaml(kind, "type: object\nproperties: {only: {type: string}}", group=group, plural=plural,
                    metadata=f"name: {plural}.{group}\n{annotations}")


def _messages(text: str):
    return [(f.rule, f.severity.value, f.line, f.message) for f in run_text(text, select=["KL1"]).active()]


def test_fire_a_crd_in_a_built_in_group_is_refused_and_the_built_in_schema_stays():
    """apiextensions validation.go: validateCustomResourceDefinitionSpec, "should be a domain
    with at least one dot" (TestValidateCustomResourceDefinition "bad names 01": group "group")."""
    text = _crd("apps", "Deployment", "deployments") + "---\n" + DEPLOYMENT
    assert _messages(text) == [
        ("KL107", "error", 6, 'spec.group: Invalid value: "apps": should be a domain with at least one dot')]


def test_fire_a_protected_group_without_the_approval_annotation():
    text = _crd("widgets.k8s.io", "Widget", "widgets")
    assert _messages(text) == [(
        "KL107", "error", 4, 'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups '
        'must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111')]


@pytest.mark.parametrize("value, valid", [
    # apihelpers/helpers_test.go: TestGetAPIApprovalState
    ("unapproved", True), ("unapproved, experimental-only", True), ("Unapproved", False),
    ("https://github.com/kubernetes/kubernetes/pull/78458", True),
    ("github.com/kubernetes/kubernetes/pull/78458", False), ("http:///kubernetes/kubernetes/pull/78458", False),
    ("/", False),
])
def test_the_approval_annotation_is_a_url_or_unapproved(value, valid):
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "metadata": {"annotations": {"api-approved.kubernetes.io": value}},
           "spec": {"group": "gateway.networking.k8s.io", "names": {"kind": "Gateway"},
                    "versions": [{"name": "v1", "served": True, "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
    assert (read_crd(crd).issues == []) is valid


def test_fire_warning_a_crd_version_of_a_built_in_kind_never_replaces_it():
    """An approved CRD may claim networking.k8s.io, but kube-apiserver serves networking.k8s.io/v1
    itself: the Ingress keeps its built-in schema (no "unknown field defaultBackend")."""
    annotation = "annotations: {api-approved.kubernetes.io: 'https://github.com/kubernetes/enhancements/pull/1111'}"
    text = _crd("networking.k8s.io", "Ingress", "ingresses", annotation) + "---\n" + INGRESS
    assert _messages(text) == [(
        "KL107", "warning", 11, "Ingress networking.k8s.io/v1 is a built-in kind: the API server serves its built-in "
        "API, never this version of the CRD (objects are validated against the built-in schema)")]


def test_dont_fire_an_approved_crd_of_its_own_kind():
    annotation = "annotations: {api-approved.kubernetes.io: unapproved, testing only}"
    resource = "---\napiVersion: widgets.k8s.io/v1\nkind: Widget\nmetadata: {name: dont-fire}\nspec: {only: x}\n"
    assert _messages(_crd("widgets.k8s.io", "Widget", "widgets", annotation) + resource) == []
