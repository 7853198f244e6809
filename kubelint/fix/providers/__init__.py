"""Fix providers, one module per topic, in the order they are asked (the first proposal wins)."""

from __future__ import annotations

from typing import List

from .base import Provider


def providers() -> List[Provider]:
    from .enums import EnumCase, KindCase
    from .values import QuoteRetypedString, UnquoteInteger

    return [EnumCase(), KindCase(), QuoteRetypedString(), UnquoteInteger()]
