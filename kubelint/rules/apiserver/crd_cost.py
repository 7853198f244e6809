"""The estimated cost of a CRD's x-kubernetes-validations rules, as the API server limits it when
the CRD is created, reported only where kubelint is certain the server's estimate is over.

Upstream (k8s.io/apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go,
ValidateCustomResourceDefinitionOpenAPISchema and validateCustomResourceDefinitionValidation;
pkg/apiserver/schema/cel/compilation.go; k8s.io/apiserver/pkg/cel/common/schemas.go): each rule
is compiled against its node's type and cel-go's estimator gives its maximum cost, with list,
map and string sizes taken from maxItems, maxProperties and maxLength, or, where those are not
set, from how many of the smallest possible items fit in a 3 MiB request
(estimateMaxArrayItemsFromMinSize: (3 MiB - 2) / (min size + 1); maps: / (min size + 6)). That
cost is multiplied by the rule's cardinality, the number of times the node can occur (the
product of the maxItems/maxProperties above it, or 3 MiB / (min size + 1) when one is unbounded).
A rule over StaticEstimatedCostLimit (10,000,000) or a schema whose rules total over
StaticEstimatedCRDCostLimit (100,000,000) is refused.

kubelint computes a lower bound of that figure: only comprehensions (all, exists, exists_one,
map, filter) are counted, each iteration at 1 (cel-go counts the loop step and condition, at
least one identifier each: more), iterations as cel-go's estimate takes them when the range is a
field reached from `self` or from an enclosing comprehension's variable (ranges computed by
functions count 0), and the same cardinality and minimum sizes as upstream. Whatever kubelint
does not count only raises upstream's figure, so a lower bound over the limit is certain: an
error. A rule whose bound is under the limit is not reported, even though upstream's figure may
be over it (string functions over unbounded strings are the usual cause); kubelint cannot run
cel-go's estimator to know.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ...findings import Pointer
from ..base import Report
from .crd_paths import field_path, json_text
from .errors import forbidden

PER_RULE_LIMIT = 10_000_000  # StaticEstimatedCostLimit
PER_CRD_LIMIT = 100_000_000  # StaticEstimatedCRDCostLimit
REQUEST = 3 * 1024 * 1024  # celconfig.MaxRequestSizeBytes
ADVICE = ("try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and "
          "strings are declared")
MAX_NODES = 60_000
MAX_DEPTH = 160


def _schema(value: Any) -> Optional[Dict[str, Any]]:
    return value if isinstance(value, dict) else None


def min_size(schema: Dict[str, Any], depth: int = 0) -> Optional[int]:
    """DeclType.MinSerializedSize of SchemaDeclType(schema), or None when it has no CEL type."""
    if depth > MAX_DEPTH:
        return None
    if schema.get("x-kubernetes-int-or-string") is True:
        return 1
    kind = schema.get("type")
    if kind == "array":
        items = _schema(schema.get("items"))
        return 2 if items is not None and min_size(items, depth + 1) is not None else None
    if kind == "object":
        extra = _schema(schema.get("additionalProperties"))
        if extra is not None:
            return 2 if min_size(extra, depth + 1) is not None else None
        size = 2
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        for name, sub in (_schema(schema.get("properties")) or {}).items():
            sub = _schema(sub)
            if sub is None or name not in required or "default" in sub:
                continue
            inner = min_size(sub, depth + 1)
            if inner is not None:
                size += len(name) + inner + 4
        return size
    if kind == "string":
        return {"duration": 3, "date": 12, "date-time": 21}.get(schema.get("format"), 2)
    if kind == "boolean":
        return 4
    if kind in ("number", "integer"):
        return 1
    return None


def _bound(schema: Dict[str, Any], key: str) -> Optional[int]:
    value = schema.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    return None


def max_elements(schema: Dict[str, Any]) -> int:
    """How many items or entries cel-go's estimator takes a list or map at `schema` to hold
    (DeclType.MaxElements), 0 when it is neither."""
    kind = schema.get("type")
    if kind == "array":
        items = _schema(schema.get("items"))
        item_size = min_size(items) if items is not None else None
        if item_size is None:
            return 0
        bound = _bound(schema, "maxItems")
        return bound if bound is not None else (REQUEST - 2) // (item_size + 1)
    if kind == "object":
        extra = _schema(schema.get("additionalProperties"))
        entry_size = min_size(extra) if extra is not None else None
        if entry_size is None:
            return 0
        bound = _bound(schema, "maxProperties")
        return bound if bound is not None else (REQUEST - 2) // (entry_size + 6)
    return 0


def _extract_max_elements(schema: Dict[str, Any]) -> Optional[int]:
    """cel_validation.go extractMaxElements: None is unbounded."""
    kind = schema.get("type")
    if kind == "object":
        if schema.get("additionalProperties") is not None:
            return _bound(schema, "maxProperties")
        return 1
    if kind == "array":
        return _bound(schema, "maxItems")
    return 1


class _Site:
    """A node with rules, and how many times it can occur (None: unbounded)."""

    def __init__(self, schema: Dict[str, Any], at: Pointer, cardinality: Optional[int]) -> None:
        self.schema, self.at, self.cardinality = schema, at, cardinality


def _sites(root: Dict[str, Any], at: Pointer) -> List[_Site]:
    found = []
    stack: List[Tuple[Dict[str, Any], Pointer, Optional[int]]] = [(root, at, 1)]
    seen = 0
    while stack:
        node, where, cardinality = stack.pop()
        seen += 1
        if seen > MAX_NODES or len(where) - len(at) > MAX_DEPTH:
            break
        if isinstance(node.get("x-kubernetes-validations"), list):
            found.append(_Site(node, where, cardinality))
        factor = _extract_max_elements(node)
        child = None if cardinality is None or factor is None else cardinality * factor
        for name, sub in (_schema(node.get("properties")) or {}).items():
            if isinstance(sub, dict):
                stack.append((sub, where + ("properties", name), child))
        for key in ("items", "additionalProperties"):
            sub = _schema(node.get(key))
            if sub is not None:
                stack.append((sub, where + (key,), child))
    return found


@functools.lru_cache(maxsize=512)
def _compiled_tree(source: str) -> Any:
    from ...cel.environment import CompileError, compile_expression

    try:
        return compile_expression(source).tree
    except CompileError:
        return None  # KL107 reports a rule that does not compile


def cost_reports(root: Dict[str, Any], at: Pointer) -> Iterator[Report]:
    """Forbidden for each rule certainly over StaticEstimatedCostLimit, and for the schema when its
    rules together are certainly over StaticEstimatedCRDCostLimit."""
    from ...cel import available

    if not available() or '"x-kubernetes-validations"' not in json_text(root):
        return
    total = 0
    for site in _sites(root, at):
        size = min_size(site.schema)
        cardinality = site.cardinality if site.cardinality is not None else (
            REQUEST // (size + 1) if size is not None else 1)
        for index, entry in enumerate(site.schema["x-kubernetes-validations"]):
            if not isinstance(entry, dict):
                continue
            for key in ("rule", "messageExpression"):
                source = entry.get(key)
                if not isinstance(source, str) or not source.strip():
                    continue
                tree = _compiled_tree(source.strip())
                if tree is None:
                    continue
                cost = lower_bound(tree, site.schema) * cardinality
                total += cost
                if cost > PER_RULE_LIMIT:
                    where = site.at + ("x-kubernetes-validations", index, key)
                    what = "rule" if key == "rule" else "messageExpression"
                    factor = _factor(cost, PER_RULE_LIMIT)
                    yield forbidden(where, f"estimated {what} cost exceeds budget by factor of {factor} ({ADVICE})",
                                    anchor="value", field=field_path(where),
                                    hint=f"kubelint's lower bound of the estimate: {cost:,}")
    if total > PER_CRD_LIMIT:
        yield forbidden(at, "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds "
                            f"budget by factor of {_factor(total, PER_CRD_LIMIT)} ({ADVICE})", anchor="key",
                        field=field_path(at), hint=f"kubelint's lower bound of the estimate: {total:,}")


def _factor(cost: int, limit: int) -> str:
    """getCostErrorMessage's factor, from kubelint's lower bound (upstream's is at least this)."""
    factor = cost / limit
    if factor > 100:
        return "more than 100x"
    if factor < 1.5:
        return f"{factor:f}x"
    return f"{factor:.1f}x"


def lower_bound(tree: Any, self_schema: Dict[str, Any]) -> int:
    """A lower bound of cel-go's maximum estimated cost of `tree` with `self` typed by `self_schema`."""
    return _lower(tree, {"self": self_schema}, 0)


def _lower(node: Any, scope: Dict[str, Optional[Dict[str, Any]]], depth: int) -> int:
    if depth > 400:
        return 0
    if node.kind == "comprehension":
        iter_range, init, condition, step, result = node.children
        range_schema = _resolve(iter_range, scope, depth)
        iterations = max_elements(range_schema) if range_schema is not None else 0
        inner = dict(scope)
        inner[node.name] = _element(range_schema) if range_schema is not None else None
        if node.second:
            inner[node.second] = None
        inner[node.accumulator] = None
        per_iteration = max(1, _lower(condition, inner, depth + 1) + _lower(step, inner, depth + 1))
        return (_lower(iter_range, scope, depth + 1) + _lower(init, scope, depth + 1)
                + iterations * per_iteration + _lower(result, inner, depth + 1))
    return sum(_lower(child, scope, depth + 1) for child in node.children)


def _element(schema: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The schema of a comprehension variable over `schema`: a list's items; a map's keys (strings)."""
    if schema.get("type") == "array":
        return _schema(schema.get("items"))
    if schema.get("type") == "object" and _schema(schema.get("additionalProperties")) is not None:
        return {"type": "string"}
    return None


def _resolve(node: Any, scope: Dict[str, Optional[Dict[str, Any]]], depth: int) -> Optional[Dict[str, Any]]:
    """The schema of the value an expression reads, when it is a field path from a variable."""
    if depth > 400:
        return None
    if node.kind == "ident":
        return scope.get(node.name)
    if node.kind == "select" and not node.test_only and node.children:
        parent = _resolve(node.children[0], scope, depth + 1)
        if parent is None:
            return None
        return _field(parent, node.name)
    if node.kind == "call" and node.name == "_[_]" and len(node.children) == 2:
        parent = _resolve(node.children[0], scope, depth + 1)
        if parent is None:
            return None
        if parent.get("type") == "array":
            return _schema(parent.get("items"))
        return _schema(parent.get("additionalProperties"))
    return None


def _field(schema: Dict[str, Any], name: str) -> Optional[Dict[str, Any]]:
    from ...schemas.crdrules import escape

    properties = _schema(schema.get("properties")) or {}
    for key, sub in properties.items():
        if escape(key) == name:
            return _schema(sub)
    extra = _schema(schema.get("additionalProperties"))
    if extra is not None and schema.get("type") == "object" and not properties:
        return extra
    return None
