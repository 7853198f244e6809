"""A quick test that a pod passes the baseline level at every policy version, so that
evaluate() can skip building the Pod and running the checks (most pods pass: the full
evaluation cost about 40 µs a pod, the filter a few).

`quiet_at_baseline` is True only when no baseline check could refuse the pod. It reads the
same fields the checks read and is stricter than each of them (a value it is unsure of means
False, and the full evaluation decides). Field by field, against the check modules (each ported
from k8s.io/pod-security-admission policy/check_*.go, at every version the registry has):

- hostNamespaces: hostNetwork, hostPID, hostIPC must not be true.
- hostPathVolumes: no volume with a hostPath.
- windowsHostProcess: securityContext.windowsOptions.hostProcess not true, pod or container.
- privileged: no container securityContext.privileged true.
- capabilities_baseline: no container capabilities.add entries at all (stricter: allowed ones
  go to the full evaluation).
- appArmorProfile and seccompProfile_baseline (v1.19+): appArmorProfile/seccompProfile, when
  a mapping, of type RuntimeDefault or Localhost; and (appArmorProfile, seccompProfile_baseline
  v1.0) no annotation under the AppArmor or seccomp alpha prefixes.
- seLinuxOptions: no seLinuxOptions mapping at all (stricter).
- procMount (and its v1.35 user-namespace relaxation): procMount unset or "Default".
- sysctls: no sysctls at all (stricter).
- hostPorts: no port with a hostPort other than unset or 0.
- hostProbesAndHostLifecycle (v1.34+): no httpGet or tcpSocket host in probes or lifecycle
  handlers, other than unset or "".

Containers are those of initContainers, containers and ephemeralContainers, as Pod.of visits
them. tests/admission/test_pod_security_prefilter.py checks the filter against the full
evaluation on upstream's conformance fixtures and on every pod of the corpus.
"""

from __future__ import annotations

from typing import Any, Dict

# Annotation prefixes the AppArmor and seccomp (v1.0) baseline checks read.
_ANNOTATION_PREFIXES = ("container.apparmor.security.beta.kubernetes.io/",
                        "seccomp.security.alpha.kubernetes.io/",
                        "container.seccomp.security.alpha.kubernetes.io/")
_GROUPS = ("initContainers", "containers", "ephemeralContainers")
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_LIFECYCLE = ("postStart", "preStop")
_ALLOWED_PROFILE_TYPES = ("RuntimeDefault", "Localhost")
# Pod securityContext fields no baseline check reads (anything else is looked at).
_POD_CONTEXT_UNREAD = frozenset({"runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy",
                                 "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"})
# Container securityContext fields no baseline check reads.
_CONTAINER_CONTEXT_UNREAD = frozenset({"runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem",
                                       "allowPrivilegeEscalation"})


def _profile_allowed(profile: Any) -> bool:
    """appArmorProfile / seccompProfile: unset (not a mapping) or of an allowed type."""
    return not isinstance(profile, dict) or profile.get("type") in _ALLOWED_PROFILE_TYPES


def _context_quiet(context: Dict[str, Any], unread: frozenset) -> bool:
    """A securityContext (pod or container) that no baseline check objects to."""
    for key, value in context.items():
        if key in unread or value is None:
            continue
        if key == "privileged" or key == "windowsOptions":
            if value is True or (isinstance(value, dict) and value.get("hostProcess") is True):
                return False
        elif key == "capabilities":
            if isinstance(value, dict) and value.get("add"):
                return False
        elif key == "appArmorProfile" or key == "seccompProfile":
            if not _profile_allowed(value):
                return False
        elif key == "procMount":
            if value != "Default":
                return False
        else:  # seLinuxOptions, sysctls, and anything unknown: the full evaluation decides
            return False
    return True


def _handler_quiet(handler: Any) -> bool:
    """A probe or lifecycle handler without a host (hostProbesAndHostLifecycle)."""
    if not isinstance(handler, dict):
        return True
    for kind in ("httpGet", "tcpSocket"):
        action = handler.get(kind)
        if isinstance(action, dict):
            host = action.get("host")
            if host is not None and host != "":
                return False
    return True


def _container_quiet(container: Dict[str, Any]) -> bool:
    context = container.get("securityContext")
    if isinstance(context, dict) and not _context_quiet(context, _CONTAINER_CONTEXT_UNREAD):
        return False
    ports = container.get("ports")
    if isinstance(ports, list):
        for port in ports:
            if isinstance(port, dict) and port.get("hostPort"):
                return False
    for name in _PROBES:
        if not _handler_quiet(container.get(name)):
            return False
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        for name in _LIFECYCLE:
            if not _handler_quiet(lifecycle.get(name)):
                return False
    return True


def quiet_at_baseline(metadata: Any, spec: Any) -> bool:
    """True when the pod of this metadata and spec passes every baseline check at every
    version (see the module's docstring); False when only the full evaluation can tell."""
    if not isinstance(spec, dict):
        return False  # as unusual as it is cheap to evaluate
    if spec.get("hostNetwork") is True or spec.get("hostPID") is True or spec.get("hostIPC") is True:
        return False
    volumes = spec.get("volumes")
    if isinstance(volumes, list):
        for volume in volumes:
            if isinstance(volume, dict) and volume.get("hostPath") is not None:
                return False
    context = spec.get("securityContext")
    if isinstance(context, dict) and not _context_quiet(context, _POD_CONTEXT_UNREAD):
        return False
    for group in _GROUPS:
        containers = spec.get(group)
        if isinstance(containers, list):
            for container in containers:
                if isinstance(container, dict) and not _container_quiet(container):
                    return False
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if isinstance(annotations, dict):
        for key in annotations:
            if isinstance(key, str) and key.startswith(_ANNOTATION_PREFIXES):
                return False
    return True
