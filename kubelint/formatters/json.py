"""`--format json`: the contract of DESIGN.md §4."""

from __future__ import annotations

import io
import json
from typing import Any, Dict, List, TextIO

from .. import __version__
from .base import Formatter, summary_counts

# Findings are encoded and written this many at a time: the whole document as one string (and
# the encoder's list of its pieces) was the peak of a large run's memory, several times the
# size of the findings themselves (92,500 findings: 340 MiB).
_BATCH = 512
# Stands in for the findings in the document's frame, which json.dumps writes around it.
_PLACEHOLDER = "\x00kubelint-findings\x00"


class JsonFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        self.write(result, out)
        return out.getvalue()

    def write(self, result, out: TextIO) -> None:  # type: ignore[no-untyped-def]
        """Write the document to `out` as json.dumps(document, indent=2) would, one batch of
        findings at a time, never holding the whole text or every finding's dict."""
        active = result.active()
        document: Dict[str, Any] = {"kubelint": __version__, "kubernetesVersion": result.kubernetes_version,
                                    "findings": [_PLACEHOLDER] if active else [], "summary": summary_counts(result)}
        text = json.dumps(document, indent=2) + "\n"
        if not active:
            out.write(text)
            return
        head, tail = text.split(json.dumps(_PLACEHOLDER), 1)
        out.write(head)  # ends with the first finding's indentation
        batch: List[str] = []
        for number, finding in enumerate(active):
            # Each finding sits two levels deep: its own lines get four more spaces (a JSON
            # string never holds a raw newline, so every "\n" is the encoder's own).
            batch.append(("" if number == 0 else ",\n    ") + json.dumps(_entry(finding), indent=2).replace("\n", "\n    "))
            if len(batch) == _BATCH:
                out.write("".join(batch))
                batch = []
        out.write("".join(batch))
        out.write(tail)


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
