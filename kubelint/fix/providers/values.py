"""Values written in the wrong form: YAML 1.1 retyped them, or they are quoted numbers.

- A string field holding an unquoted `yes`/`no`/`on`/`off`/`y`/`n`, a number or an
  octal-looking `0644` (YAML 1.1 reads them as a boolean or a number, and the API server refuses
  the type): quoted, keeping the spelling as written. That string is what the author wrote.
- An integer field holding a quoted whole number (`replicas: "3"`, `containerPort: "80"`), and a
  Service targetPort written as a quoted number (a string there names a port, and no port name is
  all digits): the number, unquoted. Only where the schema says integer, or the rule says the
  string cannot be a name.
"""

from __future__ import annotations

import re
from typing import Optional

from ...findings import Applicability, Finding
from ..ops import SetValue
from .base import Proposal, Provider, Target

_RETYPED = ("expected string, got boolean", "expected string, got integer", "expected string, got number")
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_NUMERIC_TARGET_PORT = "write the number unquoted"


class QuoteRetypedString(Provider):
    name = "quote-yaml11-string"
    rules = frozenset({"KL101"})

    def wants(self, finding: Finding) -> bool:
        return finding.rule == "KL101" and any(part in finding.message for part in _RETYPED)

    def propose(self, target: Target) -> Optional[Proposal]:
        value = target.value
        if not isinstance(value, (bool, int, float)):
            return None
        written = target.plain_source()
        if written is None:
            return None
        return Proposal(f'quote {written} so that it stays the string "{written}"', Applicability.SAFE,
                        (SetValue(target.pointer, written, style='"'),))


class UnquoteInteger(Provider):
    name = "unquote-integer"
    rules = frozenset({"KL101", "KL301"})

    def wants(self, finding: Finding) -> bool:
        if finding.rule == "KL101":
            return "expected integer, got string" in finding.message
        return finding.rule == "KL301" and _NUMERIC_TARGET_PORT in finding.message

    def propose(self, target: Target) -> Optional[Proposal]:
        value = target.value
        if not isinstance(value, str) or not _WHOLE_NUMBER.match(value):
            return None
        if target.finding.rule == "KL301" and target.pointer[-1:] != ("targetPort",):
            return None
        return Proposal(f'write {value} without quotes: the field is a number', Applicability.SAFE,
                        (SetValue(target.pointer, int(value)),))
