"""Namespaces (KL204-KL205): an object's namespace is one the set defines, and a cluster-scoped
object sets none."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Tuple

from ...findings import Severity
from ...model.index import CLUSTER_SCOPED, is_namespaced
from ...model.objects import K8sObject
from ..base import Report, Rule, RuleDoc
from .kinds import is_api_object, is_builtin, raw_string

if TYPE_CHECKING:
    from ...model.context import RuleContext
    from ...model.index import SetIndex


# (weak reference to the index, how many Namespaces it had, the sentence): the sentence is the
# same for every finding of a set, and sorting its Namespaces for each one cost 0.67 s of 27 s
# profiled when 8,750 objects of 250 namespaces missed theirs.
_last_context: List[Tuple[Callable[[], Any], int, str]] = [(lambda: None, -1, "")]


def _defined_context(index: "SetIndex") -> str:
    """What the set defines, for the message: the first five Namespaces by name and a count."""
    ref, count, context = _last_context[0]
    if ref() is index and count == len(index.namespaces):
        return context
    defined = sorted(index.namespaces)
    if defined:
        listed = ", ".join(f'"{n}"' for n in defined[:5])
        if len(defined) > 5:
            listed += f" and {len(defined) - 5} more"
        context = f"the set defines Namespace{'s' if len(defined) > 1 else ''} {listed}"
    else:
        context = "the set is declared complete"
    _last_context[0] = (weakref.ref(index), len(defined), context)
    return context


# --- KL204 ------------------------------------------------------------------------------------

class NamespaceDefined(Rule):
    """An object's explicit namespace is defined by the set, when the set defines namespaces."""

    id = "KL204"
    name = "namespace-not-defined"
    severity = Severity.ERROR
    summary = "metadata.namespace names a Namespace that the set defines (when it defines any)."
    doc = RuleDoc(
        what="Reports a namespaced object whose metadata.namespace names a Namespace that is not in the "
             "set: an error when config says the set is complete, a warning when the set merely defines "
             "some Namespaces (others are often created by installers or by hand). "
             "default, kube-system, kube-public and kube-node-lease always exist; assume-present "
             "(`Namespace/monitoring`) names others. Objects without metadata.namespace go to the "
             "namespace of the kubectl context and are not checked.",
        why="Creating an object in a namespace that does not exist fails: \"namespaces ... not found\".",
        failing="kind: Namespace\nmetadata: {name: shop}\n---\nkind: ConfigMap\nmetadata: {name: web, namespace: shpo}",
        passing="kind: Namespace\nmetadata: {name: shop}\n---\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        namespace = raw_string(obj, "namespace")
        if namespace is None or not is_namespaced(obj.kind) or not is_api_object(obj):
            return
        if not ctx.is_missing("Namespace", None, namespace):
            return
        context = _defined_context(ctx.index)
        # Declared complete, the set is the authority: certainly broken. Inferred from the set
        # defining some Namespaces, it is likely: others are often made by installers or by hand.
        yield Report(("metadata", "namespace"),
                     f'metadata.namespace: namespace "{namespace}" is not defined ({context}); add a Namespace '
                     f'"{namespace}", fix the name, or list "Namespace/{namespace}" in assume-present',
                     severity=None if ctx.complete else Severity.WARNING)


# --- KL205 ------------------------------------------------------------------------------------

NAMESPACED_COUNTERPART = {"ClusterRole": "Role", "ClusterRoleBinding": "RoleBinding"}


class ClusterScopedNamespace(Rule):
    """A cluster-scoped object does not set metadata.namespace."""

    id = "KL205"
    name = "namespace-on-cluster-scoped"
    severity = Severity.WARNING
    summary = "Cluster-scoped objects (ClusterRole, Namespace, StorageClass...) do not set metadata.namespace."
    doc = RuleDoc(
        what="Reports metadata.namespace on built-in cluster-scoped kinds. Custom resources are skipped: "
             "their scope is in their CRD.",
        why="The API server silently clears it (rest.EnsureObjectNamespaceMatchesRequestNamespace), so it "
            "does nothing. It usually means the author expected a namespaced object, e.g. a ClusterRole "
            "meant as a Role, whose permissions are then cluster-wide.",
        failing="kind: ClusterRole\nmetadata:\n  name: reader\n  namespace: shop",
        passing="kind: Role\nmetadata:\n  name: reader\n  namespace: shop",
    )

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.kind not in CLUSTER_SCOPED:
            return
        namespace = raw_string(obj, "namespace")
        if namespace is None or not is_builtin(obj):
            return
        counterpart = NAMESPACED_COUNTERPART.get(obj.kind)
        hint = f"; if it should apply only in that namespace, use a {counterpart}" if counterpart else ""
        yield Report(("metadata", "namespace"),
                     f'metadata.namespace: {obj.kind} is cluster-scoped, so namespace "{namespace}" is ignored: '
                     f"remove it{hint}")
