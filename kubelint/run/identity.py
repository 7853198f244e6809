"""A finding's identity for baselines, `--new-from-rev` and context runs: the same defect keeps
its identity when lines move, files are renamed or messages are reworded.

For an object's finding: (rule, kind, namespace, name, JSON pointer, overlay). The apiVersion
is not part of it (moving an object to a newer API version does not make its old findings
new), nor is the file. For a file-level finding (a syntax error): (rule, path, message with its
line numbers taken out).
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from ..findings import Finding, ObjectRef
from ..model.index import is_namespaced

Identity = Tuple[str, str, str, str, str, str]

_LINE_NUMBERS = re.compile(r"\b(line|lines|column)\s+\d+", re.I)


def object_identity(ref: ObjectRef) -> Tuple[str, str, str]:
    namespace = (ref.namespace or "default") if is_namespaced(ref.kind) else ""
    return ref.kind, namespace, ref.name or ""


def identity(finding: Finding) -> Identity:
    overlay = getattr(finding, "overlay", None) or ""
    if finding.object is not None:
        kind, namespace, name = object_identity(finding.object)
        return (finding.rule, f"{kind}/{namespace}/{name}", finding.json_path, overlay, "", "")
    return (finding.rule, "", "", overlay, finding.path, _LINE_NUMBERS.sub(r"\1 N", finding.message))


def describe(key: Identity, path: Optional[str] = None) -> str:
    """One line naming an identity, for lists of stale baseline entries."""
    rule, obj, pointer, overlay, file_path, message = key
    where = f" in {overlay}" if overlay else ""
    if obj:
        kind, namespace, name = obj.split("/", 2)
        label = f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"
        return f"{rule} {label} {pointer or '/'}{where}" + (f" ({path})" if path else "")
    return f"{rule} {file_path}: {message}{where}"
