"""Plain-text secrets: names that look like credentials, values that look like credentials."""

from __future__ import annotations

import functools
import re
from typing import Any, List, Optional, Tuple

from ...lazy_regex import lazy_compile

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# A name is a credential when it ENDS with one of these words (DB_PASSWORD, authToken).
_SECRET_WORDS = frozenset({
    "PASSWORD", "PASSWD", "PASSPHRASE", "PASS", "PWD", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS",
    "CREDS", "APIKEY", "ACCESSKEY", "SECRETKEY", "PRIVATEKEY", "AUTHTOKEN", "APITOKEN",
})
# ...or with KEY right after one of these (API_KEY, SECRET_ACCESS_KEY, ENCRYPTION_KEY).
_KEY_QUALIFIERS = frozenset({
    "API", "ACCESS", "SECRET", "PRIVATE", "ENCRYPTION", "ENCRYPT", "SIGNING", "MASTER", "HMAC", "APP",
    "SESSION", "AUTH", "ACCOUNT", "STORAGE", "BATCH", "LICENSE",
})
# Trailing words that name the material itself: PRIVATE_KEY_PEM, OCI_CLI_KEY_CONTENT.
_MATERIAL_WORDS = frozenset({"CONTENT", "CONTENTS", "PEM", "MATERIAL", "B64", "BASE64"})
# Words that make it a flag, a limit or a pointer to the secret rather than the secret
# (MYSQL_ALLOW_EMPTY_PASSWORD, MAX_TOKENS, PUBLIC_KEY, TLS_SECRET naming a Secret object).
_NOT_SECRET_WORDS = frozenset({
    "ALLOW", "EMPTY", "RANDOM", "GENERATE", "SKIP", "DISABLE", "DISABLED", "ENABLE", "ENABLED", "USE",
    "NO", "MIN", "MAX", "NUM", "REQUIRE", "REQUIRED", "PUBLIC", "PUBLISHABLE",
})
_SECRET_OBJECT_QUALIFIERS = frozenset({"TLS", "PULL", "CERT", "CERTIFICATE", "K8S", "KUBE", "KUBERNETES"})
# Names that end like a credential but are not one.
_NOT_SECRET_NAMES = frozenset({"INITIAL_CLUSTER_TOKEN"})  # etcd: a cluster id, not a credential
# Names that do not end like a credential but are one.
_SECRET_NAMES = frozenset({"SECRET_KEY_BASE"})  # Rails


def name_words(name: str) -> List[str]:
    """`dbPassword` -> [DB, PASSWORD]; `AWS_SECRET_ACCESS_KEY` -> [AWS, SECRET, ACCESS, KEY]."""
    return [word.upper() for part in re.split(r"[^A-Za-z0-9]+", name) for word in _WORD.findall(part)]


@functools.lru_cache(maxsize=4096)  # the same env and key names recur across a set's objects
def secret_like_name(name: str) -> bool:
    """Does this variable or key name say it holds a password, token, key or credential?"""
    words = name_words(name)
    if not words:
        return False
    joined = "_".join(words)
    if any(joined.endswith(item) for item in _SECRET_NAMES):
        return True
    if any(joined == item or joined.endswith("_" + item) for item in _NOT_SECRET_NAMES):
        return False
    if _NOT_SECRET_WORDS.intersection(words):
        return False
    material = len(words) > 1 and words[-1] in _MATERIAL_WORDS
    if material:
        words = words[:-1]
    last, before = words[-1], (words[-2] if len(words) > 1 else "")
    if last == "KEY":
        return material or before in _KEY_QUALIFIERS
    if last not in _SECRET_WORDS:
        return False
    if last == "PWD" and not before:  # $PWD is the working directory
        return False
    if last == "SECRET" and before in _SECRET_OBJECT_QUALIFIERS:
        return False
    return True


_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "null", "none", "nil", "~"})
_URL_SCHEME = lazy_compile(r"[a-z][a-z0-9+.-]*://")
_PLACEHOLDER = lazy_compile(r"\A(<[^<>]*>|[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|x+|\*+|\.\.\.)\Z")


def literal_secret_value(value: Any) -> bool:
    """Is this a literal value worth calling a plain-text secret (not a reference, path, flag
    or placeholder)?"""
    if not isinstance(value, str):
        return False
    text = value.strip().strip("\"'")
    if not text or text.lower() in _BOOLEANS:
        return False
    if "$(" in text or "${" in text or "{{" in text or "%(" in text or "<%" in text:
        return False  # a variable reference or a template, filled in elsewhere
    if text.startswith(("/", "./", "../", "~/", "file:", "vault:", "secret:", "ref+")):
        return False  # a path or a reference to the secret, not the secret
    if _URL_SCHEME.match(text) and not _URL_CREDENTIALS.search(text):
        return False  # a URL (TOKEN_ENDPOINT-like) without credentials in it
    if _PLACEHOLDER.match(text):
        return False  # REPLACE_WITH_TOKEN, GOOGLE_API_KEY_VAL, <password>, xxxx: filled in later
    return True


# Values with a well-known credential format, whatever their name.
_URL_CREDENTIALS = lazy_compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@")  # scheme://user:password@
# (marker that must occur, description, pattern). Compiled on first use: a marker is rare.
_TOKEN_PATTERNS: List[Tuple[str, str, str]] = [
    ("PRIVATE KEY", "a private key", r"-{3,} ?BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{3,}"),
    ("IA", "an AWS access key id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("gh", "a GitHub token", r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b"),
    ("xox", "a Slack token", r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    ("hooks.slack.com", "a Slack webhook URL",
     r"https://hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]{16,}"),
    ("eyJ", "a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"),
    ("AIza", "a Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("sk_live_", "a Stripe secret key", r"\b[rs]k_live_[0-9A-Za-z]{20,}\b"),
]
_compiled = functools.lru_cache(maxsize=None)(re.compile)
# "password = hunter2" / "password: hunter2" / "{\"apiKey\": \"abc\"}" in one line of a config file.
_ASSIGNMENT = lazy_compile(r"""(?:^|[{,\s])["']?([A-Za-z0-9_.-]+)["']?[ \t]*[:=][ \t]*["']?([^\s"'#;,{}]+)""")
_COMMENT_STARTS = ("#", "//", ";", "--", "*", "<!--")
_ASSIGNMENT_MARKER = re.compile("pass|pwd|secret|token|key|cred")  # one scan instead of six


def known_token(text: str) -> Optional[str]:
    """What well-known credential `text` contains ("a GitHub token"), or None."""
    for marker, what, pattern in _TOKEN_PATTERNS:
        if marker in text:
            for found in _compiled(pattern).finditer(text):
                if what == "an AWS access key id" and found.group(0).endswith("EXAMPLE"):
                    continue  # AWS documentation's sample key
                return what
    match = _URL_CREDENTIALS.search(text) if "://" in text and "@" in text else None
    if match and literal_secret_value(match.group(1)):
        return "a URL with a password in it"
    return None


def secret_assignment(text: str) -> Optional[str]:
    """The key of the first `password = literal` style line in a config file, or None."""
    lowered = text.lower()
    if not _ASSIGNMENT_MARKER.search(lowered):
        return None
    for line in text.splitlines():
        if line.lstrip().startswith(_COMMENT_STARTS):
            continue
        for match in _ASSIGNMENT.finditer(line):
            key, value = match.group(1), match.group(2)
            if secret_like_name(key) and len(value) >= 3 and value[0] not in "[|>&*!%$<" \
                    and literal_secret_value(value):
                return key
    return None
