"""Output formats, by name. The CLI's --format choices come from FORMATTERS."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Dict, Tuple, Type

if TYPE_CHECKING:
    from .base import Formatter

# name -> (module, class). A run imports only the formatter it writes with: importing them
# all cost 3 ms, most of it xml.etree for junit.
FORMATTERS: Dict[str, Tuple[str, str]] = {
    "text": ("text", "TextFormatter"),
    "json": ("json", "JsonFormatter"),
    "github": ("github", "GithubFormatter"),
    "sarif": ("sarif", "SarifFormatter"),
    "junit": ("junit", "JunitFormatter"),
    "markdown": ("markdown", "MarkdownFormatter"),
}


def formatter_class(name: str) -> Type["Formatter"]:
    module, class_name = FORMATTERS[name]
    formatter: Type["Formatter"] = getattr(importlib.import_module(f".{module}", __name__), class_name)
    return formatter
