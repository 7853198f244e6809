"""The CEL format library (k8s.io/apiserver/pkg/cel/library/format.go), cases from
format_test.go TestFormat: each `validate` is optional.none() for a valid string and
optional.of(errors) otherwise; `format.named` is optional.none() for an unknown name."""

from __future__ import annotations

import pytest

from kubelint.cel.formats import is_datetime, optional_calls

pytest.importorskip("cel_expr_python")

from kubelint.cel.environment import compile_expression, evaluate  # noqa: E402

# (format_test.go case name, expression, whether validate(...) has a value)
CASES = [
    ("example_usage_dns1123Label", 'format.dns1123Label().validate("my-label-name")', False),
    ("example_usage_dns1123Subdomain", 'format.dns1123Subdomain().validate("apiextensions.k8s.io")', False),
    ("example_usage_qualifiedName", 'format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")', False),
    ("example_usage_dns1123LabelPrefix", 'format.dns1123LabelPrefix().validate("my-label-prefix-")', False),
    ("example_usage_dns1123SubdomainPrefix", 'format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")',
     False),
    ("example_usage_dns1035LabelPrefix", 'format.dns1035LabelPrefix().validate("my-label-prefix-")', False),
    ("example_usage_uri", 'format.uri().validate("http://example.com")', False),
    ("example_usage_uuid", 'format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")', False),
    ("example_usage_byte", 'format.byte().validate("aGVsbG8=")', False),
    ("example_usage_date", 'format.date().validate("2021-01-01")', False),
    ("example_usage_datetime", 'format.datetime().validate("2021-01-01T00:00:00Z")', False),
    ("dns1123Label", 'format.dns1123Label().validate("contains a space")', True),
    ("dns1123Subdomain", 'format.dns1123Subdomain().validate("contains a space")', True),
    ("dns1035Label", 'format.dns1035Label().validate("contains a space")', True),
    ("qualifiedName", 'format.qualifiedName().validate("contains a space")', True),
    ("dns1123LabelPrefix", 'format.dns1123LabelPrefix().validate("contains a space-")', True),
    ("dns1123SubdomainPrefix", 'format.dns1123SubdomainPrefix().validate("contains a space-")', True),
    ("dns1035LabelPrefix", 'format.dns1035LabelPrefix().validate("contains a space-")', True),
    ("byte_failure", 'format.byte().validate("aGVsbG8")', True),
    ("date_failure", 'format.date().validate("2020-01-32")', True),
    ("datetime_failure", 'format.datetime().validate("2020-01-32T00:00:00Z")', True),
    ("uuid_failure", 'format.uuid().validate("not-a-uuid")', True),
    ("labelValue", 'format.labelValue().validate("a b")', True),
    ("named", 'format.named("dns1123Label").value().validate("my-name")', False),
    ("named_invalid", 'format.named("dns1123Label").value().validate("MY NAME")', True),
]


@pytest.mark.parametrize("name,expression,has_value", CASES, ids=[c[0] for c in CASES])
def test_format_validate(name, expression, has_value):
    compiled = compile_expression(expression + ".hasValue()")
    assert evaluate(compiled, None) is has_value


def test_the_errors_are_a_list_of_strings_as_upstream():
    compiled = compile_expression('format.byte().validate("aGVsbG8").value()[0]')
    assert evaluate(compiled, None) == "invalid base64"
    compiled = compile_expression('format.byte().validate("aGVsbG8=") == optional.none()')
    assert evaluate(compiled, None) is True


def test_named_is_none_for_an_unknown_name():
    # format_test.go "named_unknown": format.named("unknown") is optional.none()
    assert evaluate(compile_expression('format.named("unknown").hasValue()'), None) is False
    assert evaluate(compile_expression('format.named("uuid").hasValue()'), None) is True


def test_a_rule_with_the_format_library_is_evaluated_on_self():
    compiled = compile_expression("!format.dns1123Label().validate(self.name).hasValue()")
    assert evaluate(compiled, {"name": "web"}) is True
    assert evaluate(compiled, {"name": "Web_1"}) is False


@pytest.mark.parametrize("source,expected", [
    ("self.x > 1", "self.x > 1"),
    ("f.validate(a(b), ')') && true", "f.validate(a(b), ')')[?\"v\"] && true"),
    ("format.named('x').value()", "format.named('x')[?\"v\"].value()"),
    ("'.validate(' + \".validate(\"", "'.validate(' + \".validate(\""),
    ("r'\\'.validate(x)", "r'\\'.validate(x)[?\"v\"]"),
    ("x.validated(1) || myformat.named(2)", "x.validated(1) || myformat.named(2)"),
])
def test_optional_calls_rewrites_only_the_calls_outside_strings(source, expected):
    assert optional_calls(source) == expected


def test_datetime_follows_strfmt():
    assert is_datetime("2021-01-01T23:59:59.5+01:00")
    assert is_datetime("2021-01-01t00:00:00z")
    assert not is_datetime("2021-01-01T24:00:00Z")
    assert not is_datetime("2021-01-01")
