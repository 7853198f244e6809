"""Memoized validators answer as the plain ones did, and callers cannot spoil the memory."""

from __future__ import annotations

import pytest

from kubelint.model import validation


@pytest.mark.parametrize("check", [validation.qualified_name, validation.iana_svc_name])
def test_each_call_gets_its_own_list(check):
    first = check("Bad Value/x/y")
    first.append("appended by a caller")
    assert "appended by a caller" not in check("Bad Value/x/y")


@pytest.mark.parametrize("key", ["app.kubernetes.io/name", "app", "Bad Key", "a/b/c", "/name", "x" * 64,
                                 "example.com/", "EXAMPLE.com/name"])
def test_is_qualified_name_agrees_with_qualified_name(key):
    assert validation.is_qualified_name(key) == (validation.qualified_name(key) == [])


@pytest.mark.parametrize("value", ["", "web", "my app", "-web", "x" * 63, "x" * 64, "v1.2_3"])
def test_is_label_value_agrees_with_label_value(value):
    assert validation.is_label_value(value) == (validation.label_value(value) == [])


def test_memoized_validator_keeps_its_name_and_docs():
    assert validation.qualified_name.__name__ == "qualified_name"
    assert "Label and annotation keys" in (validation.qualified_name.__doc__ or "")
