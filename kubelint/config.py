"""Project configuration: `.kubelint.yaml` (found by walking up) or `[tool.kubelint]` in
pyproject.toml, checked key by key so a typo gets an error that names it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")


class ConfigError(Exception):
    """Bad configuration (exit code 2)."""


@dataclass
class Config:
    path: Optional[str] = None
    kubernetes_version: Optional[str] = None
    strict: Optional[bool] = None
    select: List[str] = field(default_factory=list)
    ignore: List[str] = field(default_factory=list)
    rules: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    exclude: List[str] = field(default_factory=list)
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    schema_locations: List[str] = field(default_factory=list)
    assume_present: List[str] = field(default_factory=list)
    complete: bool = False
    max_file_size: Optional[int] = None
    cache_ttl: Optional[int] = None
    nodes: Optional[List[Dict[str, Any]]] = None


_STR_LIST = "a list of strings"
# key -> (attribute, expected description, checker)
_KEYS = {
    "kubernetes-version": ("kubernetes_version",
                           'a quoted version such as "1.37" (unquoted, 1.30 reads as the number 1.3)',
                           lambda v: isinstance(v, str)),
    "strict": ("strict", "true or false", lambda v: isinstance(v, bool)),
    "select": ("select", _STR_LIST, lambda v: _is_str_list(v)),
    "ignore": ("ignore", _STR_LIST, lambda v: _is_str_list(v)),
    "rules": ("rules", "a mapping of rule id or name to {severity, options}", lambda v: isinstance(v, dict)),
    "exclude": ("exclude", _STR_LIST, lambda v: _is_str_list(v)),
    "per-file-ignores": ("per_file_ignores", "a mapping of glob to a list of rules",
                         lambda v: isinstance(v, dict) and all(_is_str_list(x) for x in v.values())),
    "schema-locations": ("schema_locations", _STR_LIST, lambda v: _is_str_list(v)),
    "assume-present": ("assume_present", _STR_LIST, lambda v: _is_str_list(v)),
    "complete": ("complete", "true or false", lambda v: isinstance(v, bool)),
    "max-file-size": ("max_file_size", "a number of bytes", lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0),
    "cache-ttl": ("cache_ttl", "a number of seconds", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0),
}
# nodes: node shapes for bin packing (kubelint/admission/nodes.py), checked by _check_nodes.
_KEYS["nodes"] = ("nodes", "a list of node shapes such as {name: general, cpu: 4, memory: 16Gi, pods: 110, count: 3}",
                  lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v))
# A non-negative Kubernetes quantity (the config layer sits below kubelint.model's parser).
_QUANTITY = re.compile(r"^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[munkMGTPE])?$")
_NODE_KEYS = {"name", "cpu", "memory", "ephemeral-storage", "pods", "count", "labels", "taints"}
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_RULE_KEYS = {"severity", "options", "enabled"}


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def find_config(start: Optional[str] = None) -> Optional[str]:
    """The nearest .kubelint.yaml, or pyproject.toml with [tool.kubelint], walking up."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject) and _pyproject_section(pyproject) is not None:
            return pyproject
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _may_name_kubelint_as_key(text: bytes) -> bool:
    """Could this TOML have a `kubelint` key or table? Conservative: any "kubelint" in a table
    header or before a line's first "=" counts ("[tool.kubelint]", "kubelint = {...}" under
    [tool]); one only after "=" is a value (a dependency, the project's name). Unicode
    escapes could spell the key any way, so they count too."""
    if b"\\u" in text or b"\\U" in text:
        return True
    start = text.find(b"kubelint")
    while start != -1:
        line_start = text.rfind(b"\n", 0, start) + 1
        before = text[line_start:start]
        if before.lstrip().startswith(b"[") or b"=" not in before:
            return True
        start = text.find(b"kubelint", start + 1)
    return False


def _pyproject_section(path: str) -> Optional[dict]:
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not _may_name_kubelint_as_key(text):
        # No [tool.kubelint] can be in it: skip the TOML parse (5 ms of every run started in
        # a Python project), and do not fail on a file that is not ours to judge.
        return None
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    section = data.get("tool", {}).get("kubelint")
    return section if isinstance(section, dict) else None


def load_config(path: Optional[str]) -> Config:
    if path is None:
        return Config()
    if path.endswith(".toml"):
        raw = _pyproject_section(path) or {}
        where = f"{path} [tool.kubelint]"
    else:
        import yaml

        try:
            with open(path, encoding="utf-8") as handle:
                raw = yaml.safe_load(handle) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        where = path
    return parse_config(raw, where, path)


def parse_config(raw: Any, where: str, path: Optional[str] = None) -> Config:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the config must be a mapping of keys to values")
    config = Config(path=path)
    for key, value in raw.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f'{where}: unknown key "{key}" (known keys: {known})')
        attribute, expected, check = _KEYS[key]
        if not check(value):
            raise ConfigError(f'{where}: "{key}" must be {expected}, got {value!r}')
        setattr(config, attribute, value)
    if config.nodes is not None:
        _check_nodes(config.nodes, where)
    for rule, settings in config.rules.items():
        if not isinstance(settings, dict):
            raise ConfigError(f'{where}: rules.{rule} must be a mapping with "severity" and/or "options"')
        unknown = set(settings) - _RULE_KEYS
        if unknown:
            raise ConfigError(f'{where}: rules.{rule}: unknown key "{sorted(unknown)[0]}" (use severity, options, enabled)')
        if "options" in settings and not isinstance(settings["options"], dict):
            raise ConfigError(f"{where}: rules.{rule}.options must be a mapping")
    return config


def _check_nodes(nodes: List[Dict[str, Any]], where: str) -> None:
    """Each node shape: a name, quantities that parse, whole counts, string labels, taints with
    a key and a known effect."""
    for number, shape in enumerate(nodes):
        at = f"{where}: nodes[{number}]"
        unknown = sorted(set(shape) - _NODE_KEYS)
        if unknown:
            raise ConfigError(f'{at}: unknown key "{unknown[0]}" (known: {", ".join(sorted(_NODE_KEYS))})')
        if not isinstance(shape.get("name", ""), str):
            raise ConfigError(f"{at}.name must be a string")
        for key in ("cpu", "memory", "ephemeral-storage"):
            value = shape.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not (isinstance(value, (int, float)) and value >= 0 or
                                               isinstance(value, str) and _QUANTITY.match(value)):
                raise ConfigError(f"{at}.{key} must be a quantity such as 4 or 16Gi, got {value!r}")
        for key, least in (("pods", 0), ("count", 1)):
            value = shape.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < least):
                raise ConfigError(f"{at}.{key} must be a whole number of at least {least}, got {value!r}")
        labels = shape.get("labels", {})
        if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
            raise ConfigError(f"{at}.labels must be a mapping of strings to strings")
        taints = shape.get("taints", [])
        if not isinstance(taints, list):
            raise ConfigError(f"{at}.taints must be a list of {{key, value, effect}}")
        for taint in taints:
            if not isinstance(taint, dict) or not isinstance(taint.get("key"), str) or \
                    taint.get("effect") not in _TAINT_EFFECTS or not isinstance(taint.get("value", ""), str):
                raise ConfigError(f"{at}.taints: each taint needs a key, an optional string value and an effect "
                                  f"({', '.join(_TAINT_EFFECTS)}), got {taint!r}")
