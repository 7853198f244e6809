"""What rules share between each other and across objects (kubelint/rules/containers/,
references/): a per-object slot, quantity readings memoized by value, per-set data keys.
Each cache must give exactly what computing afresh gives, whatever order objects come in."""

from __future__ import annotations

import gc
import weakref
from typing import List

import pytest

from kubelint.input.loader import load_file
from kubelint.model.index import SetIndex
from kubelint.model.objects import K8sObject
from kubelint.model.quantity import (
    QuantityError,
    json_text,
    parse_quantity,
    round_up_milli,
    split_quantity,
)
from kubelint.rules.common.pods import shared_per_object, shared_per_object_in_set
from kubelint.rules.containers.quantities import InvalidQuantity, read_quantity
from kubelint.rules.references.keys import keys_of_named
from kubelint.rules.references.missing import MissingConfigMap
from tests.helpers import lines, run_text


class _Key:
    pass


def test_shared_per_object_computes_once_per_key_in_a_row():
    calls: List[_Key] = []

    @shared_per_object
    def compute(key: _Key) -> int:
        calls.append(key)
        return len(calls)

    first, second = _Key(), _Key()
    assert compute(first) == compute(first) == 1
    assert compute(second) == 2
    assert compute(first) == 3  # one slot: the earlier key is computed again
    assert calls == [first, second, first]


class _Context:
    def __init__(self, index: object) -> None:
        self.index = index


def test_shared_per_object_in_set_computes_again_for_another_set():
    calls: List[object] = []

    @shared_per_object_in_set
    def compute(key: _Key, ctx: _Context) -> object:
        calls.append(ctx.index)
        return ctx.index

    key, one, other = _Key(), _Key(), _Key()
    assert compute(key, _Context(one)) is compute(key, _Context(one)) is one  # two rules of one object
    assert compute(key, _Context(other)) is other  # the same object in another set
    assert compute(_Key(), _Context(other)) is other
    assert calls == [one, other, other]


def test_a_service_checked_in_two_sets_sees_each_sets_pods():
    """KL313-KL315 share the selected workloads of a Service: a second set must not get the first's."""
    service = """\
apiVersion: v1
kind: Service
metadata: {name: fire-web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
"""
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1, ports: [{name: %s, containerPort: 8080}]}]}
"""
    from kubelint.run.engine import Checker, Settings

    checker = Checker(Settings(select=["KL314"]))
    [svc] = [K8sObject(m) for m in load_file("s.yaml", service.encode()).manifests]
    first = [K8sObject(m) for m in load_file("a.yaml", (deployment % "http").encode()).manifests]
    second = [K8sObject(m) for m in load_file("b.yaml", (deployment % "web").encode()).manifests]
    assert [f.rule for f in checker.object_findings([svc], SetIndex([svc] + first))] == []
    assert [(f.rule, f.line) for f in checker.object_findings([svc], SetIndex([svc] + second))] == [("KL314", 6)]


def test_shared_per_object_keeps_no_key_alive():
    @shared_per_object
    def compute(key: _Key) -> int:
        return 1

    key = _Key()
    ref = weakref.ref(key)
    compute(key)
    del key
    gc.collect()
    assert ref() is None


def _fresh(value):  # type: ignore[no-untyped-def]
    """(error, digits, suffix, effective) computed without any cache."""
    try:
        parsed = parse_quantity(value)
    except QuantityError as error:
        return error.message, None, None, None
    number, suffix = split_quantity(json_text(value))
    return None, any(c.isdigit() for c in number), suffix, round_up_milli(parsed)


@pytest.mark.parametrize("value", [1, 1.0, "1", "1.0", "500m", "0.5m", "-1", "Mi", "1gb", "1.5Gi", 1e3, "1e3",
                                   " 2 ", "", "12 Mi"])
def test_read_quantity_equals_a_fresh_parse(value):
    for _ in range(2):  # the second time comes from the memo
        reading = read_quantity(value)
        assert reading is not None
        error, digits, suffix, effective = _fresh(value)
        assert reading.error == error
        if error is None:
            assert (reading.digits, reading.suffix, reading.effective) == (digits, suffix, effective)
            assert reading.negative == (effective < 0)


def test_read_quantity_tells_equal_numbers_of_different_types_apart():
    assert read_quantity(1) is not read_quantity(1.0)
    assert read_quantity(True) is None and read_quantity(None) is None and read_quantity([1]) is None


def _objects(text: str) -> List[K8sObject]:
    return [K8sObject(m) for m in load_file("t.yaml", text.encode("utf-8")).manifests]


_TWO_PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources: {limits: {memory: 1Gi}}
    env: [{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: a}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources: {limits: {memory: 1gb}}
    env: [{name: A, valueFrom: {configMapKeyRef: {name: cfg, key: b}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
"""


def test_rules_give_each_object_its_own_findings_in_any_order():
    good, bad, config_map = _objects(_TWO_PODS)
    index = SetIndex([good, bad, config_map])

    class Context:
        pass

    ctx = Context()
    ctx.index = index  # type: ignore[attr-defined]
    ctx.is_missing = lambda kind, namespace, name: False  # type: ignore[attr-defined]
    quantities, config_maps = InvalidQuantity(), MissingConfigMap()
    for obj in (good, bad, good, bad, bad, good):
        found = [r.pointer for rule in (quantities, config_maps) for r in rule.check(obj, ctx)]  # type: ignore[arg-type]
        if obj is good:
            assert found == []
        else:
            assert found == [("spec", "containers", 0, "resources", "limits", "memory"),
                             ("spec", "containers", 0, "env", 0, "valueFrom", "configMapKeyRef", "key")]


def test_keys_of_named_are_the_union_over_same_named_objects():
    objects = _objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\n---\n"
                       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbinaryData: {b: MQ==}\n")
    index = SetIndex(objects)
    assert keys_of_named(index, "ConfigMap", "default", "c") == {"a", "b"}
    assert keys_of_named(index, "ConfigMap", "default", "other") == set()


def test_a_run_with_identical_objects_reports_each_once():
    text = _TWO_PODS.replace("name: good", "name: bad2").replace("memory: 1Gi", "memory: 1gb")
    found = [line for line in lines(run_text(text)) if " KL501 " in line]
    assert len(found) == 2 and found[0].split(":")[1] != found[1].split(":")[1]
