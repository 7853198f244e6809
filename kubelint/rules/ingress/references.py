"""Rules KL407-KL410: an Ingress and the Services and TLS Secrets it names (cross-object)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Set

from ...findings import Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import Report, RuleDoc
from ..common.values import dotted, int_or_none, str_or_none
from .fields import IngressRule, backends, rules_of, tls_hosts
from .hosts import wildcard_matches

if TYPE_CHECKING:
    from ...model.context import RuleContext

# Annotations that make cert-manager's ingress-shim create the TLS Secret.
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/issuer", "cert-manager.io/cluster-issuer", "kubernetes.io/tls-acme")


def describe_ports(ports: List[Dict[str, Any]]) -> str:
    shown = []
    for port in ports:
        number, name = port.get("port"), str_or_none(port.get("name"))
        shown.append(f'{number} ("{name}")' if name else f"{number} (unnamed)")
    return ", ".join(shown) or "no ports"


# Names of Secrets that objects in the set will create (cert-manager Certificates, Bitnami
# SealedSecrets, External Secrets), per namespace. Built once per set index, not per Ingress.
_generated_secrets_cache: "weakref.WeakKeyDictionary[Any, Dict[str, Set[str]]]" = weakref.WeakKeyDictionary()


def generated_secrets(index: Any, namespace: str) -> Set[str]:
    found = _generated_secrets_cache.get(index)
    if found is None:
        found = {}
        for obj in index.objects:
            name = None
            if obj.kind == "Certificate":
                name = str_or_none(obj.spec.get("secretName"))
            elif obj.kind == "SealedSecret":
                name = str_or_none(obj.get("spec", "template", "metadata", "name")) or obj.name
            elif obj.kind == "ExternalSecret":
                name = str_or_none(obj.get("spec", "target", "name")) or obj.name
            if name:
                found.setdefault(obj.namespace, set()).add(name)
        _generated_secrets_cache[index] = found
    return found.get(namespace, set())


class IngressServiceMissing(IngressRule):
    """A backend names a Service that the namespace does not have."""

    id = "KL407"
    name = "ingress-service-missing"
    severity = Severity.ERROR
    summary = "An Ingress backend names a Service that exists in its namespace."
    doc = RuleDoc(
        what="Reports a backend (spec.defaultBackend or a path's backend) whose service.name is not a "
             "Service in the Ingress's namespace. Fires only when the set holds Services in that "
             "namespace (or config says the set is complete), and not for names under assume-present.",
        why="The controller has nowhere to send the traffic: clients get 503 or 404.",
        failing="backend:\n  service: {name: wbe, port: {number: 80}}",
        passing="backend:\n  service: {name: web, port: {number: 80}}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        namespace = obj.namespace
        for backend in backends(obj):
            name = backend.service_name
            if name and ctx.is_missing("Service", namespace, name):
                pointer = backend.pointer + ("service", "name")
                yield Report(pointer, f'{dotted(pointer)}: no Service "{name}" in namespace "{namespace}"; '
                                      f"create it or fix the name")


class IngressServicePort(IngressRule):
    """A backend's port is a port of its Service (by number or by name)."""

    id = "KL408"
    name = "ingress-service-port"
    severity = Severity.ERROR
    summary = "An Ingress backend's port.number or port.name is a port of the Service it names."
    doc = RuleDoc(
        what="Reports a service backend whose port.number is not any spec.ports[].port of the Service, "
             "or whose port.name is not any spec.ports[].name, and names the ports the Service has. "
             "ExternalName Services and Services with no ports are skipped; a Service outside the set "
             "is not checked.",
        why="The Ingress port refers to the Service port (not the container's targetPort); a port "
            "the Service does not expose leaves the route without endpoints.",
        failing="# Service web: ports [{name: http, port: 80, targetPort: 8080}]\n"
                "backend:\n  service: {name: web, port: {number: 8080}}",
        passing="backend:\n  service: {name: web, port: {number: 80}}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for backend in backends(obj):
            name = backend.service_name
            number, port_name = backend.port_number, backend.port_name
            if not name or bool(number) == bool(port_name):
                continue  # nothing to compare, or both set (KL405)
            service = ctx.index.get("Service", obj.namespace, name)
            if service is None or service.spec.get("type") == "ExternalName":
                continue
            ports = [p for p in as_list(service.spec.get("ports")) if isinstance(p, dict)]
            if not ports:
                continue
            port_pointer = backend.pointer + ("service", "port")
            if number:
                if any(int_or_none(p.get("port")) == number for p in ports):
                    continue
                pointer = port_pointer + ("number",)
                target = [p for p in ports if int_or_none(p.get("targetPort")) == number and "port" in p]
                hint = f"; {number} is the targetPort of port {target[0]['port']}: use that" if target else ""
                yield Report(pointer, f'{dotted(pointer)}: Service "{name}" has no port {number}; '
                                      f"it exposes {describe_ports(ports)}{hint}")
            else:
                if any(str_or_none(p.get("name")) == port_name for p in ports):
                    continue
                pointer = port_pointer + ("name",)
                yield Report(pointer, f'{dotted(pointer)}: Service "{name}" has no port named "{port_name}"; '
                                      f"it exposes {describe_ports(ports)}")


class IngressTLSHostNotRouted(IngressRule):
    """A TLS host matches some rule host."""

    id = "KL409"
    name = "ingress-tls-host-not-routed"
    severity = Severity.WARNING
    summary = "Every spec.tls[].hosts[] entry is the host of some rule."
    doc = RuleDoc(
        what="Reports a TLS host that no rule host matches. A wildcard rule `*.example.com` matches "
             "`a.example.com` (one label); a wildcard TLS host matches the same wildcard or any rule "
             "host it covers. Skipped when the Ingress has a defaultBackend or a rule without a host "
             "(those serve every host).",
        why="Usually a typo or a host left behind: the certificate is configured for a host this "
            "Ingress does not route, while the routed host may get no (or the default) certificate.",
        failing="tls:\n- hosts: [www.example.com]\nrules:\n- host: example.com",
        passing="tls:\n- hosts: [example.com]\nrules:\n- host: example.com")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.spec.get("defaultBackend") is not None:
            return
        hosts: List[str] = []
        for _, rule in rules_of(obj):
            host = str_or_none(rule.get("host"))
            if not host:
                return  # a rule without a host matches every host
            hosts.append(host)
        if not hosts:
            return
        for pointer, host in tls_hosts(obj):
            if not host or self._routed(host, hosts):
                continue
            listed = ", ".join(f'"{h}"' for h in dict.fromkeys(hosts))
            yield Report(pointer, f'{dotted(pointer)}: "{host}" is not the host of any rule (rule hosts: {listed}); '
                                  f"add a rule for it or remove it from tls")

    @staticmethod
    def _routed(host: str, rule_hosts: List[str]) -> bool:
        for rule_host in rule_hosts:
            if host == rule_host or wildcard_matches(rule_host, host) or wildcard_matches(host, rule_host):
                return True
        return False


class IngressTLSSecretMissing(IngressRule):
    """A TLS secretName names a Secret that the namespace has."""

    id = "KL410"
    name = "ingress-tls-secret-missing"
    severity = Severity.WARNING
    summary = "An Ingress spec.tls[].secretName names a Secret in its namespace."
    doc = RuleDoc(
        what="Reports a spec.tls[].secretName that is not a Secret in the Ingress's namespace, when the "
             "set holds Secrets there (or is complete). Secrets that the set will create are counted "
             "as present: cert-manager Certificates (spec.secretName), SealedSecrets, ExternalSecrets "
             "(spec.target.name), and any secret when the Ingress has cert-manager's issuer, "
             "cluster-issuer or kubernetes.io/tls-acme annotation.",
        why="Without the Secret the controller serves its default (usually self-signed) certificate.",
        failing="tls:\n- hosts: [example.com]\n  secretName: example-tsl",
        passing="tls:\n- hosts: [example.com]\n  secretName: example-tls")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        annotations = as_dict(obj.metadata.get("annotations"))
        if any(key in annotations for key in CERT_MANAGER_ANNOTATIONS):
            return
        namespace = obj.namespace
        for i, tls in enumerate(as_list(obj.spec.get("tls"))):
            name = str_or_none(as_dict(tls).get("secretName"))
            if not name or not ctx.is_missing("Secret", namespace, name):
                continue
            if name in generated_secrets(ctx.index, namespace):
                continue
            pointer = ("spec", "tls", i, "secretName")
            yield Report(pointer, f'{dotted(pointer)}: no Secret "{name}" in namespace "{namespace}"; '
                                  f"the controller will serve its default certificate")
