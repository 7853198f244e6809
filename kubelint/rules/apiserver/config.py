"""ConfigMap and Secret contents (KL127): keys, sizes, base64 and the keys each Secret type
requires, as pkg/apis/core/validation/validation.go:ValidateConfigMap and ValidateSecret check
them, after the JSON decoder has turned base64 strings into bytes (a value that is not base64
never reaches validation: the request is refused while decoding).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Tuple

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict
from ..base import Report, Rule, RuleDoc
from ..common.values import dotted
from . import errors, syntax
from .kinds import built_in

if TYPE_CHECKING:
    from ...model.context import RuleContext

MAX_SIZE = 1024 * 1024  # core.MaxSecretSize, for ConfigMaps too
SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name"
# Secret type -> the data keys it requires (one of them for basic-auth).
REDACTED = "<secret contents redacted>"
_EMPTY: Dict[Any, Any] = {}
BASE64_HINT = "values under data must be base64-encoded; put plain text under stringData"
BINARY_HINT = "values under binaryData must be base64-encoded; put text under data"


class ConfigData(Rule):
    """ConfigMap and Secret keys, values and sizes, and the keys of typed Secrets."""

    id = "KL127"
    name = "invalid-config-data"
    severity = Severity.ERROR
    summary = "ConfigMap and Secret keys are valid, values decode, sizes fit, typed Secrets have their keys."
    kinds = frozenset({"ConfigMap", "Secret"})
    doc = RuleDoc(
        what="Keys of data, binaryData and stringData are config keys (alphanumerics, '-', '_', '.'; not '.' or "
             "'..'; at most 253 characters: a key with a space is refused); a key is not in both data and "
             "binaryData; Secret data and binaryData values are base64 (the API server's decoder refuses others: "
             "\"illegal base64 data at input byte N\"; values filled in before applying, `${VAR}`, `ENC[...]`, "
             "are not checked); contents total at most 1 MiB; kubernetes.io/tls Secrets "
             "have tls.crt and tls.key, kubernetes.io/dockerconfigjson a .dockerconfigjson (and dockercfg a "
             ".dockercfg) that is a JSON object, basic-auth a username or password, ssh-auth a non-empty "
             "ssh-privatekey, service-account-token the kubernetes.io/service-account.name annotation.",
        why="The API server refuses the object. Source: pkg/apis/core/validation/validation.go (ValidateConfigMap, "
            "ValidateSecret) and validation.IsConfigMapKey; base64 is encoding/json's []byte decoding.",
        failing="kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTi...",
        passing="kind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTi...\n  tls.key: LS0tLS1CRUdJTi...")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if not built_in(obj):
            return
        raw = obj.raw
        if obj.kind == "ConfigMap":
            yield from _config_map(raw)
        else:
            yield from _secret(raw)


def _keys(at: Pointer, mapping: Dict[Any, Any]) -> Iterator[Report]:
    for key in mapping:
        if isinstance(key, str):
            for problem in syntax.config_map_key(key):
                yield errors.invalid(at + (key,), key, problem, anchor="key")


def templated(value: str) -> bool:
    """A value filled in before it reaches the API server: a SOPS-encrypted value, a Flux or
    envsubst variable, a template. Checking it as written would be a false error."""
    return value.startswith("ENC[") or "${" in value or "$(" in value or "{{" in value


def _decode(at: Pointer, value: Any, hint: str, secret: bool) -> Tuple[Optional[int], Optional[Report]]:
    """(decoded length, or None; the decoder's error, if any)."""
    if not isinstance(value, str) or templated(value):
        return None, None
    size, error = syntax.go_base64(value)
    if error is None:
        return size, None
    shown = "" if secret else f"{errors.go_quote(value[:40])}{'...' if len(value) > 40 else ''}: "
    return None, errors.invalid_omitted(at, f"{shown}illegal base64 data at input byte {error}", hint=hint)


def _too_large(at: Pointer, size: int, field: str) -> Report:
    return errors.too_long(at, MAX_SIZE, field=field, hint=f"the contents total {size:,} bytes")


def _config_map(raw: Dict[str, Any]) -> Iterator[Report]:
    data, binary = raw.get("data"), raw.get("binaryData")
    size = 0
    if isinstance(data, dict) and data:
        yield from _keys(("data",), data)
        other = binary if isinstance(binary, dict) else {}
        for key, value in data.items():
            if key in other:
                yield errors.invalid(("data", key), key, "duplicate of key present in binaryData", anchor="key")
            if isinstance(value, str):
                size += len(value) if value.isascii() else len(value.encode("utf-8"))
    if isinstance(binary, dict) and binary:
        yield from _keys(("binaryData",), binary)
        for key, value in binary.items():
            length, error = _decode(("binaryData", key), value, BINARY_HINT, secret=False)
            if error is not None:
                yield error
            size += length or 0
    if size > MAX_SIZE:  # reported for the whole object ("" in the server's message)
        yield _too_large(("data",) if data else ("binaryData",), size, field="data and binaryData")


def _secret(raw: Dict[str, Any]) -> Iterator[Report]:
    data, strings = raw.get("data"), raw.get("stringData")
    data = data if data.__class__ is dict else _EMPTY
    strings = strings if strings.__class__ is dict else _EMPTY
    # The API server merges stringData into data (stringData wins), then validates data.
    total = 0
    if data:
        yield from _keys(("data",), data)
        for key, value in data.items():
            length, error = _decode(("data", key), value, BASE64_HINT, secret=True)
            if error is not None:
                yield error
            if length and key not in strings:
                total += length
    if strings:
        yield from _keys(("stringData",), strings)
        for value in strings.values():
            if value.__class__ is str:
                total += len(value) if value.isascii() else len(value.encode("utf-8"))
    if total > MAX_SIZE:
        yield _too_large(("data",) if data else ("stringData",), total, field="data")
    kind = raw.get("type")
    if kind.__class__ is str and kind and kind != "Opaque":
        contents: Dict[str, Optional[bytes]] = {key: None for key in data if isinstance(key, str)}
        contents.update((k, v.encode("utf-8")) for k, v in strings.items() if isinstance(k, str) and isinstance(v, str))
        yield from _typed(raw, kind, data, contents)


def _value(key: str, data: Dict[Any, Any], contents: Dict[str, Optional[bytes]]) -> Optional[bytes]:
    value = contents.get(key)
    if value is None and isinstance(data.get(key), str):
        value = syntax.go_base64_bytes(data[key])
    return value


def _typed(raw: Dict[str, Any], kind: str, data: Dict[Any, Any],
           contents: Dict[str, Optional[bytes]]) -> Iterator[Report]:
    strings = as_dict(raw.get("stringData"))
    if kind == "kubernetes.io/service-account-token":
        annotations = as_dict(as_dict(raw.get("metadata")).get("annotations"))
        if not annotations.get(SERVICE_ACCOUNT_NAME):
            yield errors.required(("metadata", "annotations", SERVICE_ACCOUNT_NAME),
                                  present=SERVICE_ACCOUNT_NAME in annotations)
    elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if kind == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in contents:
            yield errors.required(("data", key), hint=f'a {kind} Secret keeps its registry credentials under "{key}"')
            return
        written = strings.get(key, data.get(key))
        value = None if isinstance(written, str) and templated(written) else _value(key, data, contents)
        problem = _json_object_problem(value) if value is not None else None
        if problem:
            yield errors.invalid(("stringData", key) if key in strings else ("data", key), REDACTED, problem,
                                 field=dotted(("data", key)))
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in contents and "password" not in contents:
            yield errors.required(("data", "username"), hint="a basic-auth Secret needs username or password")
            yield errors.required(("data", "password"), hint="a basic-auth Secret needs username or password")
    elif kind == "kubernetes.io/ssh-auth":
        if "ssh-privatekey" not in contents:
            yield errors.required(("data", "ssh-privatekey"))
        elif _value("ssh-privatekey", data, contents) == b"":  # None: not base64, reported already
            where = ("stringData" if "ssh-privatekey" in strings else "data", "ssh-privatekey")
            yield errors.required(where, present=True, field='data["ssh-privatekey"]')
    elif kind == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in contents:
                yield errors.required(("data", key))


def _json_object_problem(value: bytes) -> Optional[str]:
    """json.Unmarshal into map[string]interface{}, in Go's words where they are simple."""
    if not value.strip():
        return "unexpected end of JSON input"
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError) as error:
        return f"not valid JSON: {error}"
    if parsed is None or isinstance(parsed, dict):
        return None
    kind = ("bool" if isinstance(parsed, bool) else "number" if isinstance(parsed, (int, float))
            else "string" if isinstance(parsed, str) else "array")
    return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
