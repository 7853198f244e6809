"""Container hardening that Pod Security does not require (KL701-KL704, KL709): peers'
best-practice checks, as warnings. Each rule names its kube-linter / Polaris / kube-score
equivalent so a migrating user can map their configuration."""

from __future__ import annotations

import posixpath
import weakref
from typing import TYPE_CHECKING, Dict, Iterator, Optional, Tuple

from ...findings import Pointer, Severity
from ...model.objects import PodTemplate, as_dict, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers, container_label
from ..common.values import shown

if TYPE_CHECKING:
    from ...model.context import RuleContext
    from ...model.index import SetIndex
    from ...model.objects import K8sObject

W = Severity.WARNING


def _is_windows(template: PodTemplate) -> bool:
    return as_dict(template.spec.get("os")).get("name") == "windows"


class WritableRootFilesystem(Rule):
    id = "KL701"
    name = "writable-root-filesystem"
    severity = W
    kinds = POD_KINDS
    summary = "A container's root filesystem is writable."
    doc = RuleDoc(
        "Reports each container (init and ephemeral ones too) whose securityContext.readOnlyRootFilesystem is not "
        "true, on the field when it is false, else on the container. Windows pods (spec.os.name: windows) are "
        "skipped: the field is not supported there. Equivalents: kube-linter no-read-only-root-fs, Polaris "
        "notReadOnlyRootFilesystem, kube-score container-security-context-readonlyrootfilesystem.",
        "A writable root filesystem lets an attacker drop tools and change binaries in the running container; "
        "mount an emptyDir where the application needs to write.",
        "containers:\n- name: web\n  image: registry.example.com/web:1",
        "containers:\n- name: web\n  image: registry.example.com/web:1\n  securityContext:\n"
        "    readOnlyRootFilesystem: true")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or _is_windows(template):
            return
        for container in all_containers(template):
            context = container.data.get("securityContext")
            value = context.get("readOnlyRootFilesystem") if isinstance(context, dict) else None
            if value is True:
                continue
            pointer = container.pointer + ("securityContext", "readOnlyRootFilesystem") if value is not None \
                else container.pointer
            yield Report(pointer, f"{container_label(container)} does not set securityContext.readOnlyRootFilesystem: "
                                  "true; its root filesystem is writable")


class AutomountedServiceAccountToken(Rule):
    id = "KL702"
    name = "automounted-service-account-token"
    severity = W
    kinds = POD_KINDS
    summary = "Pods get an API token they probably do not use."
    doc = RuleDoc(
        "Reports pods that run as their namespace's default ServiceAccount and leave automountServiceAccountToken "
        "unset, when neither the pod nor a ServiceAccount \"default\" in the set turns it off and no RoleBinding or "
        "ClusterRoleBinding in the set grants that ServiceAccount anything. A heuristic: a pod that calls the "
        "Kubernetes API usually has a ServiceAccount of its own. Equivalents: Polaris automountServiceAccountToken; "
        "kube-linter default-service-account (close: it flags the default ServiceAccount itself).",
        "Every container of the pod can read the token at /var/run/secrets/kubernetes.io/serviceaccount; a "
        "compromised container can use it against the API server.",
        "spec:\n  containers:\n  - name: web\n    image: registry.example.com/web:1",
        "spec:\n  automountServiceAccountToken: false\n  containers:\n  - name: web\n"
        "    image: registry.example.com/web:1")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None or template.spec.get("automountServiceAccountToken") is not None:
            return
        spec = template.spec
        account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        if account != "default":
            return
        service_account = ctx.index.get("ServiceAccount", obj.namespace, "default")
        if service_account is not None and service_account.get("automountServiceAccountToken") is False:
            return
        if _bound_service_accounts(ctx).get((obj.namespace, "default")):
            return
        field = "serviceAccountName" if "serviceAccountName" in spec else \
            "serviceAccount" if "serviceAccount" in spec else None
        pointer: Pointer = template.pointer + (("spec", field) if field else ("spec",))
        yield Report(pointer, 'the pods run as the "default" ServiceAccount with its API token mounted; set '
                              "automountServiceAccountToken: false unless they call the Kubernetes API",
                     "value" if field else "key")


def _bound_service_accounts(ctx: "RuleContext") -> Dict[Tuple[str, str], bool]:
    """(namespace, name) of every ServiceAccount a RoleBinding or ClusterRoleBinding of the set
    names, once per set."""
    index = ctx.index
    cached = _bound_cache.get(index)
    if cached is not None:
        return cached
    bound: Dict[Tuple[str, str], bool] = {}
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in index.of_kind(kind):
            for subject in as_list(binding.get("subjects")):
                if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount":
                    namespace = subject.get("namespace") or binding.namespace
                    bound[(namespace, subject.get("name"))] = True
    _bound_cache[index] = bound
    return bound


_bound_cache: "weakref.WeakKeyDictionary[SetIndex, Dict[Tuple[str, str], bool]]" = weakref.WeakKeyDictionary()

# Container runtime sockets and the directories that hold them (kube-linter docker-sock).
RUNTIME_SOCKETS = frozenset({
    "/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/docker",
    "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock", "/var/run/containerd",
    "/run/containerd", "/var/run/crio/crio.sock", "/run/crio/crio.sock", "/var/run/crio", "/run/crio",
    "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock", "/run/k3s/containerd/containerd.sock",
    "/var/run/podman/podman.sock", "/run/podman/podman.sock"})
# Host paths that expose the node: these exactly, ...
SENSITIVE_EXACT = frozenset({"/", "/bin", "/sbin", "/lib", "/lib64", "/usr", "/var", "/run", "/var/run", "/home",
                             "/var/lib"})
# ... and these or anything under them.
SENSITIVE_TREES = ("/etc", "/boot", "/dev", "/proc", "/sys", "/root", "/var/lib/kubelet", "/var/lib/etcd",
                   "/var/lib/docker", "/var/lib/containerd")


def _host_paths(template: PodTemplate) -> Iterator[Tuple[Pointer, str, str]]:
    """(pointer of hostPath.path, normalized path, volume name) of each hostPath volume."""
    for index, volume in enumerate(as_list(template.spec.get("volumes"))):
        host_path = as_dict(volume.get("hostPath")) if isinstance(volume, dict) else {}
        path = host_path.get("path")
        if isinstance(path, str) and path.startswith("/"):
            normalized = posixpath.normpath(path)
            if normalized.startswith("//"):
                normalized = "/" + normalized.lstrip("/")
            yield template.pointer + ("spec", "volumes", index, "hostPath", "path"), normalized, \
                str(volume.get("name") or "")


class ContainerRuntimeSocket(Rule):
    id = "KL703"
    name = "container-runtime-socket"
    severity = W
    kinds = POD_KINDS
    summary = "A pod mounts the container runtime's socket."
    doc = RuleDoc(
        "Reports hostPath volumes of the Docker, containerd, CRI-O, cri-dockerd or Podman socket, or the directory "
        "holding it. Equivalents: kube-linter docker-sock; Polaris and kube-score have none (Polaris "
        "hostPathSet-like custom checks).",
        "Whoever talks to the runtime socket can start privileged containers: it is root on the node.",
        "volumes:\n- name: docker\n  hostPath: {path: /var/run/docker.sock}",
        "(build images with a rootless builder such as BuildKit or kaniko instead)")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for pointer, path, name in _host_paths(template):
            if path in RUNTIME_SOCKETS:
                yield Report(pointer, f'volume "{name}" mounts the container runtime socket {shown(path)} from the '
                                      "node; whoever can use it controls every container on the node")


def sensitive_host_path(path: str) -> Optional[str]:
    if path in RUNTIME_SOCKETS:
        return None  # KL703's
    if path in SENSITIVE_EXACT:
        return path
    for tree in SENSITIVE_TREES:
        if path == tree or path.startswith(tree + "/"):
            return tree
    return None


class SensitiveHostPath(Rule):
    id = "KL704"
    name = "sensitive-host-path"
    severity = W
    kinds = POD_KINDS
    summary = "A pod mounts a sensitive directory of the node."
    doc = RuleDoc(
        "Reports hostPath volumes of the node's root, system directories (/bin, /usr, /lib, /var, /run) and of "
        "/etc, /boot, /dev, /proc, /sys, /root, /var/lib/kubelet, /var/lib/etcd, /var/lib/docker, "
        "/var/lib/containerd or anything under them. Equivalents: kube-linter sensitive-host-mounts (and "
        "writable-host-mount); Polaris and kube-score have none.",
        "These paths hold the node's credentials, configuration and kernel interfaces: a pod that mounts them can "
        "take over the node.",
        "volumes:\n- name: etc\n  hostPath: {path: /etc}",
        "volumes:\n- name: config\n  configMap: {name: app-config}")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for pointer, path, name in _host_paths(template):
            tree = sensitive_host_path(path)
            if tree is not None:
                where = "" if tree == path else f" (under {tree})"
                yield Report(pointer, f'volume "{name}" mounts the node\'s {shown(path)}{where}, a sensitive host '
                                      "path")


def registry_host(image: str) -> Optional[str]:
    """The registry host an image names, or None when it names none (Docker Hub is implied):
    the first path component is a host when it has a "." or ":" or is "localhost" (the rule
    of github.com/distribution/reference)."""
    name = image.split("@", 1)[0]
    if "/" not in name:
        return None
    first = name.split("/", 1)[0]
    if "." in first or ":" in first or first == "localhost":
        return first
    return None


class ImageWithoutRegistry(Rule):
    id = "KL709"
    name = "image-without-registry"
    severity = W
    kinds = POD_KINDS
    summary = "An image names no registry host, so Docker Hub is implied."
    # Off by default: Docker Hub short names are the norm in public manifests and no peer
    # reports them by default; a repository that pins registries turns it on.
    enabled_by_default = False
    doc = RuleDoc(
        "Reports container images whose reference has no registry host (`nginx:1.25`, `bitnami/redis:7`): the "
        "container runtime pulls them from docker.io. Equivalents: none in kube-linter, Polaris or kube-score "
        "(Kyverno's restrict-image-registries and Gatekeeper's allowedrepos policies do this in a cluster). Off by "
        "default: turn it on with `rules: {image-without-registry: {enabled: true}}` or --select.",
        "An implied registry hides where code comes from, meets Docker Hub's pull limits, and lets a same-named "
        "image on another configured mirror win.",
        "image: nginx:1.25", "image: docker.io/library/nginx:1.25")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in all_containers(template):
            image = container.data.get("image")
            if isinstance(image, str) and image.strip() and registry_host(image.strip()) is None:
                yield Report(container.pointer + ("image",),
                             f"image {shown(image)} of {container_label(container)} names no registry host, so it "
                             "is pulled from docker.io; write the registry (e.g. docker.io/...) or your mirror")
