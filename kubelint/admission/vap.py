"""ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) evaluated against the objects of the
set, as k8s.io/apiserver/pkg/admission/plugin/policy/validating (dispatcher.go, validator.go) does
for a CREATE: each binding of the set names its policy; the policy's matchConstraints and the
binding's matchResources select the object; matchConditions, then the validations, run with
`object`, `oldObject` (null), `params`, `namespaceObject`, `request` and `variables`. A false
validation gives the binding's validationActions (Deny, Warn, Audit); an evaluation error gives
what failurePolicy says (Fail: as a false validation; Ignore: nothing). Expressions that use
`authorizer` cannot be evaluated from manifests.

The set's policies and bindings are read and compiled once per set; each object looks up the
bindings of its (apiVersion, kind) once."""

from __future__ import annotations

import re
import weakref
from typing import Any, Dict, List, Optional, Tuple

from ..findings import Pointer
from ..model.index import SetIndex, is_namespaced
from ..model.objects import K8sObject, as_dict, as_list, get_path
from ..named_tuple import NamedTuple
from .kinds import resource_of
from .vap_match import paths_read, resources_match, selector_matches

VARIABLES = ("object", "oldObject", "params", "namespaceObject", "request", "variables", "authorizer")
DENIED, NOT_EVALUATED = "denied", "not-evaluated"
GROUP = "admissionregistration.k8s.io"


class PolicyFinding(NamedTuple):
    kind: str  # DENIED or NOT_EVALUATED
    pointer: Pointer
    message: str
    action: str  # Deny, Warn or Audit (the most severe of the binding's)


class Program(NamedTuple):
    source: str
    compiled: Any  # cel Compiled, or None
    problem: str  # why it cannot be evaluated ("" when it can)
    paths: Tuple[tuple, ...]  # object fields it reads


def _compile(source: Any) -> Program:
    from ..cel.environment import CompileError, compile_expression

    text = str(source)
    try:
        compiled = compile_expression(text, VARIABLES)
    except CompileError as error:
        if re.search(r"\bauthorizer\b", text):
            return Program(text, None, "uses authorizer, which only the API server can answer", ())
        return Program(text, None, f"does not compile in kubelint's CEL engine: {error}", ())
    if compiled.tree is not None and any(n.kind == "ident" and n.name == "authorizer" for n in _walk(compiled.tree)):
        return Program(text, None, "uses authorizer, which only the API server can answer", ())
    return Program(text, compiled, "", tuple(paths_read(compiled.tree)) if compiled.tree is not None else ())


def _walk(tree: Any) -> Any:
    from ..cel.checked import walk

    return walk(tree)


class Policy(NamedTuple):
    name: str
    match: Dict[str, Any]
    param_kind: Optional[Tuple[str, str]]  # (apiVersion, kind)
    fail: bool  # failurePolicy Fail (the default)
    conditions: Tuple[Tuple[str, Program], ...]
    variables: Tuple[Tuple[str, Program], ...]
    validations: Tuple[Tuple[Program, Any, Optional[Program]], ...]  # (expression, message, messageExpression)


class Binding(NamedTuple):
    name: str
    policy: Policy
    match: Optional[Dict[str, Any]]
    param_ref: Dict[str, Any]
    action: str


def _policy(obj: K8sObject) -> Policy:
    spec = obj.spec
    param = as_dict(spec.get("paramKind"))
    conditions = tuple((str(as_dict(c).get("name", "")), _compile(as_dict(c).get("expression", "")))
                       for c in as_list(spec.get("matchConditions")))
    variables = tuple((str(as_dict(v).get("name", "")), _compile(as_dict(v).get("expression", "")))
                      for v in as_list(spec.get("variables")))
    validations = []
    for validation in as_list(spec.get("validations")):
        validation = as_dict(validation)
        message_expression = validation.get("messageExpression")
        validations.append((_compile(validation.get("expression", "")), validation.get("message"),
                            _compile(message_expression) if message_expression else None))
    return Policy(obj.name or "", as_dict(spec.get("matchConstraints")),
                  (str(param.get("apiVersion", "")), str(param.get("kind", ""))) if param else None,
                  spec.get("failurePolicy", "Fail") != "Ignore", conditions, variables, tuple(validations))


def _action(actions: Any) -> str:
    names = [str(a) for a in as_list(actions)]
    for action in ("Deny", "Warn", "Audit"):
        if action in names:
            return action
    return ""


class PolicySet:
    def __init__(self, index: SetIndex) -> None:
        self.index = index
        policies = {}
        for obj in index.objects:
            if obj.kind == "ValidatingAdmissionPolicy" and str(obj.raw.get("apiVersion", "")).startswith(GROUP):
                policies[obj.name] = obj
        self.bindings: List[Binding] = []
        compiled: Dict[str, Policy] = {}
        for obj in index.objects:
            if obj.kind != "ValidatingAdmissionPolicyBinding" or not str(obj.raw.get("apiVersion", "")).startswith(GROUP):
                continue
            name = obj.spec.get("policyName")
            if name not in policies:
                continue  # a policy outside the set: nothing to evaluate
            if name not in compiled:
                compiled[name] = _policy(policies[name])
            action = _action(obj.spec.get("validationActions"))
            if action:
                match = obj.spec.get("matchResources")
                self.bindings.append(Binding(obj.name or "", compiled[name],
                                             as_dict(match) if isinstance(match, dict) else None,
                                             as_dict(obj.spec.get("paramRef")), action))
        self._by_type: Dict[Tuple[str, str], List[Binding]] = {}
        # (group, kind) -> plural of the CRDs of the set: resourceRules name custom resources so.
        self.plurals: Dict[Tuple[str, str], str] = {}
        if self.bindings:
            for obj in index.objects:
                if obj.kind == "CustomResourceDefinition":
                    names = as_dict(obj.spec.get("names"))
                    if isinstance(names.get("plural"), str):
                        self.plurals[(str(obj.spec.get("group", "")), str(names.get("kind", "")))] = names["plural"]

    def candidates(self, api_version: str, kind: str) -> List[Binding]:
        """Bindings whose rules name the object's group/version/resource (selectors aside)."""
        key = (api_version, kind)
        found = self._by_type.get(key)
        if found is None:
            found = self._by_type[key] = list(self.bindings)
        return found


_by_index: "weakref.WeakKeyDictionary[SetIndex, PolicySet]" = weakref.WeakKeyDictionary()


def policy_set(index: SetIndex) -> PolicySet:
    found = _by_index.get(index)
    if found is None:
        found = _by_index[index] = PolicySet(index)
    return found


def _params(binding: Binding, obj: K8sObject, index: SetIndex) -> Optional[List[Any]]:
    """The param objects for this binding and object (paramRef resolved from the set); [None]
    when the policy has no paramKind; None when the set cannot tell."""
    policy = binding.policy
    if policy.param_kind is None:
        return [None]
    api_version, kind = policy.param_kind
    ref = binding.param_ref
    namespace = ref.get("namespace") or (obj.namespace if is_namespaced(kind) else "")
    if ref.get("name"):
        found = index.get(kind, namespace, str(ref["name"]))
        return [found.data] if found is not None else []
    if "selector" in ref:
        return [o.data for o in index.of_kind(kind, namespace if is_namespaced(kind) else None)
                if selector_matches(ref.get("selector"), as_dict(o.metadata.get("labels"))) is True]
    return None


def evaluate(obj: K8sObject, index: SetIndex) -> List[PolicyFinding]:
    policies = policy_set(index)
    if not policies.bindings:
        return []
    from ..cel.environment import EvaluationError, evaluate as run

    api_version = str(obj.raw.get("apiVersion", ""))
    resource, group = resource_of(obj.kind, api_version)
    version = api_version.rsplit("/", 1)[-1]
    resource = policies.plurals.get((group, obj.kind), resource)
    namespace_object = index.get("Namespace", "", obj.namespace) if is_namespaced(obj.kind) else None
    namespace_labels = as_dict(namespace_object.metadata.get("labels")) if namespace_object is not None else None
    if namespace_labels is None and is_namespaced(obj.kind) and obj.namespace == "default":
        namespace_labels = {}
    findings: List[PolicyFinding] = []
    for binding in policies.candidates(api_version, obj.kind):
        policy = binding.policy
        if resources_match(policy.match, obj, group, version, resource, namespace_labels) is not True:
            continue  # no match, or a namespaceSelector the set cannot decide
        if binding.match is not None and \
                resources_match(binding.match, obj, group, version, resource, namespace_labels) is not True:
            continue
        params = _params(binding, obj, index)
        who = f"ValidatingAdmissionPolicy '{policy.name}' with binding '{binding.name}'"
        if params is None:
            continue
        if not params:
            if binding.param_ref.get("parameterNotFoundAction") == "Deny":
                findings.append(PolicyFinding(DENIED, ("kind",), f"{who} denied request: no params found for policy "
                                              f"binding with `Deny` parameterNotFoundAction", binding.action))
            continue
        request = {"operation": "CREATE", "kind": {"group": group, "version": version, "kind": obj.kind},
                   "resource": {"group": group, "version": version, "resource": resource},
                   "name": obj.name, "namespace": obj.namespace if is_namespaced(obj.kind) else "",
                   "dryRun": False, "userInfo": {}}
        for param in params:
            data = {"object": obj.data, "oldObject": None, "params": param,
                    "namespaceObject": namespace_object.data if namespace_object is not None else None,
                    "request": request}
            findings.extend(_run_policy(policy, binding, data, who, run, EvaluationError))
    return findings


def _run_policy(policy: Policy, binding: Binding, data: Dict[str, Any], who: str, run: Any,
                error_type: Any) -> List[PolicyFinding]:
    out: List[PolicyFinding] = []
    variables: Dict[str, Any] = {}
    data["variables"] = variables
    for name, program in policy.variables:
        if program.compiled is None:
            continue
        try:
            variables[name] = run(program.compiled, None, data)
        except error_type:
            continue  # an expression that reads it fails in turn
    for name, program in policy.conditions:
        if program.compiled is None:
            out.append(PolicyFinding(NOT_EVALUATED, ("kind",), f"{who}: matchCondition '{name}' {program.problem}; "
                                     "kubelint cannot tell whether the policy applies", binding.action))
            return out
        try:
            if run(program.compiled, None, data) is not True:
                return out  # the policy does not apply
        except error_type as error:
            if policy.fail:
                out.append(PolicyFinding(DENIED, ("kind",), f"{who} denied request: matchCondition '{name}' "
                                         f"evaluation error: {error} (failurePolicy Fail)", binding.action))
            return out
    for program, message, message_expression in policy.validations:
        pointer = _pointer(program, data["object"])
        if program.compiled is None:
            out.append(PolicyFinding(NOT_EVALUATED, pointer, f"{who}: expression '{program.source}' "
                                     f"{program.problem}; not evaluated", binding.action))
            continue
        try:
            result = run(program.compiled, None, data)
        except error_type as error:
            if policy.fail:
                out.append(PolicyFinding(DENIED, pointer, f"{who} denied request: expression '{program.source}' "
                                         f"resulted in error: {error} (failurePolicy Fail)", binding.action))
            continue
        if result is True:
            continue
        text = _message(program, message, message_expression, data, run, error_type)
        out.append(PolicyFinding(DENIED, pointer, f"{who} denied request: {text}", binding.action))
    return out


def _message(program: Program, message: Any, message_expression: Optional[Program], data: Dict[str, Any], run: Any,
             error_type: Any) -> str:
    if message_expression is not None and message_expression.compiled is not None:
        try:
            text = run(message_expression.compiled, None, data)
            if isinstance(text, str) and text.strip() and "\n" not in text:
                return text
        except error_type:
            pass
    if isinstance(message, str) and message:
        return message
    return f"failed expression: {program.source}"


def _pointer(program: Program, obj_data: Any) -> Pointer:
    """The field the expression reads when it reads exactly one, as far as the object has it;
    else the object's kind."""
    if len(program.paths) != 1:
        return ("kind",)
    path = program.paths[0]
    deepest: Pointer = ("kind",)
    for size in range(1, len(path) + 1):
        if get_path(obj_data, path[:size]) is None:
            break
        deepest = path[:size]
    return deepest
