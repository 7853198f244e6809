"""Rule families and the registry that lists them."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional, Union

from ..findings import Severity
from .base import Rule


def all_rules() -> List[Rule]:
    """Every rule, built explicitly (no import side effects), sorted by id."""
    from .builtin import builtin_rules

    rules: List[Rule] = list(builtin_rules())
    for family in _families():
        rules.extend(family())
    return sorted(rules, key=lambda r: r.id)


def _families() -> list:
    # Each family module exposes `rules() -> list[Rule]`; add new families here, then run
    # scripts/rule_catalog.py (a check finds its rules through kubelint/rules/catalog.py).
    from . import admission, apiserver, containers, ingress, metadata, references, security, service, workloads

    return [metadata.rules, service.rules, ingress.rules, containers.rules, workloads.rules, references.rules,
            apiserver.rules, security.rules, admission.rules]


class LazyRule:
    """A rule as the catalog describes it (id, name, severity, kinds, options), standing in for
    the rule until a check needs it: `resolve()` imports the rule's module then. A check of an
    input without Ingresses never imports the Ingress rules."""

    builtin = False

    def __init__(self, rule_id: str, name: str, severity: Severity, enabled_by_default: bool,
                 options: Dict[str, Any], where: str, kinds: Optional[FrozenSet[str]]) -> None:
        self.id = rule_id
        self.name = name
        self.severity = severity
        self.enabled_by_default = enabled_by_default
        self.options = options
        self.kinds = kinds
        self._where = where  # "module:attribute"
        self._rule: Optional[Rule] = None

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def resolve(self) -> Rule:
        if self._rule is None:
            module_name, _, attribute = self._where.partition(":")
            made = getattr(__import__(module_name, fromlist=[attribute]), attribute)
            if isinstance(made, type):
                self._rule = made()
            else:  # a module's rules(): its rules are made by a factory (Pod Security controls)
                self._rule = next(rule for rule in _made_by(made) if rule.id == self.id)
        return self._rule

    def __repr__(self) -> str:
        return f"LazyRule({self.id}, {self._where})"


_FACTORY_RULES: Dict[Any, List[Rule]] = {}


def _made_by(factory: Any) -> List[Rule]:
    """A factory's rules, made once: each call would make new classes."""
    made = _FACTORY_RULES.get(factory)
    if made is None:
        made = _FACTORY_RULES[factory] = factory()
    return made


AnyRule = Union[Rule, LazyRule]


class Registry:
    """Rules by id and by name: Rules, or LazyRules that stand in for them until resolved."""

    def __init__(self, rules: List[AnyRule]) -> None:
        self.rules = rules
        self._by_key: Dict[str, AnyRule] = {}
        for rule in rules:
            for key in (rule.id, rule.name):
                if key in self._by_key:
                    raise ValueError(f"rule key {key!r} registered twice")
                self._by_key[key] = rule

    def get(self, key: str) -> AnyRule:
        rule = self._by_key.get(key) or self._by_key.get(key.upper())
        if rule is None:
            raise KeyError(key)
        return rule

    def __contains__(self, key: str) -> bool:
        return key in self._by_key or key.upper() in self._by_key


def build_registry() -> Registry:
    """The registry of a check: the built-in rules, and every other rule as a LazyRule from the
    catalog, so that only the rule modules for the kinds of the input are imported."""
    from .builtin import builtin_rules
    from .catalog import RULES

    rules: List[AnyRule] = list(builtin_rules())
    rules.extend(LazyRule(*entry) for entry in RULES)
    return Registry(sorted(rules, key=lambda r: r.id))
