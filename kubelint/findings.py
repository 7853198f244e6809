"""The data that flows from checks to formatters: findings, object references, severities."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

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


@dataclass(frozen=True)
class ObjectRef:
    # Slots: a large run holds one per object in each process, and a __dict__ each would
    # triple their size (350 -> 90 bytes).
    __slots__ = ("api_version", "kind", "namespace", "name")

    api_version: str
    kind: str
    namespace: Optional[str]
    name: Optional[str]

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


@dataclass(frozen=True)
class Fix:
    """What `kubelint fix` would change for a finding: text edits, how safe, and in words."""

    description: str
    applicability: Applicability
    edits: Tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    # Slots: a large run holds every finding until the end (92,500 for 122,500 objects), and a
    # __dict__ each made a finding 3x its slots' size. Change one with dataclasses.replace.
    path: str
    position: Position
    rule: str
    name: str
    severity: Severity
    message: str
    object: Optional[ObjectRef] = None
    json_path: str = ""
    fixable: bool = False  # a fix exists (see `fix`), whether or not this run applied it
    suppressed: bool = field(default=False, compare=False)
    fix: Optional[Fix] = field(default=None, compare=False)
    # Rendered input: the kustomization root whose output held the object (kustomize), and
    # the template and line within its rendered document that `# Source:` names (Helm).
    overlay: Optional[str] = None
    template: Optional[Tuple[str, int]] = None

    # Frozen with slots: pickle (findings come back from worker processes) needs these.
    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in _FINDING_FIELDS)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(_FINDING_FIELDS, state):
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


_FINDING_FIELDS = ("path", "position", "rule", "name", "severity", "message", "object", "json_path", "fixable",
                   "suppressed", "fix", "overlay", "template")


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


@dataclass
class RunResult:
    kubernetes_version: str
    findings: List[Finding]  # sorted; suppressed ones included and marked
    files: int
    objects: int
    skipped: int
    checked: Sequence[Tuple[str, ObjectRef]] = field(default_factory=list)  # (path, object), input order
    file_paths: List[str] = field(default_factory=list)

    def active(self) -> List[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.active() if f.severity == severity)

    @property
    def suppressed(self) -> int:
        return sum(1 for f in self.findings if f.suppressed)
