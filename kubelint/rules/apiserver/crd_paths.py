"""Field paths of a CRD as the API server prints them, and the pointers they come from.

field.Path prints a map key in brackets (`properties[spec]`) and a struct field after a dot
(`openAPIV3Schema.type`); kubelint's pointers do not know which is which, so the schema's maps
(properties, definitions, dependencies) are named here.
"""

from __future__ import annotations

from typing import Iterable

from ...findings import Pointer

# Keys of a JSONSchemaProps whose value is a map from names to schemas.
_SCHEMA_MAPS = frozenset({"properties", "definitions", "dependencies", "patternProperties"})


def field_path(pointer: Pointer) -> str:
    """`spec.versions[0].schema.openAPIV3Schema.properties[spec].type`."""
    out = []
    key_next = False  # the previous part named a map: this part is one of its keys
    for part in pointer:
        if isinstance(part, int):
            out.append(f"[{part}]")
            key_next = False
        elif key_next:
            out.append(f"[{part}]")
            key_next = False
        else:
            out.append(("." if out else "") + part)
            key_next = part in _SCHEMA_MAPS or part == "annotations"
    return "".join(out) or "<root>"


def go_list(values: Iterable[str]) -> str:
    """A []string as Go's %v prints it: `[a b]`."""
    return "[" + " ".join(values) + "]"


def json_text(value: object) -> str:
    """Compact JSON of a schema, for comparing schemas and finding keywords; "" when it is nested
    deeper than json.dumps goes (such a schema is KL107's warning, too large to check)."""
    import json

    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except (RecursionError, ValueError):
        return ""
