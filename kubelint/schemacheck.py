"""The schema step: each object against its kind's schema, and API versions against the
deprecation table."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from .findings import Issue, Severity
from .loader import Manifest
from .schemas.deprecations import lookup as lookup_deprecation
from .schemas.store import SchemaStore

if TYPE_CHECKING:
    from .engine import Settings


def schema_issues(manifest: Manifest, store: SchemaStore, settings: "Settings") -> List[Issue]:
    ref = manifest.ref
    version = store.version
    deprecation = lookup_deprecation(ref.api_version, ref.kind)
    validator = store.validator(ref.api_version, ref.kind)
    issues: List[Issue] = []
    if deprecation is not None and deprecation.is_removed_in(version) and validator is None:
        replacement = f"; use {deprecation.replacement}" if deprecation.replacement else ""
        note = f" ({deprecation.note})" if deprecation.note else ""
        return [Issue("KL104", ("apiVersion",),
                      f"{ref.kind} {ref.api_version} was removed in Kubernetes {deprecation.removed_in}"
                      f"{replacement}{note}")]
    if deprecation is not None and deprecation.is_deprecated_in(version):
        replacement = f"; migrate to {deprecation.replacement}" if deprecation.replacement else ""
        removal = f" and is removed in {deprecation.removed_in}" if deprecation.removed_in else ""
        issues.append(Issue("KL105", ("apiVersion",),
                            f"{ref.kind} {ref.api_version} is deprecated since Kubernetes "
                            f"{deprecation.deprecated_in}{removal}{replacement}"))
    if validator is None:
        issues.append(Issue("KL106", ("kind",),
                            f"no schema for {ref.kind} {ref.api_version} in Kubernetes {version}"
                            + _kind_hint(store, ref.api_version, ref.kind),
                            severity=Severity.WARNING))
        return issues
    issues.extend(validator.issues(manifest.data, strict=settings.strict))
    return issues


def _kind_hint(store: SchemaStore, api_version: str, kind: str) -> str:
    """Point at the likely fix: the kind under another apiVersion, or a near-miss kind name."""
    import difflib

    kinds = store.kinds()
    served = sorted(av for av, names in kinds.items() if kind in names)
    if served:
        return f"; {kind} is served as {', '.join(served)}"
    names = sorted({name for names in kinds.values() for name in names})
    close = difflib.get_close_matches(kind, names, n=1, cutoff=0.8)
    if close:
        return f'; did you mean kind "{close[0]}"?'
    group = api_version.split("/")[0] if "/" in api_version else ""
    if "." in group and not group.endswith(".k8s.io"):
        return " (a custom resource: give its CRD to validate it)"
    return ""
