"""Kubernetes' name and value syntax (k8s.io/apimachinery/pkg/util/validation), shared by rules.

Each function returns the problems with a value, worded as the API server words them; an
empty list means valid.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Callable, List

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
# Only Services checked for Kubernetes before 1.36 need it: re compiles (and caches) it on first use.
_DNS1035_LABEL = r"[a-z]([-a-z0-9]*[a-z0-9])?\Z"
_QUALIFIED_NAME_PART = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+\Z")
_HAS_LETTER = re.compile(r"[a-z]")

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
IANA_SVC_NAME_MAX = 15


# Distinct values a validator remembers: label keys and port names repeat across thousands of
# objects, and memory stays bounded on inputs of many distinct values. Validators of one regex
# are not memoized: for the unique values they mostly see (object names), a miss costs more.
MEMO_SIZE = 4096


def _memoized(check: Callable[[str], List[str]]) -> Callable[[str], List[str]]:
    """`check`, asked once per distinct value; each caller gets a fresh list, as some append to it."""
    remembered = functools.lru_cache(maxsize=MEMO_SIZE)(lambda value: tuple(check(value)))

    @functools.wraps(check)
    def memoized(value: str) -> List[str]:
        return list(remembered(value))
    return memoized


def _noting_non_ascii(check: Callable[[str], List[str]]) -> Callable[[str], List[str]]:
    """`check`, whose problems also name the non-ASCII characters of a refused value: a Cyrillic
    "і" in "apі" looks exactly like "api", and only its code point tells them apart."""
    @functools.wraps(check)
    def noting(value: str) -> List[str]:
        problems = check(value)
        if problems and not value.isascii():
            problems.append(non_ascii_note(value))
        return problems
    return noting


def non_ascii_note(value: str, limit: int = 3) -> str:
    import unicodedata

    found = list(dict.fromkeys(c for c in value if not c.isascii()))
    named = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}" for c in found[:limit]]
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    return (f"contains {', '.join(named)}{more}, which is not ASCII (a look-alike pasted from other text? "
            "retype it)")


def _too_long(value: str, limit: int) -> List[str]:
    return [f"must be no more than {limit} characters"] if len(value) > limit else []


@_noting_non_ascii
def dns1123_label(value: str) -> List[str]:
    problems = _too_long(value, DNS1123_LABEL_MAX)
    if not _DNS1123_LABEL.match(value):
        problems.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                        "or '-', and must start and end with an alphanumeric character")
    return problems


@_noting_non_ascii
def dns1123_subdomain(value: str) -> List[str]:
    problems = _too_long(value, DNS1123_SUBDOMAIN_MAX)
    if not _DNS1123_SUBDOMAIN.match(value):
        problems.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        "characters, '-' or '.', and must start and end with an alphanumeric character")
    return problems


@_noting_non_ascii
def dns1035_label(value: str) -> List[str]:
    problems = _too_long(value, DNS1035_LABEL_MAX)
    if not re.match(_DNS1035_LABEL, value):
        problems.append("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                        "start with an alphabetic character, and end with an alphanumeric character")
    return problems


def wildcard_dns1123_subdomain(value: str) -> List[str]:
    """`*.example.com`: a subdomain with one leading `*.` label."""
    if not value.startswith("*."):
        return ["a wildcard DNS-1123 subdomain must start with '*.'"]
    return dns1123_subdomain(value[2:])


@_memoized
@_noting_non_ascii
def qualified_name(value: str) -> List[str]:
    """Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name 63 characters."""
    parts = value.split("/")
    if len(parts) == 1:
        prefix, name = "", parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"]
    else:
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
                "and must start and end with an alphanumeric character, with an optional "
                "DNS subdomain prefix and '/' (e.g. 'example.com/MyName'): at most one '/'"]
    problems: List[str] = []
    if prefix:
        problems += [f"prefix part {p}" for p in dns1123_subdomain(prefix)]
    if not name:
        problems.append("name part must be non-empty")
    else:
        problems += [f"name part {p}" for p in _too_long(name, QUALIFIED_NAME_MAX)]
        if not _QUALIFIED_NAME_PART.match(name):
            problems.append("name part must consist of alphanumeric characters, '-', '_' or '.', "
                            "and must start and end with an alphanumeric character")
    return problems


@_noting_non_ascii
def label_value(value: str) -> List[str]:
    if value == "":
        return []
    problems = _too_long(value, LABEL_VALUE_MAX)
    if not _QUALIFIED_NAME_PART.match(value):
        problems.append("a valid label must be an empty string or consist of alphanumeric characters, "
                        "'-', '_' or '.', and must start and end with an alphanumeric character")
    return problems


# Yes-or-no forms for loops over every label of every object: no list to build when valid.
@functools.lru_cache(maxsize=MEMO_SIZE)
def is_qualified_name(value: str) -> bool:
    return not qualified_name(value)


@functools.lru_cache(maxsize=MEMO_SIZE)
def is_label_value(value: str) -> bool:
    return not label_value(value)


@_memoized
@_noting_non_ascii
def iana_svc_name(value: str) -> List[str]:
    """Container port names and named targetPorts (RFC 6335)."""
    problems = _too_long(value, IANA_SVC_NAME_MAX)
    if not _IANA_SVC_NAME.match(value):
        problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        problems.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        problems.append("must not begin or end with a hyphen")
    if not _HAS_LETTER.search(value):
        problems.append("must contain at least one letter (a-z)")
    return problems


def port_number(value: object) -> List[str]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        return ["must be between 1 and 65535, inclusive"]
    return []


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False
