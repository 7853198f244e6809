"""Rules KL4xx: Ingresses (HTTP routing to Services, TLS, virtual hosts).

Only the networking.k8s.io/v1 shape is checked. The older extensions/v1beta1 and
networking.k8s.io/v1beta1 Ingresses (serviceName/servicePort backends, spec.backend) are
skipped: KL104 already says they are removed.

What the API server rejects follows pkg/apis/networking/validation/validation.go
(ValidateIngressCreate, validateIngressRules, validateHTTPIngressPath, validateIngressBackend).
"""

from __future__ import annotations

import ipaddress
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Set, Tuple

from ..findings import Pointer, Severity, pointer_to_dotted
from ..model.objects import K8sObject, as_dict, as_list
from ..model.validation import (
    dns1123_subdomain,
    iana_svc_name,
    port_number,
    wildcard_dns1123_subdomain,
)
from .base import Report, Rule, RuleDoc

if TYPE_CHECKING:
    from ..model.context import RuleContext

INGRESS_V1 = "networking.k8s.io/v1"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
# validation.go: invalidPathSequences and invalidPathSuffixes (Exact and Prefix paths only).
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
# Annotations that make cert-manager's ingress-shim create the TLS Secret.
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/issuer", "cert-manager.io/cluster-issuer", "kubernetes.io/tls-acme")

# Only Ingress hosts need it: re compiles (and caches) it on first use, not at import.
_SLOPPY_IPV4 = r"\d+\.\d+\.\d+\.\d+\Z"


# --- shared helpers -------------------------------------------------------------------------

def dotted(pointer: Pointer) -> str:
    return pointer_to_dotted(pointer)


def is_ip_sloppy(value: str) -> bool:
    """Like k8s.io/utils/net.ParseIPSloppy: IPv4 with leading zeros ("010.1.1.1") counts too."""
    if re.match(_SLOPPY_IPV4, value):
        return all(int(part) <= 255 for part in value.split("."))
    if ":" not in value or "%" in value:  # not IPv6 (a host name), or with a zone, which Go's parser has not
        return False
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def host_problems(host: str) -> List[str]:
    """What the API server says about a rule or TLS host (IP addresses aside)."""
    if "*" in host:
        return wildcard_dns1123_subdomain(host)
    return dns1123_subdomain(host)


def wildcard_matches(wildcard: str, host: str) -> bool:
    """`*.example.com` matches exactly one more label: `a.example.com`, not `a.b.example.com`."""
    if not wildcard.startswith("*.") or host.startswith("*."):
        return False
    head, _, rest = host.partition(".")
    return bool(head) and rest == wildcard[2:]


def _str(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def _int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class HTTPPath:
    pointer: Pointer  # of spec.rules[i].http.paths[j]
    data: Dict[str, Any]


@dataclass(frozen=True)
class Backend:
    pointer: Pointer  # of spec.defaultBackend or of a path's backend
    data: Dict[str, Any]

    @property
    def service(self) -> Optional[Dict[str, Any]]:
        service = self.data.get("service")
        return service if isinstance(service, dict) else None

    @property
    def service_name(self) -> Optional[str]:
        return _str(as_dict(self.service).get("name")) or None

    @property
    def port(self) -> Dict[str, Any]:
        return as_dict(as_dict(self.service).get("port"))

    @property
    def port_name(self) -> Optional[str]:
        """The port name, when set (the server treats "" as unset)."""
        return _str(self.port.get("name")) or None

    @property
    def port_number(self) -> Optional[int]:
        """The port number, when set (the server treats 0 as unset)."""
        return _int(self.port.get("number")) or None


def rules_of(obj: K8sObject) -> Iterator[Tuple[int, Dict[str, Any]]]:
    for index, rule in enumerate(as_list(obj.spec.get("rules"))):
        if isinstance(rule, dict):
            yield index, rule


def http_paths(obj: K8sObject) -> Iterator[HTTPPath]:
    for index, rule in rules_of(obj):
        for j, path in enumerate(as_list(as_dict(rule.get("http")).get("paths"))):
            if isinstance(path, dict):
                yield HTTPPath(("spec", "rules", index, "http", "paths", j), path)


def backends(obj: K8sObject) -> Iterator[Backend]:
    default = obj.spec.get("defaultBackend")
    if isinstance(default, dict):
        yield Backend(("spec", "defaultBackend"), default)
    for path in http_paths(obj):
        backend = path.data.get("backend")
        if isinstance(backend, dict):
            yield Backend(path.pointer + ("backend",), backend)


def tls_hosts(obj: K8sObject) -> Iterator[Tuple[Pointer, str]]:
    for i, tls in enumerate(as_list(obj.spec.get("tls"))):
        for j, host in enumerate(as_list(as_dict(tls).get("hosts"))):
            if isinstance(host, str):
                yield ("spec", "tls", i, "hosts", j), host


def describe_ports(ports: List[Dict[str, Any]]) -> str:
    shown = []
    for port in ports:
        number, name = port.get("port"), _str(port.get("name"))
        shown.append(f'{number} ("{name}")' if name else f"{number} (unnamed)")
    return ", ".join(shown) or "no ports"


def class_annotation(obj: K8sObject) -> Optional[str]:
    return _str(as_dict(obj.metadata.get("annotations")).get(CLASS_ANNOTATION))


def class_name(obj: K8sObject) -> Optional[str]:
    return _str(obj.spec.get("ingressClassName"))


ANNOTATION_POINTER: Pointer = ("metadata", "annotations", CLASS_ANNOTATION)


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
                name = _str(obj.spec.get("secretName"))
            elif obj.kind == "SealedSecret":
                name = _str(obj.get("spec", "template", "metadata", "name")) or obj.name
            elif obj.kind == "ExternalSecret":
                name = _str(obj.get("spec", "target", "name")) or obj.name
            if name:
                found.setdefault(obj.namespace, set()).add(name)
        _generated_secrets_cache[index] = found
    return found.get(namespace, set())


class IngressRule(Rule):
    """Base for KL4xx: runs `check_v1` on networking.k8s.io/v1 Ingresses only."""

    kinds = frozenset({"Ingress"})

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != INGRESS_V1:
            return iter(())
        return self.check_v1(obj, ctx)

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        return iter(())


# --- what the API server rejects ------------------------------------------------------------

class IngressPathType(IngressRule):
    """pathType is one of Exact, Prefix, ImplementationSpecific."""

    id = "KL401"
    name = "ingress-path-type"
    severity = Severity.ERROR
    summary = "An Ingress path's pathType is Exact, Prefix or ImplementationSpecific."
    doc = RuleDoc(
        what="Reports a pathType that is not one of Exact, Prefix, ImplementationSpecific (the values "
             "are case-sensitive; a wrong case gets the right spelling). A missing pathType is "
             "reported by the schema check as KL103: networking.k8s.io/v1 marks it required.",
        why="The API server rejects the Ingress: Unsupported value.",
        failing="paths:\n- path: /\n  pathType: prefix\n  backend: {service: {name: web, port: {number: 80}}}",
        passing="paths:\n- path: /\n  pathType: Prefix\n  backend: {service: {name: web, port: {number: 80}}}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for path in http_paths(obj):
            value = _str(path.data.get("pathType"))
            if value is None or value in PATH_TYPES:
                continue
            pointer = path.pointer + ("pathType",)
            same = [t for t in PATH_TYPES if t.lower() == value.strip().lower()]
            if same:
                hint = f'use "{same[0]}" (pathType values are case-sensitive)'
                if value != value.strip():
                    hint = f'use "{same[0]}" (without spaces)'
            else:
                hint = "use one of " + ", ".join(f'"{t}"' for t in PATH_TYPES)
            yield Report(pointer, f'{dotted(pointer)}: "{value}" is not a supported pathType: {hint}')


class IngressPathSyntax(IngressRule):
    """Exact and Prefix paths are absolute and clean; ImplementationSpecific paths are absolute."""

    id = "KL402"
    name = "ingress-path-syntax"
    severity = Severity.ERROR
    summary = "An Ingress path is absolute and has no //, /./, /../ or %2f (Exact and Prefix)."
    doc = RuleDoc(
        what="For pathType Exact and Prefix: reports a path that is missing or does not start with "
             "'/', that contains '//', '/./', '/../', '%2f' or '%2F', or that ends with '/..' or '/.'. "
             "For ImplementationSpecific: reports a non-empty path that does not start with '/'.",
        why="The API server rejects the Ingress (validateHTTPIngressPath).",
        failing="- path: api/v1//items\n  pathType: Prefix",
        passing="- path: /api/v1/items\n  pathType: Prefix")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for path in http_paths(obj):
            path_type = path.data.get("pathType")
            value = path.data.get("path")
            if value is None:
                value = ""
            if not isinstance(value, str):
                continue
            pointer = path.pointer + ("path",)
            where = pointer if "path" in path.data else path.pointer
            if path_type == "ImplementationSpecific":
                if value and not value.startswith("/"):
                    yield Report(where, f'{dotted(pointer)}: "{value}" must be an absolute path (start with "/")')
                continue
            if path_type not in ("Exact", "Prefix"):
                continue
            if not value:
                yield Report(where, f'{dotted(pointer)}: pathType {path_type} needs an absolute path '
                                    f'(start with "/"); set path: /')
                continue
            problems = []
            if not value.startswith("/"):
                problems.append('must be an absolute path (start with "/")')
            problems += [f"must not contain '{seq}'" for seq in INVALID_PATH_SEQUENCES if seq in value]
            problems += [f"must not end with '{suffix}'" for suffix in INVALID_PATH_SUFFIXES
                         if value.endswith(suffix)]
            if problems:
                yield Report(where, f'{dotted(pointer)}: "{value}" {"; ".join(problems)} (pathType {path_type})')


class IngressHost(IngressRule):
    """Rule and TLS hosts are DNS names (wildcard only as a leading `*.`), rule hosts not IPs."""

    id = "KL403"
    name = "ingress-host"
    severity = Severity.ERROR
    summary = "Ingress hosts are DNS-1123 subdomains (optionally `*.`-prefixed), not IP addresses."
    doc = RuleDoc(
        what="Reports a spec.rules[].host that is an IP address or not a lowercase DNS-1123 subdomain, "
             "and a spec.tls[].hosts[] entry that is not one. A wildcard is allowed only as the whole "
             "first label (`*.example.com`). Ports (`example.com:8080`) are not allowed.",
        why="The API server rejects the Ingress (validateIngressRules, validateIngressTLS); to route "
            "by IP, leave the host out.",
        failing="rules:\n- host: 203.0.113.10\n- host: api.*.example.com",
        passing="rules:\n- host: www.example.com\n- host: \"*.example.com\"")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for index, rule in rules_of(obj):
            host = _str(rule.get("host"))
            if not host:
                continue
            pointer: Pointer = ("spec", "rules", index, "host")
            if is_ip_sloppy(host):
                yield Report(pointer, f'{dotted(pointer)}: "{host}" must be a DNS name, not an IP address; '
                                      f"leave host out to match every host")
                continue
            yield from self._syntax(pointer, host)
        for pointer, host in tls_hosts(obj):
            yield from self._syntax(pointer, host)

    @staticmethod
    def _syntax(pointer: Pointer, host: str) -> Iterator[Report]:
        problems = host_problems(host)
        if not problems:
            return
        hint = ""
        if not host_problems(host.lower()):
            hint = f'; use lowercase: "{host.lower()}"'
        elif ":" in host and not host_problems(host.rsplit(":", 1)[0]):
            hint = "; a host takes no port"
        elif "*" in host:
            hint = '; a wildcard may only be the whole first label, as in "*.example.com"'
        yield Report(pointer, f'{dotted(pointer)}: "{host}" is not a valid host: {"; ".join(problems)}{hint}')


class IngressBackendTarget(IngressRule):
    """A backend names a service or a resource: exactly one."""

    id = "KL404"
    name = "ingress-backend-target"
    severity = Severity.ERROR
    summary = "An Ingress backend sets exactly one of service and resource."
    doc = RuleDoc(
        what="Reports a backend (spec.defaultBackend or a path's backend) that sets both service and "
             "resource, or neither.",
        why="The API server rejects the Ingress: \"cannot set both resource and service backends\" / "
            "\"resource or service backend is required\".",
        failing="backend: {}",
        passing="backend:\n  service: {name: web, port: {number: 80}}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for backend in backends(obj):
            has_service = backend.data.get("service") is not None
            has_resource = backend.data.get("resource") is not None
            where = dotted(backend.pointer)
            if has_service and has_resource:
                yield Report(backend.pointer, f"{where}: sets both service and resource; a backend is one or the other")
            elif not has_service and not has_resource:
                yield Report(backend.pointer, f"{where}: names no target; set service (name and port) or resource"
                                              f"{self._old_shape_hint(backend.data)}")

    @staticmethod
    def _old_shape_hint(data: Dict[str, Any]) -> str:
        # serviceName/servicePort: the v1beta1 shape, which networking.k8s.io/v1 does not know.
        if "serviceName" not in data and "servicePort" not in data:
            return ""
        name, port = data.get("serviceName"), data.get("servicePort")
        port_field = f"number: {port}" if _int(port) else f"name: {port}"
        return (f" (serviceName/servicePort is the removed v1beta1 shape; in v1 write "
                f"service: {{name: {name}, port: {{{port_field}}}}})")


class IngressBackendPort(IngressRule):
    """A service backend's port is a name or a number: exactly one, and valid."""

    id = "KL405"
    name = "ingress-backend-port"
    severity = Severity.ERROR
    summary = "An Ingress service backend sets exactly one of port.name and port.number, and it is valid."
    doc = RuleDoc(
        what="Reports a service backend whose port sets both name and number, or neither (0 and \"\" "
             "count as unset), a port number outside 1-65535, and a port name that is not a valid "
             "IANA service name.",
        why="The API server rejects the Ingress: \"cannot set both port name & port number\" / "
            "\"port name or number is required\".",
        failing="service:\n  name: web\n  port: {name: http, number: 80}",
        passing="service:\n  name: web\n  port: {name: http}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for backend in backends(obj):
            service = backend.service
            if service is None:
                continue
            port_pointer = backend.pointer + ("service", "port")
            raw_port = service.get("port")
            if raw_port is not None and not isinstance(raw_port, dict):
                continue  # wrong type: the schema step reports it
            name, number = backend.port.get("name"), backend.port.get("number")
            if (name is not None and not isinstance(name, str)) or (number is not None and _int(number) is None):
                continue  # wrong types: the schema step reports them
            if backend.port_name and backend.port_number:
                yield Report(port_pointer, f'{dotted(port_pointer)}: sets both name "{name}" and number {number}; '
                                           f"set only one")
            elif backend.port_name:
                problems = iana_svc_name(backend.port_name)
                if problems:
                    pointer = port_pointer + ("name",)
                    yield Report(pointer, f'{dotted(pointer)}: "{name}" is not a valid port name: '
                                          f'{"; ".join(problems)}')
            elif backend.port_number:
                if port_number(backend.port_number):
                    pointer = port_pointer + ("number",)
                    yield Report(pointer, f"{dotted(pointer)}: {number} must be between 1 and 65535, inclusive")
            else:
                where = port_pointer if raw_port is not None else backend.pointer + ("service",)
                yield Report(where, f"{dotted(port_pointer)}: sets neither name nor number; "
                                    f"name the Service port (port.name) or give its number (port.number)")


class IngressNoRoutes(IngressRule):
    """An Ingress has a defaultBackend or rules, and every HTTP rule has paths."""

    id = "KL406"
    name = "ingress-no-routes"
    severity = Severity.ERROR
    summary = "An Ingress sets spec.defaultBackend or spec.rules, and every rules[].http has paths."
    doc = RuleDoc(
        what="Reports an Ingress with neither spec.defaultBackend nor any spec.rules, and a rule whose "
             "http.paths is an empty list (a missing http.paths is KL103).",
        why="Such an Ingress routes nothing; the API server rejects it (\"either `defaultBackend` or "
            "`rules` must be specified\", \"spec.rules[0].http.paths: Required value\").",
        failing="spec:\n  ingressClassName: nginx",
        passing="spec:\n  ingressClassName: nginx\n  defaultBackend:\n    service: {name: web, port: {number: 80}}")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        spec = obj.data.get("spec")
        if spec is not None and not isinstance(spec, dict):
            return
        spec = as_dict(spec)
        rules = spec.get("rules")
        if rules is not None and not isinstance(rules, list):
            return
        if not rules and spec.get("defaultBackend") is None:
            pointer: Pointer = ("spec", "rules") if rules is not None else ("spec",)
            yield Report(pointer, "spec: neither defaultBackend nor rules is set, so the Ingress routes nothing; "
                                  "add spec.rules (hosts and paths) or spec.defaultBackend")
        for index, rule in rules_of(obj):
            paths = as_dict(rule.get("http")).get("paths")
            if isinstance(paths, list) and not paths:
                pointer = ("spec", "rules", index, "http", "paths")
                yield Report(pointer, f"{dotted(pointer)}: is empty; an http rule needs at least one path "
                                      f"(or drop http from the rule)")


# --- references to other objects -----------------------------------------------------------

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
                if any(_int(p.get("port")) == number for p in ports):
                    continue
                pointer = port_pointer + ("number",)
                target = [p for p in ports if _int(p.get("targetPort")) == number and "port" in p]
                hint = f"; {number} is the targetPort of port {target[0]['port']}: use that" if target else ""
                yield Report(pointer, f'{dotted(pointer)}: Service "{name}" has no port {number}; '
                                      f"it exposes {describe_ports(ports)}{hint}")
            else:
                if any(_str(p.get("name")) == port_name for p in ports):
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
            host = _str(rule.get("host"))
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
            name = _str(as_dict(tls).get("secretName"))
            if not name or not ctx.is_missing("Secret", namespace, name):
                continue
            if name in generated_secrets(ctx.index, namespace):
                continue
            pointer = ("spec", "tls", i, "secretName")
            yield Report(pointer, f'{dotted(pointer)}: no Secret "{name}" in namespace "{namespace}"; '
                                  f"the controller will serve its default certificate")


class IngressClassMissing(IngressRule):
    """spec.ingressClassName names an IngressClass that exists."""

    id = "KL411"
    name = "ingress-class-missing"
    severity = Severity.WARNING
    summary = "An Ingress spec.ingressClassName names an IngressClass of the set."
    doc = RuleDoc(
        what="Reports a spec.ingressClassName that is not an IngressClass of the set, when the set holds "
             "IngressClasses (or is complete), and not for names under assume-present "
             "(e.g. `IngressClass/nginx`).",
        why="No controller claims an Ingress whose class does not exist: it is silently ignored. "
            "A warning, not an error: the API server accepts it, and IngressClasses are cluster-scoped "
            "objects usually installed with the controller, so a repository that holds one often does "
            "not hold them all.",
        failing="spec:\n  ingressClassName: ngnix",
        passing="spec:\n  ingressClassName: nginx")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        name = class_name(obj)
        if name and ctx.is_missing("IngressClass", None, name):
            known = sorted(o.name for o in ctx.index.of_kind("IngressClass") if o.name)
            listed = ", ".join(f'"{n}"' for n in known) or "none"
            pointer = ("spec", "ingressClassName")
            yield Report(pointer, f'{dotted(pointer)}: no IngressClass "{name}" (IngressClasses in the set: '
                                  f"{listed}); no controller will serve this Ingress")


class IngressClassAnnotation(IngressRule):
    """The deprecated kubernetes.io/ingress.class annotation."""

    id = "KL412"
    name = "ingress-class-annotation"
    severity = Severity.WARNING
    summary = "An Ingress uses the deprecated kubernetes.io/ingress.class annotation."
    options = {"annotation-only-classes": ["gce", "gce-internal"]}
    doc = RuleDoc(
        what="Reports the kubernetes.io/ingress.class annotation, deprecated since Kubernetes 1.18 in "
             "favour of spec.ingressClassName. Values in the option annotation-only-classes (by default "
             "GKE's gce and gce-internal, which GKE selects only by the annotation) are not reported. "
             "An annotation that disagrees with spec.ingressClassName is KL413 instead.",
        why="Controllers are dropping the annotation; spec.ingressClassName names an IngressClass that "
            "the API server and tools can check.",
        failing="metadata:\n  annotations:\n    kubernetes.io/ingress.class: nginx",
        passing="spec:\n  ingressClassName: nginx")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        value = class_annotation(obj)
        if value is None or value in as_list(ctx.option("annotation-only-classes")):
            return
        field = class_name(obj)
        where = dotted(ANNOTATION_POINTER)
        if field is None:
            yield Report(ANNOTATION_POINTER, f'{where}: the annotation is deprecated; set spec.ingressClassName: '
                                             f'"{value}" (an IngressClass name) and remove the annotation')
        elif field == value:
            yield Report(ANNOTATION_POINTER, f"{where}: deprecated and redundant with spec.ingressClassName; "
                                             f"remove the annotation")


class IngressClassConflict(IngressRule):
    """The class annotation and spec.ingressClassName agree."""

    id = "KL413"
    name = "ingress-class-conflict"
    severity = Severity.ERROR
    summary = "The kubernetes.io/ingress.class annotation and spec.ingressClassName name the same class."
    doc = RuleDoc(
        what="Reports an Ingress that sets both the kubernetes.io/ingress.class annotation and "
             "spec.ingressClassName to different values.",
        why="The API server refuses to create it (ValidateIngressCreate: \"must match `ingressClassName` "
            "when both are specified\"). An update of an existing Ingress is not checked, so the "
            "mismatch can survive there, and controllers then disagree about who serves it.",
        failing="metadata:\n  annotations:\n    kubernetes.io/ingress.class: nginx\n"
                "spec:\n  ingressClassName: traefik",
        passing="spec:\n  ingressClassName: traefik")

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        value, field = class_annotation(obj), class_name(obj)
        if value is None or field is None or value == field:
            return
        yield Report(ANNOTATION_POINTER, f'{dotted(ANNOTATION_POINTER)}: "{value}" disagrees with '
                                         f'spec.ingressClassName "{field}"; the API server rejects creating an '
                                         f"Ingress whose annotation and ingressClassName differ: remove the "
                                         f"deprecated annotation")


def rules() -> List[Rule]:
    return [IngressPathType(), IngressPathSyntax(), IngressHost(), IngressBackendTarget(), IngressBackendPort(),
            IngressNoRoutes(), IngressServiceMissing(), IngressServicePort(), IngressTLSHostNotRouted(),
            IngressTLSSecretMissing(), IngressClassMissing(), IngressClassAnnotation(), IngressClassConflict()]
