"""KL154 webhook-configuration and KL155 admission-policy-binding: what the API server's
admissionregistration validation refuses in webhook configurations and in
ValidatingAdmissionPolicyBindings.

Follows kubernetes/kubernetes pkg/apis/admissionregistration/validation/validation.go
(validateValidatingWebhook, validateMutatingWebhook, validateAdmissionReviewVersions,
validateRuleWithOperations, validateRule, validateResources,
validateValidatingAdmissionPolicyBindingSpec, validateValidationActions) and
k8s.io/apiserver/pkg/util/webhook/validation.go (ValidateWebhookURL, ValidateWebhookService),
after the admissionregistration/v1 defaults (failurePolicy Fail, matchPolicy Equivalent,
timeoutSeconds 10, reinvocationPolicy Never, service port 443). sideEffects and
admissionReviewVersions have no default in v1. matchConditions (webhooks and policies) are
checked by match_conditions.py, their CEL compiled; other CEL expressions of a policy are not
compiled here (rules/admission evaluates them against the set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List
from urllib.parse import urlsplit

from ...findings import Pointer, Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.values import is_int
from .errors import duplicate, forbidden, invalid, invalid_omitted, not_supported, required
from .group_fields import items, mapping, selector_requirements
from .match_conditions import POLICY_VARIABLES, WEBHOOK_VARIABLES, match_conditions
from .version import kubernetes_minor

if TYPE_CHECKING:
    from ...model.context import RuleContext

FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Equivalent", "Exact")
SIDE_EFFECTS = ("None", "NoneOnDryRun")
REINVOCATION_POLICIES = ("IfNeeded", "Never")
OPERATIONS = ("*", "CONNECT", "CREATE", "DELETE", "UPDATE")
SCOPES = ("*", "Cluster", "Namespaced")
REVIEW_VERSIONS = ("v1", "v1beta1")
URL_FORM = "; desired format: https://host[/path]"
# AdmissionWebhookMatchConditions: alpha (the field dropped) in 1.27, beta and on since 1.28.
MATCH_CONDITIONS_SINCE = 28


def fully_qualified_name(at: Pointer, name: Any) -> Iterator[Report]:
    """IsFullyQualifiedName: a DNS subdomain of at least three segments."""
    if name is None or name == "":
        yield required(at, present=name == "")
    elif isinstance(name, str):
        problems = validation.dns1123_subdomain(name)
        if problems:
            yield invalid(at, name, ",".join(problems))
        elif len(name.split(".")) < 3:
            yield invalid(at, name, "should be a domain with at least three segments separated by dots")


class WebhookConfiguration(Rule):
    """validateValidatingWebhook and validateMutatingWebhook for every webhook of a configuration."""

    id = "KL154"
    name = "webhook-configuration"
    severity = Severity.ERROR
    summary = "Admission webhooks declare sideEffects, admissionReviewVersions, valid rules and one valid endpoint."
    kinds = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})
    doc = RuleDoc(
        what="Each webhook: a unique name with at least three DNS segments; sideEffects None or NoneOnDryRun "
             "(required); admissionReviewVersions listing v1 or v1beta1 (required), no duplicates; "
             "failurePolicy, matchPolicy, reinvocationPolicy values; timeoutSeconds 1-30; rules with operations "
             "(CREATE, UPDATE, DELETE, CONNECT or *), apiGroups, apiVersions and resources, wildcards alone, "
             "scope *, Cluster or Namespaced; clientConfig with exactly one of url and service; a url with "
             "https, a host and no user, query or fragment; a service with name, namespace, a port 1-65535 "
             "and a path of DNS-subdomain segments; selector operators; matchConditions (since Kubernetes "
             "1.28): at most 64, each with a unique qualified name and an expression that compiles as CEL "
             "(object, oldObject, namespaceObject, request, authorizer; no params) and evaluates to bool.",
        why="The API server refuses the configuration (validateValidatingWebhook, validateMutatingWebhook, "
            "validateRuleWithOperations, validateMatchConditions in "
            "pkg/apis/admissionregistration/validation/validation.go; ValidateWebhookURL and "
            "ValidateWebhookService in k8s.io/apiserver/pkg/util/webhook). Only CEL problems that do not "
            "depend on libraries kubelint's engine lacks are reported (syntax errors, undeclared variables, "
            "a result that is not a bool).",
        failing="webhooks:\n- name: check.example.com\n  clientConfig:\n    url: http://hook.example.com/check",
        passing="webhooks:\n- name: check.example.com\n  sideEffects: None\n  admissionReviewVersions: [v1]\n"
                "  clientConfig:\n    url: https://hook.example.com/check")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != "admissionregistration.k8s.io/v1":
            return
        mutating = obj.kind == "MutatingWebhookConfiguration"
        names = set()
        for index, hook in enumerate(items(obj.raw.get("webhooks"))):
            if not isinstance(hook, dict):
                continue
            at = ("webhooks", index)
            name = hook.get("name")
            if isinstance(name, str) and name in names:
                yield duplicate(at + ("name",), name)
            names.add(name)
            yield from _webhook(hook, at, mutating)
            if kubernetes_minor(ctx) >= MATCH_CONDITIONS_SINCE:
                yield from match_conditions(hook.get("matchConditions"), at + ("matchConditions",),
                                            WEBHOOK_VARIABLES)


def _webhook(hook: Dict[str, Any], at: Pointer, mutating: bool) -> Iterator[Report]:
    yield from fully_qualified_name(at + ("name",), hook.get("name"))
    yield from _review_versions(hook.get("admissionReviewVersions"), at + ("admissionReviewVersions",))
    for index, rule in enumerate(items(hook.get("rules"))):
        if isinstance(rule, dict):
            yield from _rule_with_operations(rule, at + ("rules", index))
    for key, supported in (("failurePolicy", FAILURE_POLICIES), ("matchPolicy", MATCH_POLICIES)) + \
            ((("reinvocationPolicy", REINVOCATION_POLICIES),) if mutating else ()):
        value = hook.get(key)
        if isinstance(value, str) and value not in supported:
            yield not_supported(at + (key,), value, supported)
    effects = hook.get("sideEffects")
    if effects is None:
        yield required(at + ("sideEffects",), f"must specify one of {', '.join(SIDE_EFFECTS)}")
    elif isinstance(effects, str) and effects not in SIDE_EFFECTS:
        yield not_supported(at + ("sideEffects",), effects, SIDE_EFFECTS)
    timeout = hook.get("timeoutSeconds")
    if is_int(timeout) and not 1 <= timeout <= 30:
        yield invalid(at + ("timeoutSeconds",), timeout, "the timeout value must be between 1 and 30 seconds")
    for key in ("namespaceSelector", "objectSelector"):
        yield from selector_requirements(at + (key,), hook.get(key))
    config = hook.get("clientConfig")
    if isinstance(config, dict):
        yield from client_config(config, at + ("clientConfig",))


def _review_versions(versions: Any, at: Pointer) -> Iterator[Report]:
    """validateAdmissionReviewVersions (required and recognized on create in v1)."""
    if not items(versions):
        yield required(at, f"must specify one of {', '.join(REVIEW_VERSIONS)}", present=versions is not None)
        return
    listed: List[Report] = []
    if not listed_review_versions(versions, at, listed, validation.dns1035_label):
        listed.append(invalid_omitted(at, f"must include at least one of {', '.join(REVIEW_VERSIONS)}"))
    yield from listed


def listed_review_versions(versions: List[Any], at: Pointer, reports: List[Report],
                           label_problems: Callable[[str], List[str]]) -> bool:
    """The entries of an admission or conversion review version list, as both upstream
    validators check them (duplicates, DNS-1035 labels worded by `label_problems`), into
    `reports`; whether one is a version the API server speaks."""
    seen = set()
    accepted = False
    for index, version in enumerate(versions):
        if not isinstance(version, str):
            continue
        if version in seen:
            reports.append(invalid(at + (index,), version, "duplicate version"))
            continue
        seen.add(version)
        for problem in label_problems(version):
            reports.append(invalid(at + (index,), version, problem))
        accepted = accepted or version in REVIEW_VERSIONS
    return accepted


def _has_wildcard(values: List[Any]) -> bool:
    return "*" in values


def _rule_with_operations(rule: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    operations = items(rule.get("operations"))
    if not operations:
        yield required(at + ("operations",), present="operations" in rule)
    if len(operations) > 1 and _has_wildcard(operations):
        yield invalid_omitted(at + ("operations",), "if '*' is present, must not specify other operations")
    for index, operation in enumerate(operations):
        if isinstance(operation, str) and operation not in OPERATIONS:
            yield not_supported(at + ("operations", index), operation, OPERATIONS)
    yield from validate_rule(rule, at)


def validate_rule(rule: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validateRule (subresources allowed)."""
    groups, versions = items(rule.get("apiGroups")), items(rule.get("apiVersions"))
    if not groups:
        yield required(at + ("apiGroups",), present="apiGroups" in rule)
    if len(groups) > 1 and _has_wildcard(groups):
        yield invalid_omitted(at + ("apiGroups",), "if '*' is present, must not specify other API groups")
    if not versions:
        yield required(at + ("apiVersions",), present="apiVersions" in rule)
    if len(versions) > 1 and _has_wildcard(versions):
        yield invalid_omitted(at + ("apiVersions",), "if '*' is present, must not specify other API versions")
    for index, version in enumerate(versions):
        if version == "":
            yield required(at + ("apiVersions", index), present=True)
    yield from _resources(rule, at + ("resources",))
    scope = rule.get("scope")
    if isinstance(scope, str) and scope not in SCOPES:
        yield not_supported(at + ("scope",), scope, SCOPES)


def _resources(rule: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    resources = items(rule.get("resources"))
    if not resources:
        yield required(at, present="resources" in rule)
    wildcard_subresources, wildcard_resources = set(), set()
    double = single = plain = False
    for index, entry in enumerate(resources):
        if not isinstance(entry, str):
            continue
        if entry == "":
            yield required(at + (index,), present=True)
            continue
        double = double or entry == "*/*"
        single = single or entry == "*"
        resource, slash, sub = entry.partition("/")
        if not slash:
            plain = entry != "*"
            continue
        if resource in wildcard_subresources:
            yield invalid(at + (index,), entry, f"if '{resource}/*' is present, must not specify {entry}")
        if sub in wildcard_resources:
            yield invalid(at + (index,), entry, f"if '*/{sub}' is present, must not specify {entry}")
        if sub == "*":
            wildcard_subresources.add(resource)
        if resource == "*":
            wildcard_resources.add(sub)
    if len(resources) > 1 and double:
        yield invalid_omitted(at, "if '*/*' is present, must not specify other resources")
    if single and plain:
        yield invalid_omitted(at, "if '*' is present, must not specify other resources without subresources")


def client_config(config: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """A webhook clientConfig: exactly one of url and service, each valid (admission webhooks
    and CRD conversion webhooks alike)."""
    url, service = config.get("url"), config.get("service")
    if (url is None) == (service is None):
        yield required(at, "exactly one of url or service is required", present=True)
    elif isinstance(url, str):
        yield from webhook_url(at + ("url",), url)
    elif isinstance(service, dict):
        yield from webhook_service(at + ("service",), service)


def webhook_url(at: Pointer, url: str) -> Iterator[Report]:
    """ValidateWebhookURL with https forced."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # a bad port is a parse error in Go as well
    except ValueError as error:
        yield required(at, f"url must be a valid URL: {error}{URL_FORM}", present=True)
        return
    if parts.scheme != "https":
        yield invalid(at, parts.scheme, "'https' is the only allowed URL scheme" + URL_FORM)
    if not parts.netloc.rpartition("@")[2] and not host:
        yield invalid(at, "", "host must be specified" + URL_FORM)
    if "@" in parts.netloc:
        yield invalid(at, parts.netloc.rpartition("@")[0], "user information is not permitted in the URL")
    if parts.fragment:
        yield invalid(at, parts.fragment, "fragments are not permitted in the URL")
    if parts.query:
        yield invalid(at, parts.query, "query parameters are not permitted in the URL")


def webhook_service(at: Pointer, service: Dict[str, Any]) -> Iterator[Report]:
    """ValidateWebhookService (port 443 by default)."""
    for key, what in (("name", "service name is required"), ("namespace", "service namespace is required")):
        value = service.get(key)
        if value is None or value == "":
            yield required(at + (key,), what, present=value == "")
    port = service.get("port", 443)
    if is_int(port) and not 1 <= port <= 65535:
        yield invalid(at + ("port",), port, "port is not valid: must be between 1 and 65535, inclusive")
    path = service.get("path")
    if not isinstance(path, str) or path in ("", "/"):
        return
    if path == "//":
        yield invalid(at + ("path",), path, "segment[0] may not be empty")
        return
    if not path.startswith("/"):
        yield invalid(at + ("path",), path, "must start with a '/'")
    rest = path[1:]
    if rest.endswith("/"):
        rest = rest[:-1]
    for index, step in enumerate(rest.split("/")):
        if not step:
            yield invalid(at + ("path",), path, f"segment[{index}] may not be empty")
            continue
        for problem in validation.dns1123_subdomain(step):
            yield invalid(at + ("path",), path, f"segment[{index}]: {problem}")


VALIDATION_ACTIONS = ("Audit", "Deny", "Warn")


class AdmissionPolicyBinding(Rule):
    """validateValidatingAdmissionPolicyBindingSpec (structure; no CEL)."""

    id = "KL155"
    name = "admission-policy-binding"
    severity = Severity.ERROR
    summary = "A ValidatingAdmissionPolicyBinding names its policy and lists valid validationActions."
    kinds = frozenset({"ValidatingAdmissionPolicyBinding"})
    doc = RuleDoc(
        what="spec.policyName is required; spec.validationActions is required, each of Deny, Warn or Audit, "
             "each at most once, and not Deny together with Warn; paramRef has a name or a selector, not both, "
             "and a parameterNotFoundAction of Allow or Deny when set.",
        why="The API server refuses the binding (validateValidatingAdmissionPolicyBindingSpec, "
            "validateValidationActions, validateParamRef in "
            "pkg/apis/admissionregistration/validation/validation.go).",
        failing="spec:\n  policyName: demo\n  validationActions: [deny]",
        passing="spec:\n  policyName: demo\n  validationActions: [Deny]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        policy = spec.get("policyName")
        if policy is None or policy == "":
            yield required(("spec", "policyName"), present=policy == "")
        actions = spec.get("validationActions")
        if not items(actions):
            yield required(("spec", "validationActions"), "at least one validation action is required",
                           present=actions is not None)
        seen = set()
        for index, action in enumerate(items(actions)):
            if not isinstance(action, str):
                continue
            if action not in VALIDATION_ACTIONS:
                yield not_supported(("spec", "validationActions", index), action, VALIDATION_ACTIONS)
            if action in seen:
                yield duplicate(("spec", "validationActions", index), action)
            seen.add(action)
        if "Deny" in seen and "Warn" in seen:
            yield invalid_omitted(("spec", "validationActions"), "must not contain both Deny and Warn (repeating "
                                                                 "the same validation failure information in the "
                                                                 "API response and headers serves no purpose)")
        ref = spec.get("paramRef")
        if isinstance(ref, dict):
            yield from _param_ref(ref, ("spec", "paramRef"))


def _param_ref(ref: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    name, selector = ref.get("name"), ref.get("selector")
    if name not in (None, "") and selector is not None:
        yield forbidden(at + ("name",), "name and selector are mutually exclusive")
    action = ref.get("parameterNotFoundAction")
    if isinstance(action, str) and action and action not in ("Allow", "Deny"):
        yield not_supported(at + ("parameterNotFoundAction",), action, ("Allow", "Deny"))
    yield from selector_requirements(at + ("selector",), mapping(selector))


REASONS = ("Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized")


class AdmissionPolicy(Rule):
    """validateValidatingAdmissionPolicySpec (structure; of the CEL, only matchConditions are compiled here)."""

    id = "KL157"
    name = "admission-policy"
    severity = Severity.ERROR
    summary = "A ValidatingAdmissionPolicy has matchConstraints with resourceRules and validations or auditAnnotations."
    kinds = frozenset({"ValidatingAdmissionPolicy"})
    doc = RuleDoc(
        what="spec.failurePolicy Fail or Ignore; spec.paramKind with apiVersion and kind; spec.matchConstraints "
             "required, with at least one resourceRule, each rule valid as in webhooks, resourceNames unique "
             "path segments, matchPolicy Equivalent or Exact, selector operators; spec.validations or "
             "spec.auditAnnotations not both empty; each validation with an expression, a message without line "
             "breaks, a reason of Unauthorized, Forbidden, Invalid or RequestEntityTooLarge; matchConditions "
             "(at most 64) with unique qualified names and expressions that compile as CEL (params only with "
             "a paramKind) and evaluate to bool; auditAnnotation keys unique.",
        why="The API server refuses the policy (validateValidatingAdmissionPolicySpec, validateMatchResources, "
            "validateNamedRuleWithOperations, validateValidation, validateParamKind, validateMatchConditions in "
            "pkg/apis/admissionregistration/validation/validation.go).",
        failing="spec:\n  matchConstraints:\n    resourceRules: []\n  validations: []",
        passing="spec:\n  matchConstraints:\n    resourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], "
                "operations: [CREATE], resources: [deployments]}\n  validations:\n  - expression: "
                "object.spec.replicas <= 5")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.raw.get("spec")
        if not isinstance(spec, dict):
            return
        policy = spec.get("failurePolicy")
        if isinstance(policy, str) and policy not in FAILURE_POLICIES:
            yield not_supported(("spec", "failurePolicy"), policy, FAILURE_POLICIES)
        kind = spec.get("paramKind")
        if isinstance(kind, dict):
            for key in ("apiVersion", "kind"):
                if kind.get(key) is None or kind.get(key) == "":
                    yield required(("spec", "paramKind", key), present=kind.get(key) == "")
        constraints = spec.get("matchConstraints")
        if constraints is None:
            yield required(("spec", "matchConstraints"))
        elif isinstance(constraints, dict):
            yield from _match_resources(constraints, ("spec", "matchConstraints"))
            if not items(constraints.get("resourceRules")):
                yield required(("spec", "matchConstraints", "resourceRules"),
                               present=constraints.get("resourceRules") is not None)
        variables = POLICY_VARIABLES + (("params",) if isinstance(kind, dict) else ())
        yield from match_conditions(spec.get("matchConditions"), ("spec", "matchConditions"), variables)
        validations, annotations = items(spec.get("validations")), items(spec.get("auditAnnotations"))
        if not validations and not annotations:
            detail = "validations or auditAnnotations must contain at least one item"
            yield required(("spec", "validations"), detail, present="validations" in spec)
            yield required(("spec", "auditAnnotations"), detail, present="auditAnnotations" in spec)
            return
        for index, check in enumerate(validations):
            if isinstance(check, dict):
                yield from _validation(check, ("spec", "validations", index))
        keys = set()
        for index, annotation in enumerate(annotations):
            key = annotation.get("key") if isinstance(annotation, dict) else None
            if isinstance(key, str):
                if key in keys:
                    yield duplicate(("spec", "auditAnnotations", index, "key"), key)
                keys.add(key)


def _match_resources(constraints: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validateMatchResources after the v1 defaults (matchPolicy Equivalent, empty selectors)."""
    policy = constraints.get("matchPolicy")
    if isinstance(policy, str) and policy not in MATCH_POLICIES:
        yield not_supported(at + ("matchPolicy",), policy, MATCH_POLICIES)
    for key in ("namespaceSelector", "objectSelector"):
        yield from selector_requirements(at + (key,), constraints.get(key))
    for key in ("resourceRules", "excludeResourceRules"):
        for index, rule in enumerate(items(constraints.get(key))):
            if not isinstance(rule, dict):
                continue
            where = at + (key, index)
            names = set()
            for number, name in enumerate(items(rule.get("resourceNames"))):
                if not isinstance(name, str):
                    continue
                for problem in ([f"may not be '{name}'"] if name in (".", "..") else
                                [f"may not contain '{c}'" for c in ("/", "%") if c in name]):
                    yield invalid(where + ("resourceNames", number), name, problem)
                if name in names:
                    yield duplicate(where + ("resourceNames", number), name)
                names.add(name)
            yield from _rule_with_operations(rule, where)


def _validation(check: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """validateValidation, less the CEL compilation."""
    expression = check.get("expression")
    if not (isinstance(expression, str) and expression.strip()):
        yield required(at + ("expression",), "expression is not specified", present=expression is not None)
    message = check.get("message")
    if isinstance(message, str) and message:
        if not message.strip():
            yield invalid(at + ("message",), message, "message must be non-empty if specified")
        elif "\n" in message.strip() or "\r" in message.strip():
            yield invalid(at + ("message",), message, "message must not contain line breaks")
    message_expression = check.get("messageExpression")
    if isinstance(message_expression, str) and message_expression and not message_expression.strip():
        yield invalid(at + ("messageExpression",), message_expression, "must be non-empty if specified")
    reason = check.get("reason")
    if isinstance(reason, str) and reason not in REASONS:
        yield not_supported(at + ("reason",), reason, REASONS)
