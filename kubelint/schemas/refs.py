"""Make a schema from a schema location self-contained, in the dialect KindValidator speaks.

Location schemas are kubeconform / openapi2jsonschema style: draft-4-ish JSON Schemas of a
whole object, either standalone or with `$ref`s to sibling files (`_definitions.json#/...`).
`bundle` copies every node a `$ref` reaches, in this document or another one, into
`$defs` under a plain name and points the `$ref` there, so both validation engines see one
document with only `#/$defs/NAME` references (the form KindValidator's messages expect).
Draft-4 leftovers (`$schema`, boolean `exclusiveMaximum`, tuple `items`) are rewritten.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any, Callable, Dict, List, Tuple
from urllib.parse import unquote, urljoin

MAX_DOCUMENTS = 20  # referenced documents per schema: more is a loop or not a schema set

# Keywords whose value is one schema, a list of schemas, or a map of name to schema.
_ONE = ("additionalProperties", "additionalItems", "not", "contains", "propertyNames", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas")
_DEFINITIONS = ("definitions", "$defs")


class RefError(Exception):
    """A `$ref` that cannot be followed (missing document, bad pointer, too many documents)."""


Loader = Callable[[str], Any]  # document address -> parsed JSON (raises RefError)


def _children(node: Dict[str, Any]) -> List[Tuple[Tuple[Any, ...], Any]]:
    """(path from node, subschema) of every direct subschema of a schema node."""
    found: List[Tuple[Tuple[Any, ...], Any]] = []
    for key in _ONE:
        if isinstance(node.get(key), dict):
            found.append(((key,), node[key]))
    items = node.get("items")
    if isinstance(items, dict):
        found.append((("items",), items))
    elif isinstance(items, list):
        found.extend((("items", i), s) for i, s in enumerate(items) if isinstance(s, dict))
    for key in _MANY:
        if isinstance(node.get(key), list):
            found.extend(((key, i), s) for i, s in enumerate(node[key]) if isinstance(s, dict))
    for key in _MAP + _DEFINITIONS:
        if isinstance(node.get(key), dict):
            found.extend(((key, name), s) for name, s in node[key].items() if isinstance(s, dict))
    return found


def normalize_draft4(schema: Any) -> Any:
    """Draft-4 keywords rewritten in place into their 2020-12 meaning; returns `schema`."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        for bound, limit in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
            if isinstance(node.get(bound), bool):
                if node.pop(bound) and limit in node:
                    node[bound] = node.pop(limit)
        if isinstance(node.get("items"), list):  # tuple validation: items -> prefixItems
            node["prefixItems"] = node.pop("items")
            if "additionalItems" in node:
                node["items"] = node.pop("additionalItems")
        elif "additionalItems" in node:
            del node["additionalItems"]  # ignored next to a single `items` schema
        stack.extend(child for _, child in _children(node))
    return schema


def join(base: str, reference: str) -> str:
    """The address `reference` means inside the document at `base` (a URL or a file path)."""
    if not reference:
        return base
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", base) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", reference):
        return urljoin(base, reference)
    return os.path.normpath(os.path.join(os.path.dirname(base), unquote(reference)))


def _resolve_pointer(document: Any, pointer: str, reference: str) -> Any:
    node = document
    if not pointer:
        return node
    if not pointer.startswith("/"):
        raise RefError(f'cannot follow $ref "{reference}": only JSON pointers (#/...) are supported')
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise RefError(f'cannot follow $ref "{reference}": nothing at #{pointer}')
    return node


def bundle(root: Dict[str, Any], base: str, load: Loader) -> Dict[str, Any]:
    """A copy of `root` (fetched from `base`) whose `$ref`s all point into its own `$defs`."""
    documents: Dict[str, Any] = {base: root}
    names: Dict[Tuple[str, str], str] = {}
    defs: Dict[str, Any] = {}
    pending: List[Tuple[str, str, Any]] = []  # (def name, document address, node to copy)

    def target_name(reference: str, where: str) -> str:
        address, _, fragment = reference.partition("#")
        document_address = join(where, address) if address else where
        pointer = unquote(fragment)
        key = (document_address, pointer)
        if key not in names:
            if document_address not in documents:
                if len(documents) >= MAX_DOCUMENTS:
                    raise RefError(f"more than {MAX_DOCUMENTS} documents referenced from {base}")
                documents[document_address] = load(document_address)
            node = _resolve_pointer(documents[document_address], pointer, reference)
            last = pointer.rsplit("/", 1)[-1] if pointer else os.path.basename(document_address.rstrip("/"))
            name = re.sub(r"[^A-Za-z0-9._-]", "_", last.replace("~1", "/").replace("~0", "~")) or "root"
            unique, number = name, 2
            while unique in defs or unique in (n for n, _, _ in pending):
                unique, number = f"{name}-{number}", number + 1
            names[key] = unique
            pending.append((unique, document_address, node))
        return names[key]

    def rewrite(node: Any, where: str, top: bool) -> Any:
        if isinstance(node, list):
            return [rewrite(item, where, False) for item in node]
        if not isinstance(node, dict):
            return node
        out: Dict[str, Any] = {}
        for key, value in node.items():
            if top and key in _DEFINITIONS:
                continue  # definitions are copied only when a $ref reaches them
            if key == "$ref" and isinstance(value, str):
                out[key] = "#/$defs/" + target_name(value, where)
            elif key in ("$schema", "$id", "id") and isinstance(value, str):
                continue
            elif key in ("enum", "const", "default", "examples", "example"):
                out[key] = copy.deepcopy(value)  # data, not schemas: a "$ref" key there is a value
            elif key in _MAP + _DEFINITIONS and isinstance(value, dict):
                out[key] = {name: rewrite(child, where, False) for name, child in value.items()}
            else:
                out[key] = rewrite(value, where, False)
        return out

    result = rewrite(root, base, True)
    while pending:
        name, where, node = pending.pop(0)
        defs[name] = rewrite(node, where, node is documents[where])
    if defs:
        result["$defs"] = defs
    return normalize_draft4(result)


def external_references(document: Any, base: str) -> List[str]:
    """Addresses of the other documents `document` refers to (for `kubelint schemas pull`)."""
    found: List[str] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and not reference.startswith("#"):
                address = join(base, reference.partition("#")[0])
                if address not in found:
                    found.append(address)
            stack.extend(v for k, v in node.items() if k not in ("enum", "const", "default", "example", "examples"))
        elif isinstance(node, list):
            stack.extend(node)
    return found

