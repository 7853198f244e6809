"""Duplicate objects (KL206): one object defined twice in the set, and the facts about the set
(identities, kustomize directories) worked out once to find them."""

from __future__ import annotations

import functools
import os
import weakref
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple

from ...findings import Severity
from ...model.index import is_namespaced, per_set_cache
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .kinds import is_api_object, kind_class, raw_meta, raw_string

if TYPE_CHECKING:
    from ...model.context import RuleContext


# The same REST resource served under two groups in old releases: one object, two apiVersions.
GROUP_ALIASES: Dict[Tuple[str, str], str] = {
    ("extensions", "Deployment"): "apps", ("extensions", "DaemonSet"): "apps",
    ("extensions", "ReplicaSet"): "apps", ("extensions", "Ingress"): "networking.k8s.io",
    ("extensions", "NetworkPolicy"): "networking.k8s.io", ("extensions", "PodSecurityPolicy"): "policy",
    ("events.k8s.io", "Event"): "",
}

DUPLICATE_SCOPES = ("file", "directory", "set")


def identity(obj: K8sObject) -> Optional[tuple]:
    """What makes two definitions the same object, or None when there is no fixed name.

    The group counts (a Certificate of cert-manager.io is not one of another group) except for
    resources that old releases served under two groups; the version does not (apps/v1 and
    apps/v1beta1 Deployments are one object). A namespaced object without metadata.namespace
    goes to the kubectl context's namespace: the same as another without one, but not certainly
    the same as one in "default".
    """
    name = raw_string(obj, "name")
    if name is None or not is_api_object(obj):
        return None
    group = kind_class(obj).group
    group = GROUP_ALIASES.get((group, obj.kind), group)
    namespace = raw_meta(obj).get("namespace") if is_namespaced(obj.kind) else None
    return (group, obj.kind, namespace if isinstance(namespace, str) else None, name)


def is_kustomize_directory(directory: str) -> bool:
    """Kustomize patches repeat the kind and name of the object they patch, file after file."""
    from ...input.kustomize import kustomization_file  # only for a duplicate: a clean run never imports it

    return kustomization_file(directory) is not None


class DefinitionFacts:
    """Identities and kustomize directories of one set, each worked out once: a name defined k
    times is compared k² times, and used to cost k² identities and file-system checks."""

    def __init__(self) -> None:
        # By id(), holding the object too, so that no other object can take its id meanwhile.
        self._identities: Dict[int, Tuple[K8sObject, Optional[tuple]]] = {}
        self._kustomize: Dict[str, bool] = {}

    def identity(self, obj: K8sObject) -> Optional[tuple]:
        known = self._identities.get(id(obj))
        if known is None:
            known = self._identities[id(obj)] = (obj, identity(obj))
        return known[1]

    def is_kustomize_directory(self, directory: str) -> bool:
        known = self._kustomize.get(directory)
        if known is None:
            known = self._kustomize[directory] = is_kustomize_directory(directory)
        return known


_definition_facts: "weakref.WeakKeyDictionary[Any, DefinitionFacts]" = per_set_cache()
# The objects of one file share its path, and duplicates are compared by directory many times.
directory_of = functools.lru_cache(maxsize=4096)(os.path.dirname)


def definition_facts(index: Any) -> DefinitionFacts:
    """The facts of the set `index` indexes, kept as long as the index lives."""
    facts = _definition_facts.get(index)
    if facts is None:
        facts = _definition_facts[index] = DefinitionFacts()
    return facts


class DuplicateObject(Rule):
    """The same object is defined only once."""

    id = "KL206"
    name = "duplicate-object"
    severity = Severity.ERROR
    summary = "No two definitions of the same kind, namespace and name."
    options = {"scope": "directory"}
    doc = RuleDoc(
        what="Reports every definition of an object after the first: same API group and kind, same "
             "metadata.namespace, same metadata.name (List items and multi-document files included), "
             "naming where the first one is. Within one file it is an error. Across files it is a "
             "warning, and only within the option `scope`: \"directory\" (default: files that "
             "`kubectl apply -f DIR` takes together; directories with a kustomization file are skipped, "
             "as kustomize patches repeat names), \"set\" (every input) or \"file\" (same file only). "
             "Objects with only generateName are distinct by design.",
        why="kubectl applies both and the last silently wins; kustomize refuses the set "
            "(\"may not add resource with an already registered id\").",
        failing="kind: ConfigMap\nmetadata: {name: web}\n---\nkind: ConfigMap\nmetadata: {name: web}",
        passing="kind: ConfigMap\nmetadata: {name: web}\n---\nkind: ConfigMap\nmetadata: {name: web-extra}",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = raw_string(obj, "name")
        # Most names are unique in the set: look them up before working out the identity.
        candidates = ctx.index.all_named(obj.kind, obj.namespace, name) if name is not None else []
        if len(candidates) < 2:
            return
        facts = definition_facts(ctx.index)
        mine = facts.identity(obj)
        if mine is None:
            return
        earlier: List[K8sObject] = []
        for other in candidates:  # in input order
            if other is obj:
                break
            if facts.identity(other) == mine:
                earlier.append(other)
        if not earlier:
            return
        first, severity, where = self._first(obj, earlier, str(ctx.option("scope")), facts)
        if first is None:
            return
        line = first.manifest.position(("metadata", "name")).line
        in_namespace = f' in namespace "{mine[2]}"' if mine[2] else ""
        consequence = ("kubectl would apply both and keep the last" if where == "file"
                       else "if the files are applied together, the last one wins")
        yield Report(("metadata", "name"),
                     f'metadata.name: {obj.kind} "{mine[3]}"{in_namespace} is also defined in {first.path}:{line} '
                     f"(same {where}); {consequence}: remove or rename one", severity=severity)

    @staticmethod
    def _first(obj: K8sObject, earlier: List[K8sObject], scope: str,
               facts: DefinitionFacts) -> Tuple[Optional[K8sObject], Optional[Severity], str]:
        same_file = next((other for other in earlier if other.path == obj.path), None)
        if same_file is not None:
            return same_file, None, "file"
        directory = directory_of(obj.path)
        if scope == "set":
            return earlier[0], Severity.WARNING, "set"
        if scope == "file" or facts.is_kustomize_directory(os.path.abspath(directory)):
            return None, None, ""
        same_directory = next((other for other in earlier if directory_of(other.path) == directory), None)
        return (same_directory, Severity.WARNING, "directory") if same_directory is not None else (None, None, "")
