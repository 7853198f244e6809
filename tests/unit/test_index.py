"""The set index: what cross-object rules ask of the whole input (DESIGN §2)."""

from __future__ import annotations

import pytest

from kubelint.input.loader import load_file
from kubelint.model.index import SetIndex, is_namespaced
from kubelint.model.objects import K8sObject
from tests.helpers import run_text

SET = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast, namespace: ignored}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web, tier: frontend}}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl, namespace: shop}
template:
  metadata: {labels: {app: tpl}}
---
apiVersion: v1
kind: Pod
metadata: {name: pod}
spec: {}
"""


@pytest.fixture(scope="module")
def index():
    return SetIndex(K8sObject(m) for m in load_file("set.yaml", SET.encode()).manifests)


def names(objects):
    return [(o.kind, o.namespace, o.name) for o in objects]


def test_get_and_all_named(index):
    assert index.get("ConfigMap", "shop", "cfg").manifest.document == 1
    assert [o.manifest.document for o in index.all_named("ConfigMap", "shop", "cfg")] == [1, 3]
    assert index.get("ConfigMap", "default", "cfg").manifest.document == 2
    assert index.get("ConfigMap", "other", "cfg") is None and index.all_named("ConfigMap", "other", "cfg") == []
    # A cluster-scoped kind is found whatever namespace is asked for (or written on it).
    assert index.get("StorageClass", "anything", "fast").name == "fast"
    assert index.get("Namespace", "shop", "shop").name == "shop"


def test_only_names_given_twice_get_a_list(index):
    """A large run keeps the index to the end: a unique name is one dict entry, not a key tuple
    and a list each; only (kind, namespace, name) given twice keeps a list, in set order."""
    assert list(index._duplicates) == [("ConfigMap", "shop", "cfg")]
    assert index.all_named("Pod", "default", "pod") == [index.get("Pod", "default", "pod")]


def test_has_kind(index):
    assert index.has_kind("ConfigMap") and index.has_kind("ConfigMap", "shop") and index.has_kind("ConfigMap", "default")
    assert not index.has_kind("ConfigMap", "other") and not index.has_kind("Secret")
    assert index.has_kind("StorageClass", "shop") and index.has_kind("StorageClass", "")
    assert index.has_kind("Namespace", "default")


def test_of_kind(index):
    assert names(index.of_kind("ConfigMap")) == [("ConfigMap", "shop", "cfg"), ("ConfigMap", "default", "cfg"),
                                                 ("ConfigMap", "shop", "cfg")]
    assert names(index.of_kind("ConfigMap", "shop")) == [("ConfigMap", "shop", "cfg"), ("ConfigMap", "shop", "cfg")]
    assert names(index.of_kind("ConfigMap", "default")) == [("ConfigMap", "default", "cfg")]
    assert index.of_kind("Secret") == []


def test_namespaces_are_the_namespace_objects_of_the_set(index):
    assert index.namespaces == {"shop"}


def test_pod_templates_by_namespace(index):
    assert index.has_pod_templates("shop") and index.has_pod_templates("default")  # the Deployment; the Pod
    assert not index.has_pod_templates("other")


@pytest.mark.parametrize("namespace, selector, expected", [
    ("shop", {"app": "web"}, [("Deployment", "shop", "web")]),
    ("shop", {"app": "web", "tier": "frontend"}, [("Deployment", "shop", "web")]),
    ("shop", {"app": "web", "tier": "db"}, []),
    ("shop", {"tier": "frontend", "app": "api"}, []),
    ("default", {"app": "web"}, []),  # another namespace
    ("shop", {}, []),  # an empty selector selects nothing here (rules handle "select all" themselves)
    ("shop", {"app": "tpl"}, []),  # a PodTemplate runs no pods
])
def test_pods_selected_by(index, namespace, selector, expected):
    assert names(index.pods_selected_by(namespace, selector)) == expected


def test_selector_values_are_compared_as_strings():
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {version: '1'}\nspec: {}\n")
    index = SetIndex(K8sObject(m) for m in load_file("p.yaml", text.encode()).manifests)
    assert names(index.pods_selected_by("default", {"version": 1})) == [("Pod", "default", "p")]


def test_a_pod_template_object_is_not_what_a_service_selects():
    text = ("apiVersion: v1\nkind: PodTemplate\nmetadata: {name: tpl}\ntemplate:\n  metadata: {labels: {app: web}}\n"
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: other, labels: {app: other}}\n"
            "spec: {containers: [{name: c, image: nginx:1.27}]}\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n"
            "  ports: [{port: 80}]\n")
    assert [(f.rule, f.line, f.column) for f in run_text(text, select=["KL313"]).active()] == [("KL313", 16, 13)]


@pytest.mark.parametrize("kind, namespaced", [
    ("ConfigMap", True), ("Deployment", True), ("Widget", True),
    ("Namespace", False), ("ClusterRole", False), ("StorageClass", False), ("CustomResourceDefinition", False),
])
def test_is_namespaced(kind, namespaced):
    assert is_namespaced(kind) is namespaced
