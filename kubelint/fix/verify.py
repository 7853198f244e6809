"""The proof that a fixed file is the original with only the fixed fields changed: it parses to
the same documents (and the same error, if a document was broken), except where the fixes'
operations say, exactly as those operations change the data."""

from __future__ import annotations

import math
from typing import Any, Dict, Optional, Set, Tuple

from ..input.loader import ParsedText, parse_documents


def same(a: Any, b: Any, _compared: Optional[Set[Tuple[int, int]]] = None) -> bool:
    """Equal data, strictly: true is not 1, 1 is not 1.0, and NaN equals NaN. A pair of
    containers is compared once, so data that aliases share (a YAML alias used many times)
    costs its size, not its expanded size."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (dict, list)):
        compared = _compared if _compared is not None else set()
        pair = (id(a), id(b))
        if pair in compared:
            return True
        compared.add(pair)
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k], compared) for k in a)
        return len(a) == len(b) and all(same(x, y, compared) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def verify(path: str, before: ParsedText, new_text: str, expected: Dict[int, Any]) -> bool:
    """Does `new_text` parse to `before`'s documents, with document i replaced by expected[i]?"""
    after = parse_documents(path, new_text)
    if len(after.documents) != len(before.documents) or after.is_json != before.is_json:
        return False
    if (before.error is None) != (after.error is None):
        return False
    if before.error is not None and after.error is not None and \
            (before.error.rule, before.error.message) != (after.error.rule, after.error.message):
        return False
    try:
        for number, document in enumerate(after.documents):
            want = expected[number] if number in expected else before.documents[number]
            if not same(document, want):
                return False
    except RecursionError:  # nesting deeper than Python's stack: not provably the same
        return False
    return True
