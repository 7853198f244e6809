"""`--format sarif`: SARIF 2.1.0, one run, for GitHub code scanning and other viewers."""

from __future__ import annotations

import json
from typing import Dict, List

from .. import __version__
from .base import Formatter, fails, object_label

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kubelint/kubelint"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(rule) -> dict:  # type: ignore[no-untyped-def]
    doc = rule.doc
    help_text = (f"{doc.what}\n\nWhy: {doc.why}\n\nFails:\n{doc.failing}\n\nPasses:\n{doc.passing}\n\n"
                 f"Run `kubelint explain {rule.id}` for more.")
    help_markdown = (f"{doc.what}\n\n**Why it matters:** {doc.why}\n\n**Fails**\n```yaml\n{doc.failing}\n```\n\n"
                     f"**Passes**\n```yaml\n{doc.passing}\n```")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.what},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVELS[rule.severity.value], "enabled": rule.enabled_by_default},
        "properties": {"tags": ["kubernetes"]},
    }


def _uri(path: str) -> str:
    """An RFC 3986 relative reference for a file path: percent-encoded, so `a b#c?d.yaml` is one
    path (not a path, a query and a fragment) and `C:evil.yaml` no scheme; a path starting
    with `//` gets `/.` in front so that it names no host."""
    from urllib.parse import quote

    if path == "-":
        return "stdin"
    path = path.replace("\\", "/")
    try:  # an undecodable file name's bytes come back through surrogateescape
        uri = quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        uri = quote(path, safe="/", errors="backslashreplace")
    return "/." + uri if uri.startswith("//") else uri


class SarifFormatter(Formatter):
    def format(self, result) -> str:  # type: ignore[no-untyped-def]
        from ..rules import all_rules

        # Only the rules this run reports (the whole catalogue made a 13-finding run 212 KB).
        reported = {f.rule for f in result.findings}
        rules = [rule for rule in all_rules() if rule.id in reported]
        index: Dict[str, int] = {rule.id: i for i, rule in enumerate(rules)}
        results: List[dict] = []
        for f in result.findings:  # suppressed ones too, marked as such
            p = f.position
            region = {"startLine": p.line, "startColumn": p.column}
            if p.end_line > p.line or (p.end_line == p.line and p.end_column > p.column):
                region.update(endLine=p.end_line, endColumn=p.end_column)
            entry: dict = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _LEVELS[f.severity.value],
                "message": {"text": f.message + object_label(f)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path)},
                    "region": region}}],
            }
            if f.object is not None:
                entry["properties"] = {"object": f.object.to_json(), "jsonPath": f.json_path}
                if f.overlay:
                    entry["properties"]["overlay"] = f.overlay
                if f.template:
                    entry["properties"]["source"] = {"template": f.template[0], "line": f.template[1]}
            if f.suppressed:
                entry["suppressions"] = [{"kind": "inSource"}]
            results.append(entry)
        run = {
            "tool": {"driver": {"name": "kubelint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI,
                                "rules": [_rule_descriptor(rule) for rule in rules]}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                # The run's verdict as the exit code gives it: 1 when a finding is at or above --fail-on.
                "executionSuccessful": True,
                "exitCode": 1 if any(fails(f.severity, self.options.fail_on) for f in result.active()) else 0,
                "properties": {"failOn": self.options.fail_on},
            }],
            "results": results,
            "properties": {"kubernetesVersion": result.kubernetes_version},
        }
        document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(document, indent=2) + "\n"
