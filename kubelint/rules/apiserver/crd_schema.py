"""What the API server refuses in one openAPIV3Schema of a CRD and KL107 does not already say.

Follows k8s.io/apiextensions-apiserver:
- pkg/apiserver/schema/validation.go (ValidateStructural: validateStructuralInvariants,
  validateStructuralMetadataInvariants, validateExtensions, validateValueValidation,
  validateNestedValueValidation) and complete.go (validateStructuralCompleteness);
- pkg/apis/apiextensions/validation/validation.go (ValidateCustomResourceDefinitionOpenAPISchema,
  specStandardValidatorV3.validate, validateMapListKeysMapSet, and the root checks of
  validateCustomResourceDefinitionValidation: nullable, the status-subresource root fields).

Left to KL107 (kubelint/schemas/crd.py), so they are not reported twice: a type that is not a
schema type, a structural node without a type, `$ref`/`id`/`definitions`/`dependencies`/
`patternProperties`/`additionalItems`, `items` as a list, an invalid pattern, root metadata
properties other than name and generateName, a map list without keys, and the rules' own
problems (crdrules.py). The walk is iterative and bounded, so a hostile schema cannot exhaust
the stack or the time.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from ...findings import Pointer
from ...named_tuple import NamedTuple
from ..base import Report
from .crd_paths import field_path, go_list
from .errors import forbidden, invalid, invalid_omitted, not_supported, required

MAX_NODES = 60_000  # as kubelint/schemas/crd.py: real CRDs have a few thousand nodes
MAX_DEPTH = 160

ROOT, ITEM, FIELD = "root", "item", "field"
_META_FIELDS = ("metadata", "kind", "apiVersion")
_NESTED = ("allOf", "anyOf", "oneOf")
# validation.go allowedFieldsAtRootSchema, as the JSON names of those JSONSchemaProps fields.
ROOT_FIELDS_WITH_STATUS = ("description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum",
                           "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
                           "uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs", "example",
                           "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations")
_ROOT_FIELDS_GO = ("Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength "
                   "MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties "
                   "ExternalDocs Example XPreserveUnknownFields XValidations").split()


class _Node(NamedTuple):
    schema: Dict[str, Any]
    at: Pointer
    level: str
    inside_meta: bool  # TypeMeta or ObjectMeta of the resource or an embedded resource
    no_defaults: str  # why defaults are forbidden here ("" when they are allowed)


def _schema(value: Any) -> Optional[Dict[str, Any]]:
    return value if isinstance(value, dict) else None


def _type(schema: Dict[str, Any]) -> str:
    value = schema.get("type")
    return value if isinstance(value, str) else ""


def _true(schema: Dict[str, Any], key: str) -> bool:
    return schema.get(key) is True


def _zero(value: Any) -> bool:
    """A field validateNestedValueValidation does not count as set (len 0, false, nil)."""
    return value is None or value is False or value == "" or value == []


def _go_zero(value: Any) -> bool:
    """A JSONSchemaProps field at its Go zero value, as reflect.DeepEqual sees it: absent, false
    or "". Pointers, slices and maps decoded from JSON are set even when empty."""
    return value is None or value is False or value == ""


class Found(NamedTuple):
    report: Report
    structural: bool  # ValidateStructural's (after which the server checks no defaults)


def schema_reports(root: Dict[str, Any], at: Pointer, status_enabled: bool) -> Iterator[Found]:
    """The problems of one version's openAPIV3Schema at `at`."""
    for report in _root_checks(root, at, status_enabled):
        yield Found(report, False)
    stack: List[_Node] = [_Node(root, at, ROOT, False, "")]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES or len(node.at) - len(at) > MAX_DEPTH:
            return  # KL107 warns that the schema is too large for kubelint
        for report in _structural(node):
            yield Found(report, True)
        for report in _value_validations(node.schema, node.at, node.level):
            yield Found(report, True)
        for report in _extensions(node.schema, node.at):
            yield Found(report, "must be false if x-kubernetes-int-or-string" in report.message)
        for report in _list_and_map_types(node.schema, node.at):
            yield Found(report, False)
        if "default" in node.schema and node.no_defaults:
            yield Found(forbidden(node.at + ("default",), f"must not be set {node.no_defaults}",
                                  field=field_path(node.at + ("default",))), False)
        if node.inside_meta and _true(node.schema, "x-kubernetes-embedded-resource"):
            where = node.at + ("x-kubernetes-embedded-resource",)
            yield Found(forbidden(where, "must not be used inside of resource meta", field=field_path(where)), False)
        stack.extend(reversed(list(_children(node))))


def _children(node: _Node) -> Iterator[_Node]:
    schema, at = node.schema, node.at
    resource = node.level == ROOT or _true(schema, "x-kubernetes-embedded-resource")
    properties = _schema(schema.get("properties")) or {}
    for name, sub in properties.items():
        child = _schema(sub)
        if child is None:
            continue
        inside_meta, no_defaults = node.inside_meta, node.no_defaults
        if resource and name in _META_FIELDS:
            inside_meta = True
            if node.level == ROOT:
                no_defaults = f"in top-level {name}"
        yield _Node(child, at + ("properties", name), FIELD, inside_meta, no_defaults)
    extra = _schema(schema.get("additionalProperties"))
    if extra is not None:
        no_defaults = node.no_defaults
        if node.inside_meta:  # pruning without a value would be ambiguous there
            no_defaults = "inside additionalProperties applying to object metadata"
        yield _Node(extra, at + ("additionalProperties",), FIELD, node.inside_meta, no_defaults)
    items = _schema(schema.get("items"))
    if items is not None:
        yield _Node(items, at + ("items",), ITEM, node.inside_meta, node.no_defaults)


def _root_checks(root: Dict[str, Any], at: Pointer, status_enabled: bool) -> Iterator[Report]:
    if _true(root, "nullable"):
        where = at + ("nullable",)
        yield forbidden(where, "nullable cannot be true at the root", field=field_path(where))
    if status_enabled:  # a type other than object is KL107's finding
        others = [key for key, value in root.items() if key not in ROOT_FIELDS_WITH_STATUS and not _go_zero(value)]
        if others:
            yield invalid_omitted(at + (others[0],), f"only {go_list(_ROOT_FIELDS_GO)} fields are allowed at the "
                                                     f"root of the schema if the status subresource is enabled "
                                                     f"(not {', '.join(others)})", anchor="key",
                                  field=field_path(at))


def _structural(node: _Node) -> Iterator[Report]:
    """validateStructuralInvariants for one node of the structural part."""
    schema, at, level = node.schema, node.at, node.level
    kind = _type(schema)
    embedded = _true(schema, "x-kubernetes-embedded-resource")
    preserve = _true(schema, "x-kubernetes-preserve-unknown-fields")
    if kind == "array" and "items" not in schema:
        yield required(at + ("items",), "must be specified", field=field_path(at + ("items",)))
    if "additionalProperties" in schema and schema.get("additionalProperties") is not None:
        where = at + ("additionalProperties",)
        if level == ROOT:
            yield forbidden(where, "must not be used at the root", field=field_path(where))
        if embedded:
            yield forbidden(where, "must not be used if x-kubernetes-embedded-resource is set", field=field_path(where))
    if embedded and kind != "object":
        if kind:
            yield invalid(at + ("type",), kind, "must be object if x-kubernetes-embedded-resource is true",
                          field=field_path(at + ("type",)))
        elif preserve or _true(schema, "x-kubernetes-int-or-string"):  # otherwise KL107: the type is missing
            yield required(at + ("type",), "must be object if x-kubernetes-embedded-resource is true",
                           field=field_path(at + ("type",)))
    resource = level == ROOT or embedded
    properties = _schema(schema.get("properties")) or {}
    if resource:
        for name in ("kind", "apiVersion"):
            sub = _schema(properties.get(name))
            if sub is not None and _type(sub) != "string" and _type(sub):
                where = at + ("properties", name, "type")
                yield invalid(where, _type(sub), "must be string", field=field_path(where))
    metadata = _schema(properties.get("metadata"))
    if metadata is not None:
        yield from _metadata(metadata, at + ("properties", "metadata"), resource, level == ROOT)
    if embedded and not preserve and not properties:
        yield required(at + ("properties",), "must not be empty if x-kubernetes-embedded-resource is true without "
                                             "x-kubernetes-preserve-unknown-fields",
                       field=field_path(at + ("properties",)))


def _metadata(metadata: Dict[str, Any], at: Pointer, resource: bool, root: bool) -> Iterator[Report]:
    """validateStructuralMetadataInvariants."""
    kind = _type(metadata)
    if resource and kind != "object" and (kind or root):
        yield invalid(at + ("type",) if kind else at, kind, "must be object", field=field_path(at + ("type",)))
    if not root:
        return
    properties = _schema(metadata.get("properties"))
    others = [key for key, value in metadata.items()
              if key not in ("type", "default", "properties") and not _go_zero(value)]
    # Properties other than name and generateName are KL107's finding; the rest of the node is ours.
    if properties is not None and not set(properties) <= {"name", "generateName"}:
        return
    if others:
        yield forbidden(at + (others[0],), "must not specify anything other than name and generateName, but "
                                           "metadata is implicitly specified", field=field_path(at))


def _extensions(schema: Dict[str, Any], at: Pointer, structural: bool = True) -> Iterator[Report]:
    """validateExtensions (structural nodes) and the checks of ValidateCustomResourceDefinitionOpenAPISchema
    that apply to every node: preserve-unknown-fields false, uniqueItems, additionalProperties with properties."""
    int_or_string = structural and _true(schema, "x-kubernetes-int-or-string")
    if int_or_string and _true(schema, "x-kubernetes-preserve-unknown-fields"):
        where = at + ("x-kubernetes-preserve-unknown-fields",)
        yield invalid(where, True, "must be false if x-kubernetes-int-or-string is true", field=field_path(where))
    if int_or_string and _true(schema, "x-kubernetes-embedded-resource"):
        where = at + ("x-kubernetes-embedded-resource",)
        yield invalid(where, True, "must be false if x-kubernetes-int-or-string is true", field=field_path(where))
    if schema.get("x-kubernetes-preserve-unknown-fields") is False:
        where = at + ("x-kubernetes-preserve-unknown-fields",)
        yield invalid(where, False, "must be true or undefined", field=field_path(where))
    if schema.get("uniqueItems") is True:
        where = at + ("uniqueItems",)
        yield forbidden(where, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
                        field=field_path(where))
    extra = schema.get("additionalProperties")
    properties = schema.get("properties")
    if extra is not None and isinstance(properties, dict) and properties and (extra is not True):
        where = at + ("additionalProperties",)
        yield forbidden(where, "additionalProperties and properties are mutual exclusive", field=field_path(where))


def _type_for(at: Pointer, kind: str, want: str, extension: str) -> Report:
    """`type` must be `want` where `extension` is set: invalid when it is another type,
    required when it is missing."""
    where = at + ("type",)
    message = f"must be {want} if {extension} is specified"
    if kind:
        return invalid(where, kind, message, field=field_path(where))
    return required(where, message, field=field_path(where))


def _list_and_map_types(schema: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """x-kubernetes-map-type, -list-type and -list-map-keys (ValidateCustomResourceDefinitionOpenAPISchema
    and validateMapListKeysMapSet)."""
    kind = _type(schema)
    map_type = schema.get("x-kubernetes-map-type")
    if map_type is not None:
        if kind != "object":
            yield _type_for(at, kind, "object", "x-kubernetes-map-type")
        if map_type not in ("atomic", "granular"):
            yield not_supported(at + ("x-kubernetes-map-type",), map_type, ("atomic", "granular"),
                                field=field_path(at + ("x-kubernetes-map-type",)))
    list_type = schema.get("x-kubernetes-list-type")
    keys = schema.get("x-kubernetes-list-map-keys")
    items = _schema(schema.get("items"))
    if list_type is not None and kind != "array":
        yield _type_for(at, kind, "array", "x-kubernetes-list-type")
    elif list_type == "set" and items is not None:
        item_type = _type(items)
        if item_type == "array" and items.get("x-kubernetes-list-type") not in (None, "atomic"):
            where = at + ("items", "x-kubernetes-list-type")
            yield invalid(where, items.get("x-kubernetes-list-type"), "must be atomic as item of a list with "
                                                                      "x-kubernetes-list-type=set",
                          field=field_path(where))
        elif item_type == "object" and items.get("x-kubernetes-map-type") != "atomic":
            where = at + ("items", "x-kubernetes-map-type")
            # The server prints the items' list type here (nil for an object): `null`.
            yield invalid(where if "x-kubernetes-map-type" in items else at + ("items",), None,
                          "must be atomic as item of a list with x-kubernetes-list-type=set", field=field_path(where))
    # An unsupported list type is KL107's finding.
    if isinstance(keys, list) and keys:
        where = at + ("x-kubernetes-list-type",)
        if list_type is None:
            yield required(where, "must be map if x-kubernetes-list-map-keys is non-empty", field=field_path(where))
        elif list_type != "map" and list_type in ("atomic", "set"):
            yield invalid(where, list_type, "must be map if x-kubernetes-list-map-keys is non-empty",
                          field=field_path(where))
    if list_type == "map":
        yield from _map_list(schema, at, keys, items)
    if list_type in ("set", "map") and items is not None and _true(items, "nullable"):
        where = at + ("items", "nullable")
        yield forbidden(where, f"cannot be nullable when x-kubernetes-list-type is {list_type}",
                        field=field_path(where))


def _map_list(schema: Dict[str, Any], at: Pointer, keys: Any, items: Optional[Dict[str, Any]]) -> Iterator[Report]:
    if "items" not in schema:
        yield required(at + ("items",), "must have a schema if x-kubernetes-list-type is map",
                       field=field_path(at + ("items",)))
        return
    if items is None:
        return  # a list of schemas: KL107
    item_type = _type(items)
    if item_type != "object":
        if item_type or "type" in items:
            yield invalid(at + ("items", "type"), item_type, "must be object if parent array's x-kubernetes-list-type "
                                                            "is map", field=field_path(at + ("items", "type")))
        else:
            yield invalid(at + ("items",), "", "must be object if parent array's x-kubernetes-list-type is map",
                          field=field_path(at + ("items", "type")))
        return
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        return  # KL107
    properties = _schema(items.get("properties")) or {}
    required_keys = items.get("required") if isinstance(items.get("required"), list) else []
    seen = set()
    for key in keys:
        sub = _schema(properties.get(key))
        if key not in properties:
            where = at + ("x-kubernetes-list-map-keys",)
            yield invalid_omitted(where, f"{go_list(keys)}: entries must all be names of item properties",
                                  field=field_path(where))
        elif sub is not None:
            if _type(sub) in ("array", "object"):
                where = at + ("items", "properties", key, "type")
                yield invalid(where, item_type, "must be a scalar type if parent array's x-kubernetes-list-type is "
                                                "map", field=field_path(where))
            if key not in required_keys and "default" not in sub:
                where = at + ("items", "properties", key, "default")
                yield required(where, "this property is in x-kubernetes-list-map-keys, so it must have a default or "
                                      "be a required property", field=field_path(where))
            if _true(sub, "nullable"):
                where = at + ("items", "properties", key, "nullable")
                yield forbidden(where, "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
                                field=field_path(where))
        if key in seen:
            where = at + ("x-kubernetes-list-map-keys",)
            yield invalid_omitted(where, f"{go_list(keys)}: must not contain duplicate entries",
                                  field=field_path(where))
        seen.add(key)


# -- value validations: anyOf, allOf, oneOf, not ------------------------------------------------------

_NESTED_FORBIDDEN = (
    ("type", "must be empty to be structural"),
    ("default", "must be undefined to be structural"),
    ("title", "must be empty to be structural"),
    ("description", "must be empty to be structural"),
    ("nullable", "must be false to be structural"),
    ("x-kubernetes-preserve-unknown-fields", "must be false to be structural"),
    ("x-kubernetes-embedded-resource", "must be false to be structural"),
    ("x-kubernetes-int-or-string", "must be false to be structural"),
    ("x-kubernetes-list-map-keys", "must be empty to be structural"),
    ("x-kubernetes-list-type", "must be undefined to be structural"),
    ("x-kubernetes-map-type", "must be undefined to be structural"),
    ("x-kubernetes-validations", "must be empty to be structural"),
)


def _int_or_string_branches(branches: Any) -> bool:
    """anyOf: [{type: integer}, {type: string}] exactly (intOrStringAnyOf)."""
    return (isinstance(branches, list) and len(branches) == 2 and branches[0] == {"type": "integer"}
            and branches[1] == {"type": "string"})


def _push_branches(stack: List[tuple], node: Dict[str, Any], where: Pointer, structural: Dict[str, Any],
                   structural_at: Pointer, skip_any_of: bool = False, skip_first_all_of: bool = False) -> None:
    """Put `node`'s allOf, anyOf, oneOf and not schemas on `stack`, each with the structural node
    they describe; the int-or-string anyOf (and the allOf[0] that holds one) are left out."""
    for key in _NESTED:
        branches = node.get(key)
        if not isinstance(branches, list) or (key == "anyOf" and skip_any_of):
            continue
        for index, branch in enumerate(branches):
            if isinstance(branch, dict):
                skip = key == "allOf" and index == 0 and skip_first_all_of
                stack.append((branch, where + (key, index), structural, structural_at, skip))
    if isinstance(node.get("not"), dict):
        stack.append((node["not"], where + ("not",), structural, structural_at, False))


def _value_validations(schema: Dict[str, Any], at: Pointer, level: str) -> Iterator[Report]:
    """validateValueValidation and validateStructuralCompleteness for the junctors of one
    structural node, walking into each junctor's own junctors, items and properties."""
    skip_any_of = _int_or_string_branches(schema.get("anyOf"))
    all_of = schema.get("allOf")
    skip_first_all_of = (isinstance(all_of, list) and bool(all_of) and isinstance(all_of[0], dict)
                         and _int_or_string_branches(all_of[0].get("anyOf")))
    # (nested schema, its pointer, the structural node it describes, skip its anyOf)
    stack: List[tuple] = []
    _push_branches(stack, schema, at, schema, at, skip_any_of, skip_first_all_of)
    count = 0
    while stack:
        nested, where, structural, structural_at, skip = stack.pop()
        count += 1
        if count > MAX_NODES:
            return
        if len(where) - len(at) > MAX_DEPTH:  # as deep as kubelint walks a schema (KL107 warns)
            continue
        yield from _nested_node(nested, where)
        yield from _extensions(nested, where, structural=False)
        yield from _list_and_map_types(nested, where)
        _push_branches(stack, nested, where, structural, structural_at, skip)
        items = nested.get("items")
        if isinstance(items, dict):
            own = _schema(structural.get("items")) if structural is not None else None
            if own is None and structural is not None:  # complete.go: reported once, where it first lacks
                yield required(structural_at + ("items",), f"because it is defined in {field_path(where + ('items',))}",
                               field=field_path(structural_at + ("items",)))
            stack.append((items, where + ("items",), own, structural_at + ("items",), False))
        properties = nested.get("properties")
        if isinstance(properties, dict):
            own_properties = _schema(structural.get("properties")) if structural is not None else None
            for name, sub in properties.items():
                if not isinstance(sub, dict):
                    continue
                own = _schema((own_properties or {}).get(name))
                target = structural_at + ("properties", name)
                if own is None and structural is not None:
                    yield required(target, f"because it is defined in {field_path(where + ('properties', name))}",
                                   field=field_path(target))
                stack.append((sub, where + ("properties", name), own, target, False))


def _nested_node(nested: Dict[str, Any], where: Pointer) -> Iterator[Report]:
    """validateNestedValueValidation for one schema under a junctor."""
    for key, detail in _NESTED_FORBIDDEN:
        value = nested.get(key)
        if _zero(value):
            continue
        yield forbidden(where + (key,), detail, field=field_path(where + (key,)))
    extra = nested.get("additionalProperties")
    if extra is not None and extra is not False:
        yield forbidden(where + ("additionalProperties",), "must be undefined to be structural",
                        field=field_path(where + ("additionalProperties",)))
    properties = nested.get("properties")
    if isinstance(properties, dict) and "metadata" in properties:
        yield forbidden(where + ("properties", "metadata"), "must not be specified in a nested context",
                        field=field_path(where + ("properties", "metadata")))
