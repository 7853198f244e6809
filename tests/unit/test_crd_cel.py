"""CRD x-kubernetes-validations rules evaluated with the Kubernetes CEL environment. Cases are
taken from apiextensions-apiserver pkg/apiserver/schema/cel/validation_test.go
(TestValidationExpressions, TestMessageExpression, TestReasonAndFldPath), each cited by name."""

from __future__ import annotations

import time

import pytest

from kubelint.findings import Severity
from tests.helpers import crd_yaml, run_text

pytest.importorskip("cel_expr_python")

from kubelint.schemas.crdrules import read_rules, rule_issues  # noqa: E402


def _check(properties, obj, rules, **extra):
    """Issues of `rules` attached to a `spec` object with `properties`, on spec `obj`."""
    spec = {"type": "object", "properties": properties,
            "x-kubernetes-validations": [dict({"rule": r}, **extra) for r in rules]}
    issues = []
    site = read_rules({"type": "object", "properties": {"spec": spec}}, (), issues, 50)
    assert issues == []
    return rule_issues(site, {"spec": obj})


STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}


def _values(*schemas):
    return {f"val{i}": schema for i, schema in enumerate(schemas, start=1)}


UPSTREAM_CASES = [
    ("numbers", _values(NUMBER, INTEGER), {"val1": 1, "val2": 1},
     ["type(self.val1) == double", "self.val1 == 1.0", "type(self.val2) == int"]),
    ("duration format", _values(dict(STRING, format="duration")), {"val1": "1h2m3s4ms"},
     # (not ported: getMilliseconds, the total in cel-go and the millisecond part in cel-cpp)
     ["self.val1 == duration('1h2m') + duration('3s4ms')", "self.val1.getHours() == 1",
      "self.val1.getSeconds() == 3723", "type(self.val1) == google.protobuf.Duration"]),
    ("date format", _values(dict(STRING, format="date")), {"val1": "1997-07-16"},
     ["self.val1.getDate() == 16", "self.val1.getMonth() == 06", "self.val1.getFullYear() == 1997"]),
    ("date-time format", _values(dict(STRING, format="date-time")), {"val1": "2011-08-18T19:03:37.010000000+01:00"},
     ["self.val1 == timestamp('2011-08-18T00:00:00.000+01:00') + duration('19h3m37s10ms')",
      "self.val1.getHours('UTC') == 18", "type(self.val1) == google.protobuf.Timestamp"]),
    ("escaping", {"namespace": INTEGER, "true": INTEGER, "dot.dot": INTEGER, "dash-dash": INTEGER,
                  "slash/slash": INTEGER, "doubleunderscore__doubleunderscore": INTEGER, "self": INTEGER, "size": STRING},
     {"namespace": 17, "true": 1, "dot.dot": 401, "dash-dash": 402, "slash/slash": 403,
      "doubleunderscore__doubleunderscore": 405, "self": 201, "size": "204"},
     ["self.__namespace__ == 17", "self.__true__ == 1", "self.dot__dot__dot == 401", "self.dash__dash__dash == 402",
      "self.slash__slash__slash == 403", "self.doubleunderscore__underscores__doubleunderscore == 405",
      "self.self == 201", "self.size == '204'"]),
    ("stdlib list functions", {"ints": {"type": "array", "items": INTEGER}, "strings": {"type": "array", "items": STRING},
                               "unsorted": {"type": "array", "items": INTEGER}},
     {"ints": [1, 2, 2, 3], "strings": ["a", "b", "b", "c"], "unsorted": [2, 1]},
     ["self.ints.isSorted()", "!self.unsorted.isSorted()", "self.strings.isSorted()", "self.ints.sum() == 8",
      "self.ints.min() == 1", "self.ints.max() == 3", "self.strings.max() == 'c'"]),
    ("stdlib regex functions", {"str": STRING}, {"str": "this is a 123 string 456"},
     ["self.str.find('[0-9]+') == '123'", "self.str.find('xyz') == ''", "self.str.findAll('[0-9]+') == ['123', '456']",
      "self.str.findAll('[0-9]+', 1) == ['123']", "self.str.findAll('[0-9]+', -1) == ['123', '456']"]),
    ("URL parsing", {"url": STRING}, {"url": "https://user:pass@kubernetes.io:80/docs/home?k1=a&k2=b&k2=c"},
     ["url('/path').getScheme() == ''", "url('https://example.com:80/').getHost() == 'example.com:80'",
      "url('https://[::1]:80/').getHost() == '[::1]:80'", "url('https://[::1]/').getHostname() == '::1'",
      "url('https://example.com:80/').getPort() == '80'", "url(self.url).getEscapedPath() == '/docs/home'",
      "url(self.url).getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}", "isURL('/path') == true",
      "isURL('../relative-path') == false"]),
    ("quantity", _values(STRING, STRING), {"val1": "20", "val2": "200M"},
     ["isQuantity(self.val1)", 'quantity(self.val2) == quantity("0.2G") && quantity("0.2G") == quantity("200M")',
      'quantity(self.val1).isLessThan(quantity("100M"))', 'quantity(self.val2).compareTo(quantity("0.2G")) == 0',
      'quantity("50k").add(quantity(self.val1)) == quantity("50.02k")',
      'quantity("50k").sub(quantity(self.val1)) == quantity("49980")', "quantity(self.val1).isInteger()"]),
    ("IP and CIDR", {}, {},
     ['isIP("192.168.0.1")', 'ip.isCanonical("127.0.0.1")', 'ip("0.0.0.0").isUnspecified()',
      'ip("224.0.0.1").isLinkLocalMulticast()', 'ip("192.168.0.1").isGlobalUnicast()',
      'cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', 'cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")',
      "cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()", "cidr('::1/128').ip().family() == 6"]),
    ("optionals", {"presentObj": {"type": "object", "properties": {"presentStr": STRING}},
                   "absentObj": {"type": "object", "properties": {"absentStr": STRING}}},
     {"presentObj": {"presentStr": "value"}},
     ["self.?presentObj.?presentStr == optional.of('value')", "self.?absentObj.?absentStr.orValue('nope') == 'nope'",
      "self.?absentObj.?absentStr.hasValue() == false"]),
]


@pytest.mark.parametrize("name, properties, obj, rules", UPSTREAM_CASES, ids=[c[0] for c in UPSTREAM_CASES])
def test_dont_fire_upstream_valid_rules(name, properties, obj, rules):
    assert _check(properties, obj, rules) == []


def test_semver_rules():
    """library/semver_test.go cases: comparisons and normalization."""
    rules = ['semver("1.2.3").isLessThan(semver("1.10.0"))', 'semver("v1.2", true).minor() == 2',
             'isSemver("1.0.0-alpha.1+build")', '!isSemver("v1.0.0")', 'semver("1.0.0-alpha").isLessThan(semver("1.0.0"))']
    assert _check({}, {}, rules) == []


CRD = crd_yaml("Scaler", """\
    type: object
    x-kubernetes-validations:
    - rule: self.minReplicas <= self.maxReplicas
      message: minReplicas must not exceed maxReplicas
    - rule: "!has(self.memory) || quantity(self.memory).isLessThan(quantity('64Gi'))"
      messageExpression: "'memory ' + self.memory + ' is over 64Gi'"
      fieldPath: .memory
    - rule: oldSelf.minReplicas == self.minReplicas
    properties:
      minReplicas: {type: integer, default: 1}
      maxReplicas: {type: integer}
      memory: {type: string}
      ports:
        type: array
        items:
          type: object
          x-kubernetes-validations:
          - {rule: "self.port > 0", reason: FieldValueForbidden, message: port must be positive}
          - {rule: "self.name != 'reserved'", reason: FieldValueDuplicate}
          properties:
            port: {type: integer}
            name: {type: string}
""")


def _findings(resource: str):
    offset = CRD.count("\n") + 1
    return [(f.rule, f.severity.value, f.line - offset, f.column, f.message)
            for f in run_text(CRD + "---\n" + resource, select=["KL107", "KL111"]).active()]


def test_fire_failed_rules_at_their_node_with_message_reason_and_field_path():
    """TestMessageExpression, TestReasonAndFldPath: the message (or messageExpression), the reason's
    error type, and fieldPath as the reported node; the default applies before the rules."""
    resource = """apiVersion: example.com/v1
kind: Scaler
metadata: {name: fire-scaler}
spec:
  maxReplicas: 0
  memory: 128Gi
  ports: [{port: 0, name: reserved}]
"""
    assert _findings(resource) == [
        ("KL111", "error", 5, 3, 'spec: Invalid value: "object": minReplicas must not exceed maxReplicas'),
        ("KL111", "error", 6, 11, 'spec.memory: Invalid value: "object": memory 128Gi is over 64Gi'),
        ("KL111", "error", 7, 11, 'spec.ports[0]: Duplicate value: "object"'),
        ("KL111", "error", 7, 11, "spec.ports[0]: Forbidden: port must be positive"),
    ]


def test_dont_fire_rules_that_hold_or_use_old_self():
    resource = """apiVersion: example.com/v1
kind: Scaler
metadata: {name: dont-fire-scaler}
spec: {minReplicas: 1, maxReplicas: 3, memory: 1Gi, ports: [{port: 80, name: web}]}
"""
    assert _findings(resource) == []


def test_fire_warning_a_rule_that_fails_to_evaluate():
    """"no such key" evaluating a rule: the server refuses the object (validateExpressions)."""
    resource = """apiVersion: example.com/v1
kind: Scaler
metadata: {name: fire-no-key}
spec: {minReplicas: 1}
"""
    assert _findings(resource) == [
        ("KL111", "warning", 4, 7, 'spec: Invalid value: "object": Key not found in map : "maxReplicas" evaluating '
                                   "rule: minReplicas must not exceed maxReplicas")]


BAD_RULES_CRD = CRD.replace("""            - rule: oldSelf.minReplicas == self.minReplicas
""", """            - rule: self.minReplicas >
            - rule: "'yes'"
            - {rule: "self.minReplicas > 0", reason: FieldValueWrong}
            - {rule: "self.minReplicas > 0", fieldPath: .nope}
            - {rule: "self.minReplicas > 0", messageExpression: "self.minReplicas +"}
            - {rule: "self.minReplicas > 0", optionalOldSelf: true}
""")


def test_fire_invalid_rules_on_the_crd_at_the_rule():
    """ValidateCustomResourceDefinitionOpenAPISchema: compile errors, a rule that is not a bool,
    an unsupported reason, an invalid fieldPath, a messageExpression that does not compile,
    optionalOldSelf without oldSelf. Never a traceback."""
    result = run_text(BAD_RULES_CRD, select=["KL107"])
    prefix = "spec.versions[0].schema.openAPIV3Schema.properties.spec.x-kubernetes-validations"
    found = [(f.line, f.message[len(prefix):]) for f in result.active()]
    expected = [
        (24, '[2].rule: Invalid value: compilation failed: ERROR: <input>:1:19: Syntax error: mismatched'),
        (25, "[3].rule: Invalid value: cel expression must evaluate to a bool"),
        (26, '[4].reason: Unsupported value: "FieldValueWrong": supported values: "FieldValueDuplicate", "F'),
        (27, '[5].fieldPath: Invalid value: ".nope": must be a valid path'),
        (28, "[6].messageExpression: Invalid value: messageExpression compilation failed: ERROR: <input>:1"),
        (29, "[7].optionalOldSelf: Invalid value: may not be set if oldSelf is not used in rule"),
    ]
    assert len(found) == len(expected)
    assert all(line == want_line and text.startswith(want[:80]) for (line, text), (want_line, want) in zip(found, expected))


def test_a_hostile_rule_is_not_evaluated_and_does_not_hang():
    crd = CRD.replace("""            - rule: oldSelf.minReplicas == self.minReplicas
""", """            - rule: "self.ports.all(a, self.ports.all(b, self.ports.all(c, self.ports.all(d, true))))"
""")
    ports = ", ".join(f"{{port: {i}, name: p{i}}}" for i in range(1, 200))
    resource = f"""apiVersion: example.com/v1
kind: Scaler
metadata: {{name: fire-hostile}}
spec: {{minReplicas: 1, maxReplicas: 2, ports: [{ports}]}}
"""
    start = time.perf_counter()
    result = run_text(crd + "---\n" + resource, select=["KL111"])
    assert time.perf_counter() - start < 30
    assert [(f.rule, f.severity) for f in result.active()] == [("KL111", Severity.WARNING)]
    assert "rule not evaluated: it could cost more than kubelint's evaluation budget" in result.active()[0].message


def test_rules_are_compiled_once_per_crd_version():
    from kubelint.cel import environment

    calls = []
    original = environment.compile_expression

    def counting(source):
        calls.append(source)
        return original(source)

    environment.compile_expression = counting
    try:
        resources = "".join(f"---\napiVersion: example.com/v1\nkind: Scaler\nmetadata: {{name: s{i}}}\n"
                            f"spec: {{minReplicas: 1, maxReplicas: 2}}\n" for i in range(20))
        run_text(CRD + resources, select=["KL111"])
    finally:
        environment.compile_expression = original
    assert len(calls) == 6  # 5 rules and 1 messageExpression, once


@pytest.mark.parametrize("rule, reported", [
    ("(" * 5000 + "true" + ")" * 5000, False),  # deeper than the engine nests (cel-go allows more): skipped
    ("self.a == 1 && " * 20000 + "true", True),  # over the 100,000 code point limit of CEL expressions
    ("self.s.find('(a+)+$') == ''", False),  # compiles; not run on Python's backtracking engine
])
def test_hostile_rules_are_findings_or_skipped_never_a_crash(rule, reported):
    properties = {"s": STRING, "a": INTEGER}
    spec = {"type": "object", "properties": properties, "x-kubernetes-validations": [{"rule": rule, "message": "m"}]}
    issues = []
    start = time.perf_counter()
    site = read_rules({"type": "object", "properties": {"spec": spec}}, (), issues, 50)
    assert bool(issues) is reported and all(i.rule == "KL107" for i in issues)
    if site is not None:
        assert rule_issues(site, {"spec": {"s": "a" * 5000 + "b", "a": 1}}) == []
    assert time.perf_counter() - start < 10
