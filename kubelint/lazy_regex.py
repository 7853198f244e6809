"""Regular expressions compiled on first use.

A module-level `re.compile` runs on every start, whether or not the run needs the pattern:
rules for kinds the input does not hold, checks of values a clean manifest does not have.
`lazy_compile` returns a stand-in that compiles on its first use and then answers as the
compiled pattern does, at the same cost per call (its methods are the pattern's own, copied
onto the stand-in).
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled when a method or attribute is first asked for."""

    def __init__(self, pattern: Any, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes the instance lacks: once compiled, the methods are found
        # on the instance directly and this is not called again for them.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        self.flags, self.groups, self.groupindex = compiled.flags, compiled.groups, compiled.groupindex
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r})"


def lazy_compile(pattern: AnyStr, flags: int = 0) -> "re.Pattern[AnyStr]":
    """A pattern compiled on first use (typed as the compiled pattern it stands for)."""
    return cast("re.Pattern[AnyStr]", LazyPattern(pattern, flags))
