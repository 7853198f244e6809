"""Characters from the input that must not reach a terminal, a CI log or a report raw.

Names, keys, messages and file names come from files written by anyone who can open a pull
request. Raw, a newline in a `metadata.name` forges a line of output (GitHub reads
`::error file=...::` workflow commands from any step's output), an ESC sequence sets the
terminal's title or clears it, a bidirectional override reorders what a reviewer reads, and
NUL or a lone surrogate breaks XML and strict encoders. Each formatter shows them escaped.
"""

from __future__ import annotations

import re

from ..lazy_regex import lazy_compile

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional embeddings,
# overrides and isolates, lone surrogates (which no encoder accepts) and the two
# noncharacters XML forbids.
CONTROL = lazy_compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: "re.Match[str]") -> str:
    character = match.group()
    named = _NAMED.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with each control character written as an escape: `\\x1b`, `\\n`, `\\u202e`."""
    return CONTROL.sub(_escape, text) if CONTROL.search(text) else text


def stripped(text: str, keep: str = "") -> str:
    """`text` without control characters (those in `keep` stay); lone surrogates become U+FFFD."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: m.group() if m.group() in keep else
                       ("\ufffd" if "\ud800" <= m.group() <= "\udfff" else ""), text)
