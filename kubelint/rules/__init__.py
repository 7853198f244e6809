"""Rule families and the registry that lists them."""

from __future__ import annotations

from typing import Dict, List

from .base import Rule


def all_rules() -> List[Rule]:
    """Every rule, built explicitly (no import side effects), sorted by id."""
    from .builtin import builtin_rules

    rules: List[Rule] = list(builtin_rules())
    for family in _families():
        rules.extend(family())
    return sorted(rules, key=lambda r: r.id)


def _families() -> list:
    # Each family module exposes `rules() -> list[Rule]`; add new families here.
    from . import admission, apiserver, containers, ingress, metadata, references, security, service, workloads

    return [metadata.rules, service.rules, ingress.rules, containers.rules, workloads.rules, references.rules,
            apiserver.rules, security.rules, admission.rules]


class Registry:
    """Rules by id and by name."""

    def __init__(self, rules: List[Rule]) -> None:
        self.rules = rules
        self._by_key: Dict[str, Rule] = {}
        for rule in rules:
            for key in (rule.id, rule.name):
                if key in self._by_key:
                    raise ValueError(f"rule key {key!r} registered twice")
                self._by_key[key] = rule

    def get(self, key: str) -> Rule:
        rule = self._by_key.get(key) or self._by_key.get(key.upper())
        if rule is None:
            raise KeyError(key)
        return rule

    def __contains__(self, key: str) -> bool:
        return key in self._by_key or key.upper() in self._by_key


def build_registry() -> Registry:
    return Registry(all_rules())
