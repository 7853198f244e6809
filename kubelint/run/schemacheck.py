"""The schema step: each object against its kind's schema (bundled, from a CRD of the run, or
from a schema location), API versions against the deprecation table, and --skip/--reject."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

from ..findings import Issue, ObjectRef, Pointer, Severity
from ..input.loader import Manifest
from ..schemas.deprecations import lookup as lookup_deprecation
from ..schemas.kustomization import is_kustomization, kustomization_issues
from ..schemas.store import RULE_UNSERVED_VERSION, SchemaStore

if TYPE_CHECKING:
    from .settings import Settings

RULE_REJECTED_KIND = "KL110"
RULE_UNSERVED_API = "KL118"


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
        served = deprecation.replacement_at(version)
        replacement = f"; use {served}" if served else ""
        note = f" ({deprecation.note})" if deprecation.note else ""
        return issues + [Issue("KL104", ("apiVersion",),
                               f"{ref.kind} {ref.api_version} was removed in Kubernetes {deprecation.removed_in}"
                               f"{replacement}{note}")]
    if deprecation is not None and deprecation.is_deprecated_in(version):
        served = deprecation.replacement_at(version)
        replacement = f"; migrate to {served}" if served else ""
        removal = f" and is removed in {deprecation.removed_in}" if deprecation.removed_in else ""
        issues.append(Issue("KL105", ("apiVersion",),
                            f"{ref.kind} {ref.api_version} is deprecated since Kubernetes "
                            f"{deprecation.deprecated_in}{removal}{replacement}"))
    if resolution.unserved:
        return issues + [Issue(RULE_UNSERVED_VERSION, ("apiVersion",), resolution.unserved)]
    if validator is None:
        unserved = None if resolution.failed or resolution.hint else unserved_builtin(store, ref)
        if unserved is not None:
            return issues + [Issue(RULE_UNSERVED_API, *unserved)]
        # A failed location or CRD was reported once already; no warning per object on top.
        if not resolution.failed and not settings.ignore_missing_schemas:
            issues.append(Issue("KL106", ("kind",), _missing_message(store, ref, resolution.hint),
                                severity=Severity.WARNING))
        return issues
    found = validator.issues(manifest.data, strict=settings.strict)
    issues.extend(_with_source_hints(manifest, found) if found else found)
    return issues


_OCTAL = None


def _with_source_hints(manifest: Manifest, issues: List[Issue]) -> List[Issue]:
    """Hints that need the value as written: an unquoted 0644 in a string field is YAML 1.1's
    octal 420, which the message alone cannot show."""
    global _OCTAL
    hinted = []
    for issue in issues:
        if issue.rule == "KL101" and "expected string" in issue.message and " got integer " in issue.message:
            if _OCTAL is None:
                import re

                _OCTAL = re.compile(r"[-+]?0[0-7_]+|[-+]?0o[0-7_]+")
            written = manifest.source.text_at(manifest.position(issue.pointer)).strip()
            if _OCTAL.fullmatch(written):
                issue = issue._replace(message=f"{issue.message} (YAML reads {written} as an octal number: "
                                                f"quote it, \"{written}\", to keep the text)")
        hinted.append(issue)
    return hinted


def unserved_builtin(store: SchemaStore, ref: ObjectRef) -> Optional[Tuple[Pointer, str]]:
    """(pointer, message) when the apiVersion is in a group the API server itself serves (one
    of the bundled schemas' groups) but that group has no such version or no such kind there:
    the server answers "no matches for kind" (kubectl: "resource mapping not found"), the
    discovery check of k8s.io/apimachinery/pkg/api/meta RESTMapper. Aggregated and custom
    groups are not the server's own, so they stay a KL106 warning."""
    bundled = store.builtin_kinds()
    group, _, version = ref.api_version.rpartition("/")
    by_version = {av: kinds for av, kinds in bundled.items() if av.rpartition("/")[0] == group}
    if not by_version or store.defines_group(group):
        return None
    kinds = by_version.get(ref.api_version)
    where = f"the {group} group" if group else "the core group"
    if kinds is None:
        serving = sorted(av.rpartition("/")[2] for av, names in by_version.items() if ref.kind in names)
        listed = serving or sorted(av.rpartition("/")[2] for av in by_version)
        what = f"{ref.kind} in " if serving else ""
        return ("apiVersion",), (f'apiVersion "{ref.api_version}" is not served by Kubernetes {store.version}: '
                                 f"{where} serves {what}{', '.join(listed)}")
    if ref.kind in kinds:
        return None
    same = [name for name in kinds if name.lower() == ref.kind.lower()]
    if same:
        return ("kind",), f'kind "{ref.kind}": {ref.api_version} has no such kind; did you mean "{same[0]}"? (kinds are case-sensitive)'
    elsewhere = sorted(av for av, names in bundled.items() if ref.kind in names)
    if elsewhere:
        return ("kind",), f'kind "{ref.kind}": {ref.api_version} has no such kind; it is served as {", ".join(elsewhere)}'
    return ("kind",), f'kind "{ref.kind}": {ref.api_version} has no such kind{_kind_hint(store, ref.api_version, ref.kind)}'


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
    group = api_version.rpartition("/")[0]
    # Not one of the server's own groups: a custom resource or an aggregated API.
    custom = "." in group and all(av.rpartition("/")[0] != group for av in store.builtin_kinds())
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
