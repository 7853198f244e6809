"""A Service as the API server reads it: the effective type and ports after defaulting.

Defaults follow kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Service);
externally_accessible follows pkg/api/service/util.go (ExternallyAccessible).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ...findings import Pointer
from ...model.objects import K8sObject, as_dict, as_list
from ..common.pods import shared_per_object
from ..common.values import is_int

SERVICE = frozenset({"Service"})
CLUSTER_IP, NODE_PORT, LOAD_BALANCER, EXTERNAL_NAME = "ClusterIP", "NodePort", "LoadBalancer", "ExternalName"
SERVICE_TYPES = (CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER, NODE_PORT)


def str_or_default(value: Any, default: str) -> Optional[str]:
    """A string field with the server's default for "" and null; None when it is not a string."""
    if value is None or value == "":
        return default
    return value if isinstance(value, str) else None


# A Service's type and ports are read by a dozen rules of each Service: derived once per object.

@shared_per_object
def service_type(obj: K8sObject) -> Optional[str]:
    """The effective spec.type (ClusterIP when unset or empty); None when it is not a supported type
    (KL304 reports that, and type-dependent rules then have nothing sound to say)."""
    kind = str_or_default(obj.spec.get("type"), CLUSTER_IP)
    return kind if kind in SERVICE_TYPES else None


def raw_spec(obj: K8sObject) -> Dict[str, Any]:
    return as_dict(obj.raw.get("spec"))


@shared_per_object
def ports(obj: K8sObject) -> Tuple[Tuple[int, Dict[str, Any]], ...]:
    """(index, port) of every mapping in spec.ports, with the server's defaults applied."""
    return tuple((i, p) for i, p in enumerate(as_list(obj.spec.get("ports"))) if isinstance(p, dict))


def raw_port(obj: K8sObject, index: int) -> Dict[str, Any]:
    """spec.ports[index] as written, without defaults."""
    items = as_list(raw_spec(obj).get("ports"))
    return as_dict(items[index]) if 0 <= index < len(items) else {}


def _defaults_to_port(target: Any) -> bool:
    """null, "" and 0 all mean "the same as port" (SetDefaults_Service)."""
    return target is None or target == "" or (is_int(target) and target == 0)


def target_port_written(obj: K8sObject, index: int) -> bool:
    """Did the manifest give a targetPort (not null, "" or 0, which all default to port)?"""
    return not _defaults_to_port(raw_port(obj, index).get("targetPort"))


def port_protocol(port: Dict[str, Any]) -> Optional[str]:
    return str_or_default(port.get("protocol"), "TCP")


def target_port(port: Dict[str, Any]) -> Any:
    """The effective targetPort: 0, "" and null all default to `port` (SetDefaults_Service)."""
    value = port.get("targetPort")
    return port.get("port") if _defaults_to_port(value) else value


def node_port(port: Dict[str, Any]) -> Optional[int]:
    """A requested nodePort; 0 or unset means "allocate one" (None here)."""
    value = port.get("nodePort")
    return value if is_int(value) and value != 0 else None


def headless_pointer(obj: K8sObject) -> Optional[Pointer]:
    """Where the Service says `clusterIP: None`, if it does (isHeadlessService)."""
    spec = obj.spec
    cluster_ip = spec.get("clusterIP")
    if cluster_ip == "None":
        return ("spec", "clusterIP")
    cluster_ips = as_list(spec.get("clusterIPs"))
    if (cluster_ip is None or cluster_ip == "") and len(cluster_ips) == 1 and cluster_ips[0] == "None":
        return ("spec", "clusterIPs", 0)
    return None


def externally_accessible(obj: K8sObject, kind: Optional[str]) -> bool:
    """pkg/api/service/util.go ExternallyAccessible."""
    return kind in (NODE_PORT, LOAD_BALANCER) or (kind == CLUSTER_IP and bool(as_list(obj.spec.get("externalIPs"))))
