"""Pod Security admission rules (KL801-KL817): one rule per control of the Pod Security
Standards, each reporting the upstream checks (`k8s.io/pod-security-admission/policy/check_*.go`)
that implement it, on Pods and on the pod templates of every workload kind.

The evaluation lives in kubelint/admission/pod_security; it runs once per object and the rules
of that object share it. Severity comes from the namespace's mode: enforce gives errors, warn
and audit warnings (the rule's configured severity replaces both when config sets one)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, ClassVar, Dict, FrozenSet, Iterator, List, Optional, Tuple

from ...findings import Severity
from ...named_tuple import NamedTuple
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, shared_per_object_in_set

if TYPE_CHECKING:
    from ...admission.pod_security.evaluate import PodSecurityFinding
    from ...admission.pod_security.namespaces import PodSecurityConfig
    from ...model.context import RuleContext
    from ...model.objects import K8sObject

E = Severity.ERROR
SOURCE = "k8s.io/pod-security-admission"


# The admission package is imported on the first pod checked, not when the rules are listed:
# `kubelint check` of a file without pods never loads it.

@functools.lru_cache(maxsize=8)
def _config(frozen: Tuple[Tuple[str, Any], ...]) -> "PodSecurityConfig":
    from ...admission.pod_security.namespaces import PodSecurityConfig

    return PodSecurityConfig.from_mapping(dict(frozen))


def _frozen(mapping: Optional[Dict[str, Any]]) -> Tuple[Tuple[str, Any], ...]:
    if not mapping:
        return ()
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in mapping.items()))


# (evaluate, namespace_policies) of the admission package, imported by the first pod checked
# and kept: an import statement in _evaluated cost 36 µs per object (0.13 s of 27 s profiled).
_admission: List[Any] = []


def _load_admission() -> List[Any]:
    from ...admission.pod_security.evaluate import evaluate
    from ...admission.pod_security.namespaces import namespace_policies

    _admission[:] = [evaluate, namespace_policies]
    return _admission


# The last object's findings, shared by every Pod Security rule of that object and set.
@shared_per_object_in_set
def _evaluated(obj: "K8sObject", ctx: Any) -> List["PodSecurityFinding"]:
    evaluate, namespace_policies = _admission or _load_admission()
    config = _config(_frozen(ctx.pod_security))
    namespace = namespace_policies(ctx.index, config).of(obj.namespace)
    return evaluate(obj, namespace, config.exempt_runtime_classes, ctx.kubernetes_minor())


_NOTHING: Iterator[Report] = iter(())  # exhausted: safe to hand out again


class PodSecurityRule(Rule):
    severity = E
    kinds = POD_KINDS
    check_ids: ClassVar[FrozenSet[str]]

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        findings = _evaluated(obj, ctx)
        if not findings:  # the common case: no generator frame for each of the 16 rules of a clean pod
            return _NOTHING
        return iter([Report(f.pointer, f.message, f.anchor, f.severity)
                     for f in findings if f.check_id in self.check_ids])


class Control(NamedTuple):
    """One control of the Pod Security Standards: the rule that reports it and its docs."""

    id: str
    name: str
    check_ids: Tuple[str, ...]  # the upstream checks (policy/check_*.go) whose findings the rule reports
    summary: str
    level: str  # the level (and policy versions) that has the control, as the docs say it
    files: str  # the upstream check files it follows
    reports: str  # what it reports
    why: str
    example_level: str  # the enforce level of the namespace the failing example is in
    failing: str
    passing: str

    def rule(self) -> Rule:
        doc = RuleDoc(
            f"{self.reports} Pod Security level: {self.level}; follows {SOURCE} policy/{self.files} at every "
            "policy version. Checked on Pods and the pod templates of Deployment, ReplicaSet, StatefulSet, "
            "DaemonSet, Job, CronJob, ReplicationController and PodTemplate, at the level of the namespace's "
            "pod-security.kubernetes.io labels (or config pod-security, or baseline as a warning by default).",
            self.why,
            f"# in a Namespace labelled pod-security.kubernetes.io/enforce: {self.example_level}\n{self.failing}",
            self.passing)
        cls = type(self.name.title().replace("-", ""), (PodSecurityRule,), {
            "id": self.id, "name": self.name, "summary": self.summary, "doc": doc,
            "check_ids": frozenset(self.check_ids), "__doc__": self.summary})
        return cls()


# One row per control, in the order of Control's fields: id, name, upstream checks, summary; the
# level, check files and what it reports (the docs' "what"); why; the failing example's
# namespace level, the failing and the passing fragment.
CONTROLS: Tuple[Control, ...] = (
    Control("KL801", "pod-security-host-process", ("windowsHostProcess",),
            "A Windows pod or container runs as a HostProcess.",
            "baseline", "check_windowsHostProcess.go",
            "Reports securityContext.windowsOptions.hostProcess: true on the pod or a container.",
            "A HostProcess container has full access to the Windows node.",
            "baseline", "securityContext:\n  windowsOptions: {hostProcess: true}",
            "securityContext:\n  windowsOptions: {hostProcess: false}"),
    Control("KL802", "pod-security-host-namespaces", ("hostNamespaces",),
            "A pod shares the node's network, PID or IPC namespace.",
            "baseline", "check_hostNamespaces.go", "Reports hostNetwork, hostPID and hostIPC set to true.",
            "Host namespaces let the pod see and reach the node's processes and network.",
            "baseline", "spec:\n  hostNetwork: true", "spec:\n  hostNetwork: false"),
    Control("KL803", "pod-security-privileged", ("privileged",),
            "A container is privileged.",
            "baseline", "check_privileged.go", "Reports securityContext.privileged: true on any container.",
            "A privileged container disables most isolation: it is root on the node.",
            "baseline", "securityContext:\n  privileged: true", "securityContext:\n  privileged: false"),
    Control("KL804", "pod-security-capabilities", ("capabilities_baseline", "capabilities_restricted"),
            "A container adds capabilities beyond the allowed set, or does not drop ALL.",
            "baseline (add only the default set) and restricted (drop ALL, add at most NET_BIND_SERVICE)",
            "check_capabilities_baseline.go and check_capabilities_restricted.go",
            "Reports each capability in capabilities.add that the level forbids, and (restricted) a container "
            "whose capabilities.drop lacks ALL.",
            "Capabilities such as SYS_ADMIN or NET_RAW give a container powers over the node.",
            "restricted", "securityContext:\n  capabilities:\n    add: [SYS_ADMIN]",
            "securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]"),
    Control("KL805", "pod-security-host-path", ("hostPathVolumes",),
            "A pod mounts a hostPath volume.",
            "baseline", "check_hostPathVolumes.go",
            "Reports each volume with a hostPath source, at its hostPath key.",
            "A hostPath volume exposes the node's file system to the pod.",
            "baseline", "volumes:\n- name: logs\n  hostPath: {path: /var/log}",
            "volumes:\n- name: logs\n  emptyDir: {}"),
    Control("KL806", "pod-security-host-ports", ("hostPorts",),
            "A container uses a host port.",
            "baseline", "check_hostPorts.go", "Reports each ports[].hostPort other than 0.",
            "Host ports bind the node's network interfaces and bypass network policy.",
            "baseline", "ports:\n- containerPort: 80\n  hostPort: 80", "ports:\n- containerPort: 80"),
    Control("KL807", "pod-security-probe-host", ("hostProbesAndHostLifecycle",),
            "A probe or lifecycle handler sets host.",
            "baseline (policy v1.34+)", "check_hostProbesAndhostLifecycle.go",
            "Reports httpGet.host and tcpSocket.host in liveness, readiness and startup probes and "
            "postStart/preStop handlers.",
            "The kubelet connects to that host from the node: a way to reach addresses the pod cannot.",
            "baseline", "livenessProbe:\n  httpGet: {host: 10.0.0.1, port: 80}",
            "livenessProbe:\n  httpGet: {port: 80}"),
    Control("KL808", "pod-security-apparmor", ("appArmorProfile",),
            "An AppArmor profile other than RuntimeDefault or Localhost is set.",
            "baseline", "check_appArmorProfile.go",
            "Reports appArmorProfile.type other than RuntimeDefault or Localhost, and "
            "container.apparmor.security.beta.kubernetes.io/* annotations other than runtime/default or localhost/*.",
            "Unconfined disables the AppArmor confinement containers get by default.",
            "baseline", "securityContext:\n  appArmorProfile: {type: Unconfined}",
            "securityContext:\n  appArmorProfile: {type: RuntimeDefault}"),
    Control("KL809", "pod-security-selinux", ("seLinuxOptions",),
            "seLinuxOptions sets a forbidden type, a user or a role.",
            "baseline", "check_seLinuxOptions.go",
            "Reports seLinuxOptions.type outside container_t, container_init_t, container_kvm_t (and "
            "container_engine_t from v1.31), and any user or role.",
            "A custom SELinux type, user or role can escape the container's SELinux confinement.",
            "baseline", "securityContext:\n  seLinuxOptions: {type: spc_t}",
            "securityContext:\n  seLinuxOptions: {type: container_t}"),
    Control("KL810", "pod-security-proc-mount", ("procMount", "procMount_restricted"),
            "A container unmasks /proc.",
            "baseline and restricted", "check_procMount_baseline.go and check_procMount_restricted.go",
            "Reports securityContext.procMount other than Default (baseline allows any value in a user namespace, "
            "hostUsers: false, from v1.35; restricted never does).",
            "The default /proc masks hide kernel interfaces from the container.",
            "baseline", "securityContext:\n  procMount: Unmasked", "securityContext:\n  procMount: Default"),
    Control("KL811", "pod-security-seccomp", ("seccompProfile_baseline", "seccompProfile_restricted"),
            "A seccomp profile is Unconfined, or (restricted) not set.",
            "baseline and restricted", "check_seccompProfile_baseline.go and check_seccompProfile_restricted.go",
            "Reports seccompProfile.type other than RuntimeDefault or Localhost (the seccomp alpha annotations "
            "before v1.19); restricted also requires the pod or every container to set one (Windows pods exempt "
            "from v1.25).",
            "Without seccomp every system call reaches the node's kernel.",
            "restricted", "spec:\n  containers:\n  - name: web\n    image: web:1",
            "spec:\n  securityContext:\n    seccompProfile: {type: RuntimeDefault}"),
    Control("KL812", "pod-security-sysctls", ("sysctls",),
            "A pod sets a sysctl outside the safe set.",
            "baseline", "check_sysctls.go",
            "Reports securityContext.sysctls names outside the safe set of the policy version (it grows at v1.27, "
            "v1.29, v1.32 and v1.37).",
            "Unsafe sysctls affect the whole node or other pods.",
            "baseline", "securityContext:\n  sysctls:\n  - {name: kernel.msgmax, value: '1'}",
            "securityContext:\n  sysctls:\n  - {name: net.ipv4.tcp_syncookies, value: '1'}"),
    Control("KL813", "pod-security-volume-types", ("restrictedVolumes",),
            "A pod uses a volume type the restricted level forbids.",
            "restricted", "check_restrictedVolumes.go",
            "Reports volumes other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
            "persistentVolumeClaim, projected and secret, at the volume's source key.",
            "Other volume types (nfs, hostPath, ...) reach storage outside the pod's own.",
            "restricted", "volumes:\n- name: data\n  nfs: {server: nfs, path: /}",
            "volumes:\n- name: data\n  persistentVolumeClaim: {claimName: data}"),
    Control("KL814", "pod-security-privilege-escalation", ("allowPrivilegeEscalation",),
            "A container does not set allowPrivilegeEscalation: false.",
            "restricted (policy v1.8+)", "check_allowPrivilegeEscalation.go",
            "Reports containers whose securityContext.allowPrivilegeEscalation is not false (Windows pods exempt "
            "from v1.25).",
            "Set-user-ID binaries can gain more privileges than the container started with.",
            "restricted", "securityContext: {}", "securityContext:\n  allowPrivilegeEscalation: false"),
    Control("KL815", "pod-security-run-as-non-root", ("runAsNonRoot",),
            "Containers are not required to run as non-root.",
            "restricted", "check_runAsNonRoot.go",
            "Reports runAsNonRoot: false, and containers without runAsNonRoot: true when the pod does not set it "
            "(any value in a user namespace from v1.35).",
            "A container running as root is one kernel bug away from root on the node.",
            "restricted", "securityContext:\n  runAsNonRoot: false", "securityContext:\n  runAsNonRoot: true"),
    Control("KL816", "pod-security-run-as-user", ("runAsUser",),
            "A pod or container sets runAsUser: 0.",
            "restricted (policy v1.23+)", "check_runAsUser.go",
            "Reports runAsUser: 0 on the pod or a container (any value in a user namespace from v1.35).",
            "User 0 is root.",
            "restricted", "securityContext:\n  runAsUser: 0", "securityContext:\n  runAsUser: 1000"),
)


def rules() -> List[Rule]:
    return [control.rule() for control in CONTROLS] + [PodSecurityLabel()]


LABEL_PREFIX = "pod-security.kubernetes.io/"  # api/constants.go
KNOWN_LABELS = frozenset(f"{LABEL_PREFIX}{mode}{suffix}" for mode in ("enforce", "audit", "warn")
                         for suffix in ("", "-version"))


class PodSecurityLabel(Rule):
    """Namespace labels that Pod Security refuses (admission.go ValidateNamespace: labels that
    do not parse are invalid on create) or ignores (a misspelt key sets no policy)."""

    id = "KL817"
    name = "pod-security-label"
    severity = E
    kinds = frozenset({"Namespace"})
    summary = "A Namespace's pod-security.kubernetes.io label is invalid or unknown."
    doc = RuleDoc(
        "Reports pod-security.kubernetes.io/enforce, audit and warn labels whose level is not privileged, baseline "
        "or restricted, and -version labels that are not latest or v1.x (errors: Pod Security refuses to create "
        f"the Namespace; {SOURCE} admission/admission.go ValidateNamespace, api/helpers.go PolicyToEvaluate), "
        "and other pod-security.kubernetes.io/ keys, which set nothing (warning).",
        "An invalid label refuses the Namespace; a misspelt one leaves its pods unchecked.",
        "metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: strict",
        "metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: restricted")

    def check(self, obj: "K8sObject", ctx: "RuleContext") -> Iterator[Report]:
        labels = obj.metadata.get("labels")
        if not isinstance(labels, dict) or not any(isinstance(k, str) and k.startswith(LABEL_PREFIX) for k in labels):
            return
        from ...admission.pod_security.api import ALL_PRIVILEGED, policy_to_evaluate
        from ...admission.pod_security.namespaces import pod_security_labels

        labels = pod_security_labels(labels)
        _, errors = policy_to_evaluate(labels, ALL_PRIVILEGED)
        for error in errors:
            yield Report(("metadata", "labels", error.label),
                         f'metadata.labels[{error.label}]: Invalid value: "{error.value}": {error.reason}')
        for label in labels:
            if label not in KNOWN_LABELS:
                import difflib

                close = difflib.get_close_matches(label, sorted(KNOWN_LABELS), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else \
                    f" (Pod Security reads {LABEL_PREFIX}enforce, audit and warn, and their -version)"
                yield Report(("metadata", "labels", label),
                             f'unknown Pod Security label "{label}" sets nothing{hint}', "key", Severity.WARNING)
