"""API-server defaults, applied before rules run so no rule reports a field the server fills.

Only defaults that rules depend on are applied (Service type and protocols, targetPort,
container port protocols, restartPolicy, Deployment strategy). The input is never mutated: changed parts
are copied.
"""

from __future__ import annotations

from typing import Any, Dict


def with_defaults(obj: Dict[str, Any]) -> Dict[str, Any]:
    kind = obj.get("kind")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return obj
    if kind == "Service":
        return {**obj, "spec": _service_spec(spec)}
    if kind == "Deployment":
        spec = _deployment_spec(spec)
    template_path = _TEMPLATE_SPEC.get(kind)
    if template_path is not None:
        spec = _with_pod_defaults(spec, template_path)
        return {**obj, "spec": spec}
    if kind == "Pod":
        return {**obj, "spec": _pod_spec(spec)}
    return obj


# Path from a workload's spec to its pod template's spec.
_TEMPLATE_SPEC = {
    "Deployment": ("template", "spec"),
    "StatefulSet": ("template", "spec"),
    "DaemonSet": ("template", "spec"),
    "ReplicaSet": ("template", "spec"),
    "ReplicationController": ("template", "spec"),
    "Job": ("template", "spec"),
    "CronJob": ("jobTemplate", "spec", "template", "spec"),
}


def _with_pod_defaults(spec: Dict[str, Any], path: tuple) -> Dict[str, Any]:
    head, rest = path[0], path[1:]
    child = spec.get(head)
    if not isinstance(child, dict):
        return spec
    return {**spec, head: _pod_spec(child) if not rest else _with_pod_defaults(child, rest)}


def _service_spec(spec: Dict[str, Any]) -> Dict[str, Any]:
    spec = dict(spec)
    if spec.get("type") is None:
        spec["type"] = "ClusterIP"
    if spec.get("sessionAffinity") is None:
        spec["sessionAffinity"] = "None"
    ports = spec.get("ports")
    if isinstance(ports, list):
        defaulted = []
        for port in ports:
            if isinstance(port, dict):
                port = dict(port)
                if port.get("protocol") is None:
                    port["protocol"] = "TCP"
                if port.get("targetPort") is None and port.get("port") is not None:
                    port["targetPort"] = port["port"]
            defaulted.append(port)
        spec["ports"] = defaulted
    return spec


def _deployment_spec(spec: Dict[str, Any]) -> Dict[str, Any]:
    spec = dict(spec)
    strategy = spec.get("strategy")
    strategy = dict(strategy) if isinstance(strategy, dict) else {}
    if strategy.get("type") is None:
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        rolling = dict(rolling) if isinstance(rolling, dict) else {}
        for key in ("maxSurge", "maxUnavailable"):
            if rolling.get(key) is None:  # an explicit null is defaulted too
                rolling[key] = "25%"
        strategy["rollingUpdate"] = rolling
    spec["strategy"] = strategy
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    return spec


def _pod_spec(spec: Dict[str, Any]) -> Dict[str, Any]:
    spec = dict(spec)
    if spec.get("restartPolicy") is None:
        spec["restartPolicy"] = "Always"
    for group in ("initContainers", "containers", "ephemeralContainers"):
        containers = spec.get(group)
        if isinstance(containers, list):
            spec[group] = [_container(c) if isinstance(c, dict) else c for c in containers]
    return spec


def _container(container: Dict[str, Any]) -> Dict[str, Any]:
    ports = container.get("ports")
    if not isinstance(ports, list):
        return container
    defaulted = []
    for port in ports:
        if isinstance(port, dict) and port.get("protocol") is None:
            port = {**port, "protocol": "TCP"}
        defaulted.append(port)
    return {**container, "ports": defaulted}
