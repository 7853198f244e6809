"""The data keys of ConfigMaps and Secrets in the set, and how a message lists them."""

from __future__ import annotations

import weakref
from typing import Dict, Iterable, Set, Tuple

from ...model.index import SetIndex, per_set_cache
from ...model.objects import K8sObject, as_dict

# Keys the token controller fills in a kubernetes.io/service-account-token Secret.
_SA_TOKEN_KEYS = ("token", "ca.crt", "namespace")


def data_keys(obj: K8sObject) -> Set[str]:
    fields = ("data", "binaryData") if obj.kind == "ConfigMap" else ("data", "stringData")
    keys = {key for name in fields for key in as_dict(obj.get(name)) if isinstance(key, str)}
    if obj.kind == "Secret" and obj.get("type") == "kubernetes.io/service-account-token":
        keys.update(_SA_TOKEN_KEYS)
    return keys


def key_list(keys: Iterable[str], limit: int = 8) -> str:
    ordered = sorted(keys)
    text = ", ".join(ordered[:limit])
    return text + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


# Per set: the data keys of the objects named (kind, namespace, name), filled as rules ask.
_KEYS: "weakref.WeakKeyDictionary[SetIndex, Dict[Tuple[str, str, str], Set[str]]]" = per_set_cache()


def keys_of_named(index: SetIndex, kind: str, namespace: str, name: str) -> Set[str]:
    """The data keys of every object of the set with this kind, namespace and name."""
    known = _KEYS.get(index)
    if known is None:
        known = _KEYS[index] = {}
    found = known.get((kind, namespace, name))
    if found is None:
        found = known[(kind, namespace, name)] = set()
        for other in index.all_named(kind, namespace, name):
            found |= data_keys(other)
    return found
