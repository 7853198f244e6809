"""Deterministic corpora of realistic Kubernetes app stacks for the benchmarks.

Every file is one small app stack written as people write multi-document YAML. The same
arguments always give the same bytes: all randomness comes from `random.Random` instances
seeded from the arguments (string seeds hash with SHA-512, so they do not depend on
PYTHONHASHSEED), never from the global generator or the clock.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

try:  # run as a script from benchmarks/ or imported as a module by path
    from yamlemit import Comments, Octal, Quoted, Style, emit_document
except ImportError:  # pragma: no cover - imported as benchmarks.corpus
    from .yamlemit import Comments, Octal, Quoted, Style, emit_document

__all__ = [
    "generate",
    "generate_realworld",
    "generate_one_namespace_services",
    "write_single_file",
    "Doc",
    "DEFECTS",
]

TEAMS = ["shop", "payments", "search", "auth", "billing", "catalog", "checkout", "media", "analytics", "notify"]
STAGES = ["dev", "qa", "staging", "prod", "sandbox"]
NAMESPACES = [f"{t}-{s}" for s in STAGES for t in TEAMS]  # 50

NODE_PORT_MIN, NODE_PORT_MAX = 30000, 32767

Obj = dict[str, Any]


@dataclass
class Doc:
    """One YAML document: the object plus how it is written (comments)."""

    obj: Obj
    comments: Comments = field(default_factory=Comments)
    header: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _labels(app: str, component: str, team: str, style: int) -> tuple[dict[str, str], dict[str, str]]:
    """(all labels, selector labels). Two common conventions: recommended labels or plain app/tier."""
    if style == 0:
        selector = {"app.kubernetes.io/name": app, "app.kubernetes.io/component": component}
        labels = dict(selector)
        labels["app.kubernetes.io/part-of"] = team
        labels["app.kubernetes.io/managed-by"] = "kubectl"
    else:
        selector = {"app": app, "tier": component}
        labels = dict(selector)
        labels["team"] = team
    return labels, selector


def _meta(name: str, ns: str | None, labels: dict[str, str], annotations: dict[str, str] | None = None) -> Obj:
    m: Obj = {"name": name}
    if ns is not None:
        m["namespace"] = ns
    m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    return m


def _version(rng: random.Random) -> str:
    return f"{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 12)}"


def _quantity_cpu(m: int) -> str:
    return f"{m // 1000}" if m % 1000 == 0 else f"{m}m"


def _quantity_mem(mi: int) -> str:
    return f"{mi // 1024}Gi" if mi % 1024 == 0 else f"{mi}Mi"


def _resources(rng: random.Random, size: str) -> Obj:
    cpu_req = {"s": rng.choice([50, 100, 100, 200]), "m": rng.choice([250, 250, 500]), "l": rng.choice([500, 1000])}[size]
    mem_req = {"s": rng.choice([64, 128, 128]), "m": rng.choice([256, 512]), "l": rng.choice([1024, 2048])}[size]
    cpu_lim = cpu_req * rng.choice([2, 2, 4])
    mem_lim = mem_req * rng.choice([1, 2, 2])
    return {
        "requests": {"cpu": _quantity_cpu(cpu_req), "memory": _quantity_mem(mem_req)},
        "limits": {"cpu": _quantity_cpu(cpu_lim), "memory": _quantity_mem(mem_lim)},
    }


def _container_security() -> Obj:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def _pod_security(rng: random.Random) -> Obj:
    sc: Obj = {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001}
    if rng.random() < 0.6:
        sc["fsGroup"] = 10001
    sc["seccompProfile"] = {"type": "RuntimeDefault"}
    return sc


def pod_spec(obj: Obj) -> Obj | None:
    """The pod spec of a workload object, or None."""
    kind = obj.get("kind")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
        tmpl = spec.get("template")
    elif kind == "CronJob":
        tmpl = spec.get("jobTemplate", {}).get("spec", {}).get("template")
    elif kind == "Pod":
        return spec
    else:
        return None
    return tmpl.get("spec") if isinstance(tmpl, dict) else None


def pod_template_labels(obj: Obj) -> dict[str, str] | None:
    kind = obj.get("kind")
    spec = obj.get("spec", {})
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
        tmpl = spec.get("template", {})
    elif kind == "CronJob":
        tmpl = spec.get("jobTemplate", {}).get("spec", {}).get("template", {})
    else:
        return None
    return tmpl.get("metadata", {}).get("labels", {})


# --------------------------------------------------------------------------- the stack builder


@dataclass
class _Component:
    name: str  # object name, e.g. app-0042-web
    role: str  # web, api, worker, db, cache, agent, cron, job
    kind: str
    labels: dict[str, str]
    selector: dict[str, str]
    ports: list[tuple[str, int]]  # declared container ports (name, number) of the main container
    replicas: int = 1


class _Stack:
    """Builds the objects of one app stack in dependency order (referenced objects first)."""

    def __init__(self, rng: random.Random, index: int, ns: str, team: str, with_namespace: bool) -> None:
        self.rng = rng
        self.index = index
        self.app = f"app-{index:04d}"
        self.ns = ns
        self.team = team
        self.label_style = 0 if rng.random() < 0.7 else 1
        self.docs: list[Doc] = []
        self.with_namespace = with_namespace
        self.config_keys: list[str] = []
        self.secret_keys: list[str] = []
        self.has_files_cm = False
        self.pull_secret: str | None = None
        self.registry = rng.choice(["ghcr.io/example", "registry.example.com/" + team, "quay.io/example", "docker.io/example"])

    # -- small helpers
    def add(self, obj: Obj, header: str | None = None) -> Doc:
        d = Doc(obj)
        if header and self.rng.random() < 0.35:
            d.header.append(header)
        self.docs.append(d)
        return d

    def labels(self, component: str) -> tuple[dict[str, str], dict[str, str]]:
        return _labels(self.app, component, self.team, self.label_style)

    # -- supporting objects
    def namespace(self) -> None:
        labels = {"kubernetes.io/metadata.name": self.ns, "team": self.team}
        if self.rng.random() < 0.5:
            labels["pod-security.kubernetes.io/enforce"] = "restricted"
        self.add({"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(self.ns, None, labels)}, f"Namespace for the {self.team} team")

    def configmap(self) -> None:
        rng = self.rng
        labels, _ = self.labels("config")
        data: dict[str, str] = {
            "LOG_LEVEL": rng.choice(["info", "info", "warn", "debug"]),
            "LOG_FORMAT": "json",
            "HTTP_TIMEOUT_SECONDS": Quoted(str(rng.choice([5, 10, 30]))),
            "UPSTREAM_URL": f"http://{self.app}-api.{self.ns}.svc.cluster.local:80",
        }
        if rng.random() < 0.5:
            data["FEATURE_NEW_CHECKOUT"] = Quoted(rng.choice(["true", "false"]))
        if rng.random() < 0.3:
            data["CACHE_TTL"] = rng.choice(["30s", "5m", "1h"])
        self.config_keys = list(data)
        self.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(f"{self.app}-config", self.ns, labels), "data": data})

    def files_configmap(self) -> None:
        rng = self.rng
        labels, _ = self.labels("config")
        props = (
            f"server.port=8080\n"
            f"management.port=9090\n"
            f"app.name={self.app}\n"
            f"app.pool.size={rng.choice([8, 16, 32])}\n"
            f"app.retry.max={rng.randint(2, 6)}\n"
        )
        data: dict[str, str] = {"application.properties": props}
        if rng.random() < 0.5:
            data["logback.xml"] = (
                "<configuration>\n"
                '  <appender name="json" class="ch.qos.logback.core.ConsoleAppender">\n'
                '    <encoder class="net.logstash.logback.encoder.LogstashEncoder"/>\n'
                "  </appender>\n"
                f'  <root level="{rng.choice(["INFO", "WARN"])}">\n'
                '    <appender-ref ref="json"/>\n'
                "  </root>\n"
                "</configuration>\n"
            )
        self.has_files_cm = True
        self.add({"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(f"{self.app}-files", self.ns, labels), "data": data}, "Files mounted into the containers")

    def _placeholder(self, name: str) -> str:
        # Values are filled in at deploy time (Flux postBuild substitution, envsubst): a
        # clean repository commits no secret values, which kubelint would rightly report.
        return "${" + f"{self.app.replace('-', '_').upper()}_{name}" + "}"

    def secret(self) -> None:
        rng = self.rng
        labels, _ = self.labels("config")
        keys = ["DB_USER", "DB_PASSWORD", "API_KEY"]
        if rng.random() < 0.3:
            keys.append("SENTRY_DSN")
        self.secret_keys = keys
        obj: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": _meta(f"{self.app}-secrets", self.ns, labels), "type": "Opaque"}
        obj["stringData"] = {k: self._placeholder(k) for k in keys}
        d = self.add(obj)
        if rng.random() < 0.3:
            d.header.append("Values are substituted at deploy time from the vault sync job")

    def pull_secret_obj(self) -> None:
        labels, _ = self.labels("config")
        self.pull_secret = f"{self.app}-regcred"
        self.add({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": _meta(self.pull_secret, self.ns, labels),
            "type": "kubernetes.io/dockerconfigjson",
            "stringData": {".dockerconfigjson": self._placeholder("DOCKERCONFIGJSON")},
        })

    def tls_secret(self, name: str) -> None:
        labels, _ = self.labels("config")
        self.add({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": _meta(name, self.ns, labels),
            "type": "kubernetes.io/tls",
            "stringData": {"tls.crt": self._placeholder("TLS_CRT"), "tls.key": self._placeholder("TLS_KEY")},
        })

    def service_account(self) -> None:
        labels, _ = self.labels("identity")
        obj: Obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(self.app, self.ns, labels)}
        if self.rng.random() < 0.5:
            obj["automountServiceAccountToken"] = False
        self.add(obj)

    def rbac(self) -> None:
        rng = self.rng
        labels, _ = self.labels("identity")
        rules: list[Obj] = [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]
        if rng.random() < 0.5:
            rules.append({"apiGroups": [""], "resources": ["secrets"], "resourceNames": [f"{self.app}-secrets"], "verbs": ["get"]})
        if rng.random() < 0.3:
            rules.append({"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]})
        name = f"{self.app}-reader"
        self.add({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": _meta(name, self.ns, labels), "rules": rules})
        self.add({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": _meta(name, self.ns, labels),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": self.app, "namespace": self.ns}],
        })

    # -- containers and pod specs
    def _image(self, role: str) -> str:
        rng = self.rng
        if role == "db":
            return rng.choice(["postgres:16.4", "postgres:15.8-alpine", "mysql:8.4.2"])
        if role == "cache":
            return rng.choice(["redis:7.4.1", "redis:7.2.5-alpine", "memcached:1.6.29"])
        if role == "agent":
            return rng.choice(["prom/node-exporter:v1.8.2", "fluent/fluent-bit:3.1.9"])
        image = f"{self.registry}/{self.app}-{role}:v{_version(rng)}"
        if rng.random() < 0.1:
            image += "@sha256:" + rng.randbytes(32).hex()
        return image

    def _env(self, role: str) -> list[Obj]:
        rng = self.rng
        env: list[Obj] = [{"name": "PORT", "value": "8080"}] if role in ("web", "api") else []
        env.append({"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}})
        if rng.random() < 0.5:
            env.append({"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}})
        if self.secret_keys and role != "agent":
            env.append({"name": "DATABASE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{self.app}-secrets", "key": "DB_PASSWORD"}}})
        if self.config_keys and rng.random() < 0.5:
            env.append({"name": "APP_LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": f"{self.app}-config", "key": "LOG_LEVEL"}}})
        if rng.random() < 0.4:
            env.append({"name": "GOMAXPROCS", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}}})
        if rng.random() < 0.4:
            env.append({"name": "OTEL_SERVICE_NAME", "value": f"{self.app}-{role}"})
        return env

    def _probe(self, role: str, ports: list[tuple[str, int]], liveness: bool) -> Obj:
        rng = self.rng
        port = ports[0][0]
        if role == "db":
            probe: Obj = {"tcpSocket": {"port": port}}
        elif role == "cache":
            probe = {"tcpSocket": {"port": port}}
        else:
            probe = {"httpGet": {"path": "/livez" if liveness else "/readyz", "port": port}}
        probe["initialDelaySeconds"] = rng.choice([5, 10, 15]) * (2 if liveness else 1)
        probe["periodSeconds"] = rng.choice([10, 15, 20])
        if rng.random() < 0.5:
            probe["timeoutSeconds"] = rng.choice([1, 2, 3])
        if liveness:
            probe["failureThreshold"] = 3
        return probe

    def container(self, role: str, ports: list[tuple[str, int]], mounts: list[Obj], probes: bool, size: str) -> Obj:
        rng = self.rng
        c: Obj = {"name": role, "image": self._image(role)}
        if rng.random() < 0.6:
            c["imagePullPolicy"] = "IfNotPresent"
        if role in ("cron", "job"):
            if rng.random() < 0.5:
                c["command"] = ["/bin/sh", "-c"]
                c["args"] = [f"set -eu\necho \"starting {self.app} {role}\"\n/app/bin/{role} --once --timeout=300s\n"]
            else:
                c["args"] = ["--once", f"--config=/etc/{self.app}/application.properties"]
        elif role == "worker" and rng.random() < 0.5:
            c["args"] = ["--queue", f"{self.app}-jobs", "--concurrency", "4"]
        if ports:
            c["ports"] = [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports]
        env = self._env(role)
        if env:
            c["env"] = env
        env_from: list[Obj] = []
        if self.config_keys and role not in ("db", "cache", "agent"):
            env_from.append({"configMapRef": {"name": f"{self.app}-config"}})
        if self.secret_keys and role not in ("db", "cache", "agent") and rng.random() < 0.5:
            env_from.append({"secretRef": {"name": f"{self.app}-secrets"}})
        if env_from:
            c["envFrom"] = env_from
        c["resources"] = _resources(rng, size)
        if probes and ports:
            c["readinessProbe"] = self._probe(role, ports, liveness=False)
            c["livenessProbe"] = self._probe(role, ports, liveness=True)
        if mounts:
            c["volumeMounts"] = mounts
        c["securityContext"] = _container_security()
        return c

    def pod_spec(self, role: str, ports: list[tuple[str, int]], probes: bool, size: str, extra_mounts: list[Obj] | None = None, restart: str | None = None) -> Obj:
        rng = self.rng
        volumes: list[Obj] = [{"name": "tmp", "emptyDir": {}}]
        mounts: list[Obj] = [{"name": "tmp", "mountPath": "/tmp"}]
        if self.has_files_cm and role not in ("db", "cache", "agent"):
            volumes.append({"name": "config", "configMap": {"name": f"{self.app}-files"}})
            mounts.append({"name": "config", "mountPath": f"/etc/{self.app}", "readOnly": True})
        if self.secret_keys and role in ("web", "api") and rng.random() < 0.4:
            volumes.append({"name": "secrets", "secret": {"secretName": f"{self.app}-secrets", "defaultMode": Octal(0o440)}})
            mounts.append({"name": "secrets", "mountPath": "/etc/secrets", "readOnly": True})
        mounts.extend(extra_mounts or [])
        spec: Obj = {}
        if restart:
            spec["restartPolicy"] = restart
        spec["serviceAccountName"] = self.app
        if self.pull_secret:
            spec["imagePullSecrets"] = [{"name": self.pull_secret}]
        spec["securityContext"] = _pod_security(rng)
        containers = [self.container(role, ports, mounts, probes, size)]
        if role in ("web", "api") and rng.random() < 0.15:
            containers.append({
                "name": "log-shipper",
                "image": rng.choice(["fluent/fluent-bit:3.1.9", "timberio/vector:0.41.1-distroless-libc"]),
                "ports": [{"name": "shipper-http", "containerPort": 2020, "protocol": "TCP"}],
                "resources": _resources(rng, "s"),
                "readinessProbe": {"httpGet": {"path": "/api/v1/health", "port": "shipper-http"}, "periodSeconds": 30},
                "livenessProbe": {"httpGet": {"path": "/api/v1/health", "port": "shipper-http"}, "periodSeconds": 30, "failureThreshold": 3},
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                "securityContext": _container_security(),
            })
        spec["containers"] = containers
        if role in ("web", "api") and rng.random() < 0.2:
            spec["initContainers"] = [{
                "name": "wait-for-config",
                "image": "busybox:1.36.1",
                "command": ["sh", "-c", "test -d /tmp"],
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "50m", "memory": "32Mi"}},
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                "securityContext": _container_security(),
            }]
        spec["volumes"] = volumes
        if rng.random() < 0.3:
            spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
        if rng.random() < 0.5:
            spec["terminationGracePeriodSeconds"] = rng.choice([30, 45, 60])
        return spec

    def _template(self, labels: dict[str, str], spec: Obj) -> Obj:
        meta: Obj = {"labels": dict(labels)}
        if self.rng.random() < 0.3:
            meta["annotations"] = {"prometheus.io/scrape": Quoted("true"), "prometheus.io/port": Quoted("9090")}
        return {"metadata": meta, "spec": spec}

    # -- workloads
    def deployment(self, role: str, hpa: bool, size: str = "m") -> _Component:
        rng = self.rng
        labels, selector = self.labels(role)
        ports = [("http", 8080)]
        if rng.random() < 0.6:
            ports.append(("metrics", 9090))
        if role == "worker":
            ports = [("metrics", 9090)]
        name = f"{self.app}-{role}"
        replicas = rng.choice([2, 3, 3, 4])
        spec: Obj = {}
        if not hpa:
            spec["replicas"] = replicas
        spec["revisionHistoryLimit"] = rng.choice([3, 5, 10])
        spec["selector"] = {"matchLabels": dict(selector)}
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": rng.choice(["25%", 1]), "maxUnavailable": 0}}
        pspec = self.pod_spec(role, ports, probes=True, size=size)
        if rng.random() < 0.3:
            pspec["topologySpreadConstraints"] = [{
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": dict(selector)},
            }]
        spec["template"] = self._template(labels, pspec)
        d = self.add({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(name, self.ns, labels), "spec": spec})
        if hpa and rng.random() < 0.5:
            d.comments.above[("spec", "revisionHistoryLimit")] = "replicas is owned by the HorizontalPodAutoscaler"
        if rng.random() < 0.25:
            d.comments.inline[("spec", "template", "spec", "containers", 0, "image")] = "bumped by renovate"
        if rng.random() < 0.2:
            d.comments.above[("spec", "template", "spec", "containers", 0, "resources")] = "sized from the last load test"
        return _Component(name, role, "Deployment", labels, selector, ports, 2 if hpa else replicas)

    def statefulset(self, role: str) -> _Component:
        rng = self.rng
        labels, selector = self.labels(role)
        port = ("postgres", 5432) if role == "db" else ("redis", 6379)
        ports = [port]
        name = f"{self.app}-{role}"
        replicas = rng.choice([1, 3, 3])
        mounts = [{"name": "data", "mountPath": "/var/lib/data"}]
        pspec = self.pod_spec(role, ports, probes=True, size="l" if role == "db" else "m", extra_mounts=mounts)
        spec: Obj = {
            "serviceName": f"{name}-headless",
            "replicas": replicas,
            "selector": {"matchLabels": dict(selector)},
        }
        if rng.random() < 0.4:
            spec["podManagementPolicy"] = "Parallel"
        spec["template"] = self._template(labels, pspec)
        pvc: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": rng.choice(["5Gi", "10Gi", "20Gi", "50Gi"])}}}
        if rng.random() < 0.6:
            pvc["storageClassName"] = rng.choice(["standard", "fast-ssd", "gp3"])
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": pvc}]
        if rng.random() < 0.3:
            spec["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Retain", "whenScaled": "Retain"}
        self.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": _meta(name, self.ns, labels), "spec": spec})
        return _Component(name, role, "StatefulSet", labels, selector, ports, replicas)

    def daemonset(self) -> _Component:
        rng = self.rng
        labels, selector = self.labels("agent")
        ports = [("metrics", 9100)]
        name = f"{self.app}-agent"
        pspec = self.pod_spec("agent", ports, probes=True, size="s")
        pspec["tolerations"] = [{"operator": "Exists", "effect": "NoSchedule"}]
        spec: Obj = {
            "selector": {"matchLabels": dict(selector)},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": rng.choice([1, "10%"])}},
            "template": self._template(labels, pspec),
        }
        self.add({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": _meta(name, self.ns, labels), "spec": spec}, "Runs on every node")
        return _Component(name, "agent", "DaemonSet", labels, selector, ports, 1)

    def cronjob(self) -> _Component:
        rng = self.rng
        labels, selector = self.labels("cron")
        name = f"{self.app}-cron"
        pspec = self.pod_spec("cron", [], probes=False, size="s", restart="OnFailure")
        spec: Obj = {"schedule": Quoted(rng.choice(["*/15 * * * *", "0 3 * * *", "30 1 * * 0", "0 */6 * * *"]))}
        if rng.random() < 0.4:
            spec["timeZone"] = rng.choice(["Etc/UTC", "Europe/Berlin", "America/New_York"])
        spec["concurrencyPolicy"] = "Forbid"
        spec["startingDeadlineSeconds"] = 300
        spec["successfulJobsHistoryLimit"] = 3
        spec["failedJobsHistoryLimit"] = 1
        spec["jobTemplate"] = {"spec": {"backoffLimit": 2, "activeDeadlineSeconds": 1800, "template": self._template(labels, pspec)}}
        d = self.add({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": _meta(name, self.ns, labels), "spec": spec})
        if rng.random() < 0.3:
            d.comments.inline[("spec", "concurrencyPolicy")] = "never two runs at once"
        return _Component(name, "cron", "CronJob", labels, selector, [], 1)

    def job(self) -> _Component:
        rng = self.rng
        labels, selector = self.labels("job")
        name = f"{self.app}-migrate"
        pspec = self.pod_spec("job", [], probes=False, size="s", restart="Never")
        spec: Obj = {"backoffLimit": rng.choice([1, 3, 4]), "ttlSecondsAfterFinished": 3600}
        if rng.random() < 0.5:
            spec["activeDeadlineSeconds"] = 900
        spec["template"] = self._template(labels, pspec)
        meta = _meta(name, self.ns, labels)
        if rng.random() < 0.5:
            meta["annotations"] = {"argocd.argoproj.io/hook": "PreSync"}
        self.add({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": spec}, "Schema migration, runs before each rollout")
        return _Component(name, "job", "Job", labels, selector, [], 1)

    # -- services and traffic
    def service(self, comp: _Component, kind: str = "ClusterIP", name: str | None = None) -> tuple[str, list[Obj]]:
        rng = self.rng
        name = name or comp.name
        ports: list[Obj] = []
        for pname, pnum in comp.ports:
            if kind == "Headless" or pname not in ("http",):
                svc_port = pnum
            else:
                svc_port = 80
            p: Obj = {"name": pname, "port": svc_port, "targetPort": pname, "protocol": "TCP"}
            if kind in ("NodePort", "LoadBalancer") and pname == "http":
                if kind == "NodePort" and self.index < NODE_PORT_MAX - NODE_PORT_MIN + 1 and rng.random() < 0.6:
                    p["nodePort"] = NODE_PORT_MIN + self.index
            ports.append(p)
        spec: Obj = {}
        if kind == "Headless":
            spec["clusterIP"] = "None"
            if rng.random() < 0.5:
                spec["publishNotReadyAddresses"] = True
        elif kind != "ClusterIP" or rng.random() < 0.5:
            spec["type"] = kind
        if kind in ("NodePort", "LoadBalancer") and rng.random() < 0.5:
            spec["externalTrafficPolicy"] = "Local"
        spec["selector"] = dict(comp.selector)
        spec["ports"] = ports
        meta = _meta(name, self.ns, comp.labels)
        if kind == "LoadBalancer" and rng.random() < 0.5:
            meta["annotations"] = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
        d = self.add({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
        if rng.random() < 0.15:
            d.comments.above[("spec", "selector")] = "must match the pod template labels"
        return name, ports

    def ingress(self, backends: list[tuple[str, str, list[Obj]]], tls: bool) -> None:
        """backends: (path, service name, service ports)."""
        rng = self.rng
        labels, _ = self.labels("ingress")
        host = f"{self.app}.{self.ns}.example.com"
        paths = []
        for path, svc, ports in backends:
            http = next(p for p in ports if p["name"] == "http")
            port = {"name": "http"} if rng.random() < 0.5 else {"number": http["port"]}
            paths.append({"path": path, "pathType": "Prefix", "backend": {"service": {"name": svc, "port": port}}})
        spec: Obj = {"ingressClassName": "nginx"}
        meta = _meta(f"{self.app}", self.ns, labels)
        if rng.random() < 0.4:
            meta["annotations"] = {"nginx.ingress.kubernetes.io/proxy-body-size": rng.choice(["1m", "8m", "50m"])}
        if tls:
            spec["tls"] = [{"hosts": [host], "secretName": f"{self.app}-tls"}]
        spec["rules"] = [{"host": host, "http": {"paths": paths}}]
        self.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec})

    def hpa(self, comp: _Component) -> None:
        rng = self.rng
        labels, _ = self.labels(comp.role)
        spec: Obj = {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": comp.kind, "name": comp.name},
            "minReplicas": 2,
            "maxReplicas": rng.choice([5, 10, 20]),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": rng.choice([60, 70, 80])}}}],
        }
        if rng.random() < 0.4:
            spec["metrics"].append({"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "400Mi"}}})
        if rng.random() < 0.3:
            spec["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": 300, "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}}
        self.add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": _meta(comp.name, self.ns, labels), "spec": spec})

    def pdb(self, comp: _Component) -> None:
        labels, _ = self.labels(comp.role)
        spec: Obj = {}
        if comp.replicas >= 3 and self.rng.random() < 0.5:
            spec["minAvailable"] = Quoted("50%") if self.rng.random() < 0.5 else 2
        else:
            spec["maxUnavailable"] = 1
        spec["selector"] = {"matchLabels": dict(comp.selector)}
        self.add({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(comp.name, self.ns, labels), "spec": spec})

    def network_policy(self, comp: _Component, from_ingress: bool, clients: list[_Component]) -> None:
        labels, _ = self.labels(comp.role)
        peers: list[Obj] = []
        if from_ingress:
            peers.append({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}})
        for c in clients:
            peers.append({"podSelector": {"matchLabels": dict(c.selector)}})
        peers.append({"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}})
        rule: Obj = {"from": peers}
        if comp.ports:
            rule["ports"] = [{"protocol": "TCP", "port": p} for _, p in comp.ports]
        spec: Obj = {"podSelector": {"matchLabels": dict(comp.selector)}, "policyTypes": ["Ingress"], "ingress": [rule]}
        self.add({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(comp.name, self.ns, labels), "spec": spec})

    def egress_policy(self, comp: _Component) -> None:
        labels, _ = self.labels(comp.role)
        spec: Obj = {
            "podSelector": {"matchLabels": dict(comp.selector)},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                 "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                {"to": [{"podSelector": {}}]},
            ],
        }
        self.add({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(f"{comp.name}-egress", self.ns, labels), "spec": spec})

    # -- whole stacks
    def build(self, kind: str) -> None:
        rng = self.rng
        if self.with_namespace:
            self.namespace()
        self.configmap()
        if kind in ("web", "api-worker", "edge") and rng.random() < 0.8:
            self.files_configmap()
        if kind != "agent":
            self.secret()
        if rng.random() < 0.2:
            self.pull_secret_obj()
        self.service_account()
        self.rbac()
        if kind == "web":
            hpa = rng.random() < 0.7
            web = self.deployment("web", hpa)
            tls = rng.random() < 0.5
            if tls:
                self.tls_secret(f"{self.app}-tls")
            _, ports = self.service(web, "ClusterIP")
            self.ingress([("/", web.name, ports)], tls)
            if hpa:
                self.hpa(web)
            self.pdb(web)
            self.network_policy(web, True, [])
            self.egress_policy(web)
            if rng.random() < 0.5:
                cache = self.statefulset("cache")
                self.service(cache, "Headless", f"{cache.name}-headless")
                self.network_policy(cache, False, [web])
        elif kind == "api-worker":
            api = self.deployment("api", hpa=True)
            worker = self.deployment("worker", hpa=False, size="s")
            tls = rng.random() < 0.5
            if tls:
                self.tls_secret(f"{self.app}-tls")
            _, ports = self.service(api, "ClusterIP")
            self.ingress([("/api", api.name, ports)], tls)
            self.hpa(api)
            self.pdb(api)
            self.network_policy(api, True, [worker])
            self.egress_policy(worker)
        elif kind == "edge":
            hpa = rng.random() < 0.5
            edge = self.deployment("web", hpa)
            self.service(edge, rng.choice(["NodePort", "LoadBalancer"]))
            if hpa:
                self.hpa(edge)
            self.pdb(edge)
            self.network_policy(edge, True, [])
            self.egress_policy(edge)
        elif kind == "db":
            db = self.statefulset("db")
            self.service(db, "Headless", f"{db.name}-headless")
            self.service(db, "ClusterIP")
            self.pdb(db)
            self.network_policy(db, False, [])
            if rng.random() < 0.5:
                # Its own policy, as the "job" stack has: the namespace has NetworkPolicies, and
                # a pod none selects is a KL708 warning (the clean corpus has no findings).
                self.egress_policy(self.job())
        elif kind == "agent":
            agent = self.daemonset()
            self.service(agent, "ClusterIP")
            self.network_policy(agent, False, [])
        elif kind == "cron":
            cron = self.cronjob()
            self.egress_policy(cron)
        elif kind == "job":
            job = self.job()
            self.egress_policy(job)
        else:  # pragma: no cover
            raise ValueError(kind)


STACK_KINDS = ["web", "api-worker", "edge", "db", "agent", "cron", "job"]
STACK_WEIGHTS = [34, 20, 10, 14, 6, 10, 6]


def _file_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"kubelint-corpus:{seed}:{index}")


def _style(rng: random.Random) -> Style:
    return Style(
        indent_sequences=rng.random() < 0.65,
        single_quotes=rng.random() < 0.15,
        flow_scalar_lists=rng.random() < 0.25,
    )


def _build_file(seed: int, index: int) -> tuple[str, list[Doc], Style, bool]:
    """(namespace, documents, style, leading ---) of file number `index`."""
    rng = _file_rng(seed, index)
    ns = NAMESPACES[index % len(NAMESPACES)]
    team = ns.split("-")[0]
    style = _style(rng)
    leading = rng.random() < 0.3
    kind = rng.choices(STACK_KINDS, STACK_WEIGHTS)[0]
    stack = _Stack(rng, index, ns, team, with_namespace=index < len(NAMESPACES))
    stack.build(kind)
    if rng.random() < 0.5:
        stack.docs[0].header.insert(0, f"{stack.app}: {kind} stack owned by team {team}")
    return ns, stack.docs, style, leading


def render(docs: list[Doc], style: Style, leading_marker: bool = False) -> str:
    parts: list[str] = []
    for i, d in enumerate(docs):
        chunk = "".join(f"# {h}\n" for h in d.header) + emit_document(d.obj, style, d.comments)
        if i > 0 or leading_marker:
            chunk = "---\n" + chunk
        parts.append(chunk)
    return "".join(parts)


# --------------------------------------------------------------------------- defects


def _containers(obj: Obj) -> list[Obj]:
    spec = pod_spec(obj)
    if not spec:
        return []
    return [c for c in spec.get("containers", []) if isinstance(c, dict)]


TYPOS = {
    "imagePullPolicy": "imagePullPolcy",
    "containerPort": "containerport",
    "replicas": "replica",
    "matchLabels": "matchlabels",
    "targetPort": "targetport",
    "serviceName": "serviceNmae",
    "mountPath": "mountpath",
    "readinessProbe": "readinesProbe",
    "livenessProbe": "livenesProbe",
    "initialDelaySeconds": "initialDelaySecond",
    "volumeMounts": "volumeMount",
    "envFrom": "envfrom",
    "serviceAccountName": "serviceAcountName",
    "labels": "lables",
    "annotations": "anotations",
    "minReplicas": "minReplica",
    "maxReplicas": "maxReplica",
    "averageUtilization": "averageUtilisation",
    "minAvailable": "minAvailble",
    "maxUnavailable": "maxUnavailble",
    "policyTypes": "policyType",
    "podSelector": "podSelecter",
    "verbs": "verb",
    "apiGroups": "apiGroup",
    "subjects": "subject",
    "roleRef": "roleref",
    "stringData": "stringdata",
    "schedule": "schedual",
    "concurrencyPolicy": "concurencyPolicy",
    "backoffLimit": "backOffLimit",
    "restartPolicy": "restartpolicy",
    "pathType": "pathtype",
    "ingressClassName": "ingressClassname",
    "secretName": "secretname",
    "automountServiceAccountToken": "automountServiceAccountTokens",
    "volumeClaimTemplates": "volumeClaimTemplate",
    "accessModes": "accessMode",
    "storageClassName": "storageclassName",
    "successfulJobsHistoryLimit": "successfulJobHistoryLimit",
}


def _key_sites(node: Any, keys: dict[str, str], out: list[tuple[dict[str, Any], str]]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys:
                out.append((node, k))
            _key_sites(v, keys, out)
    elif isinstance(node, list):
        for v in node:
            _key_sites(v, keys, out)


def _rename_key(d: dict[str, Any], old: str, new: str) -> None:
    items = list(d.items())
    d.clear()
    for k, v in items:
        d[new if k == old else k] = v


def _double(q: str) -> str:
    for unit in ("Mi", "Gi"):
        if q.endswith(unit):
            return f"{int(q[:-2]) * 2}{unit}"
    if q.endswith("m"):
        return f"{int(q[:-1]) * 2}m"
    return str(int(q) * 2)


@dataclass(frozen=True)
class Defect:
    """One realistic mistake: where it can go in an object, and how to make it there."""

    name: str
    description: str
    sites: Callable[[Obj], list[Any]]  # places in obj where the defect fits; empty if none
    apply: Callable[[Any, random.Random], None]  # mutates the object through one site


def _typo_sites(obj: Obj) -> list[Any]:
    sites: list[tuple[dict[str, Any], str]] = []
    _key_sites(obj, TYPOS, sites)
    return sites


def _typo(site: tuple[dict[str, Any], str], rng: random.Random) -> None:
    d, k = site
    _rename_key(d, k, TYPOS[k])


def _service_ports(obj: Obj) -> list[Obj]:
    return list(obj["spec"].get("ports") or []) if obj["kind"] == "Service" else []


def _string_port_sites(obj: Obj) -> list[Any]:
    return [(p, "port") for p in _service_ports(obj)] + [
        (p, "containerPort") for c in _containers(obj) for p in c.get("ports", [])
    ]


def _string_port(site: tuple[Obj, str], rng: random.Random) -> None:
    p, key = site
    p[key] = str(p[key])


def _selector_sites(obj: Obj) -> list[Any]:
    if obj["kind"] != "Service" or not obj["spec"].get("selector"):
        return []
    return [(obj["spec"]["selector"], k) for k in obj["spec"]["selector"]]


def _selector(site: tuple[dict[str, str], str], rng: random.Random) -> None:
    sel, key = site
    sel[key] = sel[key] + rng.choice(["-v2", "-old", "s"])


def _target_port_sites(obj: Obj) -> list[Any]:
    return [p for p in _service_ports(obj) if isinstance(p.get("targetPort"), str)]


def _target_port(p: Obj, rng: random.Random) -> None:
    p["targetPort"] = {"http": "htpp", "metrics": "metric", "postgres": "postgresql", "redis": "resp"}.get(p["targetPort"], "web")


def _ingress_sites(obj: Obj) -> list[Any]:
    if obj["kind"] != "Ingress":
        return []
    return [path["backend"]["service"] for rule in obj["spec"]["rules"] for path in rule["http"]["paths"]]


def _ingress(svc: Obj, rng: random.Random) -> None:
    svc["name"] = rng.choice([svc["name"] + "-svc", svc["name"].rsplit("-", 1)[0] + "-frontend"])


def _limits_sites(obj: Obj) -> list[Any]:
    return [(c["resources"], k) for c in _containers(obj) for k in c.get("resources", {}).get("limits", {})]


def _limits(site: tuple[Obj, str], rng: random.Random) -> None:
    res, which = site
    res["requests"][which] = _double(res["limits"][which])


def _image_sites(obj: Obj) -> list[Any]:
    return _containers(obj)


def _latest(c: Obj, rng: random.Random) -> None:
    repo = c["image"].split("@")[0].rsplit(":", 1)[0]
    c["image"] = f"{repo}:latest" if rng.random() < 0.8 else "nginx:latest"


def _node_port_sites(obj: Obj) -> list[Any]:
    if obj["kind"] != "Service" or obj["spec"].get("type") not in ("NodePort", "LoadBalancer"):
        return []
    return _service_ports(obj)[:1]


def _node_port(p: Obj, rng: random.Random) -> None:
    p["nodePort"] = rng.choice([80, 443, 8080, 29999, 32768, 40000])


def _env_sites(obj: Obj) -> list[Any]:
    return [c["env"] for c in _containers(obj) if c.get("env")]


def _dup_env(env: list[Obj], rng: random.Random) -> None:
    first = rng.choice(env)
    env.append({"name": first["name"], "value": rng.choice(["debug", "1", "override"])})


def _mount_sites(obj: Obj) -> list[Any]:
    return [c["volumeMounts"] for c in _containers(obj) if c.get("volumeMounts")]


def _mount(mounts: list[Obj], rng: random.Random) -> None:
    if rng.random() < 0.5:
        m = rng.choice(mounts)
        m["name"] = m["name"] + "-vol"
    else:
        mounts.append({"name": "cache", "mountPath": "/var/cache/app"})


DEFECTS: list[Defect] = [
    Defect("typo", "a typo'd field name (imagePullPolcy)", _typo_sites, _typo),
    Defect("string_port", 'a quoted port ("80") where an integer is required', _string_port_sites, _string_port),
    Defect("selector_matches_nothing", "a Service selector that matches no pod", _selector_sites, _selector),
    Defect("undeclared_target_port", "a Service targetPort naming no declared containerPort", _target_port_sites, _target_port),
    Defect("ingress_missing_service", "an Ingress backend naming a missing Service", _ingress_sites, _ingress),
    Defect("requests_over_limits", "container requests greater than limits", _limits_sites, _limits),
    Defect("latest_tag", "image with the latest tag", _image_sites, _latest),
    Defect("node_port_range", "a nodePort outside 30000-32767", _node_port_sites, _node_port),
    Defect("duplicate_env", "the same env var twice in a container", _env_sites, _dup_env),
    Defect("mount_without_volume", "a volumeMount naming no volume", _mount_sites, _mount),
]
DEFECTS_BY_NAME = {d.name: d for d in DEFECTS}


def plan_defects(objects: list[Obj], k: int, rng: random.Random) -> dict[int, str]:
    """Choose k distinct object indices and one defect for each.

    The defect types take turns, each picking a random object it fits that is not yet
    taken, so every type is well represented (a uniform pick would be mostly typos, since
    most kinds only admit a typo).
    """
    pools: dict[str, list[int]] = {d.name: [] for d in DEFECTS}
    for i, o in enumerate(objects):
        for d in DEFECTS:
            if d.sites(o):
                pools[d.name].append(i)
    for pool in pools.values():
        rng.shuffle(pool)
    plan: dict[int, str] = {}
    turn = [d.name for d in DEFECTS]
    while len(plan) < k and turn:
        for name in list(turn):
            if len(plan) == k:
                break
            pool = pools[name]
            while pool and pool[-1] in plan:
                pool.pop()
            if not pool:
                turn.remove(name)
                continue
            plan[pool.pop()] = name
    if len(plan) < k:  # pragma: no cover - every object admits a typo
        raise ValueError(f"only {len(plan)} of {k} objects can take a defect")
    return plan


def inject_defect(obj: Obj, name: str, rng: random.Random) -> None:
    """Give obj the named defect at one of its sites."""
    d = DEFECTS_BY_NAME[name]
    d.apply(rng.choice(d.sites(obj)), rng)


# --------------------------------------------------------------------------- writers


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(out_dir: str | Path, files: int = 500, seed: int = 0, defect_rate: float = 0.0, scale: int = 1) -> dict[str, Any]:
    """Write `files * scale` stack files under out_dir/<namespace>/app-NNNN.yaml.

    With defect_rate > 0, exactly round(defect_rate * objects) objects, chosen with a seeded
    generator, get one defect each; every other object is byte-identical in meaning to the
    clean corpus of the same seed. Returns counts (files, objects, kinds, defects).
    """
    out = Path(out_dir)
    n_files = files * scale
    plan: dict[int, str] = {}
    if defect_rate > 0:
        every = [d.obj for i in range(n_files) for d in _build_file(seed, i)[1]]
        k = int(round(defect_rate * len(every)))
        plan = plan_defects(every, k, random.Random(f"kubelint-defects:{seed}:{defect_rate}:{n_files}"))
        del every
    obj_index = 0
    kinds: dict[str, int] = {}
    defect_counts: dict[str, int] = {}
    defect_list: list[list[str]] = []
    for i in range(n_files):
        ns, docs, style, leading = _build_file(seed, i)
        for d in docs:
            kinds[d.obj["kind"]] = kinds.get(d.obj["kind"], 0) + 1
            name = plan.get(obj_index)
            if name:
                inject_defect(d.obj, name, random.Random(f"kubelint-defect:{seed}:{obj_index}"))
                defect_counts[name] = defect_counts.get(name, 0) + 1
                meta = d.obj["metadata"]
                defect_list.append([f"{ns}/app-{i:04d}.yaml", d.obj["kind"], meta.get("namespace", ""), meta["name"], name])
            obj_index += 1
        _write(out / ns / f"app-{i:04d}.yaml", render(docs, style, leading))
    return {
        "files": n_files,
        "objects": obj_index,
        "kinds": dict(sorted(kinds.items())),
        "defects": dict(sorted(defect_counts.items())),
        "defective_objects": len(plan),
        # [file relative to out_dir, kind, namespace, name, defect] of each defective object
        "defect_list": defect_list,
    }


def _pair(rng: random.Random, i: int, ns: str) -> list[Doc]:
    name = f"svc-{i:05d}"
    selector = {"app.kubernetes.io/name": name}
    labels = {**selector, "app.kubernetes.io/part-of": "monolith-split"}
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(name, ns, labels),
        "spec": {
            "replicas": rng.choice([2, 3]),
            "selector": {"matchLabels": dict(selector)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "app",
                        "image": f"registry.example.com/platform/{name}:v{_version(rng)}",
                        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                        "resources": _resources(rng, "s"),
                        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10},
                        "livenessProbe": {"httpGet": {"path": "/livez", "port": "http"}, "periodSeconds": 20},
                        "securityContext": _container_security(),
                    }],
                },
            },
        },
    }
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(name, ns, labels),
        "spec": {"selector": dict(selector), "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]},
    }
    return [Doc(deploy), Doc(svc)]


def generate_one_namespace_services(out_dir: str | Path, n: int = 5000, per_file: int = 10, seed: int = 0, namespace: str = "monolith") -> dict[str, Any]:
    """n Services and n Deployments in ONE namespace, each Service selecting its own Deployment."""
    out = Path(out_dir)
    rng = random.Random(f"kubelint-one-namespace:{seed}")
    style = Style()
    n_files = 0
    for start in range(0, n, per_file):
        docs: list[Doc] = []
        for i in range(start, min(n, start + per_file)):
            docs.extend(_pair(rng, i, namespace))
        _write(out / f"services-{start // per_file:04d}.yaml", render(docs, style))
        n_files += 1
    return {"files": n_files, "objects": 2 * n, "kinds": {"Deployment": n, "Service": n}}


def single_file_docs(seed: int = 0) -> list[Doc]:
    """A 12-object web stack (no Namespace object): CMs, Secret, SA, RBAC, Deployment, Service, Ingress, HPA, PDB, NetworkPolicy."""
    for attempt in range(1000):
        rng = random.Random(f"kubelint-single:{seed}:{attempt}")
        stack = _Stack(rng, 7, "shop-prod", "shop", with_namespace=False)
        stack.configmap()
        stack.files_configmap()
        stack.secret()
        stack.service_account()
        stack.rbac()
        web = stack.deployment("web", hpa=True)
        _, ports = stack.service(web, "ClusterIP")
        stack.ingress([("/", web.name, ports)], tls=False)
        stack.hpa(web)
        stack.pdb(web)
        stack.network_policy(web, True, [])
        if len(stack.docs) == 12:
            return stack.docs
    raise RuntimeError("could not build a 12-object stack")  # pragma: no cover


def write_single_file(path: str | Path, seed: int = 0) -> int:
    """Write the 12-object latency-test file; returns the object count."""
    docs = single_file_docs(seed)
    _write(Path(path), render(docs, Style(), leading_marker=False))
    return len(docs)


# --------------------------------------------------------------------------- real-world-shaped corpus

REPO = Path(__file__).resolve().parent.parent
# Real manifests, written by people, replicated into many namespaces. Paths are relative to
# the repository: `../shared/corpus` is the shared corpus of real manifests beside it.
REALWORLD_SOURCES = ("examples/shop", "../shared/corpus/microservices-demo/release/kubernetes-manifests.yaml")


def _realworld_texts() -> list[tuple[str, str]]:
    """(name, text) of each source stack: a directory's YAML files become one multi-document file."""
    out = []
    for rel in REALWORLD_SOURCES:
        src = REPO / rel
        if src.is_dir():
            text = "---\n".join(p.read_text(encoding="utf-8").rstrip("\n") + "\n" for p in sorted(src.glob("*.yaml")))
            out.append((src.name, text))
        else:
            out.append((src.parent.parent.name, src.read_text(encoding="utf-8")))
    return out


def _source_namespace(text: str) -> str | None:
    """The namespace a stack's objects name, if they name one."""
    m = re.search(r"(?m)^  namespace: (\S+)", text)
    return m.group(1) if m else None


def _into_namespace(text: str, ns: str, old: str | None) -> str:
    """A document of a stack moved into namespace ns, the source's text otherwise kept.

    A stack that names its namespace (old, e.g. "shop") gets every mention of it as a
    namespace renamed, its Namespace object included; one that names none (old None) gets
    `namespace:` added under each top-level `metadata:`.
    """
    if old is not None:
        text = re.sub(rf"(?m)^(\s+namespace:) {re.escape(old)}$", rf"\1 {ns}", text)
        text = re.sub(rf"(?m)^(kind: Namespace\nmetadata:\n  name:) {re.escape(old)}$", rf"\1 {ns}", text)
        return text.replace(f".{old}.svc", f".{ns}.svc")
    return re.sub(r"(?m)^metadata:\n", f"metadata:\n  namespace: {ns}\n", text)


def _split_documents(text: str) -> list[str]:
    """The text cut at each `---` line; the pieces joined with "---\n" give the text back."""
    return re.split(r"(?m)^---\n", text)


def generate_realworld(out_dir: str | Path, files: int = 500, seed: int = 0, defect_rate: float = 0.0, scale: int = 1) -> dict[str, Any]:
    """Write `files * scale` files, the real-world stacks of REALWORLD_SOURCES taking turns,
    each file's objects in their own namespace rw-NNNN, as out_dir/rw-NNNN/<stack>.yaml.

    With defect_rate > 0, the same defects as `generate` are injected into round(defect_rate *
    objects) objects chosen with a seeded generator; only those documents are rewritten (by the
    benchmark's emitter), every other document keeps the source's text. Returns counts as
    `generate` does.
    """
    import yaml

    out = Path(out_dir)
    sources = _realworld_texts()
    n_files = files * scale
    # Documents of each file: (text, object or None for a comment-only piece).
    per_source = []
    for _, text in sources:
        pieces = _split_documents(text)
        per_source.append([(t, yaml.safe_load(t)) for t in pieces])
    old_ns = [_source_namespace(text) for _, text in sources]
    layout = [(i, i % len(sources)) for i in range(n_files)]
    plan: dict[int, str] = {}
    if defect_rate > 0:
        every = [obj for _, s in layout for _, obj in per_source[s] if isinstance(obj, dict)]
        k = int(round(defect_rate * len(every)))
        plan = plan_defects(every, k, random.Random(f"kubelint-defects:realworld:{seed}:{defect_rate}:{n_files}"))
        del every
    obj_index = 0
    kinds: dict[str, int] = {}
    defect_counts: dict[str, int] = {}
    defect_list: list[list[str]] = []
    for i, s in layout:
        ns = f"rw-{i:04d}"
        name = sources[s][0]
        pieces = []
        for text, obj in per_source[s]:
            if not isinstance(obj, dict):
                pieces.append(_into_namespace(text, ns, old_ns[s]))
                continue
            kinds[obj["kind"]] = kinds.get(obj["kind"], 0) + 1
            defect = plan.get(obj_index)
            if defect:
                o = yaml.safe_load(_into_namespace(text, ns, old_ns[s]))
                inject_defect(o, defect, random.Random(f"kubelint-defect:realworld:{seed}:{obj_index}"))
                defect_counts[defect] = defect_counts.get(defect, 0) + 1
                meta = o["metadata"]
                defect_list.append([f"{ns}/{name}.yaml", o["kind"], meta.get("namespace", ""), meta["name"], defect])
                pieces.append(emit_document(o, Style()))
            else:
                pieces.append(_into_namespace(text, ns, old_ns[s]))
            obj_index += 1
        _write(out / ns / f"{name}.yaml", "---\n".join(pieces))
    return {
        "files": n_files,
        "objects": obj_index,
        "kinds": dict(sorted(kinds.items())),
        "defects": dict(sorted(defect_counts.items())),
        "defective_objects": len(plan),
        "defect_list": defect_list,
    }


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--defect-rate", type=float, default=0.0)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--realworld", action="store_true", help="the real-world-shaped corpus instead of the generated one")
    a = ap.parse_args()
    stats = (generate_realworld if a.realworld else generate)(a.out_dir, a.files, a.seed, a.defect_rate, a.scale)
    stats.pop("defect_list")
    print(json.dumps(stats, indent=2))
