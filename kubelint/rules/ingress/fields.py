"""An Ingress as the rules read it: its rules, HTTP paths, backends and TLS hosts.

Only the networking.k8s.io/v1 shape is checked (IngressRule). The older extensions/v1beta1 and
networking.k8s.io/v1beta1 Ingresses (serviceName/servicePort backends, spec.backend) are
skipped: KL104 already says they are removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional, Tuple

from ...findings import Pointer
from ...model.objects import K8sObject, as_dict, as_list
from ...named_tuple import NamedTuple
from ..base import Report, Rule
from ..common.values import int_or_none, str_or_none

if TYPE_CHECKING:
    from ...model.context import RuleContext

INGRESS_V1 = "networking.k8s.io/v1"


class HTTPPath(NamedTuple):  # NamedTuples, not dataclasses: cheaper to define on every start
    pointer: Pointer  # of spec.rules[i].http.paths[j]
    data: Dict[str, Any]


class Backend(NamedTuple):
    pointer: Pointer  # of spec.defaultBackend or of a path's backend
    data: Dict[str, Any]

    @property
    def service(self) -> Optional[Dict[str, Any]]:
        service = self.data.get("service")
        return service if isinstance(service, dict) else None

    @property
    def service_name(self) -> Optional[str]:
        return str_or_none(as_dict(self.service).get("name")) or None

    @property
    def port(self) -> Dict[str, Any]:
        return as_dict(as_dict(self.service).get("port"))

    @property
    def port_name(self) -> Optional[str]:
        """The port name, when set (the server treats "" as unset)."""
        return str_or_none(self.port.get("name")) or None

    @property
    def port_number(self) -> Optional[int]:
        """The port number, when set (the server treats 0 as unset)."""
        return int_or_none(self.port.get("number")) or None


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


class IngressRule(Rule):
    """Base for KL4xx: runs `check_v1` on networking.k8s.io/v1 Ingresses only."""

    kinds = frozenset({"Ingress"})

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if obj.api_version != INGRESS_V1:
            return iter(())
        return self.check_v1(obj, ctx)

    def check_v1(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        return iter(())
