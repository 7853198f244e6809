"""Rules KL605-KL607: passwords, tokens and keys written in env, ConfigMaps and committed Secrets."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any, Iterator, List, Optional

from ...findings import Severity
from ...model.objects import K8sObject, as_dict, as_list
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, pod_containers
from ..common.values import dotted
from .credentials import (
    known_token,
    literal_secret_value,
    secret_assignment,
    secret_like_name,
)
from .keys import key_list

if TYPE_CHECKING:
    from ...model.context import RuleContext


class EnvPlainTextSecret(Rule):
    """A container env var holds a literal password, token or key."""

    id = "KL605"
    name = "env-plain-text-secret"
    severity = Severity.WARNING
    summary = "Passwords, tokens and keys in env come from a Secret, not a literal value."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Reports env[].value literals of containers (init containers too) whose variable name "
             "says it holds a password, token, API or private key, secret or credential (DB_PASSWORD, "
             "API_KEY, AUTH_TOKEN, clientSecret; not *_SECRET_NAME, *_KEY_ID, TOKEN_URL, *_FILE, "
             "*_PATH, PUBLIC_KEY or flags such as MYSQL_ALLOW_EMPTY_PASSWORD), and literals of any "
             "variable that hold a well-known credential format (private key, AWS key id, GitHub or "
             "Slack token, JWT, a URL with a password). References ($(VAR)), paths and placeholders "
             "are not reported.",
        why="A literal value is readable by everyone who can read the manifest, the repository or the "
            "pod spec; a Secret can be access-controlled, encrypted at rest and rotated.",
        failing="env:\n- name: DB_PASSWORD\n  value: hunter2",
        passing="env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        template = obj.pod_template
        if template is None:
            return
        for container in pod_containers(template):
            for index, env in enumerate(as_list(container.data.get("env"))):
                env = as_dict(env)
                name, value = env.get("name"), env.get("value")
                if not isinstance(name, str) or not isinstance(value, str) or not value.strip():
                    continue
                if secret_like_name(name) and literal_secret_value(value):
                    pointer = container.pointer + ("env", index, "value")
                    yield Report(pointer, f"{dotted(pointer)}: {name} holds a literal secret; anyone "
                                          "who can read the manifest can read it: store it in a Secret and use "
                                          "valueFrom.secretKeyRef")
                    continue
                what = known_token(value)
                if what is not None:
                    pointer = container.pointer + ("env", index, "value")
                    yield Report(pointer, f"{dotted(pointer)}: the value of {name} looks like {what}; "
                                          "store it in a Secret and use valueFrom.secretKeyRef")


def _decoded(value: Any) -> Optional[str]:
    """A binaryData/Secret data value as text, or None when it is not base64 of text."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


class ConfigMapHoldsSecret(Rule):
    """A ConfigMap holds a private key, a token or a password."""

    id = "KL606"
    name = "configmap-holds-secret"
    severity = Severity.WARNING
    summary = "ConfigMaps hold no private keys, tokens or passwords."
    kinds = frozenset({"ConfigMap"})
    doc = RuleDoc(
        what="Reports ConfigMap data and binaryData entries that hold a private key (-----BEGIN ... "
             "PRIVATE KEY-----), a token of a well-known format (AWS access key id, GitHub, Slack, "
             "Google or Stripe key, JWT, a URL with a password), a config file line such as "
             "`password = hunter2`, or whose key itself names a credential (DB_PASSWORD: hunter2).",
        why="ConfigMaps are meant for non-confidential data: more roles can read them, encryption at "
            "rest configured for Secrets does not cover them, and kubectl describe prints them. "
            "Secrets exist for confidential values.",
        failing="kind: ConfigMap\ndata:\n  DB_PASSWORD: hunter2",
        passing="kind: Secret   # from SealedSecrets, External Secrets or SOPS\n"
                "---\nkind: ConfigMap\ndata:\n  DB_HOST: db.shop.svc")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        for field_name in ("data", "binaryData"):
            for key, value in as_dict(obj.get(field_name)).items():
                if not isinstance(key, str):
                    continue
                text = value if field_name == "data" else _decoded(value)
                if not isinstance(text, str):
                    continue
                reason = self._reason(key, text)
                if reason is not None:
                    pointer = (field_name, key)
                    yield Report(pointer, f"{dotted(pointer)}: {reason}; ConfigMaps are not for "
                                          "confidential data: move it to a Secret (kept out of git with "
                                          "SealedSecrets, External Secrets or SOPS)")

    @staticmethod
    def _reason(key: str, text: str) -> Optional[str]:
        what = known_token(text)
        if what is not None:
            return f"holds {what}"
        if "\n" not in text.strip() and secret_like_name(key) and literal_secret_value(text):
            return f"{key} holds a literal secret"
        assigned = secret_assignment(text)
        if assigned is not None:
            return f"sets {assigned} to a literal value"
        return None


def _encrypted_or_placeholder(value: str) -> bool:
    return value.startswith("ENC[") or "${" in value or "$(" in value or "{{" in value


def _only_certificate(text: Optional[str]) -> bool:
    return text is not None and "-----BEGIN CERTIFICATE-----" in text and "PRIVATE KEY" not in text


class CommittedSecret(Rule):
    """A Secret with values is committed in plain (base64) form."""

    id = "KL607"
    name = "committed-secret"
    severity = Severity.WARNING
    summary = "Secrets with values are not committed in plain form."
    kinds = frozenset({"Secret"})
    doc = RuleDoc(
        what="Reports a Secret whose data or stringData holds non-empty values. Secrets whose values "
             "are all empty, SOPS-encrypted (ENC[...]) or template placeholders, and Secrets that hold "
             "only public certificates, are not reported.",
        why="Base64 is an encoding, not encryption: anyone with read access to the repository has the "
            "secret. Commit a SealedSecret, an ExternalSecret (External Secrets Operator) or a "
            "SOPS-encrypted file instead.",
        failing="kind: Secret\nstringData:\n  password: hunter2",
        passing="kind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA...")

    def check(self, obj: K8sObject, ctx: "RuleContext") -> Iterator[Report]:
        if "sops" in obj.raw:  # a SOPS-encrypted file: the values are ciphertext
            return
        committed: List[str] = []
        first: Optional[str] = None
        for field_name in ("data", "stringData"):
            for key, value in as_dict(obj.get(field_name)).items():
                if not isinstance(value, str) or not value.strip() or _encrypted_or_placeholder(value):
                    continue
                text = _decoded(value) if field_name == "data" else value
                if _only_certificate(text) or (field_name == "data" and text == ""):
                    continue
                committed.append(str(key))
                first = first or field_name
        if first is None:
            return
        pointer = (first,)
        count = len(committed)
        form = "in plain text" if first == "stringData" else "only base64-encoded, which is not encryption"
        yield Report(pointer, f"{first}: Secret \"{obj.name}\" commits {count} value{'s' if count > 1 else ''} "
                              f"({key_list(committed)}) {form}; keep secrets out of git: commit a "
                              "SealedSecret, an ExternalSecret (External Secrets Operator) or a "
                              "SOPS-encrypted file instead",
                     anchor="key")
