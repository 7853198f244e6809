"""The shape of a Pod Security check, as `policy/checks.go` defines it, and what every check
module shares (`policy/helpers.go`, `policy/visitor.go`).

A check is a list of versioned functions, each applying from its minimum version until the next
one. A function takes the pod (its metadata and spec) and returns a CheckResult whose reason and
detail are upstream's words. kubelint adds the violations: one per offending field, each with the
detail upstream would give had that field been the only one wrong, so a finding can sit on it."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ...findings import Pointer
from ...model.objects import as_dict, as_list
from ...named_tuple import NamedTuple
from .api import Version


class Violation(NamedTuple):
    pointer: Pointer  # within the object
    detail: str  # upstream's ForbiddenDetail, for this field alone
    anchor: str = "value"  # "key" to sit on the mapping key (a hostPath volume's `hostPath:`)


class CheckResult(NamedTuple):
    allowed: bool
    reason: str = ""  # ForbiddenReason
    detail: str = ""  # ForbiddenDetail, for the whole pod
    violations: Tuple[Violation, ...] = ()


ALLOWED = CheckResult(True)


def _mapping(value: Any) -> Optional[Dict[str, Any]]:
    return value if isinstance(value, dict) else None


class PodContainer(NamedTuple):
    pointer: Pointer
    data: Dict[str, Any]
    name: str  # "" when unset, as Go's string
    security_context: Optional[Dict[str, Any]]  # None when unset (a nil pointer)

    @classmethod
    def of(cls, pointer: Pointer, data: Dict[str, Any]) -> "PodContainer":
        name = data.get("name")
        return cls(pointer, data, name if isinstance(name, str) else "", _mapping(data.get("securityContext")))


class Pod(NamedTuple):
    """A pod's metadata and spec, and where they are in the object (a Pod or a pod template).
    The fields every check reads are looked up once, here."""

    pointer: Pointer  # of the pod or template: spec at pointer + ("spec",)
    metadata: Dict[str, Any]
    spec: Dict[str, Any]
    containers: Tuple[PodContainer, ...]  # visitContainers' order: init, regular, ephemeral
    security_context: Optional[Dict[str, Any]]
    annotations: Dict[str, Any]

    @classmethod
    def of(cls, pointer: Pointer, metadata: Any, spec: Any) -> "Pod":
        spec = as_dict(spec)
        metadata = as_dict(metadata)
        containers = tuple(
            PodContainer.of(pointer + ("spec", group, index), data)
            for group in ("initContainers", "containers", "ephemeralContainers")
            for index, data in enumerate(as_list(spec.get(group))) if isinstance(data, dict))
        return cls(pointer, metadata, spec, containers, _mapping(spec.get("securityContext")),
                   as_dict(metadata.get("annotations")))

    def at(self, *parts: Any) -> Pointer:
        """A pointer under the pod's spec."""
        return self.pointer + ("spec",) + parts

    def annotation_pointer(self, key: str) -> Pointer:
        return self.pointer + ("metadata", "annotations", key)

    @property
    def is_windows(self) -> bool:
        """podSpec.OS != nil && podSpec.OS.Name == corev1.Windows"""
        return as_dict(self.spec.get("os")).get("name") == "windows"

    @property
    def in_user_namespace(self) -> bool:
        """relaxPolicyForUserNamespacePod: hostUsers is set to false."""
        return self.spec.get("hostUsers") is False


CheckFn = Callable[[Pod], CheckResult]


class VersionedCheck(NamedTuple):
    minimum_version: Version
    check_pod: CheckFn
    override_check_ids: Tuple[str, ...] = ()


class Check(NamedTuple):
    id: str  # upstream's CheckID
    level: str
    versions: Tuple[VersionedCheck, ...]


# -- policy/helpers.go --

def join_quote(items: Sequence[str]) -> str:
    return '"' + '", "'.join(items) + '"' if items else ""


def pluralize(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def containers_phrase(names: Sequence[str]) -> str:
    """`container "a"` / `containers "a", "b"`, the phrase every check builds."""
    return f'{pluralize("container", "containers", len(names))} {join_quote(names)}'


def is_true(value: Any) -> bool:
    """A *bool that is set and true; YAML's true only (a string "true" is a schema error)."""
    return value is True


def text(value: Any) -> str:
    """A Go string field: unset is ""."""
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    return "" if value is None else str(value)


def field(mapping: Optional[Dict[str, Any]], key: str) -> Optional[Dict[str, Any]]:
    """A pointer-to-struct field: the nested mapping, or None when unset (or not a mapping)."""
    if mapping is None:
        return None
    value = mapping.get(key)
    return value if isinstance(value, dict) else None


def setter_pointer(pod: Pod, container: Optional[PodContainer], *path: str) -> Pointer:
    """Where to report that a securityContext field is missing or wrong: the field, else its
    nearest existing parent, else the container (or the pod spec)."""
    base = container.pointer if container is not None else pod.at()
    node: Any = container.data if container is not None else pod.spec
    pointer = base
    for part in ("securityContext",) + path:
        if not isinstance(node, dict) or node.get(part) is None:
            return pointer
        node, pointer = node[part], pointer + (part,)
    return pointer


def result(reason: str, detail: str, violations: List[Violation]) -> CheckResult:
    return CheckResult(False, reason, detail, tuple(violations))
