"""Value syntax in the API server's exact words: k8s.io/apimachinery/pkg/util/validation
(validation.go, ip.go) and pkg/api/validate/content (dns.go, kube.go).

Each check returns a tuple of problems (empty: valid), worded as the Go function words them,
regex and examples included, so messages read as kubectl prints them. Checks of values that
repeat across objects (label keys, resource and key names) are memoized, bounded.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
from typing import Optional, Tuple

from ...lazy_regex import lazy_compile

Problems = Tuple[str, ...]
MEMO = 4096

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
_DNS1123_LABEL = re.compile(DNS1123_LABEL_FMT + r"\Z")
_DNS1123_SUBDOMAIN = re.compile(DNS1123_SUBDOMAIN_FMT + r"\Z")
_UNDERSCORE_LABEL_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_UNDERSCORE_FMT = _UNDERSCORE_LABEL_FMT + "(\\." + _UNDERSCORE_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_UNDERSCORE = re.compile(_DNS1123_SUBDOMAIN_UNDERSCORE_FMT + r"\Z")
LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY = lazy_compile(LABEL_KEY_FMT + r"\Z")
_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                  "alphanumeric character")
_LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?"
CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY = lazy_compile(CONFIG_MAP_KEY_FMT + r"\Z")
ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME = lazy_compile(ENV_VAR_NAME_FMT + r"\Z")
_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
SYSCTL_FMT = "^(" + _SYSCTL_SEGMENT + "[\\./])*" + _SYSCTL_SEGMENT + "$"
_SYSCTL = lazy_compile("(" + _SYSCTL_SEGMENT + "[./])*" + _SYSCTL_SEGMENT + r"\Z")
_DECIMAL = lazy_compile(r"[0-9]+\Z")


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """validation.RegexError, spacing included ("'a',  or 'b', ")."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    text = message + " (e.g. "
    for index, example in enumerate(examples):
        if index:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def inclusive_range_error(low: int, high: int) -> str:
    return f"must be between {low} and {high}, inclusive"


EMPTY_ERROR = "must be non-empty"


@functools.lru_cache(maxsize=MEMO)
def dns1123_label(value: str) -> Problems:
    problems = []
    if len(value) > 63:
        problems.append(max_len_error(63))
    if not _DNS1123_LABEL.match(value):
        if _DNS1123_SUBDOMAIN.match(value):
            problems.append("must not contain dots")
        else:
            problems.append(regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                                        "or '-', and must start and end with an alphanumeric character",
                                        DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return tuple(problems)


@functools.lru_cache(maxsize=MEMO)
def dns1123_subdomain(value: str) -> Problems:
    problems = []
    if len(value) > 253:
        problems.append(max_len_error(253))
    if not _DNS1123_SUBDOMAIN.match(value):
        problems.append(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                    "characters, '-' or '.', and must start and end with an alphanumeric character",
                                    DNS1123_SUBDOMAIN_FMT, "example.com"))
    return tuple(problems)


def dns1123_subdomain_with_underscore(value: str) -> Problems:
    problems = []
    if len(value) > 253:
        problems.append(max_len_error(253))
    if not _DNS1123_SUBDOMAIN_UNDERSCORE.match(value):
        problems.append(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                    "characters, '_', '-' or '.', and must start and end with an alphanumeric "
                                    "character", _DNS1123_SUBDOMAIN_UNDERSCORE_FMT, "example.com"))
    return tuple(problems)


def name_is_dns_subdomain(name: str, prefix: bool = False) -> Problems:
    """apimachinery NameIsDNSSubdomain: a generateName prefix may end in '-' (maskTrailingDash)."""
    if prefix and len(name) > 1 and name[-1] == "-":
        name = name[:-2] + "a"
    return dns1123_subdomain(name)


@functools.lru_cache(maxsize=MEMO)
def label_key(value: str) -> Problems:
    """content.IsLabelKey (validation.IsQualifiedName): `[prefix/]name`."""
    problems = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            problems.append("prefix part " + EMPTY_ERROR)
        else:
            problems.extend("prefix part " + p for p in dns1123_subdomain(prefix))
    else:
        return ("a valid label key " + regex_error(_LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",)
    if not name:
        problems.append("name part " + EMPTY_ERROR)
    elif len(name) > 63:
        problems.append("name part " + max_len_error(63))
    if not _LABEL_KEY.match(name):
        problems.append("name part " + regex_error(_LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc"))
    return tuple(problems)


@functools.lru_cache(maxsize=MEMO)
def label_value(value: str) -> Problems:
    problems = []
    if len(value) > 63:
        problems.append(max_len_error(63))
    if value and not _LABEL_KEY.match(value):
        problems.append(regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                                    "'-', '_' or '.', and must start and end with an alphanumeric character",
                                    _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return tuple(problems)


def _chdir_prefix(value: str) -> Problems:
    if value == ".":
        return ("must not be '.'",)
    if value == "..":
        return ("must not be '..'",)
    if value.startswith(".."):
        return ("must not start with '..'",)
    return ()


@functools.lru_cache(maxsize=MEMO)
def config_map_key(value: str) -> Problems:
    """validation.IsConfigMapKey: ConfigMap and Secret keys, key selectors."""
    problems = []
    if len(value) > 253:
        problems.append(max_len_error(253))
    if not _CONFIG_MAP_KEY.match(value):
        problems.append(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                    CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return tuple(problems) + _chdir_prefix(value)


@functools.lru_cache(maxsize=MEMO)
def env_var_name(value: str, relaxed: bool) -> Problems:
    """IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on from 1.32) or IsEnvVarName."""
    if relaxed:
        if not value:
            return ("environment variable name " + EMPTY_ERROR,)
        if any(not 32 <= ord(c) <= 126 or c == "=" for c in value):
            return ("a valid environment variable name must consist only of printable ASCII characters other "
                    "than '='",)
        return ()
    problems: Tuple[str, ...] = ()
    if not _ENV_VAR_NAME.match(value):
        problems = (regex_error("a valid environment variable name must consist of alphabetic characters, digits, "
                                "'_', '-', or '.', and must not start with a digit", ENV_VAR_NAME_FMT,
                                "my.env-name", "MY_ENV.NAME", "MyEnvName1"),)
    return problems + _chdir_prefix(value)


def is_sysctl_name(value: str) -> bool:
    return len(value) <= 253 and _SYSCTL.match(value) is not None


@functools.lru_cache(maxsize=MEMO)
def is_ip_sloppy(value: str) -> bool:
    """netutils.ParseIPSloppy: Go's net.ParseIP, also taking IPv4 parts with leading zeros."""
    if not value or "%" in value:
        return False
    if ":" in value:
        try:
            ipaddress.IPv6Address(value)
            return True
        except ValueError:
            return False
    parts = value.split(".")
    return len(parts) == 4 and all(_DECIMAL.match(p) and int(p) <= 255 for p in parts)


IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

# Go's unicode.IsSpace, as strings.TrimSpace uses it.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028" \
           "\u2029\u202f\u205f\u3000"
_PORT_NAME_CHARSET = lazy_compile(r"[-a-z0-9]+\Z")
_HAS_LETTER = lazy_compile("[a-z]")
HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER = lazy_compile(HTTP_HEADER_FMT + r"\Z")
HTTP_HEADER_ERROR = regex_error("a valid HTTP header must consist of alphanumeric characters or '-'",
                                HTTP_HEADER_FMT, "X-Header-Name")


@functools.lru_cache(maxsize=MEMO)
def port_name(value: str) -> Problems:
    """validation.IsValidPortName (IANA_SVC_NAME)."""
    problems = []
    if len(value) > 15:
        problems.append(max_len_error(15))
    if not _PORT_NAME_CHARSET.match(value):
        problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(value):
        problems.append("must contain at least one letter (a-z)")
    if "--" in value:
        problems.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        problems.append("must not begin or end with a hyphen")
    return tuple(problems)


def is_http_header_name(value: str) -> bool:
    return _HTTP_HEADER.match(value) is not None

_CANONICAL_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")
_BASE64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_NEWLINES = (10, 13)
_PAD = 61  # '='


def go_base64(text: str) -> Tuple[int, Optional[int]]:
    """How Go's encoding/json decodes a []byte field (base64.StdEncoding.Decode): the decoded
    length, and the input byte at which decoding fails ("illegal base64 data at input byte N"),
    or None. Newlines are skipped, padding is required, trailing bits are not checked."""
    if len(text) % 4 == 0 and _CANONICAL_BASE64.match(text):
        # The common case, decided without decoding: whole quanta, padding only at the end.
        return len(text) // 4 * 3 - (2 if text.endswith("==") else 1 if text.endswith("=") else 0), None
    src = text.encode("utf-8", "surrogatepass")
    size, index, end = 0, 0, len(src)
    while index < end:
        length, count, error = 4, 0, None
        while count < 4:
            if index == end:
                if count == 0:
                    return size, None
                return size, index - count
            char = src[index]
            index += 1
            if char in _BASE64_ALPHABET:
                count += 1
                continue
            if char in _NEWLINES:
                continue
            if char != _PAD or count < 2:
                return size, index - 1
            if count == 2:  # "==" expected, the first one consumed
                while index < end and src[index] in _NEWLINES:
                    index += 1
                if index == end:
                    return size, end
                if src[index] != _PAD:
                    return size, index - 1
                index += 1
            while index < end and src[index] in _NEWLINES:
                index += 1
            if index < end:
                error = index  # trailing garbage
            length = count
            break
        size += length - 1
        if error is not None:
            return size, error
    return size, None


def go_base64_bytes(text: str) -> Optional[bytes]:
    """The decoded bytes when Go would decode them (newlines dropped), else None."""
    if go_base64(text)[1] is not None:
        return None
    return base64.b64decode(text.replace("\n", "").replace("\r", ""))
