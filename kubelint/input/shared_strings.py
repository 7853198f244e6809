"""One shared copy of each mapping key and short string across a large run's documents.

Keys and short values repeat across objects ("name", "containerPort", "TCP"): sharing them
keeps a 60,000-object run's memory about half of what it would be. Both YAML loaders use it,
so it lives apart from either (and imports neither)."""

from __future__ import annotations

from typing import Dict

SHARED_STRINGS: Dict[str, str] = {}
SHARED_STRING_MAX = 64  # longer strings rarely repeat
