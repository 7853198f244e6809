"""Project configuration: `.kubelint.yaml` (found by walking up) or `[tool.kubelint]` in
pyproject.toml, checked key by key so a typo gets an error that names it."""

from __future__ import annotations

import os
import re
from typing import Any, Dict, List, Optional

from .lazy_regex import lazy_compile

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")
MAX_CONFIG_BYTES = 1024 * 1024
MAX_CONFIG_VALUES = 100_000


class ConfigError(Exception):
    """Bad configuration (exit code 2)."""


class Config:
    """What a config file says; a key it leaves out keeps the default here. A plain class, not
    a dataclass: cheaper to define, and every `kubelint check` imports it."""

    kubernetes_version: Optional[str] = None
    strict: Optional[bool] = None
    complete: bool = False
    max_file_size: Optional[int] = None
    cache_ttl: Optional[int] = None
    pod_security: Optional[Dict[str, Any]] = None
    context: Optional[str] = None  # directory, relative to the config file
    baseline: Optional[str] = None  # file, relative to the config file
    nodes: Optional[List[Dict[str, Any]]] = None

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path
        self.select: List[str] = []
        self.ignore: List[str] = []
        self.rules: Dict[str, Dict[str, Any]] = {}
        self.exclude: List[str] = []
        self.per_file_ignores: Dict[str, List[str]] = {}
        self.schema_locations: List[str] = []
        self.assume_present: List[str] = []


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
    "pod-security": ("pod_security", "a mapping such as {enforce: baseline, enforce-version: latest, "
                     "exempt-namespaces: [kube-system]}", lambda v: isinstance(v, dict)),
    "context": ("context", "a directory (relative to the config file)", lambda v: isinstance(v, str) and v != ""),
    "baseline": ("baseline", "a file (relative to the config file)", lambda v: isinstance(v, str) and v != ""),
}
# pod-security: the PodSecurity AdmissionConfiguration's defaults and exemptions.
POD_SECURITY_LEVELS = ("privileged", "baseline", "restricted")
_POD_SECURITY_MODES = ("enforce", "audit", "warn")
_POD_SECURITY_LISTS = ("exempt-namespaces", "exempt-runtime-classes")
# nodes: node shapes for bin packing (kubelint/admission/nodes.py), checked by _check_nodes.
_KEYS["nodes"] = ("nodes", "a list of node shapes such as {name: general, cpu: 4, memory: 16Gi, pods: 110, count: 3}",
                  lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v))
# A non-negative Kubernetes quantity (the config layer sits below kubelint.model's parser).
_QUANTITY = lazy_compile(r"^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[munkMGTPE])?$")
_NODE_KEYS = {"name", "cpu", "memory", "ephemeral-storage", "pods", "count", "labels", "taints"}
_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_RULE_KEYS = {"severity", "options", "enabled"}


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _check_pod_security(value: Dict[str, Any], where: str) -> None:
    """Each key of `pod-security:` as the AdmissionConfiguration validates it."""
    import re

    known = [*_POD_SECURITY_MODES, *(f"{m}-version" for m in _POD_SECURITY_MODES), *_POD_SECURITY_LISTS]
    for key, item in value.items():
        if key not in known:
            raise ConfigError(f'{where}: pod-security: unknown key "{key}" (known keys: {", ".join(known)})')
        if key in _POD_SECURITY_MODES and item not in POD_SECURITY_LEVELS:
            raise ConfigError(f'{where}: pod-security.{key} must be one of {", ".join(POD_SECURITY_LEVELS)}, '
                              f"got {item!r}")
        if key.endswith("-version") and not (isinstance(item, str) and re.match(r"^(latest|v1\.(0|[1-9][0-9]*))$", item)):
            raise ConfigError(f'{where}: pod-security.{key} must be "latest" or "v1.x" (quoted), got {item!r}')
        if key in _POD_SECURITY_LISTS and not _is_str_list(item):
            raise ConfigError(f"{where}: pod-security.{key} must be {_STR_LIST}, got {item!r}")


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


def _read_config(path: str) -> bytes:
    """A config file's bytes: a regular file of at most MAX_CONFIG_BYTES (a FIFO or /dev/zero
    named as the config would hang the run or fill memory)."""
    import stat

    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ConfigError(f"{path}: cannot read config: not a regular file")
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: cannot read config: over {MAX_CONFIG_BYTES:,} bytes")
    return data


def _check_expansion(raw: Any, where: str) -> None:
    """Refuse a config whose aliases expand it past MAX_CONFIG_VALUES values (an alias bomb,
    or an alias that contains itself): every check below walks the expanded values."""
    count, stack = 0, [raw]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_CONFIG_VALUES:
            raise ConfigError(f"{where}: more than {MAX_CONFIG_VALUES:,} values once YAML aliases are expanded: "
                              "refused as an alias-expansion bomb")
        if isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _describe(value: Any) -> str:
    """A value for an error message, short whatever it is (never a whole repr of a large or
    alias-expanded structure)."""
    if isinstance(value, dict):
        return f"a mapping of {len(value)} keys"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pyproject_section(path: str) -> Optional[dict]:
    text = _read_config(path)
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
    tool = data.get("tool")
    if not isinstance(tool, dict) or "kubelint" not in tool:
        return None
    section = tool["kubelint"]
    if not isinstance(section, dict):
        # `[tool] kubelint = "x"`: meant as our config, so say so rather than ignore it.
        raise ConfigError(f"{path}: [tool.kubelint] must be a table of settings, got {_describe(section)}")
    return section


def load_config(path: Optional[str]) -> Config:
    if path is None:
        return Config()
    if path.endswith(".toml"):
        raw = _pyproject_section(path) or {}
        where = f"{path} [tool.kubelint]"
    else:
        import yaml

        try:
            raw = yaml.safe_load(_read_config(path)) or {}
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        except RecursionError:
            raise ConfigError(f"{path}: cannot read config: nested too deeply") from None
        where = path
        _check_expansion(raw, where)
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
            raise ConfigError(f'{where}: "{key}" must be {expected}, got {_describe(value)}')
        setattr(config, attribute, value)
    if config.pod_security is not None:
        _check_pod_security(config.pod_security, where)
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
        if "enabled" in settings and not isinstance(settings["enabled"], bool):
            # bool("false") is True: a quoted "false" would have left the rule on.
            raise ConfigError(f"{where}: rules.{rule}.enabled must be true or false (unquoted), "
                              f"got {_describe(settings['enabled'])}")
        if "severity" in settings and not isinstance(settings["severity"], str):
            raise ConfigError(f"{where}: rules.{rule}.severity must be error, warning or info, "
                              f"got {_describe(settings['severity'])}")
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
