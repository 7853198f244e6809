"""Rules KL6xx: config, secrets, storage and service-account references; plain-text secrets.

Reference rules (KL601-KL604, KL608-KL610) say "X is missing" only through
`ctx.is_missing`, so a partial set never produces them for kinds it had no chance to hold.
What the kubelet does with a missing reference (pkg/kubelet/kubelet_pods.go,
pkg/volume/{secret,configmap,projected}): a non-optional ConfigMap or Secret that is absent,
or present without the named key, keeps the container from starting; `optional: true` makes
the kubelet skip it. A missing PersistentVolumeClaim keeps the pod Pending, and the
ServiceAccount admission plugin refuses pods whose ServiceAccount does not exist.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import weakref
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Set,
    Tuple,
)

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model.index import SetIndex
from ..model.objects import K8sObject, PodTemplate, as_dict, as_list, get_path
from .base import Report, Rule, RuleDoc
from .common.pods import pod_containers, shared_per_object

if TYPE_CHECKING:
    from ..model.context import RuleContext

# ---------------------------------------------------------------------------------------------
# References from a pod template to ConfigMaps, Secrets, claims and its ServiceAccount
# ---------------------------------------------------------------------------------------------


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


def _name(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _items(source: Dict[str, Any], pointer: Pointer) -> Tuple[KeyRef, ...]:
    keys = []
    for index, item in enumerate(as_list(source.get("items"))):
        key = _name(as_dict(item).get("key"))
        if key is not None:
            keys.append(KeyRef(key, pointer + ("items", index, "key")))
    return tuple(keys)


def _volume_source_ref(kind: str, source: Any, name_field: str, pointer: Pointer) -> Optional[Ref]:
    """A configMap/secret volume (or projected source) with its optional flag and items."""
    if not isinstance(source, dict):
        return None
    name = _name(source.get(name_field))
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
    return {name for name in (_name(get_path(t, ("metadata", "name"))) for t in templates) if name is not None}


def _volume_refs(volume: Dict[str, Any], pointer: Pointer) -> Iterator[Ref]:
    for found in (_volume_source_ref("ConfigMap", volume.get("configMap"), "name", pointer + ("configMap",)),
                  _volume_source_ref("Secret", volume.get("secret"), "secretName", pointer + ("secret",))):
        if found is not None:
            yield found
    claim = _name(as_dict(volume.get("persistentVolumeClaim")).get("claimName"))
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
    csi_secret = _name(get_path(volume, ("csi", "nodePublishSecretRef", "name")))
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
                name = _name(selector.get("name"))
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
                name = _name(key_ref.get("name"))
                if name is None:
                    continue
                pointer = container.pointer + ("env", index, "valueFrom", field_name)
                key = _name(key_ref.get("key"))
                keys = (KeyRef(key, pointer + ("key",)),) if key is not None else ()
                refs.append(Ref(kind, name, pointer + ("name",), key_ref.get("optional") is True, keys))
    for index, volume in enumerate(as_list(spec.get("volumes"))):
        if isinstance(volume, dict) and _name(volume.get("name")) not in replaced:
            refs.extend(_volume_refs(volume, spec_pointer + ("volumes", index)))
    for index, pull in enumerate(as_list(spec.get("imagePullSecrets"))):
        name = _name(as_dict(pull).get("name"))
        if name is not None:
            refs.append(Ref("Secret", name, spec_pointer + ("imagePullSecrets", index, "name"), use="pull"))
    # serviceAccount is the deprecated alias, used only when serviceAccountName is empty.
    for field_name in ("serviceAccountName", "serviceAccount"):
        account = _name(spec.get(field_name))
        if account is not None:
            refs.append(Ref("ServiceAccount", account, spec_pointer + (field_name,), use="pod"))
            break
    return refs


# ---------------------------------------------------------------------------------------------
# What else in the set creates Secrets, claims and storage classes (computed once per set)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Producers:
    # (namespace, name) of Secrets that a controller in the set will create.
    secrets: Set[Tuple[str, str]] = field(default_factory=set)
    # namespace -> "<template>-<statefulset>-" prefixes of claims a StatefulSet creates.
    claim_prefixes: Dict[str, List[str]] = field(default_factory=dict)
    # storageClassName of every PersistentVolume: claims of that class bind without a StorageClass.
    pv_classes: Set[str] = field(default_factory=set)


_PRODUCERS: "weakref.WeakKeyDictionary[SetIndex, _Producers]" = weakref.WeakKeyDictionary()
# Per set: (kind, name) of ConfigMaps and Secrets that kustomize generators create, in any namespace.
_GENERATED: "weakref.WeakKeyDictionary[SetIndex, Set[Tuple[str, str]]]" = weakref.WeakKeyDictionary()
_SECRET_PRODUCER_KINDS = frozenset({"SealedSecret", "OnePasswordItem", "ExternalSecret", "Certificate",
                                    "VaultStaticSecret", "VaultDynamicSecret", "VaultPKISecret",
                                    "SecretProviderClass"})


def _secret_producer_names(obj: K8sObject) -> List[Any]:
    """Names of the Secrets a well-known secret controller creates from this object."""
    kind = obj.kind
    if kind not in _SECRET_PRODUCER_KINDS:
        return []  # asked for every object of the set: answer most without splitting apiVersion
    group = obj.api_version.split("/")[0]
    if kind == "SealedSecret" or (kind == "OnePasswordItem" and group == "onepassword.com"):
        return [obj.name]
    if kind == "ExternalSecret":  # external-secrets.io, and the older kubernetes-client.io one
        return [obj.get("spec", "target", "name") or obj.name]
    if kind == "Certificate" and group == "cert-manager.io":
        return [obj.get("spec", "secretName")]
    if kind in ("VaultStaticSecret", "VaultDynamicSecret", "VaultPKISecret") and group == "secrets.hashicorp.com":
        return [obj.get("spec", "destination", "name")]
    if kind == "SecretProviderClass":  # secrets-store CSI driver sync
        return [as_dict(item).get("secretName") for item in as_list(obj.get("spec", "secretObjects"))]
    return []


_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_KUSTOMIZATION_MAX_BYTES = 1 << 20


def _generator_names(kustomization: Any) -> Iterator[Tuple[str, str]]:
    for field_name, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        for generator in as_list(as_dict(kustomization).get(field_name)):
            name = _name(as_dict(generator).get("name"))
            if name is not None:
                yield kind, name


def _kustomize_generated(index: SetIndex) -> Set[Tuple[str, str]]:
    """ConfigMaps and Secrets generated by kustomization files beside the input files.

    The loader skips kustomization.yaml when it has no apiVersion/kind, so it is read here; the
    generated name gets a hash suffix, but kustomize rewrites the references to match."""
    generated: Set[Tuple[str, str]] = set()
    directories = set()
    for obj in index.objects:
        if obj.kind == "Kustomization":
            generated.update(_generator_names(obj.data))
        if obj.path and obj.path != "-":
            directories.add(os.path.dirname(obj.path) or ".")
    for directory in directories:
        for file_name in _KUSTOMIZATION_FILES:
            path = os.path.join(directory, file_name)
            try:
                if not os.path.isfile(path) or os.path.getsize(path) > _KUSTOMIZATION_MAX_BYTES:
                    continue
                import yaml  # PyYAML costs ~10 ms to import; most runs have no kustomization file

                with open(path, "rb") as handle:
                    generated.update(_generator_names(yaml.safe_load(handle)))
            except Exception:  # an unreadable or broken kustomization only means fewer names known
                continue
    return generated


def producers(index: SetIndex) -> _Producers:
    found = _PRODUCERS.get(index)
    if found is not None:
        return found
    found = _Producers()
    for obj in index.objects:
        for name in _secret_producer_names(obj):
            if isinstance(name, str) and name:
                found.secrets.add((obj.namespace, name))
        if obj.kind == "StatefulSet" and obj.name:
            for template in as_list(obj.get("spec", "volumeClaimTemplates")):
                claim = _name(get_path(template, ("metadata", "name")))
                if claim is not None:
                    found.claim_prefixes.setdefault(obj.namespace, []).append(f"{claim}-{obj.name}-")
        if obj.kind == "PersistentVolume":
            storage_class = _name(obj.get("spec", "storageClassName"))
            if storage_class is not None:
                found.pv_classes.add(storage_class)
    _PRODUCERS[index] = found
    return found


def kustomize_generated(index: SetIndex) -> Set[Tuple[str, str]]:
    found = _GENERATED.get(index)
    if found is None:
        found = _GENERATED[index] = _kustomize_generated(index)
    return found


def _produced(index: SetIndex, kind: str, namespace: str, name: str) -> bool:
    made = producers(index)
    if kind == "Secret" and (namespace, name) in made.secrets:
        return True
    if kind == "PersistentVolumeClaim":
        for prefix in made.claim_prefixes.get(namespace, ()):
            if name.startswith(prefix) and name[len(prefix):].isdigit():
                return True
    # Last: looking for kustomization files costs a stat per input directory.
    return (kind, name) in kustomize_generated(index)


# ---------------------------------------------------------------------------------------------
# Keys of ConfigMaps and Secrets in the set
# ---------------------------------------------------------------------------------------------

# Keys the token controller fills in a kubernetes.io/service-account-token Secret.
_SA_TOKEN_KEYS = ("token", "ca.crt", "namespace")


def data_keys(obj: K8sObject) -> Set[str]:
    fields = ("data", "binaryData") if obj.kind == "ConfigMap" else ("data", "stringData")
    keys = {key for name in fields for key in as_dict(obj.get(name)) if isinstance(key, str)}
    if obj.kind == "Secret" and obj.get("type") == "kubernetes.io/service-account-token":
        keys.update(_SA_TOKEN_KEYS)
    return keys


def _key_list(keys: Iterable[str], limit: int = 8) -> str:
    ordered = sorted(keys)
    text = ", ".join(ordered[:limit])
    return text + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


# ---------------------------------------------------------------------------------------------
# Reference rules, one per referenced kind so that users can ignore one kind
# ---------------------------------------------------------------------------------------------

_CONSEQUENCE = {
    "container": "the container will not start until it exists",
    "volume": "the pod cannot mount the volume and will not start until it exists",
    "pull": "the kubelet pulls images without these credentials, so pulls from a private registry fail",
    "claim": "the pod stays Pending until it exists",
    "pod": "the API server refuses to create the pods until it exists",
}
_KEY_CONSEQUENCE = {
    "container": "the container fails to start with CreateContainerConfigError",
    "volume": "the volume cannot be set up, so the pod will not start",
}


# Kinds with a pod template (kubelint.model.objects.POD_TEMPLATE_PATHS).
_WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                             "ReplicationController", "Job", "CronJob", "PodTemplate"})


@shared_per_object
def refs_by_kind(obj: K8sObject) -> Dict[str, List[Ref]]:
    """The object's pod references grouped by kind, found once for KL601-KL604."""
    grouped: Dict[str, List[Ref]] = {}
    if obj.pod_template is not None:
        for ref in pod_refs(obj.pod_template, statefulset_claim_volumes(obj)):
            grouped.setdefault(ref.kind, []).append(ref)
    return grouped


# Per set: the data keys of the objects named (kind, namespace, name), filled as rules ask.
_KEYS: "weakref.WeakKeyDictionary[SetIndex, Dict[Tuple[str, str, str], Set[str]]]" = weakref.WeakKeyDictionary()


def keys_of_named(index: SetIndex, kind: str, namespace: str, name: str) -> Set[str]:
    """The data keys of every object of the set with this kind, namespace and name."""
    known = _KEYS.get(index)
    if known is None:
        known = _KEYS[index] = {}
    found = known.get((kind, namespace, name))
    if found is None:
        found = known[(kind, namespace, name)] = set()
        for other in index.all_named(kind, namespace, name):
            found |= data_keys(other)
    return found


class _MissingReference(Rule):
    """Shared logic: report references of `ref_kind` that the set lacks, and missing keys."""

    ref_kind: str = ""
    kinds = _WORKLOAD_KINDS

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        refs = refs_by_kind(obj).get(self.ref_kind)
        if not refs:
            return
        namespace = obj.namespace
        for ref in refs:
            present = ctx.index.all_named(ref.kind, namespace, ref.name)
            if not present:
                if ref.optional or not ctx.is_missing(ref.kind, namespace, ref.name) \
                        or _produced(ctx.index, ref.kind, namespace, ref.name):
                    continue
                fix = "add it to the set, fix the name"
                if ref.can_be_optional and ref.use in ("container", "volume"):  # ConfigMap and Secret refs
                    fix += ", mark the reference optional: true"
                yield Report(ref.pointer, f'{pointer_to_dotted(ref.pointer)}: {ref.kind} "{ref.name}" not found '
                                          f'in namespace "{namespace}"; {_CONSEQUENCE[ref.use]} '
                                          f"({fix}, or list it in assume-present)")
                continue
            if ref.optional or not ref.keys:
                continue
            keys = keys_of_named(ctx.index, ref.kind, namespace, ref.name)
            if not keys:  # an empty object is usually filled at run time: no claim about its keys
                continue
            for key in ref.keys:
                if key.key not in keys:
                    yield Report(key.pointer, f'{pointer_to_dotted(key.pointer)}: key "{key.key}" is not in '
                                              f'{ref.kind} "{ref.name}" (it has {_key_list(keys)}); '
                                              f"{_KEY_CONSEQUENCE[ref.use]} "
                                              "(fix the key, or mark the reference optional: true)")


class MissingConfigMap(_MissingReference):
    """A pod template names a ConfigMap (or a key of one) that the set does not hold."""

    id = "KL601"
    name = "missing-configmap"
    severity = Severity.WARNING
    summary = "ConfigMaps (and their keys) referenced by pods exist in the set."
    ref_kind = "ConfigMap"
    doc = RuleDoc(
        what="Checks envFrom[].configMapRef, env[].valueFrom.configMapKeyRef, configMap volumes and "
             "projected configMap sources of every pod template: the ConfigMap must be in the set "
             "(when the set holds ConfigMaps of that namespace, or is declared complete) or be made by a "
             "kustomize configMapGenerator beside the input files, and a key "
             "named by configMapKeyRef.key or items[].key must be in its data or binaryData. "
             "References marked optional: true are skipped.",
        why="The kubelet will not start a container whose non-optional ConfigMap or key is missing "
            "(CreateContainerConfigError, or a volume that cannot be mounted).",
        failing="env:\n- name: MODE\n  valueFrom:\n    configMapKeyRef: {name: app-config, key: mode}\n"
                "# no ConfigMap app-config in the namespace",
        passing="env:\n- name: MODE\n  valueFrom:\n    configMapKeyRef: {name: app-config, key: mode, optional: true}")


class MissingSecret(_MissingReference):
    """A pod template names a Secret (or a key of one) that the set does not hold."""

    id = "KL602"
    name = "missing-secret"
    severity = Severity.WARNING
    summary = "Secrets (and their keys) referenced by pods exist in the set."
    ref_kind = "Secret"
    doc = RuleDoc(
        what="Checks envFrom[].secretRef, env[].valueFrom.secretKeyRef, secret volumes, projected "
             "secret sources, csi.nodePublishSecretRef and imagePullSecrets of every pod template: "
             "the Secret must be in the set (when the set holds Secrets of that namespace, or is "
             "declared complete) or be created by a controller in the set (SealedSecret, "
             "ExternalSecret, cert-manager Certificate, ...), and a key named by secretKeyRef.key or "
             "items[].key must be in its data or stringData. References marked optional: true are "
             "skipped.",
        why="The kubelet will not start a container whose non-optional Secret or key is missing; a "
            "missing image pull secret makes pulls from a private registry fail.",
        failing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: pasword}\n"
                "# Secret db has the key password",
        passing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}")


class MissingPersistentVolumeClaim(_MissingReference):
    """A pod template mounts a PersistentVolumeClaim that the set does not hold."""

    id = "KL603"
    name = "missing-pvc"
    severity = Severity.WARNING
    summary = "PersistentVolumeClaims mounted by pods exist in the set."
    ref_kind = "PersistentVolumeClaim"
    doc = RuleDoc(
        what="Checks volumes[].persistentVolumeClaim.claimName of every pod template: the claim must "
             "be in the set (when the set holds claims of that namespace, or is declared complete), "
             "or be one that a StatefulSet's volumeClaimTemplates create (<template>-<set>-<ordinal>).",
        why="A pod whose claim does not exist stays Pending.",
        failing="volumes:\n- name: data\n  persistentVolumeClaim: {claimName: date}\n# the claim is named data",
        passing="volumes:\n- name: data\n  persistentVolumeClaim: {claimName: data}")


class MissingServiceAccount(_MissingReference):
    """A pod template runs as a ServiceAccount that the set does not hold."""

    id = "KL604"
    name = "missing-service-account"
    severity = Severity.WARNING
    summary = "The ServiceAccount a pod runs as exists in the set."
    ref_kind = "ServiceAccount"
    doc = RuleDoc(
        what="Checks spec.serviceAccountName (or the deprecated spec.serviceAccount) of every pod "
             "template: the ServiceAccount must be in the set when the set holds ServiceAccounts of "
             "that namespace (or is declared complete). \"default\" always exists.",
        why="The ServiceAccount admission plugin rejects pods whose ServiceAccount does not exist, so "
            "the workload never gets pods.",
        failing="spec:\n  serviceAccountName: api-server   # no such ServiceAccount in the namespace",
        passing="spec:\n  serviceAccountName: api   # ServiceAccount api is in the set")


# ---------------------------------------------------------------------------------------------
# Plain-text secrets: names that look like credentials, values that look like credentials
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# A name is a credential when it ENDS with one of these words (DB_PASSWORD, authToken).
_SECRET_WORDS = frozenset({
    "PASSWORD", "PASSWD", "PASSPHRASE", "PASS", "PWD", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS",
    "CREDS", "APIKEY", "ACCESSKEY", "SECRETKEY", "PRIVATEKEY", "AUTHTOKEN", "APITOKEN",
})
# ...or with KEY right after one of these (API_KEY, SECRET_ACCESS_KEY, ENCRYPTION_KEY).
_KEY_QUALIFIERS = frozenset({
    "API", "ACCESS", "SECRET", "PRIVATE", "ENCRYPTION", "ENCRYPT", "SIGNING", "MASTER", "HMAC", "APP",
    "SESSION", "AUTH", "ACCOUNT", "STORAGE", "BATCH", "LICENSE",
})
# Trailing words that name the material itself: PRIVATE_KEY_PEM, OCI_CLI_KEY_CONTENT.
_MATERIAL_WORDS = frozenset({"CONTENT", "CONTENTS", "PEM", "MATERIAL", "B64", "BASE64"})
# Words that make it a flag, a limit or a pointer to the secret rather than the secret
# (MYSQL_ALLOW_EMPTY_PASSWORD, MAX_TOKENS, PUBLIC_KEY, TLS_SECRET naming a Secret object).
_NOT_SECRET_WORDS = frozenset({
    "ALLOW", "EMPTY", "RANDOM", "GENERATE", "SKIP", "DISABLE", "DISABLED", "ENABLE", "ENABLED", "USE",
    "NO", "MIN", "MAX", "NUM", "REQUIRE", "REQUIRED", "PUBLIC", "PUBLISHABLE",
})
_SECRET_OBJECT_QUALIFIERS = frozenset({"TLS", "PULL", "CERT", "CERTIFICATE", "K8S", "KUBE", "KUBERNETES"})
# Names that end like a credential but are not one.
_NOT_SECRET_NAMES = frozenset({"INITIAL_CLUSTER_TOKEN"})  # etcd: a cluster id, not a credential
# Names that do not end like a credential but are one.
_SECRET_NAMES = frozenset({"SECRET_KEY_BASE"})  # Rails


def name_words(name: str) -> List[str]:
    """`dbPassword` -> [DB, PASSWORD]; `AWS_SECRET_ACCESS_KEY` -> [AWS, SECRET, ACCESS, KEY]."""
    return [word.upper() for part in re.split(r"[^A-Za-z0-9]+", name) for word in _WORD.findall(part)]


@functools.lru_cache(maxsize=4096)  # the same env and key names recur across a set's objects
def secret_like_name(name: str) -> bool:
    """Does this variable or key name say it holds a password, token, key or credential?"""
    words = name_words(name)
    if not words:
        return False
    joined = "_".join(words)
    if any(joined.endswith(item) for item in _SECRET_NAMES):
        return True
    if any(joined == item or joined.endswith("_" + item) for item in _NOT_SECRET_NAMES):
        return False
    if _NOT_SECRET_WORDS.intersection(words):
        return False
    material = len(words) > 1 and words[-1] in _MATERIAL_WORDS
    if material:
        words = words[:-1]
    last, before = words[-1], (words[-2] if len(words) > 1 else "")
    if last == "KEY":
        return material or before in _KEY_QUALIFIERS
    if last not in _SECRET_WORDS:
        return False
    if last == "PWD" and not before:  # $PWD is the working directory
        return False
    if last == "SECRET" and before in _SECRET_OBJECT_QUALIFIERS:
        return False
    return True


_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "null", "none", "nil", "~"})
_URL_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://")
_PLACEHOLDER = re.compile(r"\A(<[^<>]*>|[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|x+|\*+|\.\.\.)\Z")


def literal_secret_value(value: Any) -> bool:
    """Is this a literal value worth calling a plain-text secret (not a reference, path, flag
    or placeholder)?"""
    if not isinstance(value, str):
        return False
    text = value.strip().strip("\"'")
    if not text or text.lower() in _BOOLEANS:
        return False
    if "$(" in text or "${" in text or "{{" in text or "%(" in text or "<%" in text:
        return False  # a variable reference or a template, filled in elsewhere
    if text.startswith(("/", "./", "../", "~/", "file:", "vault:", "secret:", "ref+")):
        return False  # a path or a reference to the secret, not the secret
    if _URL_SCHEME.match(text) and not _URL_CREDENTIALS.search(text):
        return False  # a URL (TOKEN_ENDPOINT-like) without credentials in it
    if _PLACEHOLDER.match(text):
        return False  # REPLACE_WITH_TOKEN, GOOGLE_API_KEY_VAL, <password>, xxxx: filled in later
    return True


# Values with a well-known credential format, whatever their name.
_URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")  # scheme://user:password@
# (marker that must occur, description, pattern). Compiled on first use: a marker is rare.
_TOKEN_PATTERNS: List[Tuple[str, str, str]] = [
    ("PRIVATE KEY", "a private key", r"-{3,} ?BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{3,}"),
    ("IA", "an AWS access key id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("gh", "a GitHub token", r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b"),
    ("xox", "a Slack token", r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    ("hooks.slack.com", "a Slack webhook URL",
     r"https://hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]{16,}"),
    ("eyJ", "a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"),
    ("AIza", "a Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("sk_live_", "a Stripe secret key", r"\b[rs]k_live_[0-9A-Za-z]{20,}\b"),
]
_compiled = functools.lru_cache(maxsize=None)(re.compile)
# "password = hunter2" / "password: hunter2" / "{\"apiKey\": \"abc\"}" in one line of a config file.
_ASSIGNMENT = re.compile(r"""(?:^|[{,\s])["']?([A-Za-z0-9_.-]+)["']?[ \t]*[:=][ \t]*["']?([^\s"'#;,{}]+)""")
_COMMENT_STARTS = ("#", "//", ";", "--", "*", "<!--")
_ASSIGNMENT_MARKER = re.compile("pass|pwd|secret|token|key|cred")  # one scan instead of six


def known_token(text: str) -> Optional[str]:
    """What well-known credential `text` contains ("a GitHub token"), or None."""
    for marker, what, pattern in _TOKEN_PATTERNS:
        if marker in text:
            for found in _compiled(pattern).finditer(text):
                if what == "an AWS access key id" and found.group(0).endswith("EXAMPLE"):
                    continue  # AWS documentation's sample key
                return what
    match = _URL_CREDENTIALS.search(text) if "://" in text and "@" in text else None
    if match and literal_secret_value(match.group(1)):
        return "a URL with a password in it"
    return None


def secret_assignment(text: str) -> Optional[str]:
    """The key of the first `password = literal` style line in a config file, or None."""
    lowered = text.lower()
    if not _ASSIGNMENT_MARKER.search(lowered):
        return None
    for line in text.splitlines():
        if line.lstrip().startswith(_COMMENT_STARTS):
            continue
        for match in _ASSIGNMENT.finditer(line):
            key, value = match.group(1), match.group(2)
            if secret_like_name(key) and len(value) >= 3 and value[0] not in "[|>&*!%$<" \
                    and literal_secret_value(value):
                return key
    return None


class EnvPlainTextSecret(Rule):
    """A container env var holds a literal password, token or key."""

    id = "KL605"
    name = "env-plain-text-secret"
    severity = Severity.WARNING
    summary = "Passwords, tokens and keys in env come from a Secret, not a literal value."
    kinds = _WORKLOAD_KINDS
    doc = RuleDoc(
        what="Reports env[].value literals of containers (init containers too) whose variable name "
             "says it holds a password, token, API or private key, secret or credential (DB_PASSWORD, "
             "API_KEY, AUTH_TOKEN, clientSecret; not *_SECRET_NAME, *_KEY_ID, TOKEN_URL, *_FILE, "
             "*_PATH, PUBLIC_KEY or flags such as MYSQL_ALLOW_EMPTY_PASSWORD), and literals of any "
             "variable that hold a well-known credential format (private key, AWS key id, GitHub or "
             "Slack token, JWT, a URL with a password). References ($(VAR)), paths and placeholders "
             "are not reported.",
        why="A literal value is readable by everyone who can read the manifest, the repository or the "
            "pod spec; a Secret can be access-controlled, encrypted at rest and rotated.",
        failing="env:\n- name: DB_PASSWORD\n  value: hunter2",
        passing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in pod_containers(template):
            for index, env in enumerate(as_list(container.data.get("env"))):
                env = as_dict(env)
                name, value = env.get("name"), env.get("value")
                if not isinstance(name, str) or not isinstance(value, str) or not value.strip():
                    continue
                if secret_like_name(name) and literal_secret_value(value):
                    pointer = container.pointer + ("env", index, "value")
                    yield Report(pointer, f"{pointer_to_dotted(pointer)}: {name} holds a literal secret; anyone "
                                          "who can read the manifest can read it: store it in a Secret and use "
                                          "valueFrom.secretKeyRef")
                    continue
                what = known_token(value)
                if what is not None:
                    pointer = container.pointer + ("env", index, "value")
                    yield Report(pointer, f"{pointer_to_dotted(pointer)}: the value of {name} looks like {what}; "
                                          "store it in a Secret and use valueFrom.secretKeyRef")


def _decoded(value: Any) -> Optional[str]:
    """A binaryData/Secret data value as text, or None when it is not base64 of text."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


class ConfigMapHoldsSecret(Rule):
    """A ConfigMap holds a private key, a token or a password."""

    id = "KL606"
    name = "configmap-holds-secret"
    severity = Severity.WARNING
    summary = "ConfigMaps hold no private keys, tokens or passwords."
    kinds = frozenset({"ConfigMap"})
    doc = RuleDoc(
        what="Reports ConfigMap data and binaryData entries that hold a private key (-----BEGIN ... "
             "PRIVATE KEY-----), a token of a well-known format (AWS access key id, GitHub, Slack, "
             "Google or Stripe key, JWT, a URL with a password), a config file line such as "
             "`password = hunter2`, or whose key itself names a credential (DB_PASSWORD: hunter2).",
        why="ConfigMaps are meant for non-confidential data: more roles can read them, encryption at "
            "rest configured for Secrets does not cover them, and kubectl describe prints them. "
            "Secrets exist for confidential values.",
        failing="kind: ConfigMap\ndata:\n  DB_PASSWORD: hunter2",
        passing="kind: Secret   # from SealedSecrets, External Secrets or SOPS\n"
                "---\nkind: ConfigMap\ndata:\n  DB_HOST: db.shop.svc")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for field_name in ("data", "binaryData"):
            for key, value in as_dict(obj.get(field_name)).items():
                if not isinstance(key, str):
                    continue
                text = value if field_name == "data" else _decoded(value)
                if not isinstance(text, str):
                    continue
                reason = self._reason(key, text)
                if reason is not None:
                    pointer = (field_name, key)
                    yield Report(pointer, f"{pointer_to_dotted(pointer)}: {reason}; ConfigMaps are not for "
                                          "confidential data: move it to a Secret (kept out of git with "
                                          "SealedSecrets, External Secrets or SOPS)")

    @staticmethod
    def _reason(key: str, text: str) -> Optional[str]:
        what = known_token(text)
        if what is not None:
            return f"holds {what}"
        if "\n" not in text.strip() and secret_like_name(key) and literal_secret_value(text):
            return f"{key} holds a literal secret"
        assigned = secret_assignment(text)
        if assigned is not None:
            return f"sets {assigned} to a literal value"
        return None


def _encrypted_or_placeholder(value: str) -> bool:
    return value.startswith("ENC[") or "${" in value or "$(" in value or "{{" in value


def _only_certificate(text: Optional[str]) -> bool:
    return text is not None and "-----BEGIN CERTIFICATE-----" in text and "PRIVATE KEY" not in text


class CommittedSecret(Rule):
    """A Secret with values is committed in plain (base64) form."""

    id = "KL607"
    name = "committed-secret"
    severity = Severity.WARNING
    summary = "Secrets with values are not committed in plain form."
    kinds = frozenset({"Secret"})
    doc = RuleDoc(
        what="Reports a Secret whose data or stringData holds non-empty values. Secrets whose values "
             "are all empty, SOPS-encrypted (ENC[...]) or template placeholders, and Secrets that hold "
             "only public certificates, are not reported.",
        why="Base64 is an encoding, not encryption: anyone with read access to the repository has the "
            "secret. Commit a SealedSecret, an ExternalSecret (External Secrets Operator) or a "
            "SOPS-encrypted file instead.",
        failing="kind: Secret\nstringData:\n  password: hunter2",
        passing="kind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA...")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if "sops" in obj.raw:  # a SOPS-encrypted file: the values are ciphertext
            return
        committed: List[str] = []
        first: Optional[str] = None
        for field_name in ("data", "stringData"):
            for key, value in as_dict(obj.get(field_name)).items():
                if not isinstance(value, str) or not value.strip() or _encrypted_or_placeholder(value):
                    continue
                text = _decoded(value) if field_name == "data" else value
                if _only_certificate(text) or (field_name == "data" and text == ""):
                    continue
                committed.append(str(key))
                first = first or field_name
        if first is None:
            return
        pointer = (first,)
        count = len(committed)
        form = "in plain text" if first == "stringData" else "only base64-encoded, which is not encryption"
        yield Report(pointer, f"{first}: Secret \"{obj.name}\" commits {count} value{'s' if count > 1 else ''} "
                              f"({_key_list(committed)}) {form}; keep secrets out of git: commit a "
                              "SealedSecret, an ExternalSecret (External Secrets Operator) or a "
                              "SOPS-encrypted file instead",
                     anchor="key")


# ---------------------------------------------------------------------------------------------
# Storage classes and RBAC references
# ---------------------------------------------------------------------------------------------


class MissingStorageClass(Rule):
    """A claim names a StorageClass that the set does not hold."""

    id = "KL608"
    name = "missing-storage-class"
    severity = Severity.WARNING
    summary = "StorageClasses named by claims exist in the set."
    kinds = frozenset({"PersistentVolumeClaim"}) | _WORKLOAD_KINDS
    doc = RuleDoc(
        what="Checks spec.storageClassName of PersistentVolumeClaims, of StatefulSet "
             "volumeClaimTemplates and of ephemeral volume claim templates: the StorageClass must be "
             "in the set when the set holds StorageClasses (or is declared complete), unless a "
             "PersistentVolume in the set has that class (static provisioning). An empty class "
             "(\"\") asks for no class and is not checked.",
        why="A claim whose class does not exist is never provisioned and stays Pending.",
        failing="kind: PersistentVolumeClaim\nspec:\n  storageClassName: fast-ssd   # no such StorageClass",
        passing="kind: PersistentVolumeClaim\nspec:\n  storageClassName: fast   # StorageClass fast is in the set")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for pointer, claim_spec in self._claim_specs(obj):
            name = _name(claim_spec.get("storageClassName"))
            if name is None or not ctx.is_missing("StorageClass", None, name) \
                    or name in producers(ctx.index).pv_classes:
                continue
            at = pointer + ("storageClassName",)
            yield Report(at, f'{pointer_to_dotted(at)}: StorageClass "{name}" not found in the set; the claim '
                             f"is not provisioned and stays Pending unless a PersistentVolume of class "
                             f'"{name}" exists (fix the name, add the StorageClass, or list it in assume-present)')

    @staticmethod
    def _claim_specs(obj: K8sObject) -> Iterator[Tuple[Pointer, Dict[str, Any]]]:
        if obj.kind == "PersistentVolumeClaim":
            yield ("spec",), obj.spec
        if obj.kind == "StatefulSet":
            for index, template in enumerate(as_list(obj.spec.get("volumeClaimTemplates"))):
                yield ("spec", "volumeClaimTemplates", index, "spec"), as_dict(as_dict(template).get("spec"))
        template = obj.pod_template
        if template is not None:
            for index, volume in enumerate(as_list(template.spec.get("volumes"))):
                spec = get_path(volume, ("ephemeral", "volumeClaimTemplate", "spec"))
                if isinstance(spec, dict) and _name(volume.get("name")) not in statefulset_claim_volumes(obj):
                    yield template.pointer + ("spec", "volumes", index, "ephemeral", "volumeClaimTemplate",
                                              "spec"), spec


# Roles the API server bootstraps (plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
_BUILTIN_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})
_BUILTIN_KUBE_SYSTEM_ROLES = frozenset({"extension-apiserver-authentication-reader"})


def _builtin_role(kind: str, namespace: str, name: str) -> bool:
    if name.startswith("system:"):
        return True
    if kind == "ClusterRole":
        return name in _BUILTIN_CLUSTER_ROLES
    return namespace == "kube-system" and name in _BUILTIN_KUBE_SYSTEM_ROLES


class MissingRole(Rule):
    """A RoleBinding or ClusterRoleBinding grants a Role or ClusterRole that the set does not hold."""

    id = "KL609"
    name = "missing-role"
    severity = Severity.WARNING
    summary = "Roles and ClusterRoles named by bindings exist in the set."
    kinds = frozenset({"RoleBinding", "ClusterRoleBinding"})
    doc = RuleDoc(
        what="Checks roleRef of RoleBindings and ClusterRoleBindings: a Role (in the binding's "
             "namespace) or ClusterRole must be in the set when the set holds objects of that kind "
             "(or is declared complete). Built-in roles (cluster-admin, admin, edit, view, system:*) "
             "always exist.",
        why="A binding to a role that does not exist grants nothing, so the subjects fail with "
            "\"forbidden\" at run time.",
        failing="kind: RoleBinding\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}\n"
                "# the Role is named pods-reader",
        passing="kind: RoleBinding\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods-reader}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        ref = as_dict(obj.get("roleRef"))
        kind, name = ref.get("kind"), _name(ref.get("name"))
        if name is None or kind not in ("Role", "ClusterRole"):
            return
        if kind == "Role" and obj.kind != "RoleBinding":
            return  # a ClusterRoleBinding cannot name a Role: the schema and API server say so
        namespace = obj.namespace if kind == "Role" else None
        if _builtin_role(kind, obj.namespace, name) or not ctx.is_missing(kind, namespace, name):
            return
        where = f' in namespace "{obj.namespace}"' if kind == "Role" else ""
        yield Report(("roleRef", "name"), f'roleRef.name: {kind} "{name}" not found{where}; the binding grants '
                                          "nothing until it exists (fix the name, add the role, or list it "
                                          "in assume-present)")


# ServiceAccounts the controller manager runs as in kube-system.
_KUBE_SYSTEM_ACCOUNTS = frozenset({
    "generic-garbage-collector", "horizontal-pod-autoscaler", "persistent-volume-binder", "bootstrap-signer",
    "token-cleaner", "root-ca-cert-publisher", "legacy-service-account-token-cleaner", "pod-garbage-collector",
    "cloud-provider", "kube-proxy", "coredns", "kube-dns",
})


class MissingBindingServiceAccount(Rule):
    """A binding's subject is a ServiceAccount that the set does not hold."""

    id = "KL610"
    name = "missing-binding-service-account"
    severity = Severity.WARNING
    summary = "ServiceAccounts named as binding subjects exist in the set."
    kinds = frozenset({"RoleBinding", "ClusterRoleBinding"})
    doc = RuleDoc(
        what="Checks subjects of kind ServiceAccount in RoleBindings and ClusterRoleBindings: the "
             "ServiceAccount (in subjects[].namespace, or the RoleBinding's own namespace when unset) "
             "must be in the set when the set holds ServiceAccounts of that namespace (or is "
             "declared complete).",
        why="A binding to a misspelt or missing ServiceAccount grants the permissions to nobody, and "
            "to whoever later creates an account with that name.",
        failing="subjects:\n- kind: ServiceAccount\n  name: prometheus-k8\n  namespace: monitoring",
        passing="subjects:\n- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for index, subject in enumerate(as_list(obj.get("subjects"))):
            subject = as_dict(subject)
            name = _name(subject.get("name"))
            if subject.get("kind") != "ServiceAccount" or name is None:
                continue
            namespace = _name(subject.get("namespace"))
            if namespace is None:
                if obj.kind != "RoleBinding":
                    continue  # a ClusterRoleBinding subject needs a namespace: the API server says so
                namespace = obj.namespace  # the authorizer defaults it to the binding's namespace
            if namespace == "kube-system" and (name.endswith("-controller") or name in _KUBE_SYSTEM_ACCOUNTS):
                continue
            if not ctx.is_missing("ServiceAccount", namespace, name):
                continue
            pointer = ("subjects", index, "name")
            yield Report(pointer, f'{pointer_to_dotted(pointer)}: ServiceAccount "{name}" not found in namespace '
                                  f'"{namespace}"; the binding grants its role to no one until it exists (fix '
                                  "the name or namespace, add the ServiceAccount, or list it in assume-present)")


def rules() -> List[Rule]:
    return [MissingConfigMap(), MissingSecret(), MissingPersistentVolumeClaim(), MissingServiceAccount(),
            EnvPlainTextSecret(), ConfigMapHoldsSecret(), CommittedSecret(), MissingStorageClass(),
            MissingRole(), MissingBindingServiceAccount()]
