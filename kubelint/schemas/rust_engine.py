"""Importing jsonschema-rs, the Rust validator, without paying for `email.utils`.

The extension's module init records when it was built (pyo3-built's `__build__` info) by
calling `email.utils.parsedate_to_datetime` on an RFC 2822 date. Importing `email.utils` pulls
in socket, random, calendar and email's charset tables: a third of the whole import, on every
`kubelint check` (14 of 19 ms measured). While the extension loads, `email.utils` is a
stand-in whose one function reads that fixed date format and hands anything else to the real
module; afterwards the stand-in is gone and `import email.utils` works as always.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Optional

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parsedate_to_datetime(text: str) -> Any:
    """email.utils.parsedate_to_datetime for `Thu, 12 Nov 2026 07:50:16 +0000`, the form
    pyo3-built writes (the same datetime, zone included); any other text goes to email.utils."""
    import datetime

    try:
        _, day, month, year, clock, zone = text.split(" ")
        hour, minute, second = clock.split(":")
        if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
            raise ValueError(zone)
        offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
        if zone == "-0000":  # "zone unknown": email.utils answers a naive datetime
            raise ValueError(zone)
        tzinfo = datetime.timezone(datetime.timedelta(seconds=-offset if zone[0] == "-" else offset))
        return datetime.datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute),
                                 int(second), tzinfo=tzinfo)
    except ValueError:
        pass
    sys.modules.pop("email.utils", None)  # the stand-in, if it is still there
    from email.utils import parsedate_to_datetime as exact

    return exact(text)


def _real_attribute(name: str) -> Any:
    """A name the stand-in lacks, from the real email.utils (PEP 562's module __getattr__)."""
    sys.modules.pop("email.utils", None)
    import email.utils

    return getattr(email.utils, name)


def load() -> Optional[ModuleType]:
    """The jsonschema_rs module, or None where no wheel is installed."""
    loaded = sys.modules.get("jsonschema_rs")
    if loaded is not None:
        return loaded
    stand_in = None
    if "email.utils" not in sys.modules:
        stand_in = ModuleType("email.utils")
        stand_in.parsedate_to_datetime = parsedate_to_datetime  # type: ignore[attr-defined]
        # Any other name (a later jsonschema-rs may use more of the module) is the real one's.
        stand_in.__getattr__ = _real_attribute  # type: ignore[attr-defined]
        sys.modules["email.utils"] = stand_in
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - depends on the platform
        return None
    finally:
        if stand_in is not None and sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]
    return jsonschema_rs
