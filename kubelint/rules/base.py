"""The Rule interface: what a rule declares and what it yields.

A rule never computes positions or severities. It yields Reports (a JSON pointer into the
object and a message); the engine stamps the rule id, the configured severity and the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Dict, FrozenSet, Iterator, Optional

from ..findings import Pointer, Severity
from ..named_tuple import NamedTuple

if TYPE_CHECKING:
    from ..model.context import RuleContext
    from ..model.objects import K8sObject


# NamedTuples rather than dataclasses: cheaper to define on every start and to create per report.

class Report(NamedTuple):
    pointer: Pointer
    message: str
    anchor: str = "value"  # "key" points at the mapping key instead of its value
    severity: Optional[Severity] = None  # rare: a rule with two levels (e.g. error if they disagree)


class RuleDoc(NamedTuple):
    what: str  # what it checks
    why: str  # why it matters
    failing: str  # a manifest fragment that fires
    passing: str  # the same, fixed


class FixSupport(NamedTuple):
    """What `kubelint fix` can do about a rule's findings, as `kubelint rules` and `explain`
    show it. The fixes themselves live in kubelint.fix (they edit text); this is the rule's
    declaration of them."""

    safety: str  # "safe", "unsafe", or "mixed" (safe or unsafe depending on the case)
    what: str  # what the fix changes, in one sentence


class Rule:
    """Subclass and set the class attributes; override `check` (per object, may query the index)."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    doc: ClassVar[RuleDoc]
    kinds: ClassVar[Optional[FrozenSet[str]]] = None  # None: every kind
    options: ClassVar[Dict[str, Any]] = {}
    enabled_by_default: ClassVar[bool] = True
    # Rules stamped by the loader or the schema check rather than by `check`.
    builtin: ClassVar[bool] = False
    fix: ClassVar[Optional[FixSupport]] = None  # None: `kubelint fix` cannot fix its findings

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        return iter(())

    def applies_to(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def resolve(self) -> "Rule":
        """The rule itself (a registry may hold kubelint.rules.LazyRule stand-ins instead)."""
        return self


def make_builtin(rule_id: str, name: str, severity: Severity, summary: str, doc: RuleDoc,
                 fix: Optional[FixSupport] = None) -> Rule:
    """A rule whose findings come from the loader or the schema check."""
    cls = type(name.title().replace("-", ""), (Rule,), {
        "id": rule_id, "name": name, "severity": severity, "summary": summary, "doc": doc,
        "builtin": True, "fix": fix, "__doc__": summary})
    return cls()


class RuleSettings(NamedTuple):
    """A rule's effective configuration in one run."""

    enabled: bool
    severity: Severity
    options: Dict[str, Any]
