"""What kind of resource a resource name is, as pkg/apis/core/helper/helpers.go decides
(IsNativeResource, IsExtendedResourceName, IsOvercommitAllowed, IsIntegerResourceName)."""

from __future__ import annotations

from ...model.validation import qualified_name

# Object-count resources that must be whole numbers (helper.integerResources).
INTEGER_RESOURCES = frozenset({"pods", "quotas", "services", "replicationcontrollers", "secrets", "configmaps",
                               "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"})


def is_native_resource(name: str) -> bool:
    """Unprefixed names and names containing kubernetes.io/ (helper.IsNativeResource)."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource(name: str) -> bool:
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not qualified_name("requests." + name)


def overcommit_allowed(name: str) -> bool:
    """Native resources except hugepages may have requests below limits (helper.IsOvercommitAllowed)."""
    return is_native_resource(name) and not name.startswith("hugepages-")


def is_integer_resource(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended_resource(name)
