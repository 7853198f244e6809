"""CustomResourceDefinitions -> one JSON Schema (2020-12) per served version.

A CRD's `openAPIV3Schema` is OpenAPI v3 with Kubernetes' structural-schema extensions. The
conversion keeps what the API server enforces and nothing more:

- unknown fields are errors (the server prunes them; kubectl's strict field validation
  rejects them): every object node without `additionalProperties` and without
  `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`, unless
  the CRD preserves unknown fields everywhere (`spec.preserveUnknownFields`, which is the
  default of apiextensions.k8s.io/v1beta1);
- `x-kubernetes-int-or-string` is the type union integer|string;
- `x-kubernetes-embedded-resource` objects take apiVersion and kind (required) and an
  ObjectMeta `metadata`;
- `nullable: true` allows null. A null in an optional field that is not nullable is allowed
  too: the API server drops it before validating (it prunes non-nullable nulls); a null list
  item or required field is an error;
- the custom resource's own `metadata` is validated as the bundled ObjectMeta (the server
  ignores the CRD's metadata schema except restrictions on name and generateName, which are
  kept);
- `x-kubernetes-preserve-unknown-fields` is inherited by the items of an array (and of arrays
  in it), not by properties or additionalProperties, as the server's pruning does;
- `x-kubernetes-list-type`/`-list-map-keys` are kept for the duplicate check (structural.py);
- `pattern`s are checked as RE2 (patterns.py); one that is not a regular expression fails
  every string value, as in the server;
- structural defaults (defaulting.py) and CEL rules (`x-kubernetes-validations`, crdrules.py)
  are read per version here and applied by the validator; descriptions and examples are
  dropped; formats are not checked;
- a CRD the server refuses outright (group without a dot, over 3 MiB) defines nothing; a schema
  too deep or too large for kubelint is a warning and its version is not validated.

Every problem that makes a CRD invalid is an Issue (KL107) at its node in the CRD; a problem
that leaves a version without a usable schema also says so, and that version's objects get a
hint instead of a validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..findings import Issue, Pointer, pointer_to_dotted
from .patterns import nested_repeats, translate_pattern

if TYPE_CHECKING:
    from .crdrules import Site
    from .defaulting import Defaults

RULE_INVALID_CRD = "KL107"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
OBJECT_META_REF = {"$ref": f"#/$defs/{OBJECT_META}"}
V1 = "apiextensions.k8s.io/v1"
V1BETA1 = "apiextensions.k8s.io/v1beta1"

_TYPES = ("object", "array", "string", "integer", "number", "boolean")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_NUMBERS = ("minimum", "maximum", "multipleOf")
# Not allowed in a CRD schema (Kubernetes rejects the CRD).
_FORBIDDEN = ("$ref", "$schema", "definitions", "dependencies", "deprecated", "discriminator", "id",
              "patternProperties", "readOnly", "writeOnly", "xml", "additionalItems")
_DROPPED = ("description", "title", "example", "externalDocs", "format", "x-kubernetes-validations",
            "x-kubernetes-map-type", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
            "x-kubernetes-embedded-resource", "nullable")
_LIST_TYPES = ("atomic", "set", "map")
ORIGINAL_PATTERN = "x-kubelint-pattern"
INVALID_PATTERN = "x-kubelint-invalid-pattern"  # [pattern, RE2's complaint]: every string fails
# Bounds on what kubelint converts (hostile or absurd schemas must not exhaust time, memory or the
# stack). Real CRDs stay far below: a few thousand nodes, a path of some 80 keys at the deepest.
MAX_SCHEMA_DEPTH = 160  # keys on the path from openAPIV3Schema to a node (properties.x counts 2)
MAX_SCHEMA_NODES = 60_000  # schema nodes in one version's schema
# The API server refuses a request body over 3 MiB (k8s.io/apiserver server/config.go:
# MaxRequestBodyBytes = 3 * 1024 * 1024), so no CRD larger than that exists in a cluster.
MAX_REQUEST_BYTES = 3 * 1024 * 1024


@dataclass
class CrdVersion:
    """One served version: objects of `kind` in `api_version` are validated with `schema`."""

    api_version: str
    kind: str
    crd: str  # the CRD's name, for messages
    schema: Dict[str, Any]  # refers to #/$defs/<ObjectMeta>; the store attaches the definitions
    where: Pointer = ()  # the version's entry in the CRD, for findings about it
    defaults: Optional["Defaults"] = None  # applied before validation, as the API server does
    rules: Optional["Site"] = None  # x-kubernetes-validations, compiled


@dataclass
class CrdReading:
    name: str
    kind: Optional[str] = None
    versions: List[CrdVersion] = field(default_factory=list)
    issues: List[Issue] = field(default_factory=list)
    # apiVersion -> why objects of that version get no validation (invalid schema)
    unusable: Dict[str, str] = field(default_factory=dict)
    group: Optional[str] = None
    served: List[str] = field(default_factory=list)  # the apiVersions the API server serves
    not_served: List[str] = field(default_factory=list)  # versions defined with served false or absent


def read_crd(data: Dict[str, Any]) -> CrdReading:
    """The schemas a CRD defines for its custom resources, and its problems."""
    name = _get(data, "metadata", "name")
    name = name if isinstance(name, str) and name else "<unnamed>"
    from .crdrules import read_rules
    from .defaulting import build as build_defaults

    reading = CrdReading(name)
    api_version = data.get("apiVersion")
    if api_version not in (V1, V1BETA1):
        reading.issues.append(Issue(RULE_INVALID_CRD, ("apiVersion",),
                                    f"CustomResourceDefinition {api_version} is not understood (use {V1}); "
                                    "its custom resources are not validated"))
        return reading
    beta = api_version == V1BETA1
    size, has_rules = _json_size(data)
    if size > MAX_REQUEST_BYTES:
        reading.issues.append(Issue(RULE_INVALID_CRD, (), f"the CRD is {size / 1048576:.1f} MiB as JSON; the API server "
                                    "refuses a request over 3 MiB, so it cannot be created (its custom resources "
                                    "are not validated)"))
        return reading
    spec = data.get("spec")
    if not isinstance(spec, dict):
        reading.issues.append(Issue(RULE_INVALID_CRD, ("spec",) if "spec" in data else (),
                                    "spec is missing or not a mapping; no custom resource is defined"))
        return reading
    group, kind = spec.get("group"), _get(spec, "names", "kind")
    required: List[Tuple[Any, Pointer, str]] = [(group, ("spec", "group"), "spec.group"),
                                                (kind, ("spec", "names", "kind"), "spec.names.kind")]
    for value, field_pointer, what in required:
        if not isinstance(value, str) or not value:
            reading.issues.append(Issue(RULE_INVALID_CRD, _deepest(data, field_pointer),
                                        f"{what} is missing or empty; no custom resource is defined"))
    if not (isinstance(group, str) and group and isinstance(kind, str) and kind):
        return reading
    group_problem = _group_problem(group)
    if group_problem is not None:  # the API server refuses the CRD: it defines nothing
        reading.issues.append(Issue(RULE_INVALID_CRD, ("spec", "group"), group_problem))
        return reading
    if not beta:
        reading.issues.extend(_approval_issues(data, group))
    reading.kind, reading.group = kind, group
    # v1beta1 keeps unknown fields unless told not to; v1 prunes them (true is deprecated there).
    preserve_all = spec.get("preserveUnknownFields", beta) is True
    converted: Dict[Pointer, Tuple[Optional[Dict[str, Any]], Optional["Defaults"], Optional["Site"], bool]] = {}
    for version, served, schema, pointer, where in _versions(spec, beta, reading):
        api = f"{group}/{version}"
        if not served:
            reading.not_served.append(api)
            continue
        reading.served.append(api)
        if schema is None:
            if beta:  # no validation in a v1beta1 CRD: the server accepts anything
                reading.versions.append(CrdVersion(api, kind, name, _open_schema(), where))
                continue
            reading.issues.append(_issue(where, f"version {version} has no schema.openAPIV3Schema "
                                                f"(required in {V1}); its {kind} objects are not validated"))
            reading.unusable[api] = f"CRD {name} has no valid schema for {version} (see KL107)"
            continue
        if pointer not in converted:
            converter = _Converter(reading.issues, strict_type=not beta, prune=not preserve_all)
            result = converter.root(schema, pointer)
            usable = result is not None
            converted[pointer] = (result, build_defaults(schema, MAX_SCHEMA_DEPTH // 2) if usable else None,
                                  read_rules(schema, pointer, reading.issues, MAX_SCHEMA_DEPTH // 2)
                                  if usable and has_rules else None, converter.too_large)
        result, defaults, rules, too_large = converted[pointer]
        if result is None:
            reading.unusable[api] = (f"the schema of CRD {name} for {version} is too large for kubelint (see KL107)"
                                     if too_large else f"CRD {name} has no valid schema for {version} (see KL107)")
        else:
            reading.versions.append(CrdVersion(api, kind, name, result, where, defaults, rules))
    reading.issues = list(dict.fromkeys(reading.issues))  # a shared v1beta1 schema reports once
    return reading


_Version = Tuple[str, bool, Any, Pointer, Pointer]


def _versions(spec: Dict[str, Any], beta: bool, reading: CrdReading) -> List[_Version]:
    """(version, served, schema node or None, schema pointer, where to report) per version."""
    shared = _get(spec, "validation", "openAPIV3Schema") if beta else None
    shared_pointer: Pointer = ("spec", "validation", "openAPIV3Schema")
    versions = spec.get("versions")
    if beta and not versions and isinstance(spec.get("version"), str):
        return [(spec["version"], True, shared, shared_pointer, ("spec", "version"))]
    if not isinstance(versions, list) or not versions:
        reading.issues.append(Issue(RULE_INVALID_CRD, ("spec", "versions") if "versions" in spec else ("spec",),
                                    "spec.versions is missing or empty; no custom resource is defined"))
        return []
    found: List[_Version] = []
    for index, entry in enumerate(versions):
        where: Pointer = ("spec", "versions", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            reading.issues.append(_issue(where, "a version needs a name"))
            continue
        # `served` has no default: a version that does not say `served: true` is not served
        # (CustomResourceDefinitionVersion.Served is a plain bool in both API versions).
        served = entry.get("served") is True
        own = _get(entry, "schema", "openAPIV3Schema")
        if own is not None:
            found.append((entry["name"], served, own, where + ("schema", "openAPIV3Schema"), where))
        else:
            found.append((entry["name"], served, shared, shared_pointer,
                          where + (("schema",) if "schema" in entry else ())))
    return found


def _group_problem(group: str) -> Optional[str]:
    """Why the API server refuses `group` (apiextensions validation.go:
    validateCustomResourceDefinitionSpec): a DNS subdomain with at least one dot, so a CRD can
    never define a kind in a built-in group such as `apps` or `batch`."""
    from ..model.validation import dns1123_subdomain

    errors = dns1123_subdomain(group)
    if errors:
        return f'spec.group: Invalid value: "{group}": ' + ",".join(errors)
    if "." not in group:
        return f'spec.group: Invalid value: "{group}": should be a domain with at least one dot'
    return None


APPROVAL_ANNOTATION = "api-approved.kubernetes.io"


def _approval_issues(data: Dict[str, Any], group: str) -> List[Issue]:
    """A v1 CRD in a group the Kubernetes project owns (`*.k8s.io`, `*.kubernetes.io`) needs the
    approval annotation: a URL, or a reason starting with "unapproved" (apiextensions
    validation.go:validateAPIApproval, apihelpers.GetAPIApprovalState)."""
    if not (group in ("k8s.io", "kubernetes.io") or group.endswith((".k8s.io", ".kubernetes.io"))):
        return []
    annotations = _get(data, "metadata", "annotations")
    value = annotations.get(APPROVAL_ANNOTATION) if isinstance(annotations, dict) else None
    pointer: Pointer = ("metadata", "annotations", APPROVAL_ANNOTATION)
    if not value:
        return [Issue(RULE_INVALID_CRD, _deepest(data, pointer),
                      f"metadata.annotations[{APPROVAL_ANNOTATION}]: Required value: protected groups must have "
                      f'approval annotation "{APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111')]
    if not isinstance(value, str) or not (value.startswith("unapproved") or _is_url(value)):
        return [Issue(RULE_INVALID_CRD, pointer,
                      f"metadata.annotations[{APPROVAL_ANNOTATION}]: Invalid value: protected groups must have "
                      f'approval annotation "{APPROVAL_ANNOTATION}" with either a URL or a reason starting with '
                      '"unapproved", see https://github.com/kubernetes/enhancements/pull/1111')]
    return []


def _is_url(value: str) -> bool:
    """Go's url.ParseRequestURI with a scheme and a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and " " not in value


def _json_size(data: Any) -> Tuple[int, bool]:
    """The size of the request body kubectl would send (compact JSON), and whether the CRD has
    x-kubernetes-validations rules anywhere."""
    import json

    try:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)
    except RecursionError:  # deeper than json.dumps goes (the server's decoder allows 10,000 levels)
        return _json_size_iterative(data), True
    return len(text.encode("utf-8", "surrogatepass")), '"x-kubernetes-validations"' in text


def _json_size_iterative(data: Any) -> int:
    """About the compact JSON size of `data`, without recursion (strings without escapes)."""
    size, stack = 0, [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            size += 1 + len(node) * 4  # braces, quotes, colon and comma per entry
            for key, value in node.items():
                size += len(str(key))
                stack.append(value)
        elif isinstance(node, list):
            size += 1 + len(node)
            stack.extend(node)
        else:
            size += len(str(node)) + (2 if isinstance(node, str) else 0)
    return size


class _TooLarge(Exception):
    """The schema is nested too deeply or has too many nodes for kubelint to convert."""


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _deepest(data: Any, pointer: Pointer) -> Pointer:
    """The longest prefix of `pointer` that exists in `data` (where a missing field is reported)."""
    node, found = data, ()  # type: Any, Pointer
    for part in pointer:
        if isinstance(node, dict) and part in node:
            node, found = node[part], found + (part,)
        else:
            break
    return found


def _issue(pointer: Pointer, problem: str) -> Issue:
    where = pointer_to_dotted(pointer) + ": " if pointer else ""
    return Issue(RULE_INVALID_CRD, pointer, where + problem)


def node_schema(node: Dict[str, Any], pointer: Pointer) -> Dict[str, Any]:
    """One schema node of a CRD as the JSON Schema its values are validated with (not pruned:
    unknown fields are allowed; problems with the node itself are KL107's and dropped here)."""
    return _Converter([], strict_type=True, prune=False).node(node, pointer, structural=True, may_be_null=False)


def _warning(pointer: Pointer, problem: str) -> Issue:
    """A CRD the API server may well accept, but that kubelint cannot check."""
    from ..findings import Severity

    where = pointer_to_dotted(pointer)
    if len(where) > 120:  # a path hundreds of levels deep: its end says enough
        where = "..." + where[-100:]
    return Issue(RULE_INVALID_CRD, pointer, f"{where}: {problem}", severity=Severity.WARNING)


def _open_schema() -> Dict[str, Any]:
    return {"type": "object", "properties": {"metadata": dict(OBJECT_META_REF)}}


class _Converter:
    """One openAPIV3Schema -> JSON Schema; problems go to `issues`."""

    def __init__(self, issues: List[Issue], strict_type: bool, prune: bool) -> None:
        self.issues = issues
        self.strict_type = strict_type  # v1: every structural node needs a type
        self.prune = prune  # unknown fields are errors (not preserved everywhere)
        self.nodes = 0
        self.root_depth = 0
        self.too_large = False

    def report(self, pointer: Pointer, problem: str) -> None:
        self.issues.append(_issue(pointer, problem))

    def root(self, schema: Any, pointer: Pointer) -> Optional[Dict[str, Any]]:
        if not isinstance(schema, dict):
            self.report(pointer, "openAPIV3Schema must be a mapping (a schema); the custom resources are not validated")
            return None
        if self.strict_type and schema.get("type", "object") != "object":
            self.report(pointer + ("type",), f'the root of a CRD schema must be of type object, not {schema.get("type")!r}')
        body = dict(schema)
        if isinstance(schema.get("properties"), dict):  # metadata is ObjectMeta, see metadata()
            body["properties"] = {k: v for k, v in schema["properties"].items() if k != "metadata"}
        self.root_depth = len(pointer)
        try:
            out = self.node(body, pointer, structural=True, may_be_null=False)
            properties = out.setdefault("properties", {})
            properties["metadata"] = self.metadata(schema, pointer)
        except _TooLarge:
            self.too_large = True
            return None
        out["type"] = "object"
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        if self.prune and schema.get("x-kubernetes-preserve-unknown-fields") is not True:
            out["additionalProperties"] = False
        return out

    def metadata(self, schema: Dict[str, Any], pointer: Pointer) -> Dict[str, Any]:
        """ObjectMeta, plus the restrictions on name and generateName a CRD may add."""
        own = _get(schema, "properties", "metadata")
        restrictions = {}
        if isinstance(own, dict) and isinstance(own.get("properties"), dict):
            where = pointer + ("properties", "metadata", "properties")
            others = [key for key in own["properties"] if key not in ("name", "generateName")]
            if others and self.strict_type:  # a structural (v1) rule; v1beta1 allowed it
                self.report(where, "a CRD schema may restrict only metadata.name and metadata.generateName, not "
                                   + ", ".join(others))
            for key in ("name", "generateName"):
                if isinstance(own["properties"].get(key), dict):
                    restrictions[key] = self.node(own["properties"][key], where + (key,), structural=False,
                                                  may_be_null=True)
        if not restrictions:
            return dict(OBJECT_META_REF)
        return {"allOf": [dict(OBJECT_META_REF), {"properties": restrictions}]}

    def node(self, node: Dict[str, Any], pointer: Pointer, structural: bool, may_be_null: bool,
             keeps_unknown: bool = False) -> Dict[str, Any]:
        """Convert one schema node. `structural`: not inside allOf/anyOf/oneOf/not.
        `may_be_null`: an optional object field, whose null the server drops. `keeps_unknown`:
        the items of an array that preserves unknown fields, which keep theirs too."""
        self.nodes += 1
        if self.nodes > MAX_SCHEMA_NODES:
            self.issues.append(_warning(pointer, f"the schema has more than {MAX_SCHEMA_NODES:,} nodes; kubelint does "
                                                 "not validate the custom resources of this version"))
            raise _TooLarge
        if len(pointer) - self.root_depth > MAX_SCHEMA_DEPTH:
            self.issues.append(_warning(pointer, f"the schema is nested more than {MAX_SCHEMA_DEPTH} keys deep here; "
                                                 "kubelint does not validate the custom resources of this version"))
            raise _TooLarge
        out: Dict[str, Any] = {}
        # The API server's pruning (apiextensions-apiserver pruning/algorithm.go: prune and
        # skipPrune) keeps the unknown fields of a node with x-kubernetes-preserve-unknown-fields
        # and of the items of such an array (and of arrays nested in it), but prunes the
        # properties and additionalProperties of that node as usual.
        preserves = node.get("x-kubernetes-preserve-unknown-fields") is True or keeps_unknown
        required: List[Any] = node["required"] if isinstance(node.get("required"), list) else []
        for key, value in node.items():
            here = pointer + (key,)
            if key in _FORBIDDEN:
                self.report(here, f'"{key}" is not allowed in a CRD schema')
            elif key in _DROPPED or (key.startswith("x-") and key not in (
                    "x-kubernetes-list-type", "x-kubernetes-list-map-keys")):
                continue
            elif key == "type":
                if value in _TYPES:
                    out["type"] = value
                else:
                    self.report(here, f"{_show(value)} is not a schema type (use object, array, string, "
                                      "integer, number or boolean)")
            elif key == "properties":
                if not isinstance(value, dict):
                    self.report(here, "properties must be a mapping of field names to schemas")
                    continue
                converted = {}
                for name, sub in value.items():
                    if isinstance(sub, dict):
                        converted[name] = self.node(sub, here + (name,), structural,
                                                    may_be_null=name not in required)
                    else:
                        self.report(here + (name,), f'the schema of field "{name}" must be a mapping')
                out["properties"] = converted
            elif key == "additionalProperties":
                if isinstance(value, bool):
                    out[key] = value
                elif isinstance(value, dict):
                    out[key] = self.node(value, here, structural, may_be_null=True)
                else:
                    self.report(here, "additionalProperties must be a schema or true/false")
            elif key == "items":
                if isinstance(value, dict):
                    out[key] = self.node(value, here, structural, may_be_null=False, keeps_unknown=preserves)
                else:
                    self.report(here, "items must be one schema (a list of schemas is not allowed in a CRD)")
            elif key in ("allOf", "anyOf", "oneOf"):
                if isinstance(value, list) and all(isinstance(b, dict) for b in value):
                    out[key] = [self.node(b, here + (i,), False, False) for i, b in enumerate(value)]
                else:
                    self.report(here, f"{key} must be a list of schemas")
            elif key == "not":
                if isinstance(value, dict):
                    out[key] = self.node(value, here, False, False)
                else:
                    self.report(here, "not must be a schema")
            elif key == "required":
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    out[key] = list(value)
                else:
                    self.report(here, "required must be a list of field names")
            elif key == "enum":
                if isinstance(value, list):
                    out[key] = list(value)
                else:
                    self.report(here, "enum must be a list of values")
            elif key == "pattern":
                if isinstance(value, str):
                    self.pattern(value, out, here)
                else:
                    self.report(here, "pattern must be a string")
            elif key in _NUMBERS:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out[key] = value
                else:
                    self.report(here, f"{key} must be a number")
            elif key in ("exclusiveMinimum", "exclusiveMaximum"):
                if not isinstance(value, bool):
                    self.report(here, f"{key} must be true or false (OpenAPI v3)")
            elif key in _COUNTS:
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    out[key] = value
                else:
                    self.report(here, f"{key} must be a whole number, 0 or more")
            elif key == "uniqueItems":
                if isinstance(value, bool):
                    out[key] = value
                else:
                    self.report(here, "uniqueItems must be true or false")
            elif key == "default":
                out[key] = value  # kept: a list-map key's default takes part in the duplicate check
            elif key == "x-kubernetes-list-type":
                if value in _LIST_TYPES:
                    out[key] = value
                else:
                    self.report(here, f"{_show(value)} is not a list type (use atomic, set or map)")
            elif key == "x-kubernetes-list-map-keys":
                if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    out[key] = list(value)
                else:
                    self.report(here, "x-kubernetes-list-map-keys must be a list of field names")
        self._finish(node, out, pointer, structural, may_be_null, preserves)
        return out

    def pattern(self, pattern: str, out: Dict[str, Any], pointer: Pointer) -> None:
        """Keep `pattern` in a form both engines compile. One that is not valid RE2 (Go's
        regexp) is an error: the server accepts the CRD, but every string value of the field
        then fails ("should match '+', but pattern is invalid", apiextensions-apiserver
        validation_test.go: TestValidateCustomResource "invalid regex"); kubelint says so for
        each such value too. One kubelint's engines cannot compile is a warning: not checked."""
        from ..cel.regex import UNKNOWN, re2_problem

        shown = _show(pattern if len(pattern) <= 80 else pattern[:77] + "...")
        problem = re2_problem(pattern)
        translated = translate_pattern(pattern)
        if problem is not None and problem != UNKNOWN and not (translated is not None and nested_repeats(problem, pattern)):
            self.report(pointer, f"pattern {shown} is not a valid regular expression ({problem}): the API server "
                                 "refuses every value of this field")
            out.setdefault("allOf", []).append({"not": {"type": "string"}, INVALID_PATTERN: [pattern, problem]})
        elif translated is None:
            self.issues.append(_warning(pointer, f"pattern {shown} cannot be checked: kubelint's regular expression "
                                                 "engines do not compile it"))
        else:
            out["pattern"] = translated
            if translated != pattern:  # messages show the pattern as the CRD wrote it
                out[ORIGINAL_PATTERN] = pattern

    def _finish(self, node: Dict[str, Any], out: Dict[str, Any], pointer: Pointer, structural: bool,
                may_be_null: bool, preserves: bool) -> None:
        preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
        int_or_string = node.get("x-kubernetes-int-or-string") is True
        embedded = node.get("x-kubernetes-embedded-resource") is True
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(bound) is True and limit in out:
                out[bound] = out.pop(limit)
        if int_or_string:
            out["type"] = ["integer", "string"]
            _drop_type_alternatives(out)
        elif structural and self.strict_type and "type" not in node and not preserve:
            self.report(pointer, "type is missing (a structural schema needs one here, unless "
                                 "x-kubernetes-preserve-unknown-fields or x-kubernetes-int-or-string is true)")
        if out.get("x-kubernetes-list-type") == "map" and "x-kubernetes-list-map-keys" not in out:
            self.report(pointer + ("x-kubernetes-list-type",), "a list of type map needs x-kubernetes-list-map-keys")
        if embedded:
            properties = out.setdefault("properties", {})
            properties.setdefault("apiVersion", {"type": "string", "minLength": 1})
            properties.setdefault("kind", {"type": "string", "minLength": 1})
            properties["metadata"] = dict(OBJECT_META_REF)
            out["required"] = list(dict.fromkeys(out.get("required", []) + ["apiVersion", "kind"]))
        is_object = out.get("type") == "object" or "properties" in out or embedded
        if structural and self.prune and is_object and not preserves and "additionalProperties" not in out:
            out["additionalProperties"] = False  # the server prunes (strict: rejects) unknown fields
        if node.get("nullable") is True or may_be_null:
            _allow_null(out)


def _drop_type_alternatives(out: Dict[str, Any]) -> None:
    """int-or-string comes with anyOf [{type: integer}, {type: string}] (maybe inside allOf),
    which only restates the union."""
    def type_only(branches: Any) -> bool:
        return isinstance(branches, list) and all(isinstance(b, dict) and set(b) <= {"type"} for b in branches)

    if type_only(out.get("anyOf")):
        del out["anyOf"]
    if isinstance(out.get("allOf"), list):
        kept = [b for b in out["allOf"] if not (set(b) == {"anyOf"} and type_only(b["anyOf"]))]
        if kept:
            out["allOf"] = kept
        else:
            del out["allOf"]


def _allow_null(out: Dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = kind + ["null"]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = out["enum"] + [None]


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
