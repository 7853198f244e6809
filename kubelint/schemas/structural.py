"""KindValidator for custom-resource and schema-location schemas.

Those schemas use keywords the bundled ones hardly do (pattern, minLength, maximum, anyOf...).
The two validation engines word those errors differently, so messages are written here from
the keyword and its value in the schema: the findings are the same whatever the engine.
It also reports duplicates in `x-kubernetes-list-type: map` and `set` lists (KL108), which
JSON Schema cannot express per item.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ..findings import Issue, Pointer, pointer_to_dotted
from .crd import INVALID_PATTERN, ORIGINAL_PATTERN
from .validator import RULE_INVALID_VALUE, KindValidator, _show, _unknown_field, _where

if TYPE_CHECKING:
    from .crdrules import Site
    from .defaulting import Defaults

RULE_DUPLICATE_ENTRY = "KL108"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _number(value: Any) -> str:
    return json.dumps(value)


def keyword_message(keyword: str, value: Any, instance: Any, node: Optional[Dict[str, Any]] = None) -> Optional[str]:
    """The message for one failed keyword (`node`: the schema holding it), or None to keep the
    engine's own."""
    shown = _show(instance).strip() or ("the value" if not isinstance(instance, (dict, list)) else "")
    if keyword == "pattern":
        original = node.get(ORIGINAL_PATTERN) if isinstance(node, dict) else None
        return f"{shown} does not match the pattern {original or value}"
    if keyword in ("minLength", "maxLength") and isinstance(instance, str):
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{shown} must be {bound} {_plural(value, 'character')} long"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        relation = {"minimum": "at least", "maximum": "at most",
                    "exclusiveMinimum": "greater than", "exclusiveMaximum": "less than"}[keyword]
        return f"{shown} must be {relation} {_number(value)}"
    if keyword == "multipleOf":
        return f"{shown} must be a multiple of {_number(value)}"
    if keyword in ("minItems", "maxItems") and isinstance(instance, list):
        bound = "at least" if keyword == "minItems" else "at most"
        return f"has {_plural(len(instance), 'item')}, must have {bound} {value}"
    if keyword in ("minProperties", "maxProperties") and isinstance(instance, dict):
        bound = "at least" if keyword == "minProperties" else "at most"
        return f"has {_plural(len(instance), 'field')}, must have {bound} {value}"
    if keyword == "uniqueItems":
        return "must not contain the same item twice"
    if keyword == "const":
        return f"must be {json.dumps(value)}"
    if keyword == "anyOf":
        return "does not match any of the allowed forms (anyOf)"
    if keyword == "oneOf":
        return "must match exactly one of the allowed forms (oneOf)"
    if keyword == "not":
        invalid = node.get(INVALID_PATTERN) if isinstance(node, dict) else None
        if isinstance(invalid, list) and len(invalid) == 2:
            return f"{shown} should match '{invalid[0]}', but pattern is invalid: {invalid[1]}"
        return "matches a form that is not allowed (not)"
    if keyword in ("false", "falseSchema"):
        return "is not allowed here"
    return None


class StructuralValidator(KindValidator):
    """A KindValidator with engine-independent messages and list-type duplicate checks."""

    formats = None  # CRD formats follow kube-openapi's registry, not the built-in types' decoding

    def __init__(self, schema: Dict[str, Any], engine: Optional[str] = None,
                 defaults: Optional["Defaults"] = None, rules: Optional["Site"] = None) -> None:
        super().__init__(schema, engine)
        self._list_types = _has_list_types(self.schema)
        self.defaults = defaults  # a CRD's: applied first, as the API server does while decoding
        self.rules = rules  # a CRD's x-kubernetes-validations

    def issues(self, instance: Any, strict: bool = True) -> List[Issue]:
        if self.defaults is not None:
            from .defaulting import apply

            instance = apply(instance, self.defaults)
        self._root = instance  # the Rust engine reports some errors at the value, not the object
        found = super().issues(instance, strict)
        extra: List[Issue] = []
        if self._list_types:
            extra += duplicate_issues(self.schema, instance)
        if self.rules is not None:
            from .crdrules import rule_issues

            schema_errors = any(i.rule in (RULE_INVALID_VALUE, "KL103") for i in found)
            extra += rule_issues(self.rules, instance, report_errors=not schema_errors)
        if extra:
            found = sorted(set(found) | set(extra), key=lambda i: (tuple(str(p) for p in i.pointer), i.rule, i.message))
        return found

    def _from_rust(self, error: Any, instance: Any = None) -> List[Issue]:
        schema_path = tuple(error.schema_path)
        keyword = str(schema_path[-1]) if schema_path else ""
        if type(error.kind).__name__ == "FalseSchema":
            if keyword == "additionalProperties":  # `additionalProperties: false` and no properties
                return self._unknown_fields(tuple(error.instance_path), schema_path[:-1])
            keyword = "false"
        if keyword not in ("type", "additionalProperties", "required", "enum"):
            node = self._schema_at(schema_path[:-1])
            value = node.get(keyword) if isinstance(node, dict) else None
            message = keyword_message(keyword, value, error.instance, node)
            if message is not None:
                path = tuple(error.instance_path)
                return [Issue(RULE_INVALID_VALUE, path, _where(path) + message)]
        return super()._from_rust(error, instance)

    def _from_python(self, error: Any, instance: Any = None) -> List[Issue]:
        keyword = error.validator if error.validator is not None else "false"
        if keyword not in ("type", "additionalProperties", "required", "enum"):
            message = keyword_message(str(keyword), error.validator_value, error.instance, error.schema)
            if message is not None:
                path = tuple(error.absolute_path)
                return [Issue(RULE_INVALID_VALUE, path, _where(path) + message)]
        return super()._from_python(error, instance)

    def _unknown_fields(self, path: Pointer, schema_path: Tuple[Any, ...]) -> List[Issue]:
        """Every field of the object at `path` (or its parent) that the schema does not name."""
        parent = _walk(self._root, path)
        if not isinstance(parent, dict) and path:
            path = path[:-1]
            parent = _walk(self._root, path)
        node = self._schema_at(schema_path)
        known = list(node.get("properties", {})) if isinstance(node, dict) else []
        if not isinstance(parent, dict):
            return []
        return [_unknown_field(path, name, known) for name in parent if name not in known]

    def _schema_at(self, schema_path: Tuple[Any, ...]) -> Any:
        """The schema value at `schema_path` (as the Rust engine reports it, through $refs)."""
        node: Any = self.schema
        defs = self.schema.get("$defs", {})
        try:
            for part in schema_path:
                if part == "$ref":
                    reference = node["$ref"]
                    node = self.schema if reference == "#" else defs[reference[len("#/$defs/"):]]
                else:
                    node = node[part]
            return node
        except (KeyError, IndexError, TypeError):
            return None


def _walk(instance: Any, path: Pointer) -> Any:
    for part in path:
        try:
            instance = instance[part]
        except (KeyError, IndexError, TypeError):
            return None
    return instance


def any_mapping(value: Any, test: Callable[[Dict[str, Any]], bool]) -> bool:
    """Whether `test` holds for any mapping in `value`, itself included (walked without
    recursion: a schema may nest deeper than Python's stack)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if test(node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _has_list_types(schema: Any) -> bool:
    return any_mapping(schema, lambda node: node.get("x-kubernetes-list-type") in ("map", "set"))


def duplicate_issues(schema: Dict[str, Any], instance: Any) -> List[Issue]:
    """KL108 for each list item that repeats an earlier one's map keys (list-type map) or value
    (list-type set), at the repeated item. `$ref`s (ObjectMeta) are not followed."""
    found: List[Issue] = []
    stack: List[Tuple[Any, Any, Pointer]] = [(schema, instance, ())]
    while stack:
        node, value, path = stack.pop()
        if not isinstance(node, dict) or "$ref" in node:
            continue
        if isinstance(value, dict):
            properties: Dict[str, Any] = node["properties"] if isinstance(node.get("properties"), dict) else {}
            extra = node.get("additionalProperties")
            for key, child in value.items():
                sub = properties.get(key, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    stack.append((sub, child, path + (key,)))
        elif isinstance(value, list):
            list_type = node.get("x-kubernetes-list-type")
            items = node.get("items") if isinstance(node.get("items"), dict) else None
            if list_type == "map":
                found.extend(_map_duplicates(path, value, node.get("x-kubernetes-list-map-keys"), items or {}))
            elif list_type == "set":
                found.extend(_set_duplicates(path, value))
            if items is not None:
                stack.extend((items, child, path + (index,)) for index, child in enumerate(value))
    return found


def _map_duplicates(path: Pointer, items: List[Any], keys: Any, item_schema: Dict[str, Any]) -> List[Issue]:
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        return []
    properties: Dict[str, Any] = item_schema["properties"] if isinstance(item_schema.get("properties"), dict) else {}
    seen: Dict[str, int] = {}
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        # A missing key takes its default, as the API server does before comparing.
        values = [item.get(k, (properties.get(k) or {}).get("default")) for k in keys]
        identity = json.dumps(values, sort_keys=True)
        if identity in seen:
            described = ", ".join(f"{k} {json.dumps(v)}" for k, v in zip(keys, values))
            found.append(Issue(RULE_DUPLICATE_ENTRY, path + (index,),
                               f"{pointer_to_dotted(path + (index,))}: duplicate entry with {described} "
                               f"(the list is keyed by {', '.join(keys)}; first at "
                               f"{pointer_to_dotted(path + (seen[identity],))})"))
        else:
            seen[identity] = index
    return found


def _set_duplicates(path: Pointer, items: List[Any]) -> List[Issue]:
    seen: Dict[str, int] = {}
    found = []
    for index, item in enumerate(items):
        identity = json.dumps(item, sort_keys=True)
        if identity in seen:
            shown = _show(item).strip() or "item"
            found.append(Issue(RULE_DUPLICATE_ENTRY, path + (index,),
                               f"{pointer_to_dotted(path + (index,))}: duplicate value {shown} in a set "
                               f"(first at {pointer_to_dotted(path + (seen[identity],))})"))
        else:
            seen[identity] = index
    return found


def schema_problem(schema: Any) -> Optional[str]:
    """Why `schema` is not a valid JSON Schema (2020-12), or None. One checker whatever the
    engine, so the answer does not depend on which one validates."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - depends on the platform
        import jsonschema

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            where = pointer_to_dotted(tuple(exc.absolute_path))
            return f"{where}: {exc.message}"
        return None
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        where = pointer_to_dotted(tuple(exc.instance_path))
        return f"{where}: {exc.message}"
    except Exception as exc:  # a referencing error or similar: still not usable
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None
