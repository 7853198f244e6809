"""Rules KL313-KL315: a Service and the pods it selects (cross-object).

Named target ports are resolved as FindPort in kubernetes/kubernetes pkg/api/v1/pod/util.go does:
containers, then sidecars (restartPolicy: Always init containers), matching name and protocol.
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ...findings import Pointer, Severity
from ...model.index import per_set_cache
from ...model.objects import K8sObject, as_dict
from ...model.validation import iana_svc_name
from ..base import Report, Rule, RuleDoc
from ..common.pods import shared_per_object, shared_per_object_in_set
from ..common.values import api_group, dotted, int_or_none, is_int
from .fields import (
    EXTERNAL_NAME,
    SERVICE,
    port_protocol,
    ports,
    service_type,
    target_port,
    target_port_written,
)

# Labels that controllers add to the pods they create, which no template shows. A selector
# on them may match pods the set cannot show, so only the other keys are compared.
CONTROLLER_LABELS = frozenset({
    "pod-template-hash", "controller-revision-hash", "pod-template-generation",
    "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
    "controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/job-completion-index",
})

# API groups served by Kubernetes itself. An object of any other group is a custom resource,
# which an operator may turn into pods (Prometheus, Alertmanager, Rollout, ...).
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
    "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "apiregistration.k8s.io", "resource.k8s.io", "storagemigration.k8s.io",
    "internal.apiserver.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
})
# Custom resources known not to create pods: whole API groups (configuration, routing,
# certificates, secrets, kustomize inputs) and single kinds of mixed groups.
INERT_CUSTOM_GROUPS = frozenset({
    "kustomize.config.k8s.io", "networking.istio.io", "security.istio.io", "telemetry.istio.io",
    "extensions.istio.io", "cert-manager.io", "acme.cert-manager.io", "external-secrets.io", "bitnami.com",
    "snapshot.storage.k8s.io", "projectcontour.io", "traefik.io", "traefik.containo.us",
    "security.openshift.io", "route.openshift.io", "autoscaling.k8s.io",
})
INERT_CUSTOM_KINDS = frozenset({
    "ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
    "GatewayClass", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute", "ReferenceGrant",
    "BackendTLSPolicy", "GrafanaDashboard", "GrafanaDatasource", "GrafanaFolder", "GrafanaAlertRuleGroup",
})

_operator_namespaces: "weakref.WeakKeyDictionary[Any, frozenset]" = per_set_cache()


def may_create_pods(obj: K8sObject) -> bool:
    """Is this a custom resource that an operator might turn into pods?"""
    group = api_group(obj.api_version)
    return group not in BUILTIN_GROUPS and group not in INERT_CUSTOM_GROUPS and obj.kind not in INERT_CUSTOM_KINDS


def operator_namespaces(index: Any) -> frozenset:
    """Namespaces holding a custom resource that may create pods; computed once per set."""
    found = _operator_namespaces.get(index)
    if found is None:
        found = frozenset(o.namespace for o in index.objects if may_create_pods(o))
        _operator_namespaces[index] = found
    return found


@shared_per_object
def template_selector(obj: K8sObject) -> Optional[Dict[str, str]]:
    """The Service's selector without controller-added keys; None when there is nothing to check."""
    if service_type(obj) == EXTERNAL_NAME:
        return None
    selector = obj.spec.get("selector")
    if not isinstance(selector, dict) or not selector:
        return None  # no selector: Endpoints are managed by hand
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items()):
        return None  # wrong types: the schema check reports them
    remaining = {k: v for k, v in selector.items() if k not in CONTROLLER_LABELS}
    return remaining or None


@shared_per_object_in_set
def selected_workloads(obj: K8sObject, ctx: Any) -> Optional[List[K8sObject]]:
    """The workloads whose pod templates the Service selects, or None when the set cannot tell."""
    selector = template_selector(obj)
    if selector is None:
        return None
    return ctx.index.pods_selected_by(obj.namespace, selector)


def _label_text(labels: Dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items())


def _workload_text(workload: K8sObject) -> str:
    return f"{workload.kind} {workload.name or '<unnamed>'}"


class ServiceSelectorNoPods(Rule):
    """A selector that matches no pod template in the namespace."""

    id = "KL313"
    name = "service-selector-no-pods"
    severity = Severity.ERROR
    summary = "A Service's selector matches no pod template in its namespace."
    kinds = SERVICE
    doc = RuleDoc(
        what="Reports a Service whose spec.selector matches the pod template labels of no Deployment, "
             "StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or Pod in its "
             "namespace. Partial sets: it runs only when the set holds pod templates in that namespace (or "
             "config says the set is complete), and not when the namespace holds custom resources that may "
             "create pods (operators). Selector keys that controllers add to pods (pod-template-hash, "
             "statefulset.kubernetes.io/pod-name, job-name, ...) are not compared. ExternalName Services and "
             "Services without a selector (hand-managed Endpoints) are skipped.",
        why="A Service that selects no pod has no endpoints: every connection to it fails.",
        failing="# Deployment template labels: {app: web}\nkind: Service\nspec:\n  selector: {app: frontend}",
        passing="# Deployment template labels: {app: web}\nkind: Service\nspec:\n  selector: {app: web}")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        selector = template_selector(obj)
        if selector is None:
            return
        namespace = obj.namespace
        if not (ctx.complete or ctx.index.has_pod_templates(namespace)):
            return
        if namespace in operator_namespaces(ctx.index):
            return
        if ctx.index.pods_selected_by(namespace, selector):
            return
        message = (f"spec.selector: selects no pods: no workload in namespace \"{namespace}\" has labels "
                   f"{_label_text(selector)}")
        notes: List[str] = []
        closest = self._closest(ctx, namespace, selector)
        if closest:
            notes.append(closest)
        skipped = sorted(k for k in as_dict(obj.spec.get("selector")) if k in CONTROLLER_LABELS)
        if skipped:
            notes.append(f"{', '.join(skipped)} not compared: controllers set it on pods")
        yield Report(("spec", "selector"), message + (f" ({'; '.join(notes)})" if notes else ""))

    @staticmethod
    def _closest(ctx: Any, namespace: str, selector: Dict[str, str]) -> Optional[str]:
        """The workload matching most selector pairs, and how it differs."""
        counts: Dict[int, List[Any]] = {}
        for key, value in selector.items():
            for workload in ctx.index.pods_selected_by(namespace, {key: value}):
                entry = counts.setdefault(id(workload), [workload, 0])
                entry[1] += 1
        if not counts:
            return None
        workload, _ = max(counts.values(), key=lambda entry: entry[1])
        labels = workload.pod_template.labels if workload.pod_template is not None else {}
        differs = []
        for key, value in selector.items():
            if key not in labels:
                differs.append(f"has no label {key}")
            elif labels[key] != value:
                differs.append(f"has {key}={labels[key]}, not {value}")
        return f"closest: {_workload_text(workload)}, which " + " and ".join(differs)


@shared_per_object_in_set
def _served_ports(obj: K8sObject, ctx: Any) -> List[Tuple[K8sObject, Dict[str, Any]]]:
    """Container ports of the pods the Service selects that it can reach: containers and sidecars."""
    found: List[Tuple[K8sObject, Dict[str, Any]]] = []
    workloads = selected_workloads(obj, ctx) or []
    for workload in workloads:
        template = workload.pod_template
        if template is None:
            continue
        for container in template.containers():
            if container.init and container.data.get("restartPolicy") != "Always":
                continue  # a plain init container has exited before the pod is ready
            for _, port in container.ports():
                found.append((workload, port))
    return found


def _declared_by_init_container(workloads: List[K8sObject], name: str) -> bool:
    return any(container.init and any(p.get("name") == name for _, p in container.ports())
               for w in workloads if w.pod_template is not None for container in w.pod_template.containers())


def _workloads_text(workloads: List[K8sObject], limit: int = 3) -> str:
    distinct = list(dict.fromkeys(_workload_text(w) for w in workloads))
    names = distinct[:limit]
    more = f" and {len(distinct) - limit} more" if len(distinct) > limit else ""
    return ", ".join(names) + more


class ServiceTargetPortNameMissing(Rule):
    """A named targetPort that no selected container declares."""

    id = "KL314"
    name = "service-target-port-name-missing"
    severity = Severity.ERROR
    summary = "A named targetPort is not declared by any container of the selected pods."
    kinds = SERVICE
    doc = RuleDoc(
        what="For a Service whose selector matches pod templates in the set, reports a named "
             "spec.ports[].targetPort that no container (or sidecar) of those templates declares in "
             "ports[].name with the same protocol.",
        why="A named target port is looked up in each pod; when no container declares it, the pod is not "
            "an endpoint for that port and no traffic reaches it.",
        failing="# Deployment container ports: [{name: http, containerPort: 8080}]\n"
                "ports:\n- port: 80\n  targetPort: web",
        passing="# Deployment container ports: [{name: http, containerPort: 8080}]\n"
                "ports:\n- port: 80\n  targetPort: http")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        workloads = selected_workloads(obj, ctx)
        if not workloads:
            return
        served = _served_ports(obj, ctx)
        for i, port in ports(obj):
            name = port.get("targetPort")
            protocol = port_protocol(port)
            if not isinstance(name, str) or name == "" or name.isdigit() or iana_svc_name(name) or protocol is None:
                continue  # numbers are KL315's; invalid names are KL301's
            matches = [p for _, p in served if p.get("name") == name]
            if any(p.get("protocol") == protocol for p in matches):
                continue
            pointer: Pointer = ("spec", "ports", i, "targetPort")
            selected = _workloads_text(workloads)
            if matches:
                other = sorted({str(p.get("protocol")) for p in matches})
                yield Report(pointer, f"{dotted(pointer)}: \"{name}\" is declared by the selected pods ({selected}) "
                                      f"only for {'/'.join(other)}, but this port's protocol is {protocol}: "
                                      f"no traffic reaches the pods")
                continue
            names = sorted({p["name"] for _, p in served if isinstance(p.get("name"), str)})
            known = f"; they declare {', '.join(names)}" if names else "; they declare no named ports"
            if _declared_by_init_container(workloads, name):
                known += " (an init container declares it, but init containers exit before the pod serves)"
            yield Report(pointer, f"{dotted(pointer)}: no container of the selected pods ({selected}) declares a "
                                  f"port named \"{name}\"{known}: no traffic reaches the pods")


class ServiceTargetPortUndeclared(Rule):
    """A numeric targetPort that no selected container declares."""

    id = "KL315"
    name = "service-target-port-undeclared"
    severity = Severity.WARNING
    summary = "A numeric targetPort is not declared as a containerPort by the selected pods."
    kinds = SERVICE
    options = {"report-when-none-declared": False}
    doc = RuleDoc(
        what="For a Service whose selector matches pod templates in the set, reports a numeric "
             "spec.ports[].targetPort (or the port it defaults to) that no container (or sidecar) of those "
             "templates declares as containerPort with the same protocol, while they declare other ports "
             "of that protocol. Pods that declare no ports of that protocol at all are reported only with "
             "the option report-when-none-declared: true.",
        why="containerPort declarations are informational, so traffic still flows if the process listens "
            "there; but a mismatch usually means the Service points at the wrong port, and declaring the "
            "port documents it.",
        failing="# Deployment container ports: [{containerPort: 8080}]\nports:\n- port: 80",
        passing="# Deployment container ports: [{containerPort: 8080}]\nports:\n- port: 80\n  targetPort: 8080")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        workloads = selected_workloads(obj, ctx)
        if not workloads:
            return
        served = _served_ports(obj, ctx)
        declared = {(p.get("containerPort"), p.get("protocol")) for _, p in served}
        for i, port in ports(obj):
            number = int_or_none(target_port(port))
            protocol = port_protocol(port)
            if number is None or not 1 <= number <= 65535 or protocol is None:
                continue
            if (number, protocol) in declared:
                continue
            written = target_port_written(obj, i)
            pointer: Pointer = ("spec", "ports", i, "targetPort" if written else "port")
            what = f"targetPort {number}" if written else f"targetPort (defaults to port {number})"
            others = sorted({p["containerPort"] for _, p in served
                             if is_int(p.get("containerPort")) and p.get("protocol") == protocol})
            if not others and not ctx.option("report-when-none-declared"):
                continue  # the pods document no ports at all: nothing contradicts this one
            known = (f"; they declare {protocol} {', '.join(str(n) for n in others)}" if others
                     else f"; they declare no {protocol} ports")
            yield Report(pointer, f"{dotted(('spec', 'ports', i))}: {what} is not declared by any container of the "
                                  f"selected pods ({_workloads_text(workloads)}) as a {protocol} containerPort"
                                  f"{known}; traffic still reaches the pods if they listen on {number} "
                                  f"(declaring it documents it)")
