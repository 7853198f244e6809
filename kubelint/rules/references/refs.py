"""References from a pod template to ConfigMaps, Secrets, claims and its ServiceAccount."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from ...findings import Pointer
from ...model.objects import K8sObject, PodTemplate, as_dict, as_list, get_path
from ...named_tuple import NamedTuple
from ..common.pods import pod_containers, shared_per_object


# NamedTuples rather than dataclasses: a pod template names several, and they are built for
# every template of the set (2.5x cheaper to build).
class KeyRef(NamedTuple):
    """A key that must exist in the referenced object's data (env key ref, volume item)."""

    key: str
    pointer: Pointer


class Ref(NamedTuple):
    kind: str  # ConfigMap, Secret, PersistentVolumeClaim or ServiceAccount
    name: str
    pointer: Pointer  # of the name value
    optional: bool = False
    keys: Tuple[KeyRef, ...] = ()
    use: str = "container"  # "container", "volume", "claim", "pull" or "pod": what breaks when missing
    can_be_optional: bool = True  # the API has an `optional` field for this reference


def name_or_none(value: Any) -> Optional[str]:
    """A usable name: a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def _items(source: Dict[str, Any], pointer: Pointer) -> Tuple[KeyRef, ...]:
    keys = []
    for index, item in enumerate(as_list(source.get("items"))):
        key = name_or_none(as_dict(item).get("key"))
        if key is not None:
            keys.append(KeyRef(key, pointer + ("items", index, "key")))
    return tuple(keys)


def _volume_source_ref(kind: str, source: Any, name_field: str, pointer: Pointer) -> Optional[Ref]:
    """A configMap/secret volume (or projected source) with its optional flag and items."""
    if not isinstance(source, dict):
        return None
    name = name_or_none(source.get(name_field))
    if name is None:
        return None
    return Ref(kind, name, pointer + (name_field,), source.get("optional") is True,
               _items(source, pointer), use="volume")


def statefulset_claim_volumes(obj: K8sObject) -> Set[str]:
    """Names of a StatefulSet's volumeClaimTemplates. The StatefulSet controller replaces pod
    template volumes of the same name with the claims it creates (updateStorage in
    pkg/controller/statefulset), so what those volumes name is never used."""
    if obj.kind != "StatefulSet":
        return set()
    templates = as_list(obj.get("spec", "volumeClaimTemplates"))
    return {name for name in (name_or_none(get_path(t, ("metadata", "name"))) for t in templates) if name is not None}


def _volume_refs(volume: Dict[str, Any], pointer: Pointer) -> Iterator[Ref]:
    for found in (_volume_source_ref("ConfigMap", volume.get("configMap"), "name", pointer + ("configMap",)),
                  _volume_source_ref("Secret", volume.get("secret"), "secretName", pointer + ("secret",))):
        if found is not None:
            yield found
    claim = name_or_none(as_dict(volume.get("persistentVolumeClaim")).get("claimName"))
    if claim is not None:
        yield Ref("PersistentVolumeClaim", claim, pointer + ("persistentVolumeClaim", "claimName"), use="claim")
    for source_index, source in enumerate(as_list(get_path(volume, ("projected", "sources")))):
        source = as_dict(source)
        source_pointer = pointer + ("projected", "sources", source_index)
        for field_name, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            found = _volume_source_ref(kind, source.get(field_name), "name", source_pointer + (field_name,))
            if found is not None:
                yield found
    # A CSI driver's mount secret: the mount fails without it (no optional flag).
    csi_secret = name_or_none(get_path(volume, ("csi", "nodePublishSecretRef", "name")))
    if csi_secret is not None:
        yield Ref("Secret", csi_secret, pointer + ("csi", "nodePublishSecretRef", "name"), use="volume",
                  can_be_optional=False)


def pod_refs(template: PodTemplate, replaced_volumes: Iterable[str] = ()) -> List[Ref]:
    """Every ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount the pod template names
    (`replaced_volumes`: volume names a StatefulSet's claim templates override)."""
    refs: List[Ref] = []
    replaced = set(replaced_volumes)
    spec, spec_pointer = template.spec, template.pointer + ("spec",)
    for container in pod_containers(template):
        for index, source in enumerate(as_list(container.data.get("envFrom"))):
            if not isinstance(source, dict):
                continue
            for field_name, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                selector = as_dict(source.get(field_name))
                name = name_or_none(selector.get("name"))
                if name is not None:
                    pointer = container.pointer + ("envFrom", index, field_name)
                    refs.append(Ref(kind, name, pointer + ("name",), selector.get("optional") is True))
        for index, env in enumerate(as_list(container.data.get("env"))):
            value_from = env.get("valueFrom") if isinstance(env, dict) else None
            if not isinstance(value_from, dict):
                continue  # a plain value, by far the most common entry
            for field_name, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                key_ref = value_from.get(field_name)
                if not isinstance(key_ref, dict):
                    continue  # the other kind of reference, or fieldRef/resourceFieldRef
                name = name_or_none(key_ref.get("name"))
                if name is None:
                    continue
                pointer = container.pointer + ("env", index, "valueFrom", field_name)
                key = name_or_none(key_ref.get("key"))
                keys = (KeyRef(key, pointer + ("key",)),) if key is not None else ()
                refs.append(Ref(kind, name, pointer + ("name",), key_ref.get("optional") is True, keys))
    for index, volume in enumerate(as_list(spec.get("volumes"))):
        if isinstance(volume, dict) and name_or_none(volume.get("name")) not in replaced:
            refs.extend(_volume_refs(volume, spec_pointer + ("volumes", index)))
    for index, pull in enumerate(as_list(spec.get("imagePullSecrets"))):
        name = name_or_none(as_dict(pull).get("name"))
        if name is not None:
            refs.append(Ref("Secret", name, spec_pointer + ("imagePullSecrets", index, "name"), use="pull"))
    # serviceAccount is the deprecated alias, used only when serviceAccountName is empty.
    for field_name in ("serviceAccountName", "serviceAccount"):
        account = name_or_none(spec.get(field_name))
        if account is not None:
            refs.append(Ref("ServiceAccount", account, spec_pointer + (field_name,), use="pod"))
            break
    return refs


@shared_per_object
def refs_by_kind(obj: K8sObject) -> Dict[str, List[Ref]]:
    """The object's pod references grouped by kind, found once for KL601-KL604."""
    grouped: Dict[str, List[Ref]] = {}
    if obj.pod_template is not None:
        for ref in pod_refs(obj.pod_template, statefulset_claim_volumes(obj)):
            grouped.setdefault(ref.kind, []).append(ref)
    return grouped
