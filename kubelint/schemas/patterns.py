"""CRD `pattern`s (Go regexp, RE2 syntax) in a form both of kubelint's validation engines
compile (Python's re and the Rust regex crate), or None when they cannot."""

from __future__ import annotations

import re
from typing import Dict, Optional

# Go (RE2) patterns -> patterns both Python's re and the Rust engine accept.
_INLINE_FLAGS = re.compile(r"\(\?([imsU]+)\)")


def translate_pattern(pattern: str) -> Optional[str]:
    """`pattern` in a form both engines compile, or None when one cannot (then it is not
    checked). RE2 allows `(?i)` anywhere; Python only at the start: a later one becomes a
    scoped group `(?i:...)` up to the end of its enclosing group."""
    translated = _posix_classes(pattern)
    if translated is None:
        return None
    match = _INLINE_FLAGS.search(translated)
    while match is not None and match.start() > 0:
        if "U" in match.group(1):
            return None
        end = _group_end(translated, match.end())
        translated = (translated[:match.start()] + f"(?{match.group(1)}:" + translated[match.end():end] + ")"
                      + translated[end:])
        match = _INLINE_FLAGS.search(translated, match.start() + 1)
    if not _compiles(translated):
        return None
    return translated


# RE2's ASCII classes, written out for engines that lack `[[:alpha:]]` (Python reads it as a set
# of the characters "[:alph" followed by "]").
_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
          "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
          "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
          "xdigit": "0-9A-Fa-f"}
_POSIX_CLASS = re.compile(r"\[:(\^?)([a-z]+):\]")


def _posix_classes(pattern: str) -> Optional[str]:
    """`pattern` with `[:name:]` inside brackets written out, or None for a negated one."""
    if "[:" not in pattern:
        return pattern

    def expand(match: "re.Match[str]") -> str:
        if match.group(1) or match.group(2) not in _POSIX:
            raise ValueError(match.group())
        return _POSIX[match.group(2)]

    try:
        return _POSIX_CLASS.sub(expand, pattern)
    except ValueError:
        return None


def nested_repeats(problem: str, pattern: str) -> bool:
    """RE2 refuses repetitions whose nested counts multiply past 1000; Go's regexp only refuses a
    single count over 1000 (and expressions too large to compile), so such a refusal is no proof."""
    if "repetition size" not in problem:
        return False
    counts = re.findall(r"\{(\d+)(?:,(\d*))?\}", pattern)
    return all(int(low) <= 1000 and (not high or int(high) <= 1000) for low, high in counts)


def _group_end(text: str, start: int) -> int:
    """Index of the `)` closing the group `start` is in (or the end of the text)."""
    depth, index, in_class = 0, start, False
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return len(text)


_compiled: Dict[str, bool] = {}


def _rust_compiles(pattern: str) -> bool:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - depends on the platform
        return True
    try:
        jsonschema_rs.validator_for({"pattern": pattern})
    except Exception:  # the Rust regex dialect refuses it
        return False
    return True


def _compiles(pattern: str) -> bool:
    if pattern not in _compiled:
        import warnings

        ok = True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "possible nested set" and the like
                re.compile(pattern)
        except (re.error, RecursionError, OverflowError, MemoryError):
            ok = False
        if ok:
            ok = _rust_compiles(pattern)
        _compiled[pattern] = ok
    return _compiled[pattern]
