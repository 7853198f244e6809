"""One file's fixes: each finding's proposal as text edits, then the set applied together,
kept only if the file re-parses to the original objects with exactly those changes."""

from __future__ import annotations

import bisect
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..findings import Applicability, Finding, Fix
from ..input.loader import parse_documents
from . import ops as ops_module
from ..named_tuple import NamedTuple
from .edits import DocumentEditor, apply_edits, collide, combine
from .ops import Op, OpError, parse_json_path
from .providers import Provider, providers
from .providers.base import FixContext, Target
from .tree import Unplaceable, YamlText
from .verify import verify


class Planned(NamedTuple):
    """A finding's fix: its edits, and its operations on the document for verification."""

    finding: Finding
    fix: Fix
    document: int
    ops: Tuple[Op, ...]  # relative to the document
    provider: str  # the provider's name


class FilePlanner:
    """Fixes for the findings of one file's text."""

    def __init__(self, path: str, text: str, context: FixContext,
                 chosen: Optional[Sequence[Provider]] = None) -> None:
        self.path = path
        self.text = text
        self.context = context
        self.providers = list(chosen) if chosen is not None else providers()
        self.parsed = parse_documents(path, text)
        self.tree = YamlText(text, self.parsed.is_json, self.parsed.safe_parser)

    # -- proposing -----------------------------------------------------------------------

    def plan(self, findings: Sequence[Finding]) -> List[Planned]:
        """Every finding's fix, where a provider has one that can be written as edits."""
        planned: List[Planned] = []
        for finding in findings:
            target = self._target(finding)
            if target is None:
                continue
            for provider in self.providers:
                if not provider.wants(finding):
                    continue
                made = self._made(provider, target)
                if made is not None:
                    planned.append(made)
                    break
        return planned

    def _made(self, provider: Provider, target: Target) -> Optional[Planned]:
        try:
            proposal = provider.propose(target)
        except (OpError, Unplaceable, RecursionError):
            return None
        if proposal is None or not proposal.ops:
            return None
        document_ops = tuple(_rebased(op, target.base) for op in proposal.ops)
        editor = DocumentEditor(self.tree, target.document)
        try:
            ops_module.apply(self.parsed.documents[target.document], document_ops)  # the ops fit the data
            edits = combine([edit for op in document_ops for edit in editor.edits(op)])
        except (OpError, Unplaceable, RecursionError):
            return None
        fix = Fix(proposal.description, proposal.applicability, tuple(edits))
        return Planned(target.finding, fix, target.document, document_ops, provider.name)

    def _target(self, finding: Finding) -> Optional[Target]:
        """Which object of the file the finding is about, and its pointer in that object."""
        if finding.object is None or not self.parsed.lines:
            return None
        document = bisect.bisect_right(self.parsed.lines, finding.line - 1) - 1
        if not 0 <= document < len(self.parsed.documents):
            return None
        data = self.parsed.documents[document]
        pointer = parse_json_path(data, finding.json_path)
        if pointer is None:
            return None
        base: Tuple[Any, ...] = ()
        if isinstance(data, dict) and str(data.get("kind", "")).endswith("List") and len(pointer) >= 2 \
                and pointer[0] == "items" and isinstance(data.get("items"), list):
            base = tuple(pointer[:2])
            pointer = pointer[2:]
            data = data["items"][base[1]]
        ref = finding.object
        if not isinstance(data, dict) or data.get("kind") != ref.kind or data.get("apiVersion") != ref.api_version:
            return None
        return Target(finding, data, tuple(pointer), base, document, self.tree, self.context)

    # -- applying ------------------------------------------------------------------------

    def apply(self, planned: Sequence[Planned], unsafe: bool) -> Tuple[str, List[Planned]]:
        """The text with as many of the fixes as fit together (safe ones, and unsafe ones with
        `unsafe`), and the fixes applied (several findings may share one)."""
        wanted = [p for p in planned if unsafe or p.fix.applicability == Applicability.SAFE]
        groups = _by_edits(wanted)
        chosen: List[List[Planned]] = []
        for group in groups:
            if not any(collide(group[0].fix.edits, other[0].fix.edits) for other in chosen):
                chosen.append(group)
        if not chosen:
            return self.text, []
        text = self._applied(chosen)
        if text is not None:
            return text, [p for group in chosen for p in group]
        # Together they do not verify (operations that interact): add them one at a time.
        kept: List[List[Planned]] = []
        text = self.text
        for group in chosen:
            attempt = self._applied(kept + [group])
            if attempt is not None:
                kept.append(group)
                text = attempt
        return text, [p for group in kept for p in group]

    def _applied(self, groups: Sequence[Sequence[Planned]]) -> Optional[str]:
        edits = [edit for group in groups for edit in group[0].fix.edits]
        new_text = apply_edits(self.text, edits)
        expected: Dict[int, Any] = {}
        try:
            for group in groups:
                first = group[0]
                current = expected.get(first.document, self.parsed.documents[first.document])
                expected[first.document] = ops_module.apply(current, first.ops)
        except (OpError, RecursionError):
            return None
        return new_text if verify(self.path, self.parsed, new_text, expected) else None


def _by_edits(planned: Sequence[Planned]) -> List[List[Planned]]:
    """Findings with identical fixes (one fix serves several findings) grouped, in order."""
    groups: Dict[Tuple[Any, ...], List[Planned]] = {}
    for item in planned:
        groups.setdefault(item.fix.edits, []).append(item)
    return list(groups.values())


def _rebased(op: Op, base: Tuple[Any, ...]) -> Op:
    if not base:
        return op
    return op._replace(pointer=base + tuple(op.pointer))

