#!/usr/bin/env python3
"""Build kubelint/schemas/deprecations.json from pluto's versions.yaml, with known faults corrected.

The source is FairwindsOps/pluto ``versions.yaml`` (a copy lives in
``../shared/data/deprecations-pluto.yaml``). Only Kubernetes built-in APIs are kept
(``component: k8s``); istio and cert-manager entries are dropped. Every correction below is
explicit and says where the right value comes from; the build fails if a correction no
longer matches the source (so a fixed upstream file is noticed, not silently patched twice).

Usage:
    python scripts/build_deprecations.py SOURCE.yaml            # write the JSON
    python scripts/build_deprecations.py SOURCE.yaml --check    # exit 1 if the JSON is stale
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Optional

import yaml

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "kubelint" / "schemas" / "deprecations.json"
SOURCE_NAME = "FairwindsOps/pluto versions.yaml (component k8s), corrected by scripts/build_deprecations.py"

Entry = dict[str, Optional[str]]
Key = tuple[str, str]

FIELDS = ("deprecatedIn", "removedIn", "replacement", "note")
_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")

PSP_NOTE = (
    "Removed in 1.25 with no replacement API. Use Pod Security Admission (the built-in "
    "pod-security.kubernetes.io/* namespace labels) or a third-party admission webhook."
)

# (apiVersion, kind) -> fields to overwrite, with the value the source is expected to hold
# now. Each value is (expected source value, corrected value).
CORRECTIONS: dict[Key, dict[str, tuple[Optional[str], Optional[str]]]] = {
    # pluto leaves deprecated-in empty for ReplicaSet. All workload group versions before
    # apps/v1 were deprecated in 1.9, when apps/v1 went GA (blog "Core Workloads API GA",
    # and pluto's own Deployment/DaemonSet/StatefulSet entries for the same versions).
    ("extensions/v1beta1", "ReplicaSet"): {"deprecatedIn": (None, "1.9")},
    ("apps/v1beta1", "ReplicaSet"): {"deprecatedIn": (None, "1.9")},
    ("apps/v1beta2", "ReplicaSet"): {"deprecatedIn": (None, "1.9")},
    # PSP has no replacement API; say what to use instead rather than leave it blank.
    ("policy/v1beta1", "PodSecurityPolicy"): {"note": (None, PSP_NOTE)},
    # pluto has no removed-in. The bundled schemas serve it through 1.36 and not in 1.37,
    # which is also the earliest removal the beta policy allows (deprecated 1.34 + 3).
    ("storage.k8s.io/v1beta1", "VolumeAttributesClass"): {"removedIn": (None, "1.37")},
    # Deprecation guide: flowcontrol v1beta1 is no longer served as of 1.26; migrate to
    # v1beta3 (also the replacement its lifecycle tags name). Introduced 1.20, so deprecated
    # 1.23. pluto has two conflicting copies of each kind (see RENAMES): these entries carry
    # the v1beta2 dates, the "FlowControl" entry had the right dates but replacement v1beta2.
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"): {
        "deprecatedIn": ("1.24", "1.23"),
        "removedIn": ("1.29", "1.26"),
        "replacement": ("flowcontrol.apiserver.k8s.io/v1beta3", "flowcontrol.apiserver.k8s.io/v1beta3"),
    },
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"): {
        "deprecatedIn": ("1.24", "1.23"),
        "removedIn": ("1.29", "1.26"),
        "replacement": ("flowcontrol.apiserver.k8s.io/v1beta3", "flowcontrol.apiserver.k8s.io/v1beta3"),
    },
    # v1beta2 was introduced in 1.23 and carries no explicit deprecation tag, so the
    # apiserver reports it deprecated from 1.26 (when v1beta3 arrived), removed in 1.29.
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): {"deprecatedIn": ("1.24", "1.26")},
    ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"): {"deprecatedIn": ("1.24", "1.26")},
    # The two v1beta3 entries disagree (1.24 and 1.31). Deprecation guide: deprecated in
    # 1.29 (when v1 arrived), no longer served as of 1.32.
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): {"deprecatedIn": ("1.24", "1.29")},
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"): {"deprecatedIn": ("1.31", "1.29")},
    # pluto says removed in 1.33; the bundled schemas serve these through 1.31 only.
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy"): {"removedIn": ("1.33", "1.32")},
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding"): {"removedIn": ("1.33", "1.32")},
}

# pluto dates resource.k8s.io/v1beta1 as deprecated 1.33 and removed 1.36, but the bundled
# schemas still serve it in 1.36 and 1.37. It was introduced in 1.32, so the beta lifecycle
# gives deprecated 1.35 and removed 1.38, which is what the apiserver warns ("deprecated in
# v1.35+, unavailable in v1.38+"). The replacement is the GA resource.k8s.io/v1 (since 1.34):
# pluto's v1beta2 is itself a beta, deprecated from 1.36.
for _kind in ("DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"):
    CORRECTIONS[("resource.k8s.io/v1beta1", _kind)] = {
        "deprecatedIn": ("1.33", "1.35"),
        "removedIn": ("1.36", "1.38"),
        "replacement": ("resource.k8s.io/v1beta2", "resource.k8s.io/v1"),
    }

# Kinds that do not exist, replaced by the real ones. pluto's "FlowControl" stands for both
# flowcontrol kinds; the copies it produces collide with the v1beta1 entries, and
# CORRECTIONS settles every field on which they disagree.
RENAMES: dict[Key, tuple[str, ...]] = {
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl"): ("FlowSchema", "PriorityLevelConfiguration"),
}

# In the deprecation guide (v1.22 section) but missing from pluto. Lifecycle tags of
# authorization.k8s.io/v1beta1: deprecated 1.19; the guide: no longer served as of 1.22.
ADDITIONS: list[Entry] = [
    {
        "apiVersion": "authorization.k8s.io/v1beta1",
        "kind": kind,
        "deprecatedIn": "1.19",
        "removedIn": "1.22",
        "replacement": "authorization.k8s.io/v1",
        "note": None,
    }
    for kind in ("LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview")
]


def minor_version(raw: Any) -> Optional[str]:
    """'v1.22.0' -> '1.22'; empty or missing -> None."""
    if raw is None or raw == "":
        return None
    match = _VERSION_RE.match(str(raw))
    if not match:
        raise SystemExit(f"not a Kubernetes version: {raw!r}")
    return f"{int(match.group(1))}.{int(match.group(2))}"


def normalize(item: dict[str, Any]) -> Entry:
    return {
        "apiVersion": str(item["version"]),
        "kind": str(item.get("kind") or ""),
        "deprecatedIn": minor_version(item.get("deprecated-in")),
        "removedIn": minor_version(item.get("removed-in")),
        "replacement": item.get("replacement-api") or None,
        "note": None,
    }


def build(source: Path) -> list[Entry]:
    """Return the corrected table, sorted by (apiVersion, kind)."""
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw = [item for item in document["deprecated-versions"] if item.get("component") == "k8s"]

    entries: list[Entry] = []
    for item in raw:
        entry = normalize(item)
        new_kinds = RENAMES.get((entry["apiVersion"] or "", entry["kind"] or ""))
        if new_kinds is None:
            entries.append(entry)
        else:
            entries.extend({**entry, "kind": kind} for kind in new_kinds)

    # Group copies of the same (apiVersion, kind). Identical copies (audit.k8s.io/v1alpha1
    # Policy appears twice) collapse into one. Copies that disagree must have every
    # disputed field settled by CORRECTIONS; nothing is decided by file order.
    groups: dict[Key, list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry["apiVersion"] or "", entry["kind"] or ""), []).append(entry)
    by_key: dict[Key, Entry] = {}
    seen: dict[Key, dict[str, set[Optional[str]]]] = {}
    for key, group in groups.items():
        seen[key] = {field: {e[field] for e in group} for field in FIELDS}
        disputed = {field for field, values in seen[key].items() if len(values) > 1}
        unsettled = disputed - CORRECTIONS.get(key, {}).keys()
        if unsettled:
            raise SystemExit(f"{key}: source copies disagree on {sorted(unsettled)} and no correction settles it")
        by_key[key] = dict(group[0])

    for key, fields in CORRECTIONS.items():
        if key not in by_key:
            raise SystemExit(f"correction for {key} matches no source entry")
        for field, (expected, corrected) in fields.items():
            found = seen[key][field]
            if expected not in found:
                values = sorted(map(str, found))
                raise SystemExit(f"{key} {field}: source has {values}, not {expected!r}; revisit this correction")
            by_key[key][field] = corrected

    for entry in ADDITIONS:
        key = (entry["apiVersion"] or "", entry["kind"] or "")
        if key in by_key:
            raise SystemExit(f"addition {key} is now in the source; drop it from ADDITIONS")
        by_key[key] = dict(entry)

    table = [by_key[key] for key in sorted(by_key)]
    check(table)
    return table


def check(table: list[Entry]) -> None:
    """Invariants every entry must satisfy after correction."""
    for entry in table:
        label = f"{entry['apiVersion']} {entry['kind']}"
        if not entry["kind"] or not re.match(r"^[A-Z][A-Za-z0-9]*$", entry["kind"] or ""):
            raise SystemExit(f"{label}: bad kind")
        if not re.match(r"^([a-z0-9.-]+/)?v\d+((alpha|beta)\d+)?$", entry["apiVersion"] or ""):
            raise SystemExit(f"{label}: bad apiVersion")
        if entry["deprecatedIn"] is None:
            raise SystemExit(f"{label}: no deprecatedIn")
        if entry["removedIn"] is None:
            raise SystemExit(f"{label}: no removedIn")
        dep = tuple(int(p) for p in entry["deprecatedIn"].split("."))
        rem = tuple(int(p) for p in entry["removedIn"].split("."))
        if dep > rem:
            raise SystemExit(f"{label}: deprecated {entry['deprecatedIn']} after removed {entry['removedIn']}")
        if entry["replacement"] is None and entry["note"] is None:
            raise SystemExit(f"{label}: neither a replacement nor a note")


def render(source: Path) -> str:
    document = {"source": SOURCE_NAME, "deprecations": build(source)}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="pluto versions.yaml")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out is stale")
    args = parser.parse_args(argv)

    text = render(args.source)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"out of date: {args.out}")
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(json.loads(text)['deprecations'])} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
