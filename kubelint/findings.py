"""The data that flows from checks to formatters: findings, object references, severities."""

from __future__ import annotations

import enum
import re
from typing import Any, List, Optional, Sequence, Tuple, Union

from .named_tuple import NamedTuple

PointerPart = Union[str, int]
Pointer = Tuple[PointerPart, ...]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.lower())
        except ValueError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


# ObjectRef, Fix, Finding and RunResult are written out rather than made by @dataclass: they
# behave as the dataclasses did (equality, hash, repr, frozen), and defining them no longer
# costs 4 ms and the dataclasses import on every start.


_set_field = object.__setattr__


def _frozen(self: object, name: str, value: object = None) -> None:
    raise AttributeError(f"cannot assign to field {name!r}")


class _Record:
    """Frozen, and equal and hashed by `_key()`: what @dataclass(frozen=True) gave."""

    __slots__ = ()

    __setattr__ = _frozen
    __delattr__ = _frozen

    def _key(self) -> tuple:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())


class ObjectRef(_Record):
    # Slots: a large run holds one per object in each process, and a __dict__ each would
    # triple their size (350 -> 90 bytes).
    __slots__ = ("api_version", "kind", "namespace", "name")

    api_version: str
    kind: str
    namespace: Optional[str]
    name: Optional[str]

    def __init__(self, api_version: str, kind: str, namespace: Optional[str], name: Optional[str]) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "api_version", api_version)
        setattr_(self, "kind", kind)
        setattr_(self, "namespace", namespace)
        setattr_(self, "name", name)

    def _key(self) -> tuple:
        return (self.api_version, self.kind, self.namespace, self.name)


    def __repr__(self) -> str:
        return (f"ObjectRef(api_version={self.api_version!r}, kind={self.kind!r}, "
                f"namespace={self.namespace!r}, name={self.name!r})")

    def __getstate__(self) -> tuple:  # frozen with slots: pickle needs these (Python 3.9 has no slots=True)
        return (self.api_version, self.kind, self.namespace, self.name)

    def __setstate__(self, state: tuple) -> None:
        for slot, value in zip(self.__slots__, state):
            object.__setattr__(self, slot, value)

    def label(self) -> str:
        """`Kind namespace/name`, as shown at the end of a text finding."""
        name = self.name or "<unnamed>"
        return f"{self.kind} {self.namespace}/{name}" if self.namespace else f"{self.kind} {name}"

    def to_json(self) -> dict:
        return {"apiVersion": self.api_version, "kind": self.kind,
                "namespace": self.namespace, "name": self.name}


# Issue, Position and LocatedIssue are NamedTuples: immutable like a frozen dataclass, and
# about 4x cheaper to define (0.6 ms each on every start) and to create.


class Issue(NamedTuple):
    """What a check reports before the engine knows where it is: a JSON pointer and a message.

    `anchor` says which node the finding points at: the mapping "key" (unknown or duplicate
    field) or the "value" (a bad value, a list item, an object missing a field).
    """

    rule: str
    pointer: Pointer
    message: str
    anchor: str = "value"
    severity: Optional[Severity] = None  # None: the rule's configured severity


class Position(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


FILE_START = Position(1, 1, 1, 1)


class Applicability(str, enum.Enum):
    """How far a fix can be trusted. SAFE keeps the object's meaning (or gives the only meaning
    the API server would accept); UNSAFE changes what it does, so a person should confirm it
    (`--unsafe-fixes`)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(NamedTuple):
    """Replace the characters [start, end) of a file's text (after its BOM, if any) with
    `replacement`; start == end inserts."""

    start: int
    end: int
    replacement: str


class Fix(_Record):
    """What `kubelint fix` would change for a finding: text edits, how safe, and in words."""

    description: str
    applicability: Applicability
    edits: Tuple[Edit, ...]

    def __init__(self, description: str, applicability: Applicability, edits: Tuple[Edit, ...]) -> None:
        self.__dict__.update(description=description, applicability=applicability, edits=edits)

    def _key(self) -> tuple:
        return (self.description, self.applicability, self.edits)


    def __repr__(self) -> str:
        return f"Fix(description={self.description!r}, applicability={self.applicability!r}, edits={self.edits!r})"


class Finding(_Record):
    # Slots: a large run holds every finding until the end (92,500 for 122,500 objects), and a
    # __dict__ each made a finding 3x its slots' size. Change one with `replace`.
    __slots__ = ("path", "position", "rule", "name", "severity", "message", "object", "json_path", "fixable",
                 "suppressed", "fix", "overlay", "template")

    path: str
    position: Position
    rule: str
    name: str
    severity: Severity
    message: str
    object: Optional[ObjectRef]
    json_path: str
    fixable: bool  # a fix exists (see `fix`), whether or not this run applied it
    suppressed: bool  # not compared
    fix: Optional[Fix]  # not compared
    # Rendered input: the kustomization root whose output held the object (kustomize), and
    # the template and line within its rendered document that `# Source:` names (Helm).
    overlay: Optional[str]
    template: Optional[Tuple[str, int]]

    def __init__(self, path: str, position: Position, rule: str, name: str, severity: Severity, message: str,
                 object: Optional[ObjectRef] = None, json_path: str = "", fixable: bool = False,  # noqa: A002
                 suppressed: bool = False, fix: Optional[Fix] = None, overlay: Optional[str] = None,
                 template: Optional[Tuple[str, int]] = None) -> None:
        setattr_ = _set_field  # assignment is refused (frozen); `object` is a field's name here
        setattr_(self, "path", path)
        setattr_(self, "position", position)
        setattr_(self, "rule", rule)
        setattr_(self, "name", name)
        setattr_(self, "severity", severity)
        setattr_(self, "message", message)
        setattr_(self, "object", object)
        setattr_(self, "json_path", json_path)
        setattr_(self, "fixable", fixable)
        setattr_(self, "suppressed", suppressed)
        setattr_(self, "fix", fix)
        setattr_(self, "overlay", overlay)
        setattr_(self, "template", template)

    def replace(self, **changes: Any) -> "Finding":
        """A copy with `changes` (the dataclasses.replace of a frozen record)."""
        return Finding(**{**{name: getattr(self, name) for name in Finding.__slots__}, **changes})

    def _key(self) -> tuple:
        """The compared fields: all but `suppressed` and `fix`."""
        return (self.path, self.position, self.rule, self.name, self.severity, self.message, self.object,
                self.json_path, self.fixable, self.overlay, self.template)


    def __repr__(self) -> str:
        return "Finding(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in Finding.__slots__) + ")"

    # Frozen with slots: pickle (findings come back from worker processes) needs these.
    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in Finding.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(Finding.__slots__, state):
            object.__setattr__(self, name, value)

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def sort_key(self) -> tuple:
        return (self.path, self.position.line, self.position.column, self.rule, self.message, self.overlay or "")


# Finding.sort_key's parts, least significant first (see sort_findings).
_SORT_PASSES = (
    lambda f: f.overlay or "", lambda f: f.message, lambda f: f.rule,
    lambda f: f.position.column, lambda f: f.position.line, lambda f: f.path,
)


def sort_findings(findings: List[Finding]) -> None:
    """Sort in place by Finding.sort_key, one part at a time (each sort is stable, so the last,
    by path, leaves the others in order): the same order without a key tuple per finding, which
    was the top of a large run's memory (92,500 findings: 9 MiB)."""
    for part in _SORT_PASSES:
        findings.sort(key=part)



def pointer_to_json_path(pointer: Pointer) -> str:
    """RFC 6901 JSON pointer text for a pointer tuple."""
    if not pointer:
        return ""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in pointer)


_PLAIN_KEY = re.compile(r"[\w-]+\Z")  # printed as .key; anything else as ["key"]


def pointer_to_dotted(pointer: Pointer) -> str:
    """`spec.ports[0].port`, the way people read field paths in Kubernetes messages."""
    out = []
    for part in pointer:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(("." if out else "") + part)
        else:
            out.append(f'["{part}"]')
    return "".join(out) or "(root)"


class LocatedIssue(NamedTuple):
    """An issue whose position is already known: file-level problems found while reading."""

    rule: str
    position: Position
    message: str
    object: Optional[ObjectRef] = None
    json_path: str = ""


class RunResult:
    kubernetes_version: str
    findings: List[Finding]  # sorted; suppressed ones included and marked
    files: int
    objects: int
    skipped: int
    checked: Sequence[Tuple[str, ObjectRef]]  # (path, object), input order
    file_paths: List[str]

    def __init__(self, kubernetes_version: str, findings: List[Finding], files: int, objects: int, skipped: int,
                 checked: Optional[Sequence[Tuple[str, ObjectRef]]] = None,
                 file_paths: Optional[List[str]] = None) -> None:
        self.kubernetes_version = kubernetes_version
        self.findings = findings
        self.files = files
        self.objects = objects
        self.skipped = skipped
        self.checked: Sequence[Tuple[str, ObjectRef]] = [] if checked is None else checked
        self.file_paths = [] if file_paths is None else file_paths

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self.__dict__ == other.__dict__
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return "RunResult(" + ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items()) + ")"

    def active(self) -> List[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.active() if f.severity == severity)

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppressed)
