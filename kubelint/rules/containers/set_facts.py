"""What the rest of the set says about a pod template: the Services that select it, and the
defaults a LimitRange fills in (pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem)."""

from __future__ import annotations

import functools
import weakref
from typing import Any, Dict, List, Set, Tuple

from ...model.index import per_set_cache
from ...model.objects import K8sObject, as_dict, as_list


class SetFacts:
    """Facts about the whole set that rules look up per object, each computed once per index and
    only when a rule first needs it: reading another object's spec may mean unpacking it.

    Services are indexed by (namespace, key, value) of one selector pair, so finding the Services
    that select a template costs one lookup per template label (SetIndex only maps the other way).
    """

    def __init__(self, objects: List[K8sObject]) -> None:
        self._objects = objects  # the index's list; holding it does not keep the index alive

    @functools.cached_property
    def _services(self) -> Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]]:
        services: Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]] = {}
        for obj in self._objects:
            if obj.kind == "Service":
                self._add_service(services, obj)
        return services

    @functools.cached_property
    def limit_range_defaults(self) -> Dict[str, Set[Tuple[str, str]]]:
        """namespace -> {(part, resource)} that a LimitRange of type Container fills in."""
        provided: Dict[str, Set[Tuple[str, str]]] = {}
        for obj in self._objects:
            if obj.kind == "LimitRange":
                self._add_limit_range(provided.setdefault(obj.namespace, set()), obj)
        return provided

    @staticmethod
    def _add_service(services: Dict[Tuple[str, str, str], List[Tuple[str, Dict[str, str]]]],
                     obj: K8sObject) -> None:
        spec = obj.spec
        selector = spec.get("selector")
        if spec.get("type") == "ExternalName" or not isinstance(selector, dict) or not selector:
            return
        if spec.get("publishNotReadyAddresses") is True:
            return  # it sends traffic to unready pods on purpose
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items()):
            return
        key, value = sorted(selector.items())[0]
        services.setdefault((obj.namespace, key, value), []).append((obj.name or "", selector))

    @staticmethod
    def _add_limit_range(provided: Set[Tuple[str, str]], obj: K8sObject) -> None:
        for item in as_list(obj.spec.get("limits")):
            item = as_dict(item)
            if item.get("type") != "Container":
                continue
            # SetDefaults_LimitRangeItem: max -> default, default -> defaultRequest, min -> defaultRequest
            limits = set(as_dict(item.get("default"))) | set(as_dict(item.get("max")))
            requests = limits | set(as_dict(item.get("defaultRequest"))) | set(as_dict(item.get("min")))
            provided.update(("limits", r) for r in limits)
            provided.update(("requests", r) for r in requests)

    def services_selecting(self, namespace: str, labels: Dict[str, str]) -> List[str]:
        names = []
        for key, value in labels.items():
            for name, selector in self._services.get((namespace, key, value), []):
                if all(labels.get(k) == v for k, v in selector.items()):
                    names.append(name)
        return sorted(set(names))


_facts: "weakref.WeakKeyDictionary[Any, SetFacts]" = per_set_cache()


def set_facts(index: Any) -> SetFacts:
    found = _facts.get(index)
    if found is None:
        found = _facts[index] = SetFacts(index.objects)
    return found
