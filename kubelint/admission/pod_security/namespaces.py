"""Where a namespace's Pod Security policy comes from, looked up once per namespace and set:

1. the Namespace object in the set: its `pod-security.kubernetes.io/<mode>[-version]` labels,
   over the cluster defaults (api.PolicyToEvaluate);
2. config `pod-security:` as the cluster defaults (the PodSecurity AdmissionConfiguration's
   `defaults` and `exemptions`), for namespaces the set does not label;
3. with neither, kubelint's own default: baseline violations are warnings, restricted is not
   checked (a namespace that labels itself, even `privileged`, opts out of this)."""

from __future__ import annotations

import weakref
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from ...model.index import SetIndex, per_set_cache
from ...model.objects import as_dict
from ...named_tuple import NamedTuple
from .api import (ALL_PRIVILEGED, BASELINE, LABEL_PREFIX, LATEST, MODES, LabelError, LevelVersion, Policy,
                  parse_level, parse_version, policy_to_evaluate)

# What the namespace's policy rests on; messages say it.
FROM_LABELS, FROM_CONFIG, FROM_KUBELINT = "labels", "config", "kubelint"

KUBELINT_DEFAULT = Policy(enforce=LevelVersion("privileged", LATEST), audit=LevelVersion("privileged", LATEST),
                          warn=LevelVersion(BASELINE, LATEST))


class PodSecurityConfig(NamedTuple):
    """Config `pod-security:` (validated by kubelint/config.py)."""

    defaults: Optional[Policy] = None  # None: not configured
    exempt_namespaces: FrozenSet[str] = frozenset()
    exempt_runtime_classes: FrozenSet[str] = frozenset()

    @classmethod
    def from_mapping(cls, mapping: Optional[Mapping[str, Any]]) -> "PodSecurityConfig":
        if not mapping:
            return cls()
        levels = {}
        for mode in MODES:
            level, _ = parse_level(str(mapping.get(mode, "privileged")))
            version, _ = parse_version(str(mapping.get(f"{mode}-version", "latest")))
            levels[mode] = LevelVersion(level, version)
        configures_levels = any(key in mapping for mode in MODES for key in (mode, f"{mode}-version"))
        return cls(Policy(**levels) if configures_levels else None,
                   frozenset(mapping.get("exempt-namespaces") or ()),
                   frozenset(mapping.get("exempt-runtime-classes") or ()))


class NamespacePolicy(NamedTuple):
    policy: Policy
    source: str  # FROM_LABELS, FROM_CONFIG or FROM_KUBELINT
    exempt: bool = False
    label_errors: Tuple[LabelError, ...] = ()


def pod_security_labels(labels: Any) -> Dict[str, str]:
    return {k: str(v) for k, v in as_dict(labels).items() if isinstance(k, str) and k.startswith(LABEL_PREFIX)}


class NamespacePolicies:
    """The policy of each namespace of one set, computed on first use."""

    def __init__(self, index: SetIndex, config: PodSecurityConfig) -> None:
        self.index = index
        self.config = config
        self._by_namespace: Dict[str, NamespacePolicy] = {}

    def of(self, namespace: str) -> NamespacePolicy:
        found = self._by_namespace.get(namespace)
        if found is None:
            found = self._by_namespace[namespace] = self._resolve(namespace)
        return found

    def _resolve(self, namespace: str) -> NamespacePolicy:
        config = self.config
        exempt = namespace in config.exempt_namespaces
        defaults = config.defaults if config.defaults is not None else ALL_PRIVILEGED
        namespace_object = self.index.get("Namespace", "", namespace)
        labels = pod_security_labels(namespace_object.metadata.get("labels")) if namespace_object is not None else {}
        if labels:
            policy, errors = policy_to_evaluate(labels, defaults)
            return NamespacePolicy(policy, FROM_LABELS, exempt, tuple(errors))
        if config.defaults is not None:
            return NamespacePolicy(config.defaults, FROM_CONFIG, exempt)
        return NamespacePolicy(KUBELINT_DEFAULT, FROM_KUBELINT, exempt)


_by_index: "weakref.WeakKeyDictionary[SetIndex, Dict[PodSecurityConfig, NamespacePolicies]]" = per_set_cache()


def namespace_policies(index: SetIndex, config: PodSecurityConfig) -> NamespacePolicies:
    """One NamespacePolicies per set and config, shared by every rule that asks."""
    per_config = _by_index.get(index)
    if per_config is None:
        per_config = _by_index[index] = {}
    found = per_config.get(config)
    if found is None:
        found = per_config[config] = NamespacePolicies(index, config)
    return found
