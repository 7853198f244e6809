"""Baselines: adopt kubelint on a repository with findings it already has.

`kubelint baseline write FILE PATH...` records the findings of a check; `kubelint check
--baseline FILE` then reports only findings not recorded. Entries are matched by identity
(kubelint.run.identity: rule, object, JSON pointer; not the line), so editing a file does not
turn its recorded findings into new ones. An entry that matches nothing while its object (or
file) was checked is stale: the check lists it, and writing the baseline again drops it.

The file is JSON, sorted, one entry per identity with a count, plus the path and message it
was recorded with so a person can read it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any, Dict, List, Sequence, Tuple

from ..findings import Finding, RunResult
from ..named_tuple import NamedTuple
from .identity import Identity, describe, identity, object_identity

FORMAT = "kubelint-baseline"
VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or written (exit code 2)."""


class Entry(NamedTuple):
    key: Identity
    count: int
    path: str
    message: str


def _entry_json(entry: Entry) -> Dict[str, Any]:
    rule, obj, pointer, overlay, file_path, message = entry.key
    document: Dict[str, Any] = {"rule": rule}
    if obj:
        kind, namespace, name = obj.split("/", 2)
        document["object"] = {"kind": kind, "namespace": namespace, "name": name}
        document["jsonPath"] = pointer
    else:
        document["object"] = None
    if overlay:
        document["overlay"] = overlay
    document["path"] = file_path or entry.path
    document["message"] = message or entry.message
    if entry.count != 1:
        document["count"] = entry.count
    return document


def _entry_from_json(document: Any, where: str) -> Entry:
    if not isinstance(document, dict) or not isinstance(document.get("rule"), str):
        raise BaselineError(f"{where}: each entry needs a rule")
    obj = document.get("object")
    path = document.get("path") if isinstance(document.get("path"), str) else ""
    message = document.get("message") if isinstance(document.get("message"), str) else ""
    overlay = document.get("overlay") if isinstance(document.get("overlay"), str) else ""
    count = document.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: count must be a positive number")
    if isinstance(obj, dict):
        parts = [obj.get(k) if isinstance(obj.get(k), str) else "" for k in ("kind", "namespace", "name")]
        pointer = document.get("jsonPath") if isinstance(document.get("jsonPath"), str) else ""
        key: Identity = (document["rule"], "/".join(parts), pointer, overlay, "", "")
    else:
        key = (document["rule"], "", "", overlay, path, message)
    return Entry(key, count, path, message)


def read(path: str) -> List[Entry]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with `kubelint baseline write {path} PATH...`)") \
            from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path} is not a kubelint baseline (written by `kubelint baseline write`)")
    return [_entry_from_json(item, f"{path}: findings[{number}]") for number, item in enumerate(document["findings"])]


def entries_of(findings: Sequence[Finding]) -> List[Entry]:
    counts: Counter = Counter()
    first: Dict[Identity, Finding] = {}
    for finding in findings:
        key = identity(finding)
        counts[key] += 1
        first.setdefault(key, finding)
    return [Entry(key, counts[key], first[key].path, first[key].message) for key in counts]


def write(path: str, entries: Sequence[Entry]) -> None:
    items = sorted((_entry_json(e) for e in entries),
                   key=lambda d: (d["path"], d["rule"], json.dumps(d.get("object"), sort_keys=True),
                                  d.get("jsonPath", ""), d.get("overlay", ""), d["message"]))
    document = {"format": FORMAT, "version": VERSION,
                "comment": "Findings kubelint reports only when they are not in this file. "
                           "Regenerate with `kubelint baseline write`.",
                "findings": items}
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


def apply(result: RunResult, entries: Sequence[Entry]) -> Tuple[int, List[Entry]]:
    """Drop the findings the baseline records from `result` (in place); returns how many were
    dropped, and the stale entries: those that matched nothing although their object or file
    was checked."""
    remaining: Counter = Counter()
    for entry in entries:
        remaining[entry.key] += entry.count
    kept: List[Finding] = []
    dropped = 0
    for finding in result.findings:
        if finding.suppressed:
            kept.append(finding)
            continue
        key = identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            dropped += 1
        else:
            kept.append(finding)
    result.findings[:] = kept
    checked_objects = {object_identity(ref) for _, ref in result.checked}
    checked_files = set(result.file_paths)
    stale = []
    for entry in entries:
        if remaining[entry.key] <= 0:
            continue
        rule, obj, pointer, overlay, file_path, message = entry.key
        covered = tuple(obj.split("/", 2)) in checked_objects if obj else file_path in checked_files
        if covered:
            stale.append(entry._replace(count=remaining[entry.key]))
            remaining[entry.key] = 0
    return dropped, stale


def stale_lines(path: str, stale: Sequence[Entry], limit: int = 20) -> List[str]:
    lines = [f"baseline {path}: {len(stale)} entr{'y' if len(stale) == 1 else 'ies'} no longer found "
             f"(`kubelint baseline write {path} ...` drops {'it' if len(stale) == 1 else 'them'}):"]
    for entry in stale[:limit]:
        lines.append("  " + describe(entry.key, entry.path))
    if len(stale) > limit:
        lines.append(f"  ... and {len(stale) - limit} more")
    return lines
