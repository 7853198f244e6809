"""Value shapes as the API server sees them (YAML booleans are not integers), and how values
are shown in messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ...findings import Pointer, pointer_to_dotted

if TYPE_CHECKING:
    from typing import (
        TypeGuard,  # Python 3.10+; annotations are not evaluated at run time
    )


def dotted(pointer: Pointer) -> str:
    """`spec.ports[0].port`: a JSON pointer as a message shows it."""
    return pointer_to_dotted(pointer)


def is_int(value: Any) -> "TypeGuard[int]":
    """An integer; YAML's true/false are Python bools, which are not."""
    return isinstance(value, int) and not isinstance(value, bool)


def int_or_none(value: Any) -> Optional[int]:
    """The value if it is an integer (YAML booleans are not), else None."""
    return value if is_int(value) else None


def str_or_none(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def quoted(value: Any) -> str:
    """A value for a message: strings in quotes, everything else as Python prints it."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def shown(value: str, limit: int = 70) -> str:
    """A string quoted for a message, shortened when very long."""
    return f'"{value}"' if len(value) <= limit else f'"{value[:limit]}..." ({len(value)} characters)'


def api_group(api_version: str) -> str:
    """The group of an apiVersion: "apps" for apps/v1, "" for the core group's v1."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""
