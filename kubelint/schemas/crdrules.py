"""CRD `x-kubernetes-validations` rules: read and compiled once per CRD version, evaluated on
each custom resource as the API server does (apiextensions-apiserver pkg/apiserver/schema/cel/
validation.go: Validator.validate, validateExpressions).

- A rule runs on every non-null value at its schema node (each item of a list, each value of a
  map), with `self` typed by the schema: numbers as doubles, date-time and date strings as
  timestamps, durations as durations, bytes decoded; property names escaped as CEL identifiers
  (`foo-bar` is `self.foo__dash__bar`); at the root and in embedded resources, `metadata` has
  only name and generateName.
- A rule that evaluates to false is a KL111 error at its node (or `fieldPath`) with the server's
  wording: `Invalid value: "object": <message>`, or Required / Forbidden / Duplicate per `reason`;
  `messageExpression` gives the message when it evaluates to a usable string.
- Rules that use `oldSelf` are transition rules: with no old object they are skipped. Rules that
  use what kubelint's engine lacks (two-variable comprehensions, the image library) are skipped.
  A rule that fails to evaluate (no such key...) is a warning: the server refuses the object, but kubelint's typing
  of `self` is looser than the server's.
- A rule that does not compile, a bad `reason`, `fieldPath` or `message` is a KL107 error on the
  CRD at the rule (apiextensions validation.go: ValidateCustomResourceDefinitionOpenAPISchema).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..findings import Issue, Pointer, Severity, pointer_to_dotted

if TYPE_CHECKING:
    from ..cel.environment import Compiled

RULE_INVALID_CRD = "KL107"
RULE_VALIDATION_RULE = "KL111"
REASONS = ("FieldValueRequired", "FieldValueForbidden", "FieldValueInvalid", "FieldValueDuplicate")
MAX_MESSAGE = 5000  # celconfig.MaxEvaluatedMessageExpressionSizeBytes
OBJECT_BUDGET_FACTOR = 10  # rules of one object together: ten times one rule's budget
_RESERVED = {"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
             "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"}
_IDENTIFIER = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*\Z")


@dataclass
class Rule:
    compiled: "Compiled"
    text: str  # the rule as written (trimmed)
    message: str  # trimmed; "" when absent
    message_expression: Optional["Compiled"]
    reason: Optional[str]
    field_path: Pointer


@dataclass
class Site:
    """A structural schema node that has rules, or has descendants with rules."""

    schema: Dict[str, Any]
    resource: bool = False  # the root or an embedded resource: metadata is name and generateName only
    rules: List[Rule] = field(default_factory=list)
    properties: Dict[str, "Site"] = field(default_factory=dict)
    items: Optional["Site"] = None
    extra: Optional["Site"] = None  # additionalProperties


def read_rules(schema: Any, pointer: Pointer, issues: List[Issue], depth_limit: int) -> Optional[Site]:
    """The rules of one version's openAPIV3Schema, compiled; problems go to `issues`. None when
    there are none or the CEL engine is not installed."""
    from ..cel import available

    if not available():
        return None
    return _site(schema, pointer, issues, depth_limit, resource=True)


def _site(schema: Any, pointer: Pointer, issues: List[Issue], depth: int, resource: bool = False) -> Optional[Site]:
    if not isinstance(schema, dict) or depth <= 0:
        return None
    site = Site(schema, resource or schema.get("x-kubernetes-embedded-resource") is True)
    site.rules = _rules(schema, pointer, issues)
    branches = schema.get("allOf")
    if isinstance(branches, list):  # rules in allOf branches run at this node too (AllOfValidators)
        for index, branch in enumerate(branches):
            if isinstance(branch, dict):
                site.rules += _rules(branch, pointer + ("allOf", index), issues)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if resource and name == "metadata":
                continue
            child = _site(sub, pointer + ("properties", name), issues, depth - 1)
            if child is not None:
                site.properties[name] = child
    site.items = _site(schema.get("items"), pointer + ("items",), issues, depth - 1)
    site.extra = _site(schema.get("additionalProperties"), pointer + ("additionalProperties",), issues, depth - 1)
    if not (site.rules or site.properties or site.items or site.extra):
        return None
    return site


def _crd_issue(pointer: Pointer, problem: str) -> Issue:
    return Issue(RULE_INVALID_CRD, pointer, f"{pointer_to_dotted(pointer)}: {problem}")


def _rules(schema: Dict[str, Any], pointer: Pointer, issues: List[Issue]) -> List[Rule]:
    entries = schema.get("x-kubernetes-validations")
    if entries is None:
        return []
    here = pointer + ("x-kubernetes-validations",)
    if not isinstance(entries, list):
        issues.append(_crd_issue(here, "must be a list of rules"))
        return []
    rules = []
    for index, entry in enumerate(entries):
        rule = _rule(entry, here + (index,), schema, issues)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule(entry: Any, at: Pointer, schema: Dict[str, Any], issues: List[Issue]) -> Optional[Rule]:
    """One rule checked as the API server checks it when the CRD is created, then compiled."""
    from ..cel.environment import CompileError, compile_expression

    if not isinstance(entry, dict) or not isinstance(entry.get("rule", ""), str):
        issues.append(_crd_issue(at, "a validation rule is a mapping with a string `rule`"))
        return None
    text = entry.get("rule", "").strip()
    message = entry.get("message") if isinstance(entry.get("message"), str) else ""
    problems: List[Tuple[Pointer, str]] = []
    if not text:
        problems.append((at + ("rule",), "Required value: rule is not specified"))
    elif message and not message.strip():
        problems.append((at + ("message",), "Invalid value: must be non-empty if specified"))
    elif "\n" in message.strip():
        problems.append((at + ("message",), "Invalid value: must not contain line breaks"))
    elif "\n" in text and not message.strip():
        problems.append((at + ("message",), "Required value: message must be specified if rule contains line breaks"))
    reason = entry.get("reason")
    if reason is not None and reason not in REASONS:
        problems.append((at + ("reason",), f"Unsupported value: {json.dumps(reason)}: supported values: "
                                           + ", ".join(f'"{r}"' for r in sorted(REASONS))))
    field_path: Pointer = ()
    raw_path = entry.get("fieldPath")
    if raw_path is not None:
        parsed = _field_path(raw_path, schema) if isinstance(raw_path, str) and raw_path.strip() else None
        if parsed is None:
            problems.append((at + ("fieldPath",), f"Invalid value: {json.dumps(raw_path)}: must be a valid path"))
        else:
            field_path = parsed
    for where, problem in problems:
        issues.append(_crd_issue(where, problem))
    if problems:
        return None
    try:
        compiled = compile_expression(text)
    except CompileError as exc:
        if not exc.unsupported:
            issues.append(_crd_issue(at + ("rule",), f"Invalid value: compilation failed: {exc}"))
        return None
    if compiled.result_type not in ("BOOL", "DYN"):
        issues.append(_crd_issue(at + ("rule",), "Invalid value: cel expression must evaluate to a bool"))
        return None
    message_expression = None
    source = entry.get("messageExpression")
    if isinstance(source, str) and source.strip():
        try:
            message_expression = compile_expression(source.strip())
        except CompileError as exc:
            if not exc.unsupported:
                issues.append(_crd_issue(at + ("messageExpression",),
                                         f"Invalid value: messageExpression compilation failed: {exc}"))
        else:
            if message_expression.result_type not in ("STRING", "DYN"):
                issues.append(_crd_issue(at + ("messageExpression",),
                                         "Invalid value: messageExpression must evaluate to a string"))
                message_expression = None
    if not compiled.uses_old_self and entry.get("optionalOldSelf") is not None:
        issues.append(_crd_issue(at + ("optionalOldSelf",), "Invalid value: may not be set if oldSelf is not used "
                                                            "in rule"))
    if compiled.uses_old_self:  # a transition rule: there is no old object to compare with
        return None
    return Rule(compiled, text, message.strip(), message_expression, reason, field_path)


_PATH_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]")


def _field_path(path: str, schema: Dict[str, Any]) -> Optional[Pointer]:
    """`.spec.foo['bar.baz']` as a pointer, when each step is a field the schema has
    (apiextensions-apiserver schema/cel/validation.go: ValidFieldPath)."""
    steps: List[str] = []
    position, node = 0, schema
    text = path.strip()
    while position < len(text):
        match = _PATH_STEP.match(text, position)
        if match is None:
            return None
        name = match.group(1) if match.group(1) is not None else re.sub(r"\\(.)", r"\1", match.group(2))
        properties = node.get("properties") if isinstance(node, dict) else None
        if isinstance(properties, dict) and name in properties:
            node = properties[name]
        elif isinstance(node, dict) and isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
        steps.append(name)
        position = match.end()
    return tuple(steps) if steps else None


# -- evaluation --------------------------------------------------------------------------------

def rule_issues(site: Site, instance: Any, report_errors: bool = True) -> List[Issue]:
    """KL111 for each rule `instance` fails. `report_errors`: also warn about rules that fail to
    evaluate (off when the object has schema errors, which explain those better)."""
    from ..cel.cost import BUDGET

    state = _Run(report_errors, BUDGET * OBJECT_BUDGET_FACTOR)
    stack: List[Tuple[Site, Any, Pointer]] = [(site, instance, ())]
    while stack:
        node, value, path = stack.pop()
        if value is None:
            continue  # rules validate non-null values only
        if node.rules:
            state.evaluate(node, value, path)
        if isinstance(value, dict):
            declared = node.schema.get("properties") if isinstance(node.schema.get("properties"), dict) else {}
            for key, child in value.items():
                sub = node.properties.get(key) if key in declared else node.extra
                if sub is not None:
                    stack.append((sub, child, path + (key,)))
        elif isinstance(value, list) and node.items is not None:
            stack.extend((node.items, child, path + (index,)) for index, child in enumerate(value))
    return state.found


class _Run:
    def __init__(self, report_errors: bool, budget: int) -> None:
        self.found: List[Issue] = []
        self.report_errors = report_errors
        self.budget = budget
        self.exhausted = False

    def evaluate(self, site: Site, value: Any, path: Pointer) -> None:
        from ..cel.cost import BUDGET, bound, magnitude
        from ..cel.environment import EvaluationError, evaluate

        if self.exhausted:
            return
        try:
            self_value = to_cel(value, site.schema, site.resource)
        except RecursionError:  # nested deeper than any real object: not evaluated
            return
        size = magnitude(self_value)
        for rule in site.rules:
            cost = bound(rule.compiled.tree, size) if rule.compiled.tree is not None else BUDGET + 1
            if cost > BUDGET or cost > self.budget:
                self.exhausted = cost <= BUDGET
                self._warn(path, f"rule not evaluated: it could cost more than kubelint's evaluation budget on this "
                                 f"value (rule: {_rule_text(rule)})")
                if self.exhausted:
                    return
                continue
            self.budget -= cost
            try:
                result = evaluate(rule.compiled, self_value)
            except EvaluationError as exc:
                if not exc.unsupported and self.report_errors:
                    self._warn(path, f"Invalid value: {_shown(value)}: {exc} evaluating rule: {_rule_text(rule)}")
                continue
            if result is not True:
                self.found.append(self._failure(rule, value, self_value, path))

    def _warn(self, path: Pointer, message: str) -> None:
        where = f"{pointer_to_dotted(path)}: " if path else ""
        self.found.append(Issue(RULE_VALIDATION_RULE, path, where + message, severity=Severity.WARNING))

    def _failure(self, rule: Rule, value: Any, self_value: Any, path: Pointer) -> Issue:
        detail = _message(rule, self_value)
        at = path + rule.field_path
        where = f"{pointer_to_dotted(at)}: " if at else ""
        if rule.reason == "FieldValueRequired":
            text = f"Required value: {detail}"
        elif rule.reason == "FieldValueForbidden":
            text = f"Forbidden: {detail}"
        elif rule.reason == "FieldValueDuplicate":
            text = f"Duplicate value: {_shown(value)}"
        else:
            text = f"Invalid value: {_shown(value)}: {detail}"
        return Issue(RULE_VALIDATION_RULE, at, where + text)


def _rule_text(rule: Rule) -> str:
    """ruleErrorString: the message when there is one, else the rule."""
    return rule.message or rule.text


def _message(rule: Rule, self_value: Any) -> str:
    from ..cel.environment import EvaluationError, evaluate

    if rule.message_expression is not None:
        try:
            text = evaluate(rule.message_expression, self_value)
        except EvaluationError:
            text = None
        if isinstance(text, str) and text.strip() and "\n" not in text.strip() and len(text.strip()) <= MAX_MESSAGE:
            return text.strip()
    return rule.message or f"failed rule: {rule.text}"


def _shown(value: Any) -> str:
    """The value as the API server shows it in `Invalid value:`: "object" and "array" for those."""
    if isinstance(value, dict):
        return '"object"'
    if isinstance(value, list):
        return '"array"'
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + '..."'


# -- self --------------------------------------------------------------------------------------

def escape(name: str) -> Optional[str]:
    """A property name as a CEL identifier (k8s.io/apiserver/pkg/cel/escaping.go: Escape), or
    None when it cannot be one (then rules cannot see the field)."""
    if name in _RESERVED:
        return f"__{name}__"
    escaped = (name.replace("__", "__underscores__").replace(".", "__dot__").replace("-", "__dash__")
               .replace("/", "__slash__"))
    return escaped if _IDENTIFIER.match(escaped) else None


def to_cel(value: Any, schema: Any, resource: bool = False) -> Any:
    """`value` as the API server hands it to a rule whose node has schema `schema`."""
    from ..cel.environment import duration, timestamp

    if not isinstance(schema, dict):
        schema = {}
    kind = schema.get("type")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value) if kind == "number" else value
    if isinstance(value, str):
        style = schema.get("format")
        if kind == "string" and style in ("date-time", "date"):
            converted = timestamp(value)
        elif kind == "string" and style == "duration":
            converted = duration(value)
        elif kind == "string" and style == "byte":
            try:
                converted = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                converted = None
        else:
            return value
        return value if converted is None else converted
    if isinstance(value, list):
        items = schema.get("items")
        return [to_cel(item, items) for item in value]
    if isinstance(value, dict):
        return _object(value, schema, resource)
    return value


def _object(value: Dict[str, Any], schema: Dict[str, Any], resource: bool) -> Dict[str, Any]:
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    extra = schema.get("additionalProperties")
    keeps_unknown = schema.get("x-kubernetes-preserve-unknown-fields") is True or extra is True
    out: Dict[str, Any] = {}
    for key, child in value.items():
        if resource and key == "metadata":
            if isinstance(child, dict):
                out["metadata"] = {k: child[k] for k in ("name", "generateName") if k in child}
            continue
        if resource and key in ("apiVersion", "kind"):
            out[key] = child
        elif key in properties:
            name = escape(key)
            if name is not None:
                out[name] = to_cel(child, properties[key], properties[key].get("x-kubernetes-embedded-resource") is True
                                   if isinstance(properties[key], dict) else False)
        elif isinstance(extra, dict):
            out[key] = to_cel(child, extra, extra.get("x-kubernetes-embedded-resource") is True)
        elif keeps_unknown:
            out[key] = to_cel(child, None)
    return out
