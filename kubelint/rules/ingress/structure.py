"""Rules KL401-KL406: what the API server rejects in an Ingress's own paths, hosts and backends.

Follows kubernetes/kubernetes pkg/apis/networking/validation/validation.go (validateIngressRules,
validateIngressTLS, validateHTTPIngressPath, validateIngressBackend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

from ...findings import Pointer, Severity
from ...model.objects import K8sObject, as_dict
from ...model.validation import iana_svc_name, port_number
from ..base import FixSupport, Report, RuleDoc
from ..common.values import dotted, int_or_none, str_or_none
from .fields import IngressRule, backends, http_paths, rules_of, tls_hosts
from .hosts import host_problems, is_ip_sloppy

if TYPE_CHECKING:
    from ...model.context import RuleContext

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
# validation.go: invalidPathSequences and invalidPathSuffixes (Exact and Prefix paths only).
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")


class IngressPathType(IngressRule):
    """pathType is one of Exact, Prefix, ImplementationSpecific."""

    id = "KL401"
    name = "ingress-path-type"
    severity = Severity.ERROR
    fix = FixSupport("safe", "Corrects the case of a pathType: `prefix` -> `Prefix`.")
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
            value = str_or_none(path.data.get("pathType"))
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
            host = str_or_none(rule.get("host"))
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
        port_field = f"number: {port}" if int_or_none(port) else f"name: {port}"
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
            if (name is not None and not isinstance(name, str)) or (number is not None and int_or_none(number) is None):
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
