"""ValidatingAdmissionPolicy evaluation (KL830, KL831): validationActions, failurePolicy,
matchConditions, objectSelector, excludeResourceRules, paramRef selector and
parameterNotFoundAction, following staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating
(admission_test.go: TestBasicPolicyDefinitionFailure, TestNativeTypeParam, TestParamRef,
TestAuditValidationAction, TestWarnValidationAction, TestMatchConditions...) and
.../policy/matching/matching_test.go."""

from __future__ import annotations

import pytest

from kubelint.cel import available
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, Settings

pytestmark = pytest.mark.skipif(not available(), reason="CEL engine not installed")


def _policy(validations: str, extra: str = "", rules: str = '["configmaps"]', failure: str = "Fail") -> str:
    return f"""\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {{name: p}}
spec:
  failurePolicy: {failure}
  matchConstraints:
    resourceRules:
    - {{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: {rules}}}
{extra}  validations:
{validations}"""


def _binding(actions: str = "[Deny]", extra: str = "") -> str:
    return f"""---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {{name: b}}
spec:
  policyName: p
  validationActions: {actions}
{extra}"""


def _config_map(name: str, labels: str = "{}", data: str = "{}") -> str:
    return f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: default, labels: {labels}}}\n" \
           f"data: {data}\n"


def _run(text: str):
    result = Checker(Settings(select=["KL830", "KL831"])).check_loaded([load_file("p.yaml", text.encode())])
    return [(f.rule, f.line, f.severity.value, f.message) for f in result.active()]


DATA_CHECK = "  - expression: \"has(object.data) && 'k' in object.data\"\n    message: needs k\n"


@pytest.mark.parametrize("actions, severity", [("[Deny]", "error"), ("[Warn]", "warning"), ("[Audit]", "info"),
                                               ("[Warn, Audit]", "warning"), ("[Deny, Audit]", "error")])
def test_validation_actions_give_severity(actions, severity):
    found = _run(_policy(DATA_CHECK) + _binding(actions) + _config_map("fire", data="{other: x}"))
    assert [(rule, sev) for rule, _, sev, _ in found] == [("KL830", severity)]
    assert found[0][3] == "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: needs k"


def test_passing_object_and_unmatched_resource_do_not_fire():
    text = _policy(DATA_CHECK) + _binding() + _config_map("dont-fire", data="{k: v}") + \
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: dont-fire-secret, namespace: default}\n"
    assert _run(text) == []


def test_object_selector_and_exclude_rules():
    extra = "    objectSelector: {matchLabels: {checked: \"yes\"}}\n"
    policy = _policy(DATA_CHECK).replace("    resourceRules:", extra.rstrip("\n") + "\n    resourceRules:")
    text = policy + _binding() + _config_map("dont-fire-unlabelled") + _config_map("fire-labelled", "{checked: 'yes'}")
    assert [line for _, line, _, _ in _run(text)] == [29]  # the data field the expression reads
    excluded = _policy(DATA_CHECK, extra="    excludeResourceRules:\n    - {apiGroups: [\"\"], apiVersions: [\"*\"], "
                                         "operations: [\"*\"], resources: [\"configmaps\"]}\n")
    # (extra follows the resourceRules, so excludeResourceRules sits in matchConstraints)
    assert _run(excluded + _binding() + _config_map("dont-fire-excluded")) == []


def test_match_conditions_gate_the_policy():
    conditions = "  matchConditions:\n  - {name: only-labelled, expression: \"'check' in object.metadata.labels\"}\n"
    text = _policy(DATA_CHECK, extra=conditions) + _binding() + _config_map("dont-fire-skip") + \
        _config_map("fire-checked", "{check: 'on'}")
    assert [line for _, line, _, _ in _run(text)] == [30]


def test_failure_policy_decides_evaluation_errors():
    failing = "  - expression: \"object.data.missing == 'x'\"\n"
    assert [rule for rule, *_ in _run(_policy(failing) + _binding() + _config_map("fire-error", data="{k: v}"))] == \
        ["KL830"]
    assert _run(_policy(failing, failure="Ignore") + _binding() + _config_map("dont-fire-ignored", data="{k: v}")) == []


def test_param_not_found_action():
    policy = _policy("  - expression: \"object.data.k == params.data.k\"\n",
                     extra="  paramKind: {apiVersion: v1, kind: ConfigMap}\n", rules='["secrets"]')
    secret = "---\napiVersion: v1\nkind: Secret\nmetadata: {name: fire-secret, namespace: default}\ndata: {k: dg==}\n"
    deny = _run(policy + _binding(extra="  paramRef: {name: absent, namespace: default, "
                                        "parameterNotFoundAction: Deny}\n") + secret)
    assert [m for *_, m in deny] == ["ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no params found "
                                     "for policy binding with `Deny` parameterNotFoundAction"]
    allow = _run(policy + _binding(extra="  paramRef: {name: absent, namespace: default, "
                                         "parameterNotFoundAction: Allow}\n") + secret)
    assert allow == []


def test_custom_resource_matched_by_its_crd_plural():
    crd = """---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gateways, singular: gateway, kind: Gateway}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"""
    policy = _policy("  - expression: \"has(object.spec) && has(object.spec.port)\"\n    message: a port\n",
                     rules='["gateways"]').replace('apiGroups: [""]', 'apiGroups: ["example.com"]')
    gateway = "---\napiVersion: example.com/v1\nkind: Gateway\nmetadata: {name: fire-gw, namespace: default}\n" \
              "spec: {host: a}\n"
    # UnsafeGuessKindToResource would say "gatewaies"; the CRD says "gateways".
    assert [(rule, line) for rule, line, *_ in _run(policy + _binding() + crd + gateway)] == [("KL830", 36)]  # on spec, the nearest part of spec.port it reads
