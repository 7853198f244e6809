"""An upper bound of the work one evaluation of a rule can do on a given `self`, computed from
the rule's syntax tree before running it, so a hostile rule cannot hang a run or exhaust memory.

The API server bounds rules with cel-go's cost estimator against the schema's maxItems and
maxLength at CRD creation (StaticEstimatedCostLimit) and with a runtime cost limit per call
(PerCallLimit). kubelint cannot run cel-go's estimator; instead it bounds each evaluation on the
data at hand: every list, map or string reachable from `self` is at most `magnitude` long, a
comprehension iterates at most over its range's bound, and a call costs its arguments' sizes.
Units are roughly one operation or one byte. The bound is loose but sound for the functions
kubelint knows; rules over it are not evaluated.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple

from .checked import Node

BUDGET = 50_000_000  # five times the API server's StaticEstimatedCostLimit: this bound is looser than its estimate
MAX_ITERATIONS = 10_000  # the engine stops a comprehension after this many iterations

# Calls whose result can be larger than each argument.
_CONCATENATING = {"_+_", "join", "format", "replace", "strings.quote", "url", "getQuery", "findAll", "split",
                  "_?_:_", "optional.of", "orValue", "value"}


def magnitude(value: Any) -> int:
    """The length of the longest list, map or string in `value` (at least 1), without recursion."""
    largest, stack = 1, [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            largest = max(largest, len(node))
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            largest = max(largest, len(node))
            stack.extend(node)
        elif isinstance(node, (str, bytes)):
            largest = max(largest, len(node))
    return largest


def bound(tree: Node, self_magnitude: int) -> int:
    """An upper bound of the cost of evaluating `tree` with `self` of that magnitude."""
    cost, _ = _estimate(tree, {"self": self_magnitude, "oldSelf": self_magnitude}, "", 0)
    return cost


def _estimate(node: Node, sizes: Dict[str, int], accumulator: str, depth: int) -> Tuple[int, int]:
    """(cost, size) of `node`; `accumulator` is the innermost comprehension's accumulator."""
    if depth > 400:  # deeper than the engine parses: give up with a bound over any budget
        return BUDGET * 10, BUDGET
    kind = node.kind
    if kind == "const":
        return 1, len(node.value) if isinstance(node.value, (str, bytes)) else 1
    if kind == "ident":
        return 1, sizes.get(node.name, 1)
    if kind == "select":
        cost, size = _estimate(node.children[0], sizes, accumulator, depth + 1)
        return cost + 1, size
    if kind in ("list", "struct"):
        cost, size = len(node.children) + 1, max(1, len(node.children))
        for child in node.children:
            child_cost, child_size = _estimate(child, sizes, accumulator, depth + 1)
            cost, size = cost + child_cost, max(size, child_size)
        return cost, size
    if kind == "call":
        return _call(node, sizes, accumulator, depth)
    if kind == "comprehension":
        return _comprehension(node, sizes, depth)
    return 1, 1


def _call(node: Node, sizes: Dict[str, int], accumulator: str, depth: int) -> Tuple[int, int]:
    estimates = [_estimate(child, sizes, accumulator, depth + 1) for child in node.children]
    cost = 1 + sum(c for c, _ in estimates)
    arg_sizes = [s for _, s in estimates]
    # Appending to a comprehension's own accumulator is amortized by the engine: count the item.
    growing = [s for child, s in zip(node.children, arg_sizes)
               if not (child.kind == "ident" and child.name == accumulator)]
    cost += sum(growing)
    largest = max(arg_sizes, default=1)
    if node.name == "replace" and len(arg_sizes) >= 3:
        size = arg_sizes[0] * (arg_sizes[2] + 1)
    elif node.name in ("join", "format"):
        size = sum(arg_sizes) * largest
    elif node.name in _CONCATENATING:
        size = sum(arg_sizes) + 1
    else:
        size = largest
    return cost + size, size


def _comprehension(node: Node, sizes: Dict[str, int], depth: int) -> Tuple[int, int]:
    iter_range, init, condition, step, result = node.children
    range_cost, range_size = _estimate(iter_range, sizes, "", depth + 1)
    init_cost, init_size = _estimate(init, sizes, "", depth + 1)
    iterations = min(range_size, MAX_ITERATIONS)
    inner = dict(sizes)
    inner[node.name] = range_size
    if node.second:
        inner[node.second] = range_size
    inner[node.accumulator] = max(init_size, range_size)
    condition_cost, _ = _estimate(condition, inner, node.accumulator, depth + 1)
    step_cost, step_size = _estimate(step, inner, node.accumulator, depth + 1)
    inner[node.accumulator] = max(inner[node.accumulator], step_size)
    result_cost, result_size = _estimate(result, inner, node.accumulator, depth + 1)
    cost = range_cost + init_cost + iterations * (condition_cost + step_cost + 1) + result_cost
    return cost, max(result_size, step_size)
