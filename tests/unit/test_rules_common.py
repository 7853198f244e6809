"""The helpers every rule family shares (kubelint/rules/common/)."""

from __future__ import annotations

import pytest

from kubelint.input.loader import load_file
from kubelint.model.objects import K8sObject
from kubelint.rules.common.pods import (
    all_containers,
    container_group,
    container_label,
    is_sidecar,
    pod_containers,
    regular_containers,
    runs_with_pod,
    shared_per_object,
)
from kubelint.rules.common.values import api_group, dotted, int_or_none, is_int, quoted, shown, str_or_none


@pytest.mark.parametrize("value, integer", [(1, True), (0, True), (-3, True), (True, False), (False, False),
                                            (1.0, False), ("1", False), (None, False)])
def test_integers_are_not_booleans(value, integer):
    assert is_int(value) is integer
    assert int_or_none(value) == (value if integer else None)


def test_str_or_none():
    assert (str_or_none("a"), str_or_none(""), str_or_none(1), str_or_none(None)) == ("a", "", None, None)


def test_quoted():
    assert (quoted("web"), quoted(80), quoted(None), quoted(True), quoted("")) == ('"web"', "80", "None", "True", '""')


def test_shown_shortens_only_past_the_limit():
    assert shown("a" * 70) == '"' + "a" * 70 + '"'
    assert shown("a" * 71) == '"' + "a" * 70 + '..." (71 characters)'
    assert shown("abcdef", limit=5) == '"abcde..." (6 characters)'
    assert shown("abcde", limit=5) == '"abcde"'


def test_dotted_and_api_group():
    assert dotted(("spec", "ports", 0, "port")) == "spec.ports[0].port"
    assert dotted(()) == "(root)"
    assert (api_group("apps/v1"), api_group("v1"), api_group("networking.k8s.io/v1beta1")) == (
        "apps", "", "networking.k8s.io")
    assert api_group("apps/v1/extra") == "apps"  # malformed: still what comes before the first slash


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: setup, image: a}
  - {name: proxy, image: b, restartPolicy: Always}
  - {name: never, image: b, restartPolicy: Never}
  containers:
  - {name: app, image: c}
  - {image: d}
  - not a container
  ephemeralContainers:
  - {name: debug, image: e}
  - 5
"""


@pytest.fixture
def template():
    return K8sObject(load_file("p.yaml", POD.encode()).manifests[0]).pod_template


def described(containers):
    return [(c.pointer, container_group(c), container_label(c), is_sidecar(c), runs_with_pod(c)) for c in containers]


def test_containers_in_the_api_server_s_order(template):
    assert described(all_containers(template)) == [
        (("spec", "initContainers", 0), "initContainers", 'container "setup"', False, False),
        (("spec", "initContainers", 1), "initContainers", 'container "proxy"', True, True),
        (("spec", "initContainers", 2), "initContainers", 'container "never"', False, False),
        (("spec", "containers", 0), "containers", 'container "app"', False, True),
        (("spec", "containers", 1), "containers", "this container", False, True),
        (("spec", "ephemeralContainers", 0), "ephemeralContainers", 'container "debug"', False, False),
    ]
    assert [c.pointer[-1] for c in pod_containers(template)] == [0, 1, 2, 0, 1]
    assert [c.pointer for c in regular_containers(template)] == [("spec", "containers", 0), ("spec", "containers", 1)]


def test_containers_of_a_template_are_computed_once_in_a_row(template):
    assert all_containers(template) is all_containers(template)
    assert pod_containers(template) is pod_containers(template)


def test_shared_per_object_remembers_the_last_key_only_by_identity():
    calls = []

    class Key:
        def __init__(self, value):
            self.value = value

        def __eq__(self, other):  # equal keys must still be computed apart
            return True

        __hash__ = object.__hash__

    @shared_per_object
    def compute(key):
        calls.append(key.value)
        return [key.value]

    first, second = Key(1), Key(2)
    assert compute(first) == [1] and compute(first) == [1] and compute(first) is compute(first)
    assert compute(second) == [2]
    assert compute(first) == [1]
    assert calls == [1, 2, 1]
    assert compute.__name__ == "compute"  # functools.wraps
