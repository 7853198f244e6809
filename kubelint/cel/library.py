"""The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library: lists, regex, urls, quantity,
ip, cidr, semver, format (formats.py); cel-go's sets extension) as functions of the CEL engine, written in Python.

Opaque Kubernetes values (Quantity, URL, IP, CIDR, Semver) are maps tagged with TAG: the engine
cannot carry foreign types, and a canonical form in the map keeps `==` meaning what it means in
the API server (quantity('1Gi') == quantity('1024Mi')). A function kubelint cannot evaluate
raises Unsupported: such a rule is skipped, not reported.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

TAG = "@kubelint"
UNSUPPORTED = "kubelint-unsupported"

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class Unsupported(Exception):
    """A function kubelint declares but cannot evaluate."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{UNSUPPORTED}: {name}")


def _tagged(kind: str, **fields: Any) -> Dict[str, Any]:
    return {TAG: kind, **fields}


def _kind(value: Any, *kinds: str) -> Dict[str, Any]:
    if isinstance(value, dict) and value.get(TAG) in kinds:
        return value
    raise ValueError(f"no such overload: expected {' or '.join(kinds)}")


# -- lists ------------------------------------------------------------------------------------

def _comparable(items: Sequence[Any]) -> List[Any]:
    values = list(items)
    kinds = {type(v) for v in values}
    numbers = kinds <= {int, float} and bool not in kinds
    if len(kinds) > 1 and not numbers:
        raise ValueError("no such overload: list elements are not comparable")
    return values


def is_sorted(items: Sequence[Any]) -> bool:
    values = _comparable(items)
    return all(a <= b for a, b in zip(values, values[1:]))


def list_sum(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    total = sum(values) if values else 0
    if isinstance(total, int) and not INT64_MIN <= total <= INT64_MAX:
        raise OverflowError("integer overflow")
    return total


def list_min(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    if not values:
        raise ValueError("min called on empty list")
    return min(values)


def list_max(items: Sequence[Any]) -> Any:
    values = _comparable(items)
    if not values:
        raise ValueError("max called on empty list")
    return max(values)


# -- regex (RE2 in the server; Python's re here, for what both read alike) ---------------------

# A quantified group that contains a quantifier: Python's backtracking can take exponential
# time on it, where RE2 is linear. Such patterns are not run here.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{?]")


def _compiled(pattern: str) -> "re.Pattern[str]":
    if _NESTED_QUANTIFIER.search(pattern):
        raise Unsupported("find with a nested quantifier")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def find(text: str, pattern: str) -> str:
    match = _compiled(pattern).search(text)
    return match.group(0) if match else ""


def find_all(text: str, pattern: str, limit: int = -1) -> List[str]:
    found = [m.group(0) for m in _compiled(pattern).finditer(text)]
    return found if limit < 0 else found[:limit]


# -- urls (Go's url.ParseRequestURI) ------------------------------------------------------------

def _parse_url(text: str) -> Optional[Dict[str, Any]]:
    from urllib.parse import urlsplit

    if not text or any(c in text for c in " \t\r\n") or "#" in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if not parts.scheme and not text.startswith("/"):
        return None
    if parts.scheme and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme):
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.netloc.rpartition("@")[2]
    hostname = host[1:host.index("]")] if host.startswith("[") and "]" in host else host.rpartition(":")[0] if (
        ":" in host and not host.startswith("[")) else host
    return _tagged("url", scheme=parts.scheme, host=host, hostname=hostname,
                   port="" if port is None else str(port), path=parts.path, query=parts.query)


def url(text: str) -> Dict[str, Any]:
    parsed = _parse_url(text)
    if parsed is None:
        raise ValueError(f"URL parse error during conversion from string: {text}")
    return parsed


def is_url(text: str) -> bool:
    return _parse_url(text) is not None


def url_query(value: Dict[str, Any]) -> Dict[str, List[str]]:
    from urllib.parse import parse_qs

    return {k: list(v) for k, v in parse_qs(_kind(value, "url")["query"], keep_blank_values=True).items()}


# -- quantity -----------------------------------------------------------------------------------

def _canonical(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def quantity(text: str) -> Dict[str, Any]:
    from ..model.quantity import QuantityError, parse_quantity_string

    try:
        value = parse_quantity_string(text)
    except (QuantityError, ArithmeticError, ValueError) as exc:
        raise ValueError(f"quantities must match the regular expression: {exc}") from None
    return _tagged("quantity", value=_canonical(value))


def is_quantity(text: str) -> bool:
    try:
        quantity(text)
    except ValueError:
        return False
    return True


def _decimal(value: Any) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return Decimal(_kind(value, "quantity")["value"])


def quantity_add(left: Any, right: Any) -> Dict[str, Any]:
    return _tagged("quantity", value=_canonical(_decimal(left) + _decimal(right)))


def quantity_sub(left: Any, right: Any) -> Dict[str, Any]:
    return _tagged("quantity", value=_canonical(_decimal(left) - _decimal(right)))


def quantity_as_integer(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value() or not INT64_MIN <= number <= INT64_MAX:
        raise ValueError("cannot convert value to integer")
    return int(number)


def quantity_is_integer(value: Any) -> bool:
    number = _decimal(value)
    return number == number.to_integral_value() and INT64_MIN <= number <= INT64_MAX


def quantity_sign(value: Any) -> int:
    number = _decimal(value)
    return (number > 0) - (number < 0)


# -- semver (blang/semver as the Kubernetes library uses it) -------------------------------------

_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
                     r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?")


def _parse_semver(text: str, normalize: bool = False) -> Optional[Dict[str, Any]]:
    if normalize:  # a leading "v", missing minor or patch, leading zeros
        text = text[1:] if text.startswith("v") else text
        loose = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)\Z", text, re.S)
        if loose:
            text = ".".join(str(int(g)) if g else "0" for g in loose.group(1, 2, 3)) + loose.group(4)
    match = _SEMVER.fullmatch(text)
    if match is None:
        return None
    return _tagged("semver", major=int(match.group(1)), minor=int(match.group(2)), patch=int(match.group(3)),
                   pre=match.group(4) or "")


def semver(text: str, normalize: bool = False) -> Dict[str, Any]:
    parsed = _parse_semver(text, normalize)
    if parsed is None:
        raise ValueError(f"could not parse {text!r} as a semantic version")
    return parsed


def is_semver(text: str, normalize: bool = False) -> bool:
    return _parse_semver(text, normalize) is not None


def _semver_key(value: Dict[str, Any]) -> Tuple[Any, ...]:
    pre = value["pre"]
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")) if pre else ()
    return (value["major"], value["minor"], value["patch"], 0 if pre else 1, parts)


def compare(left: Any, right: Any) -> int:
    """compareTo of two quantities or two semvers."""
    if isinstance(left, dict) and left.get(TAG) == "semver":
        a, b = _semver_key(left), _semver_key(_kind(right, "semver"))
    else:
        a, b = _decimal(left), _decimal(right)
    return (a > b) - (a < b)


# -- ip and cidr (netip, as the Kubernetes library parses them) ----------------------------------

def _parse_ip(text: str) -> Optional[Any]:
    if "%" in text:  # zones are refused
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return None  # IPv4-mapped IPv6 is refused
    return address


def ip(text: str) -> Dict[str, Any]:
    address = _parse_ip(text)
    if address is None:
        raise ValueError(f"IP Address {text!r} parse error during conversion from string")
    return _tagged("ip", value=str(address))


def is_ip(text: str) -> bool:
    return _parse_ip(text) is not None


def ip_is_canonical(text: str) -> bool:
    address = _parse_ip(text)
    if address is None:
        raise ValueError(f"IP Address {text!r} parse error during conversion from string")
    return str(address) == text


def _address(value: Any) -> Any:
    if isinstance(value, str):
        return ipaddress.ip_address(ip(value)["value"])
    return ipaddress.ip_address(_kind(value, "ip")["value"])


def ip_family(value: Any) -> int:
    return _address(value).version


def ip_is_link_local_multicast(value: Any) -> bool:
    address = _address(value)
    if address.version == 4:
        return address in ipaddress.ip_network("224.0.0.0/24")
    return address.packed[0] == 0xFF and address.packed[1] & 0x0F == 0x02


def ip_is_global_unicast(value: Any) -> bool:
    """Go's IsGlobalUnicast: not unspecified, loopback, multicast, link-local or broadcast."""
    address = _address(value)
    if address.version == 4 and address == ipaddress.IPv4Address("255.255.255.255"):
        return False
    return not (address.is_unspecified or address.is_loopback or address.is_multicast or address.is_link_local)


def _parse_cidr(text: str) -> Optional[Tuple[Any, int]]:
    address_text, slash, length = text.partition("/")
    address = _parse_ip(address_text)
    if not slash or address is None or not length.isdigit() or (len(length) > 1 and length[0] == "0"):
        return None
    prefix = int(length)
    if prefix > address.max_prefixlen:
        return None
    return address, prefix


def cidr(text: str) -> Dict[str, Any]:
    parsed = _parse_cidr(text)
    if parsed is None:
        raise ValueError(f"network address parse error during conversion from string: {text!r}")
    return _tagged("cidr", ip=str(parsed[0]), prefix=parsed[1])


def is_cidr(text: str) -> bool:
    return _parse_cidr(text) is not None


def _network(value: Any) -> Any:
    value = cidr(value) if isinstance(value, str) else _kind(value, "cidr")
    return ipaddress.ip_network(f"{value['ip']}/{value['prefix']}", strict=False)


def cidr_contains_ip(value: Any, address: Any) -> bool:
    other = _address(address)
    network = _network(value)
    return other.version == network.version and other in network


def cidr_contains_cidr(value: Any, other: Any) -> bool:
    outer, inner = _network(value), _network(other)
    return outer.version == inner.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def cidr_masked(value: Any) -> Dict[str, Any]:
    network = _network(value)
    return _tagged("cidr", ip=str(network.network_address), prefix=network.prefixlen)


# -- the declarations -----------------------------------------------------------------------------

def declarations(cel: Any) -> List[Any]:
    """The FunctionDecls of the Kubernetes libraries for the engine module `cel`."""
    t = cel.Type
    opaque = t.Map(t.STRING, t.DYN)
    dyn_list = t.List(t.DYN)
    function: List[Any] = []

    def add(name: str, overloads: List[Tuple[str, Any, List[Any], bool, Callable[..., Any]]]) -> None:
        function.append(cel.FunctionDecl(name, [
            cel.Overload(oid, result, params, is_member=is_member, impl=impl)
            for oid, result, params, is_member, impl in overloads]))

    add("isSorted", [("list_is_sorted", t.BOOL, [dyn_list], True, is_sorted)])
    add("sum", [("list_sum", t.DYN, [dyn_list], True, list_sum)])
    add("min", [("list_min", t.DYN, [dyn_list], True, list_min)])
    add("max", [("list_max", t.DYN, [dyn_list], True, list_max)])
    add("find", [("string_find", t.STRING, [t.STRING, t.STRING], True, find)])
    add("findAll", [("string_find_all", t.List(t.STRING), [t.STRING, t.STRING], True, find_all),
                    ("string_find_all_n", t.List(t.STRING), [t.STRING, t.STRING, t.INT], True, find_all)])
    add("url", [("string_to_url", opaque, [t.STRING], False, url)])
    add("isURL", [("is_url", t.BOOL, [t.STRING], False, is_url)])
    for name, key in (("getScheme", "scheme"), ("getHost", "host"), ("getHostname", "hostname"),
                      ("getPort", "port"), ("getEscapedPath", "path")):
        add(name, [(f"url_{key}", t.STRING, [opaque], True, lambda v, k=key: _kind(v, "url")[k])])
    add("getQuery", [("url_query", t.Map(t.STRING, t.List(t.STRING)), [opaque], True, url_query)])
    add("quantity", [("string_to_quantity", opaque, [t.STRING], False, quantity)])
    add("isQuantity", [("is_quantity", t.BOOL, [t.STRING], False, is_quantity)])
    add("add", [("quantity_add", opaque, [opaque, opaque], True, quantity_add),
                ("quantity_add_int", opaque, [opaque, t.INT], True, quantity_add)])
    add("sub", [("quantity_sub", opaque, [opaque, opaque], True, quantity_sub),
                ("quantity_sub_int", opaque, [opaque, t.INT], True, quantity_sub)])
    add("asInteger", [("quantity_as_integer", t.INT, [opaque], True, quantity_as_integer)])
    add("asApproximateFloat", [("quantity_as_float", t.DOUBLE, [opaque], True, lambda v: float(_decimal(v)))])
    add("isInteger", [("quantity_is_integer", t.BOOL, [opaque], True, quantity_is_integer)])
    add("sign", [("quantity_sign", t.INT, [opaque], True, quantity_sign)])
    add("compareTo", [("opaque_compare", t.INT, [opaque, opaque], True, compare)])
    add("isGreaterThan", [("opaque_greater", t.BOOL, [opaque, opaque], True, lambda a, b: compare(a, b) > 0)])
    add("isLessThan", [("opaque_less", t.BOOL, [opaque, opaque], True, lambda a, b: compare(a, b) < 0)])
    add("semver", [("string_to_semver", opaque, [t.STRING], False, semver),
                   ("string_bool_to_semver", opaque, [t.STRING, t.BOOL], False, semver)])
    add("isSemver", [("is_semver", t.BOOL, [t.STRING], False, is_semver),
                     ("is_semver_normalize", t.BOOL, [t.STRING, t.BOOL], False, is_semver)])
    for name in ("major", "minor", "patch"):
        add(name, [(f"semver_{name}", t.INT, [opaque], True, lambda v, k=name: _kind(v, "semver")[k])])
    add("ip", [("string_to_ip", opaque, [t.STRING], False, ip),
               ("cidr_ip", opaque, [opaque], True, lambda v: _tagged("ip", value=_kind(v, "cidr")["ip"]))])
    add("isIP", [("is_ip", t.BOOL, [t.STRING], False, is_ip)])
    add("ip.isCanonical", [("ip_is_canonical", t.BOOL, [t.STRING], False, ip_is_canonical)])
    add("family", [("ip_family", t.INT, [opaque], True, ip_family)])
    add("isUnspecified", [("ip_unspecified", t.BOOL, [opaque], True, lambda v: _address(v).is_unspecified)])
    add("isLoopback", [("ip_loopback", t.BOOL, [opaque], True, lambda v: _address(v).is_loopback)])
    add("isLinkLocalMulticast", [("ip_ll_multicast", t.BOOL, [opaque], True, ip_is_link_local_multicast)])
    add("isLinkLocalUnicast", [("ip_ll_unicast", t.BOOL, [opaque], True,
                                lambda v: _address(v).is_link_local and not _address(v).is_multicast)])
    add("isGlobalUnicast", [("ip_global_unicast", t.BOOL, [opaque], True, ip_is_global_unicast)])
    add("cidr", [("string_to_cidr", opaque, [t.STRING], False, cidr)])
    add("isCIDR", [("is_cidr", t.BOOL, [t.STRING], False, is_cidr)])
    add("containsIP", [("cidr_contains_ip", t.BOOL, [opaque, opaque], True, cidr_contains_ip),
                       ("cidr_contains_ip_string", t.BOOL, [opaque, t.STRING], True, cidr_contains_ip)])
    add("containsCIDR", [("cidr_contains_cidr", t.BOOL, [opaque, opaque], True, cidr_contains_cidr),
                         ("cidr_contains_cidr_string", t.BOOL, [opaque, t.STRING], True, cidr_contains_cidr)])
    add("masked", [("cidr_masked", opaque, [opaque], True, cidr_masked)])
    add("prefixLength", [("cidr_prefix_length", t.INT, [opaque], True, lambda v: _kind(v, "cidr")["prefix"])])
    add("sets.contains", [("sets_contains", t.BOOL, [dyn_list, dyn_list], False,
                           lambda a, b: all(x in list(a) for x in b))])
    add("sets.equivalent", [("sets_equivalent", t.BOOL, [dyn_list, dyn_list], False,
                             lambda a, b: all(x in list(a) for x in b) and all(x in list(b) for x in a))])
    add("sets.intersects", [("sets_intersects", t.BOOL, [dyn_list, dyn_list], False,
                             lambda a, b: any(x in list(a) for x in b))])
    return function


# Names of the Kubernetes CEL environment kubelint's engine does not have: a rule that uses one
# does not compile here but does in the API server, so it is skipped rather than reported.
# (lists' indexOf/lastIndexOf collide with the strings extension's; two-variable comprehensions
# and the image library are newer than the engine.)
UNSUPPORTED_NAMES = ("indexOf", "lastIndexOf", "all", "exists", "existsOne", "exists_one", "transformList",
                     "transformMap", "transformMapEntry", "image", "isImage", "containerImage")
