"""validateMatchConditions (rules/apiserver/match_conditions.py) for webhooks (KL154) and
policies (KL157): the 64-item limit, the version gate, and which CEL failures are reported.
Cases after pkg/apis/admissionregistration/validation/validation_test.go
TestValidateValidatingWebhookConfiguration."""

from __future__ import annotations

import pytest

from kubelint.rules.apiserver.match_conditions import POLICY_VARIABLES, WEBHOOK_VARIABLES, compile_problem
from tests.helpers import run_text

WEBHOOK = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: fire-hooks
webhooks:
  - name: webhook.k8s.io
    sideEffects: None
    admissionReviewVersions: [v1]
    clientConfig:
      url: https://example.com
    matchConditions: {conditions}
"""


def _found(text: str, version: str = "1.37"):
    return [(f.line, f.column, f.message) for f in run_text(text, select=["KL154"], kubernetes_version=version).active()]


def test_max_of_64_match_conditions():
    """"max of 64 match conditions": the list is refused as a whole, at its value."""
    conditions = "[" + ", ".join(f"{{name: c{i}, expression: 'true'}}" for i in range(65)) + "]"
    assert _found(WEBHOOK.format(conditions=conditions)) == [
        (11, 22, "webhooks[0].matchConditions: Too many: 65: must have at most 64 items")]
    sixty_four = "[" + ", ".join(f"{{name: c{i}, expression: 'true'}}" for i in range(64)) + "]"
    assert _found(WEBHOOK.format(conditions=sixty_four)) == []


def test_webhook_match_conditions_checked_from_1_28():
    """AdmissionWebhookMatchConditions was alpha (the field dropped) in 1.27."""
    text = WEBHOOK.format(conditions="[{name: x, expression: '6'}]")
    assert _found(text, "1.28") == [(11, 45, 'webhooks[0].matchConditions[0].expression: Invalid value: "6": '
                                              'must evaluate to bool')]
    assert _found(text, "1.27") == []


@pytest.mark.parametrize("expression", [
    "cel.bind(x, object.metadata.name, x != '')",  # cel.bind: not in kubelint's engine
    "base64.decode('aGk=') == b'hi'",
    "math.greatest(1, 2) == 2",
    "lists.range(3).size() == 3",
    "object.spec.containers.all(i, c, c.name != '')",  # two-variable comprehension
    "authorizer.requestResource.check('update').allowed()",
    "test() == true",  # undeclared upstream too, but a function: not asserted
    "request.userInfo.username",  # dynamic here; its type decides upstream
])
def test_what_the_engine_cannot_judge_is_not_reported(expression):
    assert compile_problem(expression, WEBHOOK_VARIABLES) is None


@pytest.mark.parametrize("expression, problem", [
    ("object.x in [1, 2,", "compilation failed: ERROR: <input>:1:19: Syntax error: missing ']' at '<EOF>'"),
    ("6", "must evaluate to bool"),
    ("'a' + 'b'", "must evaluate to bool"),
    ("test == true", "compilation failed: ERROR: <input>:1:1: undeclared reference to 'test' (in container '')"),
])
def test_what_is_certain_is_reported(expression, problem):
    assert compile_problem(expression, WEBHOOK_VARIABLES) == problem


def test_params_and_variables_in_policies():
    with_params = POLICY_VARIABLES + ("params",)
    assert compile_problem("params.x == 1", with_params) is None
    assert compile_problem("params.x == 1", POLICY_VARIABLES).startswith("compilation failed: ")
    assert compile_problem("variables.ok", POLICY_VARIABLES) is None


def test_hostile_expressions_do_not_crash():
    deep = "(" * 400 + "true" + ")" * 400
    assert compile_problem(deep, WEBHOOK_VARIABLES) is None  # the engine's nesting limit: not asserted
    assert compile_problem("'" + "x" * 100_000 + "' == 'y'", WEBHOOK_VARIABLES) is None
    text = WEBHOOK.format(conditions="[{name: a, expression: [1]}, 7, {name: [x], expression: 'true'}]")
    assert _found(text) == []  # wrong types are the schema's (KL101)
