"""What a rule may consult besides its object: the set index, its options, the run settings."""

from __future__ import annotations

import fnmatch
from typing import Any, Dict, Optional

from .index import SetIndex

# Objects every cluster has, so no rule reports them missing.
ALWAYS_PRESENT = ("Namespace/default", "Namespace/kube-system", "Namespace/kube-public",
                  "Namespace/kube-node-lease", "ServiceAccount/*/default", "ConfigMap/*/kube-root-ca.crt")


class AssumePresent:
    """Patterns `Kind/name` or `Kind/namespace/name` (globs allowed) for objects outside the set."""

    __slots__ = ("patterns", "_answers")

    def __init__(self, patterns: tuple = ()) -> None:
        self.patterns = patterns
        # Answers by (kind, namespace, name): reference rules ask about the same objects many times.
        self._answers: Dict[tuple, bool] = {}

    def covers(self, kind: str, namespace: Optional[str], name: str) -> bool:
        key = (kind, namespace, name)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._matches(kind, namespace, name)
        return answer

    def _matches(self, kind: str, namespace: Optional[str], name: str) -> bool:
        for pattern in self.patterns + ALWAYS_PRESENT:
            parts = pattern.split("/")
            if not parts or not _glob_matches(kind, parts[0]):
                continue
            if len(parts) == 1:
                return True
            if len(parts) == 2 and _glob_matches(name, parts[1]):
                return True
            if len(parts) == 3 and _glob_matches(namespace or "", parts[1]) and _glob_matches(name, parts[2]):
                return True
        return False


def _glob_matches(text: str, pattern: str) -> bool:
    """fnmatchcase, without compiling a regex for a pattern that has no wildcard (the answer is
    then equality) or that is `*` (anything): most are, ALWAYS_PRESENT's all."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern and "[" not in pattern:
        return text == pattern
    return fnmatch.fnmatchcase(text, pattern)


class RuleContext:
    """A plain class, not a dataclass: cheaper to define on every start."""

    __slots__ = ("index", "kubernetes_version", "options", "complete", "assume_present", "pod_security", "nodes")

    def __init__(self, index: SetIndex, kubernetes_version: str, options: Optional[Dict[str, Any]] = None,
                 complete: bool = False, assume_present: Optional[AssumePresent] = None,
                 pod_security: Optional[Dict[str, Any]] = None, nodes: Optional[tuple] = None) -> None:
        self.index = index
        self.kubernetes_version = kubernetes_version
        self.options: Dict[str, Any] = options if options is not None else {}
        self.complete = complete  # config says the set holds every object of its namespaces
        self.assume_present = assume_present if assume_present is not None else AssumePresent()
        # config `pod-security:` (cluster-wide Pod Security defaults and exemptions), or None
        self.pod_security = pod_security
        self.nodes = nodes  # config `nodes:` (a tuple of shape mappings), None without it

    def option(self, name: str) -> Any:
        return self.options[name]

    def could_contain(self, kind: str, namespace: Optional[str]) -> bool:
        """Would the set hold a `kind` in `namespace` if one existed? (partial sets, DESIGN §4)"""
        return self.complete or self.index.has_kind(kind, namespace)

    def is_missing(self, kind: str, namespace: Optional[str], name: str) -> bool:
        """True only when the object is absent and the set had the chance to contain it."""
        if self.index.get(kind, namespace or "default", name) is not None:
            return False
        if self.assume_present.covers(kind, namespace, name):
            return False
        return self.could_contain(kind, namespace)

    def kubernetes_minor(self) -> int:
        return int(self.kubernetes_version.split(".")[1])
