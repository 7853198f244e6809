"""`--format json`: the contract of DESIGN.md §4."""

from __future__ import annotations

import io
import json
from typing import Any, Dict, Iterator, List, TextIO

from .. import __version__
from .base import Formatter, summary_counts

# The text is written this many encoder pieces at a time: the whole document as one string
# (and the encoder's list of its pieces) was the peak of a large run's memory, several times the
# size of the findings themselves (92,500 findings: 340 MiB).
_PIECES = 4096


class _Entries(list):
    """The findings' entries, made one at a time as the encoder reaches them. The encoder only
    asks a list for its length and its items; one entry per json.dumps call instead would leave
    a reference cycle per finding (the pure-Python encoder's closures), and the cyclic collector
    is off during a run."""

    def __init__(self, findings: List[Any]) -> None:
        super().__init__()
        self._findings = findings

    def __len__(self) -> int:
        return len(self._findings)

    def __iter__(self) -> Iterator[Dict[str, Any]]:  # type: ignore[override]
        return map(_entry, self._findings)


class JsonFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        self.write(result, out)
        return out.getvalue()

    def write(self, result, out: TextIO) -> None:  # type: ignore[no-untyped-def]
        """Write the text json.dumps(document, indent=2) would give, in pieces, never holding
        the whole text or every finding's entry."""
        document = {"kubelint": __version__, "kubernetesVersion": result.kubernetes_version,
                    "findings": _Entries(result.active()), "summary": summary_counts(result)}
        pieces: List[str] = []
        for piece in json.JSONEncoder(indent=2).iterencode(document):
            pieces.append(piece)
            if len(pieces) == _PIECES:
                out.write("".join(pieces))
                pieces.clear()
        pieces.append("\n")
        out.write("".join(pieces))


def _entry(f) -> Dict[str, Any]:  # type: ignore[no-untyped-def]
    p = f.position
    entry = {
        "path": f.path, "line": p.line, "column": p.column,
        "endLine": p.end_line, "endColumn": p.end_column,
        "rule": f.rule, "name": f.name, "severity": f.severity.value, "message": f.message,
        "object": f.object.to_json() if f.object else None,
        "jsonPath": f.json_path, "fixable": f.fixable,
    }
    # Rendered input only: the kustomization root that rendered the object, and the Helm
    # template (and line in its rendered document) that `# Source:` names.
    if f.overlay:
        entry["overlay"] = f.overlay
    if f.template:
        entry["source"] = {"template": f.template[0], "line": f.template[1]}
    return entry
