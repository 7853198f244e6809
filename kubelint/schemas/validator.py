"""Compiled schema validators per (Kubernetes version, apiVersion, kind), and their errors
turned into Issues with messages a person understands."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from ..lazy_regex import lazy_compile
from ..findings import Issue, Pointer, pointer_to_dotted
from . import rust_engine

RULE_INVALID_VALUE = "KL101"
RULE_UNKNOWN_FIELD = "KL102"
RULE_MISSING_FIELD = "KL103"
RULE_TOO_DEEP = "KL009"
MAX_ERRORS_PER_OBJECT = 100
_SURROGATE = lazy_compile("[\ud800-\udfff]")

# Rust validator: many times faster; python-jsonschema is the fallback where no wheel exists.
_rs = rust_engine.load()


# Integer formats the API server enforces by decoding into Go's int32 and int64: a value out of
# range is refused ("cannot unmarshal number ... of type int32"). JSON Schema formats apply to
# strings only, so the ranges become minimum/maximum, which the validator checks natively.
INT_RANGES = {"int32": (-(2 ** 31), 2 ** 31 - 1), "int64": (-(2 ** 63), 2 ** 63 - 1)}
_RANGE_FORMAT = {limit: name for name, limits in INT_RANGES.items() for limit in limits}


def _with_int_ranges_text(text: str) -> str:
    """The same schema JSON text (compact, as bundled) with each int32/int64 node bounded. Only
    built-in kinds get this: a CRD's integer formats are not enforced by the API server."""
    for name, (low, high) in INT_RANGES.items():
        text = text.replace(f'"format":"{name}"', f'"format":"{name}","maximum":{high},"minimum":{low}')
    return text


def _with_int_ranges(schema: Any) -> Any:
    """The parsed-schema twin of _with_int_ranges_text."""
    if isinstance(schema, dict):
        bounded = {k: _with_int_ranges(v) for k, v in schema.items()}
        limits = INT_RANGES.get(schema["format"]) if isinstance(schema.get("format"), str) else None
        if limits is not None:
            bounded["minimum"], bounded["maximum"] = limits
        return bounded
    if isinstance(schema, list):
        return [_with_int_ranges(v) for v in schema]
    return schema


def _is_date_time(value: str) -> bool:
    """metav1.Time parses RFC 3339 (Go's time.RFC3339 layout, fractional seconds allowed)."""
    import re
    from datetime import datetime

    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00")[:19])
    except ValueError:
        return False
    return True


# String formats of the built-in schemas that the API server's decoding enforces. `byte` (Secret
# data, binaryData) is KL127's, in the decoder's own words and with the placeholders it skips.
STRING_FORMATS: Dict[str, Callable[[str], bool]] = {"date-time": _is_date_time}
_FORMAT_HINTS = {
    "date-time": "not an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
}


def without_surrogates(value: Any) -> Any:
    """A copy with each lone surrogate in a key or string replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    return value


def normalize_schema(schema: Any) -> Any:
    """Rewrite `oneOf` of plain types (IntOrString, Quantity) into one type union.

    Upstream writes IntOrString as oneOf[string|null, integer|null], which rejects null (it
    matches both branches) and gives poor messages; a type union means the same otherwise.
    """
    if isinstance(schema, dict):
        branches = schema.get("oneOf")
        if isinstance(branches, list) and branches and all(
                isinstance(b, dict) and set(b) == {"type"} for b in branches):
            types: List[str] = []
            for branch in branches:
                for t in branch["type"] if isinstance(branch["type"], list) else [branch["type"]]:
                    if t not in types:
                        types.append(t)
            rest = {k: normalize_schema(v) for k, v in schema.items() if k != "oneOf"}
            rest["type"] = types
            return rest
        return {k: normalize_schema(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [normalize_schema(v) for v in schema]
    return schema


class KindValidator:
    """Validates one kind's objects and explains each violation at its own node."""

    # Formats checked besides the integer ranges; None: no format is checked.
    formats: Optional[Dict[str, Callable[[str], bool]]] = STRING_FORMATS

    def __init__(self, schema: Dict[str, Any], engine: Optional[str] = None) -> None:
        schema = normalize_schema(schema)
        self._compile(schema if self.formats is None else _with_int_ranges(schema), engine)

    @classmethod
    def from_json(cls, text: str, engine: Optional[str] = None) -> "KindValidator":
        """A validator for the JSON text of a schema already normalized (the bundled ones). The
        Rust engine reads the text itself; Python parses it only when a message needs it."""
        validator = cls.__new__(cls)
        validator._compile(text if cls.formats is None else _with_int_ranges_text(text), engine)
        return validator

    def _compile(self, schema: Union[Dict[str, Any], str], engine: Optional[str]) -> None:
        self._schema = schema  # JSON text until `schema` is first asked for
        self.engine = engine or ("rust" if _rs is not None else "python")
        if self.engine == "rust":
            if self.formats is None:
                self._rust = _rs.validator_for(schema, validate_formats=False)
            else:
                self._rust = _rs.validator_for(schema, validate_formats=True, formats=self.formats,
                                               ignore_unknown_formats=True)
        else:
            import jsonschema

            checker = None
            if self.formats is not None:
                checker = jsonschema.FormatChecker(formats=())
                for name, check in self.formats.items():
                    # python-jsonschema hands every type to a format check; formats are for strings.
                    checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
            self._python = jsonschema.Draft202012Validator(self.schema, format_checker=checker)

    @property
    def schema(self) -> Dict[str, Any]:
        if isinstance(self._schema, str):
            self._schema = json.loads(self._schema)
        return self._schema

    def issues(self, instance: Any, strict: bool = True) -> List[Issue]:
        try:
            return self._issues(instance, strict)
        except UnicodeEncodeError:
            # A lone surrogate (JSON "\ud800") cannot cross into Rust; Go's JSON decoder reads
            # it as U+FFFD, so the API server validates that.
            return self._issues(without_surrogates(instance), strict)
        except (RecursionError, ValueError) as exc:
            if isinstance(exc, ValueError) and "recursion" not in str(exc).lower():
                raise
            return [Issue(RULE_TOO_DEEP, (), "nesting too deep to validate against the schema")]

    def _issues(self, instance: Any, strict: bool) -> List[Issue]:
        if self.engine == "rust":
            if self._rust.is_valid(instance):
                return []
            raw = (self._from_rust(e, instance) for e in self._rust.iter_errors(instance))
        else:
            raw = (self._from_python(e, instance) for e in self._python.iter_errors(instance))
        found: List[Issue] = []
        for issue_list in raw:
            for issue in issue_list:
                if not strict and issue.rule == RULE_UNKNOWN_FIELD:
                    continue
                found.append(issue)
            if len(found) >= MAX_ERRORS_PER_OBJECT:
                break
        return sorted(set(found), key=lambda i: (tuple(str(p) for p in i.pointer), i.rule, i.message))

    # Each engine's errors become (kind, path, details) and then one set of messages.

    def _from_rust(self, error: Any, instance: Any) -> List[Issue]:
        kind = type(error.kind).__name__
        path = tuple(error.instance_path)
        schema_path = tuple(error.schema_path)
        if kind == "Type":
            return [_type_issue(path, list(error.kind.types), _original(instance, path, error.instance))]
        if kind in ("Minimum", "Maximum") and error.kind.limit in _RANGE_FORMAT:
            return [_range_issue(path, error.instance, _RANGE_FORMAT[error.kind.limit])]
        if kind == "Format" and error.kind.format in _FORMAT_HINTS:
            return [_format_issue(path, error.kind.format)]
        if kind == "AdditionalProperties":
            known = self._properties_at(schema_path[:-1])
            return [_unknown_field(path, field, known) for field in error.kind.unexpected]
        if kind == "Required":
            return [_required_issue(path, error.kind.property)]
        if kind == "Enum":
            return [_enum_issue(path, error.instance, list(error.kind.options))]
        return [Issue(RULE_INVALID_VALUE, path, f"{pointer_to_dotted(path)}: {error.message}")]

    def _from_python(self, error: Any, instance: Any) -> List[Issue]:
        path = tuple(error.absolute_path)
        if error.validator == "type":
            types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            return [_type_issue(path, types, error.instance)]
        if error.validator in ("minimum", "maximum") and error.validator_value in _RANGE_FORMAT:
            return [_range_issue(path, error.instance, _RANGE_FORMAT[error.validator_value])]
        if error.validator == "format" and error.validator_value in _FORMAT_HINTS:
            return [_format_issue(path, error.validator_value)]
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            return [_unknown_field(path, field, known) for field in error.instance if field not in known]
        if error.validator == "required":
            missing = [f for f in error.validator_value if isinstance(error.instance, dict) and f not in error.instance]
            return [_required_issue(path, f) for f in missing]
        if error.validator == "enum":
            return [_enum_issue(path, error.instance, list(error.validator_value))]
        return [Issue(RULE_INVALID_VALUE, path, f"{pointer_to_dotted(path)}: {error.message}")]

    def _properties_at(self, schema_path: Tuple[Any, ...]) -> List[str]:
        """Property names of the schema node at `schema_path` (following $ref)."""
        node: Any = self.schema
        defs = self.schema.get("$defs", {})
        try:
            for part in schema_path:
                if part == "$ref":
                    node = defs[node["$ref"][len("#/$defs/"):]]
                else:
                    node = node[part]
            while isinstance(node, dict) and "$ref" in node and "properties" not in node:
                node = defs[node["$ref"][len("#/$defs/"):]]
            return list(node.get("properties", {}))
        except (KeyError, IndexError, TypeError):
            return []


_JSON_TYPES: List[Tuple[type, str]] = [(bool, "boolean"), (int, "integer"), (float, "number"),
                                       (str, "string"), (dict, "object"), (list, "array")]


def _original(instance: Any, path: Pointer, reported: Any) -> Any:
    """The value at `path` as kubelint read it: the Rust engine hands back infinity and NaN,
    which JSON cannot carry, as null."""
    if reported is not None:
        return reported
    node = instance
    try:
        for part in path:
            node = node[part]
    except (KeyError, IndexError, TypeError):
        return reported
    return node


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "infinity"
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _show(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        # sigs.k8s.io/yaml cannot turn it into JSON: kubectl refuses the file.
        return " (a number such as 1e400 or .inf that is not finite cannot be sent to the API server)"
    text = json.dumps(value)
    return " " + (text if len(text) <= 60 else text[:57] + '..."')


# Engines list a union's types in different orders; messages use this one.
_TYPE_ORDER = ["string", "integer", "number", "boolean", "object", "array", "null"]


def _type_issue(path: Pointer, types: Iterable[str], value: Any) -> Issue:
    types = sorted(types, key=lambda t: _TYPE_ORDER.index(t) if t in _TYPE_ORDER else len(_TYPE_ORDER))
    expected = " or ".join(t for t in types if t != "null") or "null"
    hint = ""
    if isinstance(value, bool) and "string" in types:
        hint = ' (YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)'
    elif isinstance(value, str) and "integer" in types and value.strip().lstrip("-").isdigit():
        hint = " (remove the quotes)"
    return Issue(RULE_INVALID_VALUE, path,
                 f"{pointer_to_dotted(path)}: expected {expected}, got {json_type(value)}{_show(value)}{hint}")


def _range_issue(path: Pointer, value: Any, format_name: str) -> Issue:
    low, high = INT_RANGES[format_name]
    return Issue(RULE_INVALID_VALUE, path,
                 f"{pointer_to_dotted(path)}: {value} does not fit in {format_name} ({low} to {high}); "
                 f"the API server cannot decode it")


def _format_issue(path: Pointer, format_name: str) -> Issue:
    return Issue(RULE_INVALID_VALUE, path, f"{pointer_to_dotted(path)}: {_FORMAT_HINTS[format_name]}")


def _unknown_field(path: Pointer, field: str, known: List[str]) -> Issue:
    message = f'{_where(path)}unknown field "{field}"'
    import difflib  # only for unknown fields; a clean run does not need it

    close = difflib.get_close_matches(field, known, n=1, cutoff=0.75) if known else []
    if close:
        message += f', did you mean "{close[0]}"?'
    return Issue(RULE_UNKNOWN_FIELD, path + (field,), message, anchor="key")


def _required_issue(path: Pointer, field: str) -> Issue:
    return Issue(RULE_MISSING_FIELD, path, f'{_where(path)}missing required field "{field}"')


def _where(path: Pointer) -> str:
    """`spec.ports[0]: ` before a message, nothing at the object's root."""
    return f"{pointer_to_dotted(path)}: " if path else ""


def _enum_issue(path: Pointer, value: Any, options: List[Any]) -> Issue:
    shown = ", ".join(json.dumps(o) for o in options if o is not None)
    message = f"{pointer_to_dotted(path)}: {json.dumps(value)} is not one of {shown}"
    if isinstance(value, str):
        same = [o for o in options if isinstance(o, str) and o.lower() == value.lower()]
        if same:
            message += f'; did you mean "{same[0]}"?'
    return Issue(RULE_INVALID_VALUE, path, message)

