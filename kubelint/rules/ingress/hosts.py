"""Ingress host names as the API server reads them: DNS names, wildcards, and IP addresses."""

from __future__ import annotations

import ipaddress
import re
from typing import List

from ...model.validation import dns1123_subdomain, wildcard_dns1123_subdomain

# Only Ingress hosts need it: re compiles (and caches) it on first use, not at import.
_SLOPPY_IPV4 = r"\d+\.\d+\.\d+\.\d+\Z"


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
