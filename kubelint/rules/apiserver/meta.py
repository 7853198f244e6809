"""Object metadata as the API server validates it on create (KL120): finalizers, ownerReferences,
managedFields. Names, labels, annotations and namespaces are KL201-KL205.

Follows k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor,
ValidateFinalizers, ValidateOwnerReferences), which every built-in kind gets in
apiserver/pkg/registry/rest/create.go:BeforeCreate and custom resources get from their
validator, and pkg/apis/core/validation/validation.go:ValidateObjectMeta, the core wrapper that
adds validateKubeFinalizerName for the groups whose validation calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List

from ...findings import Severity
from ...model import validation
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from ..metadata.kinds import kind_class
from . import errors

if TYPE_CHECKING:
    from ...model.context import RuleContext

# helper.IsStandardFinalizerName: finalizer names allowed without a domain.
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
# Groups whose validation calls the core ValidateObjectMeta (pkg/apis/core/validation), which
# refuses finalizer names that are neither standard nor domain-qualified. Checked group by group
# (pkg/apis/{apps,batch,networking,rbac,autoscaling,storage}/validation call
# apivalidation.ValidateObjectMeta); the others (admissionregistration, apiextensions...) call
# apimachinery's, which only asks for a qualified name.
KUBE_FINALIZER_GROUPS = frozenset({"", "apps", "batch", "extensions", "networking.k8s.io",
                                   "rbac.authorization.k8s.io", "autoscaling", "storage.k8s.io"})
MANAGED_FIELDS = ("is maintained by the API server (server-side apply field tracking); remove it from the manifest, "
                  "it usually comes from `kubectl get -o yaml` output")


class ObjectMetadata(Rule):
    """metadata.finalizers, ownerReferences and managedFields as the API server checks them on create."""

    id = "KL120"
    name = "invalid-object-metadata"
    severity = Severity.ERROR
    summary = "Finalizer names and owner references follow the API server's ObjectMeta validation."
    doc = RuleDoc(
        what="Finalizers: each must be a qualified name ([prefix/]name); in the core, apps, batch, networking, "
             "rbac, autoscaling and storage groups a name without '/' must also be a standard one (kubernetes, "
             "orphan, foregroundDeletion): `finalizers.compute.example.com` is refused (validateKubeFinalizerName), "
             "`compute.example.com/protect` is fine; custom resources only get the API server's warning. orphan and "
             "foregroundDeletion together are refused. Owner references: apiVersion with a version, kind, name and "
             "uid not empty, no v1 Event as owner, at most one with controller: true (ValidateOwnerReferences). "
             "metadata.managedFields in a manifest gets a warning.",
        why="The API server refuses the object. Sources: apimachinery/pkg/api/validation/objectmeta.go and "
            "pkg/apis/core/validation/validation.go:ValidateObjectMeta/validateKubeFinalizerName.",
        failing="metadata:\n  name: web\n  finalizers: [finalizers.compute.example.com]",
        passing="metadata:\n  name: web\n  finalizers: [compute.example.com/protect]")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        meta = obj.raw.get("metadata")
        if not isinstance(meta, dict):
            return
        finalizers = meta.get("finalizers")
        owners = meta.get("ownerReferences")
        managed = meta.get("managedFields")
        if finalizers is None and owners is None and managed is None:
            return  # nearly every object
        group, builtin, api_object = kind_class(obj)
        if not api_object:
            return
        if isinstance(finalizers, list) and finalizers:
            yield from _finalizers(finalizers, kube=builtin and group in KUBE_FINALIZER_GROUPS,
                                   custom=not builtin)
        if isinstance(owners, list) and owners:
            yield from _owner_references(owners)
        if managed:
            yield errors.warning(("metadata", "managedFields"), MANAGED_FIELDS, anchor="key")


def _finalizers(finalizers: List[Any], kube: bool, custom: bool) -> Iterator[Report]:
    base = ("metadata", "finalizers")
    for index, name in enumerate(finalizers):
        if not isinstance(name, str):
            continue
        at = base + (index,)
        if not validation.is_qualified_name(name):
            for problem in validation.qualified_name(name):  # ValidateFinalizers: at the list's path
                yield errors.invalid(at, name, problem, field="metadata.finalizers")
        if "/" not in name and name not in STANDARD_FINALIZERS:
            if kube:
                yield errors.invalid(at, name, "name is neither a standard finalizer name nor is it fully qualified",
                                     hint='give it a domain prefix, e.g. "example.com/cleanup"')
            elif custom:  # apiextensions-apiserver customresource WarningsOnCreate
                yield errors.warning(at, f"{errors.go_quote(name)}: prefer a domain-qualified finalizer name to "
                                         "avoid accidental conflicts with other finalizer writers")
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        yield errors.invalid_omitted(base, "finalizer orphan and foregroundDeletion cannot be both set")


def _owner_references(owners: List[Any]) -> Iterator[Report]:
    base = ("metadata", "ownerReferences")
    first_controller = ""
    for index, owner in enumerate(owners):
        if not isinstance(owner, dict):
            continue
        at = base + (index,)
        yield from _owner_reference(at, owner)
        if owner.get("controller") is True:
            current = f"{owner.get('kind')}/{owner.get('name')}"
            if first_controller:
                yield errors.invalid_omitted(
                    at + ("controller",), 'Only one reference can have Controller set to true. Found "true" in '
                                          f"references for {first_controller} and {current}", field="metadata.ownerReferences")
            else:
                first_controller = current


def _owner_reference(at: tuple, owner: Dict[str, Any]) -> Iterator[Report]:
    # Absent fields are the schema check's (KL103: all four are required); empty ones are the server's.
    api_version = owner.get("apiVersion")
    if isinstance(api_version, str) and not _version_of(api_version):
        yield errors.invalid(at + ("apiVersion",), api_version, "version must not be empty")
    for key in ("kind", "name", "uid"):
        if owner.get(key) == "":
            yield errors.invalid(at + (key,), "", "must not be empty")
    if api_version == "v1" and owner.get("kind") == "Event":  # BannedOwners
        yield errors.invalid_omitted(at, "/v1, Kind=Event is disallowed from being an owner",
                                     field="metadata.ownerReferences")


def _version_of(api_version: str) -> str:
    """schema.FromAPIVersionAndKind: the version of "group/version" or "version"; "" when the
    string does not parse (more than one '/')."""
    parts = api_version.split("/")
    if len(parts) == 1:
        return parts[0]
    return parts[1] if len(parts) == 2 else ""
