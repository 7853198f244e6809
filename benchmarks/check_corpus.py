"""Independent checks that a generated clean corpus really is clean.

Used by the tests and by hand after changing the generator:

    python benchmarks/check_corpus.py DIR [--schema]

The semantic checks are a small stand-in for kubelint's cross-object rules (references
resolve, selectors select, ports are declared, requests fit limits). `--schema` also runs
the upstream `kubernetes-validate` package in strict mode when it is importable.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import yaml

try:
    from corpus import pod_spec, pod_template_labels
except ImportError:  # pragma: no cover
    from .corpus import pod_spec, pod_template_labels

Obj = dict[str, Any]

_QTY = re.compile(r"^(\d+)(m|Mi|Gi)?$")
_UNITS = {None: 1.0, "m": 0.001, "Mi": 2.0**20, "Gi": 2.0**30}


def _qty(q: Any) -> float:
    m = _QTY.match(str(q))
    if not m:
        raise ValueError(f"unexpected quantity {q!r}")
    return int(m.group(1)) * _UNITS[m.group(2)]


def load(root: str | Path) -> list[tuple[str, Obj]]:
    """(file, object) for every document under root, in file order."""
    out = []
    for p in sorted(Path(root).rglob("*.yaml")):
        with open(p, encoding="utf-8") as f:
            for doc in yaml.load_all(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
                if doc is not None:
                    out.append((str(p), doc))
    return out


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def semantic_problems(objects: Iterable[Obj]) -> list[str]:
    """Problems a careful reviewer would flag; empty for a clean corpus."""
    objs = list(objects)
    problems: list[str] = []
    by_key: dict[tuple[str, str, str], Obj] = {}
    pods: dict[str, list[tuple[dict[str, str], Obj]]] = defaultdict(list)
    namespaces_used: set[str] = set()
    node_ports: dict[int, str] = {}

    def ref(o: Obj) -> str:
        m = o.get("metadata", {})
        return f"{o.get('kind')}/{m.get('namespace', '-')}/{m.get('name')}"

    for o in objs:
        m = o["metadata"]
        ns = m.get("namespace", "")
        if ns:
            namespaces_used.add(ns)
        key = (o["kind"], ns, m["name"])
        if key in by_key:
            problems.append(f"{ref(o)}: duplicate object")
        by_key[key] = o
        labels = pod_template_labels(o)
        if labels is not None:
            pods[ns].append((labels, o))

    def exists(kind: str, ns: str, name: str) -> Obj | None:
        return by_key.get((kind, ns, name))

    if any(o["kind"] == "Namespace" for o in objs):
        for ns in sorted(namespaces_used):
            if not exists("Namespace", "", ns):
                problems.append(f"namespace {ns} is used but not defined")

    def check(o: Obj, r: str) -> None:
        ns = o["metadata"].get("namespace", "")
        kind = o["kind"]
        spec = o.get("spec", {})
        ps = pod_spec(o)
        if ps is not None:
            volumes = {v["name"] for v in ps.get("volumes", [])}
            volumes |= {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])}
            sa = ps.get("serviceAccountName")
            if sa and not exists("ServiceAccount", ns, sa):
                problems.append(f"{r}: service account {sa} missing")
            for s in ps.get("imagePullSecrets", []):
                if not exists("Secret", ns, s["name"]):
                    problems.append(f"{r}: image pull secret {s['name']} missing")
            for v in ps.get("volumes", []):
                if "configMap" in v and not exists("ConfigMap", ns, v["configMap"]["name"]):
                    problems.append(f"{r}: volume ConfigMap missing")
                if "secret" in v and not exists("Secret", ns, v["secret"]["secretName"]):
                    problems.append(f"{r}: volume Secret missing")
            sel = spec.get("selector", {}).get("matchLabels")
            if sel is not None and not _matches(sel, pod_template_labels(o) or {}):
                problems.append(f"{r}: selector does not match its template")
            for c in ps.get("containers", []) + ps.get("initContainers", []):
                declared = {p["name"] for p in c.get("ports", [])}
                for p in c.get("ports", []):
                    if not isinstance(p["containerPort"], int):
                        problems.append(f"{r}: containerPort not an int")
                image = c["image"]
                tag = image.split("@")[0].rsplit("/", 1)[-1]
                if ":" not in tag or tag.endswith(":latest"):
                    problems.append(f"{r}: image {image} not pinned")
                names = [e["name"] for e in c.get("env", [])]
                if len(names) != len(set(names)):
                    problems.append(f"{r}: duplicate env var")
                for e in c.get("env", []):
                    vf = e.get("valueFrom", {})
                    if "secretKeyRef" in vf:
                        s = exists("Secret", ns, vf["secretKeyRef"]["name"])
                        if not s or vf["secretKeyRef"]["key"] not in {**s.get("data", {}), **s.get("stringData", {})}:
                            problems.append(f"{r}: secretKeyRef unresolved")
                    if "configMapKeyRef" in vf:
                        cm = exists("ConfigMap", ns, vf["configMapKeyRef"]["name"])
                        if not cm or vf["configMapKeyRef"]["key"] not in cm.get("data", {}):
                            problems.append(f"{r}: configMapKeyRef unresolved")
                for ef in c.get("envFrom", []):
                    if "configMapRef" in ef and not exists("ConfigMap", ns, ef["configMapRef"]["name"]):
                        problems.append(f"{r}: envFrom ConfigMap missing")
                    if "secretRef" in ef and not exists("Secret", ns, ef["secretRef"]["name"]):
                        problems.append(f"{r}: envFrom Secret missing")
                for vm in c.get("volumeMounts", []):
                    if vm["name"] not in volumes:
                        problems.append(f"{r}: volumeMount {vm['name']} names no volume")
                res = c.get("resources", {})
                for k, lim in res.get("limits", {}).items():
                    req = res.get("requests", {}).get(k)
                    if req is not None and _qty(req) > _qty(lim):
                        problems.append(f"{r}: requests.{k} > limits.{k}")
                for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                    pr = c.get(probe, {})
                    port = (pr.get("httpGet") or pr.get("tcpSocket") or {}).get("port")
                    if isinstance(port, str) and port not in declared:
                        problems.append(f"{r}: {probe} port {port} not declared")
        if kind == "Service":
            sel = spec.get("selector")
            targets = [o2 for labels, o2 in pods[ns] if sel and _matches(sel, labels)]
            if sel and not targets:
                problems.append(f"{r}: selector matches nothing")
            for p in spec.get("ports", []):
                if not isinstance(p["port"], int):
                    problems.append(f"{r}: port not an int")
                tp = p.get("targetPort")
                if isinstance(tp, str) and targets:
                    declared = {cp["name"] for t in targets for c in pod_spec(t)["containers"] for cp in c.get("ports", [])}
                    if tp not in declared:
                        problems.append(f"{r}: targetPort {tp} not declared")
                if "nodePort" in p:
                    np_ = p["nodePort"]
                    if not 30000 <= np_ <= 32767:
                        problems.append(f"{r}: nodePort {np_} out of range")
                    elif np_ in node_ports:
                        problems.append(f"{r}: nodePort {np_} also used by {node_ports[np_]}")
                    node_ports[np_] = r
        elif kind == "Ingress":
            for t in spec.get("tls", []):
                if not exists("Secret", ns, t["secretName"]):
                    problems.append(f"{r}: TLS secret missing")
            for rule in spec.get("rules", []):
                for path in rule["http"]["paths"]:
                    b = path["backend"]["service"]
                    svc = exists("Service", ns, b["name"])
                    if not svc:
                        problems.append(f"{r}: backend Service {b['name']} missing")
                        continue
                    ports = svc["spec"]["ports"]
                    if "name" in b["port"] and b["port"]["name"] not in {p["name"] for p in ports}:
                        problems.append(f"{r}: backend port name missing")
                    if "number" in b["port"] and b["port"]["number"] not in {p["port"] for p in ports}:
                        problems.append(f"{r}: backend port number missing")
        elif kind == "HorizontalPodAutoscaler":
            t = spec["scaleTargetRef"]
            if not exists(t["kind"], ns, t["name"]):
                problems.append(f"{r}: scale target missing")
        elif kind in ("PodDisruptionBudget", "NetworkPolicy"):
            sel = (spec.get("selector") or spec.get("podSelector") or {}).get("matchLabels")
            if sel and not any(_matches(sel, labels) for labels, _ in pods[ns]):
                problems.append(f"{r}: selector matches no pods")
        elif kind == "RoleBinding":
            if not exists(o["roleRef"]["kind"], ns, o["roleRef"]["name"]):
                problems.append(f"{r}: roleRef missing")
            for s in o["subjects"]:
                if s["kind"] == "ServiceAccount" and not exists("ServiceAccount", s.get("namespace", ns), s["name"]):
                    problems.append(f"{r}: subject missing")

    for o in objs:
        r = ref(o)
        try:
            check(o, r)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            problems.append(f"{r}: malformed ({e!r})")
    return problems


def schema_problems(objects: Iterable[Obj], version: str = "1.37.0") -> list[str]:
    """Strict schema validation with the upstream kubernetes-validate package."""
    import kubernetes_validate  # type: ignore[import-not-found]

    problems = []
    for o in objects:
        try:
            kubernetes_validate.validate(o, version, strict=True)
        except Exception as e:  # noqa: BLE001 - report whatever it raises
            problems.append(f"{o['kind']}/{o['metadata'].get('name')}: {getattr(e, 'message', e)}")
    return problems


def main(argv: list[str]) -> int:
    root = argv[0]
    docs = load(root)
    objs = [o for _, o in docs]
    problems = semantic_problems(objs)
    if "--schema" in argv:
        problems += schema_problems(objs)
    for p in problems[:50]:
        print(p)
    print(f"{len(objs)} objects, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
