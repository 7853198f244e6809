"""The schema step: each object against its kind's schema (bundled, from a CRD of the run, or
from a schema location), API versions against the deprecation table, and --skip/--reject."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence

from ..findings import Issue, ObjectRef, Severity
from ..input.loader import Manifest
from ..schemas.deprecations import lookup as lookup_deprecation
from ..schemas.kustomization import is_kustomization, kustomization_issues
from ..schemas.store import SchemaStore

if TYPE_CHECKING:
    from .settings import Settings

RULE_REJECTED_KIND = "KL110"


def schema_issues(manifest: Manifest, store: SchemaStore, settings: "Settings") -> List[Issue]:
    ref = manifest.ref
    # Like kubeconform: a skipped kind gets no schema step at all; a rejected one only KL110.
    if kind_entry(settings.skip_kinds, ref) is not None:
        return []
    rejected = kind_entry(settings.reject_kinds, ref)
    if rejected is not None:
        return [Issue(RULE_REJECTED_KIND, ("kind",), f"{ref.kind} {ref.api_version} is not allowed (--reject {rejected})")]
    if is_kustomization(ref.api_version, ref.kind):  # not a Kubernetes object: kustomize's input
        return kustomization_issues(manifest.data)
    version = store.version
    deprecation = lookup_deprecation(ref.api_version, ref.kind)
    resolution = store.resolve(ref.api_version, ref.kind)
    validator = resolution.validator
    issues: List[Issue] = [Issue(rule, ("kind",), message) for rule, message in resolution.errors]
    if deprecation is not None and deprecation.is_removed_in(version) and validator is None:
        replacement = f"; use {deprecation.replacement}" if deprecation.replacement else ""
        note = f" ({deprecation.note})" if deprecation.note else ""
        return issues + [Issue("KL104", ("apiVersion",),
                               f"{ref.kind} {ref.api_version} was removed in Kubernetes {deprecation.removed_in}"
                               f"{replacement}{note}")]
    if deprecation is not None and deprecation.is_deprecated_in(version):
        replacement = f"; migrate to {deprecation.replacement}" if deprecation.replacement else ""
        removal = f" and is removed in {deprecation.removed_in}" if deprecation.removed_in else ""
        issues.append(Issue("KL105", ("apiVersion",),
                            f"{ref.kind} {ref.api_version} is deprecated since Kubernetes "
                            f"{deprecation.deprecated_in}{removal}{replacement}"))
    if validator is None:
        # A failed location or CRD was reported once already; no warning per object on top.
        if not resolution.failed and not settings.ignore_missing_schemas:
            issues.append(Issue("KL106", ("kind",), _missing_message(store, ref, resolution.hint),
                                severity=Severity.WARNING))
        return issues
    issues.extend(validator.issues(manifest.data, strict=settings.strict))
    return issues


def kind_entry(entries: Sequence[str], ref: ObjectRef) -> Optional[str]:
    """The --skip/--reject entry naming this object: a kind, or apiVersion/kind as kubeconform
    writes it (`apps/v1/Deployment`, `v1/Service`); entries may be comma-separated lists."""
    if not entries:
        return None
    full = f"{ref.api_version}/{ref.kind}"
    for entry in entries:
        for item in entry.split(","):
            item = item.strip()
            if item and item in (ref.kind, full):
                return item
    return None


def _missing_message(store: SchemaStore, ref: ObjectRef, hint: str) -> str:
    where = (f"in Kubernetes {store.version}" if store.uses_only_bundled
             else f"at any schema location ({', '.join(store.locations)})")
    message = f"no schema for {ref.kind} {ref.api_version} {where}"
    if hint:
        return f"{message}: {hint}"
    return message + _kind_hint(store, ref.api_version, ref.kind)


def _kind_hint(store: SchemaStore, api_version: str, kind: str) -> str:
    """Point at the likely fix: the kind under another apiVersion, a near-miss kind name, or how
    to give a custom resource its schema."""
    import difflib

    kinds = store.kinds()
    served = sorted(av for av, names in kinds.items() if kind in names)
    if served:
        return f"; {kind} is served as {', '.join(served)}"
    group = api_version.split("/")[0] if "/" in api_version else ""
    custom = "." in group and not group.endswith(".k8s.io")
    # A custom resource's near-miss is a kind of its own group, not any kind at all.
    names = sorted({name for av, names in kinds.items() if not custom or av.split("/")[0] == group
                    for name in names})
    close = difflib.get_close_matches(kind, names, n=1, cutoff=0.8)
    if close and custom and abs(len(close[0]) - len(kind)) > 2:
        close = []  # Prometheus is not a typo of PrometheusRule
    if close:
        return f'; did you mean kind "{close[0]}"?'
    if custom:
        return " (a custom resource: give its CRD with --crd, or a --schema-location that has its schema)"
    return ""
