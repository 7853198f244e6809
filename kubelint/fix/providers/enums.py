"""Values that differ from a supported one only in case (or surrounding spaces): `type: nodeport`
becomes `NodePort`, `imagePullPolicy: always` becomes `Always`; `kind: configmap` becomes
`ConfigMap`.

Keyed on what the finding says, not on its rule: any finding whose message says its value is
unsupported and lists (or names) the supported values is fixed when exactly one of them matches
the value ignoring case and spaces. The message forms understood are the API server's
field.NotSupported (`Unsupported value: "x": supported values: "A", "B"`), the schema check's
enum (`"x" is not one of "A", "B"`) and kubelint's rules (`"x" is not a supported protocol:
use TCP, UDP or SCTP`, `... write "NodePort"`). The value is read from the object, and must be
the one the message quotes.
"""

from __future__ import annotations

import json
import re
from typing import List, Optional

from ...findings import Applicability, Finding
from ..ops import SetValue
from .base import Proposal, Provider, Target

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_FORMS = [
    re.compile(rf"Unsupported value: (?P<value>{_QUOTED}): supported values: (?P<rest>.*)"),
    re.compile(rf"(?P<value>{_QUOTED}) is not one of (?P<rest>.*)"),
    re.compile(rf"(?P<value>{_QUOTED}) is not a supported (?P<rest>.*)"),
]
_QUOTED_TOKEN = re.compile(_QUOTED)
# Unquoted lists: `use TCP, UDP or SCTP`, `(supported: ClusterIP, NodePort)`.
_WORD = r"[A-Za-z][A-Za-z0-9_-]*"
_BARE_LIST = re.compile(rf"(?:\buse|supported:) ({_WORD}(?:(?:, | or ){_WORD})*)")


def _unquote(token: str) -> Optional[str]:
    try:
        value = json.loads(token)
    except ValueError:  # a Go escape JSON lacks (\x41): not a value worth guessing
        return None
    return value if isinstance(value, str) else None


def supported_values(message: str) -> Optional[tuple]:
    """(the value the message quotes, the values it offers instead), or None."""
    for form in _FORMS:
        match = form.search(message)
        if match is None:
            continue
        value = _unquote(match.group("value"))
        if value is None:
            return None
        rest = match.group("rest")
        candidates: List[str] = [c for c in (_unquote(t) for t in _QUOTED_TOKEN.findall(rest)) if c is not None]
        for listed in _BARE_LIST.finditer(rest):
            candidates.extend(re.split(r", | or ", listed.group(1)))
        return value, candidates
    return None


def case_match(value: str, candidates: List[str]) -> Optional[str]:
    """The one candidate equal to `value` but for case and surrounding spaces, or None."""
    folded = value.strip().lower()
    found = {c for c in candidates if c != value and c.lower() == folded}
    return found.pop() if len(found) == 1 else None


class EnumCase(Provider):
    name = "enum-case"
    rules = frozenset({"KL101", "KL304", "KL401", "KL506"})

    def wants(self, finding: Finding) -> bool:
        message = finding.message
        return "Unsupported value: " in message or " is not one of " in message or " is not a supported " in message

    def propose(self, target: Target) -> Optional[Proposal]:
        found = supported_values(target.finding.message)
        value = target.value
        if found is None or not isinstance(value, str) or found[0] != value:
            return None
        right = case_match(value, found[1])
        if right is None:
            return None
        return Proposal(f'write "{right}" instead of "{value}" (values are case-sensitive)', Applicability.SAFE,
                        (SetValue(target.pointer, right),))


class KindCase(Provider):
    """`kind: configmap` -> `ConfigMap`, for any finding at `kind` (KL118, a kind the group does not serve)
    when the kind is not served as written and exactly one kind of its apiVersion is, but for
    case."""

    name = "kind-case"
    rules = frozenset({"KL106", "KL118"})

    def wants(self, finding: Finding) -> bool:
        return finding.json_path.endswith("/kind")

    def propose(self, target: Target) -> Optional[Proposal]:
        if target.pointer != ("kind",):
            return None
        kind, api_version = target.data.get("kind"), target.data.get("apiVersion")
        store = target.context.store
        if not isinstance(kind, str) or not isinstance(api_version, str) or store.has_kind(api_version, kind):
            return None
        right = case_match(kind, list(store.kinds().get(api_version, {})))
        if right is None:
            return None
        return Proposal(f'kind "{right}" instead of "{kind}" (kinds are case-sensitive)', Applicability.SAFE,
                        (SetValue(("kind",), right),))
