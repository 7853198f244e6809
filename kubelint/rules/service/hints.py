"""Did-you-mean hints for Service values: the spelling a near miss was probably meant to be."""

from __future__ import annotations

from typing import Any, Optional, Sequence
from urllib.parse import urlsplit

from ...model.validation import dns1123_subdomain


def suggestion(value: str, choices: Sequence[str]) -> Optional[str]:
    """The supported value `value` was probably meant to be: the same letters in another case or
    with spaces around them, or a near miss."""
    for choice in choices:
        if choice.lower() == value.strip().lower():
            return choice
    import difflib  # only for a near miss; imported here, as a clean run never needs it

    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[close[0]] if close else None


def fix_hint(value: str, validate: Any) -> str:
    """`; did you mean "x"?` when lowercasing (and '_' to '-') gives a value `validate` accepts."""
    for candidate in (value.lower(), value.lower().replace("_", "-")):
        if candidate != value and not validate(candidate):
            return f"; did you mean \"{candidate}\"?"
    return ""


def host_hint(value: str) -> str:
    """A URL or host:port where a DNS name belongs: suggest the host alone."""
    if "://" not in value and ":" not in value and "/" not in value:
        return ""
    try:
        host = urlsplit(value if "://" in value else "//" + value).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if host and not dns1123_subdomain(host):
        return f"; give only the host name: \"{host}\" (no scheme, port or path)"
    return ""
