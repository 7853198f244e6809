"""Output formats, by name. The CLI's --format choices come from FORMATTERS."""

from __future__ import annotations

from typing import Dict, Type

from .base import Formatter
from .github import GithubFormatter
from .json import JsonFormatter
from .junit import JunitFormatter
from .sarif import SarifFormatter
from .text import TextFormatter

FORMATTERS: Dict[str, Type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
    "github": GithubFormatter,
    "sarif": SarifFormatter,
    "junit": JunitFormatter,
}
