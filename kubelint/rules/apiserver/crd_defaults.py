"""A CRD's `default` values, checked as the API server checks them when the CRD is created.

Follows k8s.io/apiextensions-apiserver pkg/apiserver/schema/defaulting/validation.go
(ValidateDefaults, validate): every default in the structural part of the schema (properties and
items; additionalProperties is not followed) must have no unknown fields (it must equal itself
pruned, pruning/algorithm.go) and must validate against the schema of its own node
(ValidateCustomResource with that node's schema). It runs only when the schema is structural
(validation.go: validateCustomResourceDefinitionValidation).

Left out, so nothing is reported there: defaults inside TypeMeta or ObjectMeta (forbidden at
the top level, crd_schema.py; in embedded resources they need the ObjectMeta coercion), defaults
of nodes that contain embedded resources, and the CEL rules a default must also pass.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from ...findings import Pointer
from ...schemas.structural import any_mapping
from ..base import Report
from .crd_paths import field_path
from .errors import invalid_omitted

MAX_DEFAULTS = 2_000  # defaults validated per schema (real CRDs have tens)
MAX_NODES = 60_000


def _schema(value: Any) -> Optional[Dict[str, Any]]:
    return value if isinstance(value, dict) else None


def default_reports(root: Dict[str, Any], at: Pointer, structural_ok: bool) -> Iterator[Report]:
    """Problems with the defaults of one openAPIV3Schema (`structural_ok`: ValidateStructural
    found nothing, without which the server does not look at defaults)."""
    if not structural_ok:
        return
    stack: List[Tuple[Dict[str, Any], Pointer, bool, bool]] = [(root, at, False, True)]
    validated = seen = 0
    while stack:
        node, where, inside_meta, is_root = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return
        embedded = node.get("x-kubernetes-embedded-resource") is True
        if "default" in node and node["default"] is not None:
            if not inside_meta and validated < MAX_DEFAULTS and not _has_embedded(node):
                validated += 1
                yield from _check_default(node, where)
        properties = _schema(node.get("properties")) or {}
        for name, sub in properties.items():
            child = _schema(sub)
            if child is not None:
                meta = inside_meta or ((is_root or embedded) and name in ("metadata", "apiVersion", "kind"))
                stack.append((child, where + ("properties", name), meta, False))
        items = _schema(node.get("items"))
        if items is not None:
            stack.append((items, where + ("items",), inside_meta, False))


def _has_embedded(node: Dict[str, Any]) -> bool:
    return any_mapping(node, lambda current: current.get("x-kubernetes-embedded-resource") is True)


def _check_default(node: Dict[str, Any], where: Pointer) -> Iterator[Report]:
    at = where + ("default",)
    value = node["default"]
    if _unknown_fields(value, node):
        yield invalid_omitted(at, "must not have unknown fields", field=field_path(at))
        return
    for path, message in _validate(value, node, where):
        pointer = at + path
        yield invalid_omitted(pointer, message, field=field_path(at) + _suffix(path))


def _suffix(path: Pointer) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _unknown_fields(value: Any, schema: Dict[str, Any]) -> bool:
    """Would pruning (pruning/algorithm.go: prune, skipPrune) drop something from `value`?"""
    stack: List[Tuple[Any, Dict[str, Any], bool]] = [(value, schema, False)]
    while stack:
        current, node, keeps = stack.pop()
        preserve = node.get("x-kubernetes-preserve-unknown-fields") is True or keeps
        if isinstance(current, dict):
            properties = _schema(node.get("properties")) or {}
            extra = node.get("additionalProperties")
            embedded = node.get("x-kubernetes-embedded-resource") is True
            for key, child in current.items():
                if key in properties:
                    sub = _schema(properties[key])
                    if sub is not None:
                        stack.append((child, sub, False))
                elif isinstance(extra, dict):
                    stack.append((child, extra, False))
                elif extra is True or preserve or (embedded and key in ("apiVersion", "kind", "metadata")):
                    continue
                else:
                    return True
        elif isinstance(current, list):
            items = _schema(node.get("items"))
            if items is not None:
                stack.extend((child, items, preserve) for child in current)
    return False


def _validate(value: Any, node: Dict[str, Any], where: Pointer) -> List[Tuple[Pointer, str]]:
    """(path in the default, message) for each way `value` fails `node`, with kubelint's CRD
    schema conversion and validator (the ones custom resources are checked with)."""
    from ...schemas.crd import node_schema
    from ...schemas.structural import StructuralValidator

    try:
        schema = node_schema(node, where)
        validator = StructuralValidator(schema)
        issues = validator.issues(value, strict=False)
    except Exception:  # a schema kubelint cannot compile: KL107 says what is wrong with it
        return []
    found = []
    for issue in issues:
        message = issue.message
        prefix = _dotted(issue.pointer)
        if message.startswith(prefix + ": "):
            message = message[len(prefix) + 2:]
        found.append((tuple(issue.pointer), message))
    return found


def _dotted(pointer: Pointer) -> str:
    from ...findings import pointer_to_dotted

    return pointer_to_dotted(pointer)  # "(root)" for the default itself
