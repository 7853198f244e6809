"""`--format json`: the contract of DESIGN.md §4."""

from __future__ import annotations

import json

from .. import __version__
from .base import Formatter, summary_counts


class JsonFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        findings = []
        for f in result.active():
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
            findings.append(entry)
        document = {"kubelint": __version__, "kubernetesVersion": result.kubernetes_version,
                    "findings": findings, "summary": summary_counts(result)}
        return json.dumps(document, indent=2) + "\n"
