"""The fix-provider interface: what a provider sees of a finding, and what it proposes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, FrozenSet, Optional, Tuple

from ...findings import Applicability, Finding, Pointer
from ...named_tuple import NamedTuple
from ..ops import Op, get

if TYPE_CHECKING:
    from ...schemas.store import SchemaStore
    from ..tree import YamlText

MISSING = object()


class FixContext(NamedTuple):
    """What fixes may consult beyond the object: the run's schemas and Kubernetes version, and
    facts about the whole set."""

    store: "SchemaStore"
    ingress_classes: FrozenSet[str] = frozenset()  # names of the IngressClasses in the set


class Proposal(NamedTuple):
    """A fix in terms of the object's data: operations on pointers relative to the object."""

    description: str
    applicability: Applicability
    ops: Tuple[Op, ...]


class Target:
    """A finding with the object it is about, as a provider sees it."""

    __slots__ = ("finding", "data", "pointer", "base", "document", "text", "context")

    def __init__(self, finding: Finding, data: Any, pointer: Pointer, base: Pointer, document: int,
                 text: "YamlText", context: FixContext) -> None:
        self.finding = finding
        self.data = data  # the object (a List's item, or the document)
        self.pointer = pointer  # the finding's, relative to the object
        self.base = base  # the object's pointer in its document: () or ("items", n)
        self.document = document
        self.text = text
        self.context = context

    @property
    def value(self) -> Any:
        return get(self.data, self.pointer, MISSING)

    def plain_source(self, pointer: Optional[Pointer] = None) -> Optional[str]:
        """The text of the plain (unquoted) scalar at `pointer` (default: the finding's), as
        written; None if it is quoted, a block scalar, shared or not in the text."""
        from ..tree import Unplaceable, is_plain

        try:
            found = self.text.locate(self.document, self.base + tuple(self.pointer if pointer is None else pointer))
            self.text.check_rewritable(found.node)
        except Unplaceable:
            return None
        node = found.node
        if not is_plain(node) or node.value == "":
            return None
        return node.value


class Provider:
    """Proposes fixes for findings. `wants` is called for every finding of a run and must be
    cheap (no file access); `propose` only for the findings it wanted."""

    name: ClassVar[str]
    # Rule ids whose findings it fixes, for the rules' `fix` declarations (and the test that
    # keeps them in step). A provider keyed on a condition rather than a rule may also fix
    # findings of rules not listed here.
    rules: ClassVar[FrozenSet[str]] = frozenset()

    def wants(self, finding: Finding) -> bool:
        raise NotImplementedError

    def propose(self, target: Target) -> Optional[Proposal]:
        raise NotImplementedError
