"""Schema locations (`--schema-location`): directories and http(s) URL templates with
kubeconform's placeholders, and the whole-object JSON Schemas found there.

A location is used as kubeconform uses it, so a kubeconform command line translates one to
one: `default` means the bundled schemas; a location that does not end in "json" gets
kubeconform's layout `/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/
{{ .ResourceKind }}{{ .KindSuffix }}.json` appended; placeholders are filled as kubeconform
fills them (ResourceKind lowercased, Group = the part before "/", ...).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

DEFAULT = "default"
KUBERNETES_JSON_SCHEMA_LAYOUT = ("/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
                                 "/{{ .ResourceKind }}{{ .KindSuffix }}.json")
PLACEHOLDERS = ("ResourceKind", "ResourceAPIVersion", "Group", "KindSuffix", "NormalizedKubernetesVersion",
                "StrictSuffix")
_PLACEHOLDER = re.compile(r"\{\{-?\s*\.(\w+)\s*-?\}\}")
_TEMPLATE = re.compile(r"\{\{.*?\}\}")


class LocationError(ValueError):
    """A schema location that cannot be used (an unknown placeholder)."""


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Location:
    spec: str  # as the user wrote it
    template: str

    @property
    def is_url(self) -> bool:
        return is_url(self.template)

    def render(self, api_version: str, kind: str, kubernetes_version: str, strict: bool) -> str:
        values = placeholder_values(api_version, kind, kubernetes_version, strict)
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template)


def placeholder_values(api_version: str, kind: str, kubernetes_version: str, strict: bool) -> Dict[str, str]:
    """kubeconform's template data for one object (see its pkg/registry)."""
    parts = api_version.split("/")
    suffix = "-" + parts[0].split(".")[0].lower()
    if len(parts) > 1:
        suffix += "-" + parts[1].lower()
    return {
        "ResourceKind": kind.lower(),
        "ResourceAPIVersion": parts[-1],
        "Group": parts[0],
        "KindSuffix": suffix,
        "NormalizedKubernetesVersion": "v" + kubernetes_version,
        "StrictSuffix": "-strict" if strict else "",
    }


def parse_location(spec: str) -> Optional[Location]:
    """A location, or None for `default` (the bundled schemas)."""
    text = spec.strip()
    if text == DEFAULT:
        return None
    if not text:
        raise LocationError("an empty schema location")
    template = text if text.endswith("json") else text.rstrip("/") + KUBERNETES_JSON_SCHEMA_LAYOUT
    for found in _TEMPLATE.finditer(template):
        match = _PLACEHOLDER.fullmatch(found.group())
        if match is None or match.group(1) not in PLACEHOLDERS:
            known = ", ".join("{{ .%s }}" % p for p in PLACEHOLDERS)
            raise LocationError(f"schema location {spec!r}: {found.group()} is not a placeholder kubelint knows "
                                f"(known: {known})")
    if not is_url(template):
        template = os.path.expanduser(template)
    return Location(spec, template)


@dataclass
class Lookup:
    """What one location had for one object: a schema, nothing (404, no file), or an error."""

    schema: Optional[Dict[str, Any]] = None
    error: Optional[str] = None
    address: str = ""


class SchemaFinder:
    """Reads schema documents from locations (files, or URLs through the Downloader) and turns
    them into self-contained JSON Schemas. Documents are read once per run."""

    def __init__(self, kubernetes_version: str, downloader_factory: Any, notices: List[str]) -> None:
        self.kubernetes_version = kubernetes_version
        self._downloader_factory = downloader_factory
        self._notices = notices
        self._documents: Dict[str, Tuple[Any, Optional[str]]] = {}
        self._offline_noted: set = set()

    def find(self, location: Location, api_version: str, kind: str, strict: bool) -> Lookup:
        from .refs import RefError, bundle

        address = location.render(api_version, kind, self.kubernetes_version, strict)
        document, error = self.document(address, location)
        if error is not None:
            return Lookup(error=f"{address}: {error}", address=address)
        if document is None:
            return Lookup(address=address)
        if not isinstance(document, dict):
            return Lookup(error=f"{address}: not a JSON Schema (a {type(document).__name__}, not an object)",
                          address=address)

        def load(reference: str) -> Any:
            found, problem = self.document(reference, location)
            if problem is not None or found is None:
                raise RefError(f"cannot load {reference}: {problem or 'not found'}")
            return found

        try:
            schema = bundle(document, address, load)
        except RefError as exc:
            return Lookup(error=f"{address}: {exc}", address=address)
        except RecursionError:
            return Lookup(error=f"{address}: nested too deeply to be a schema", address=address)
        from .structural import schema_problem

        problem = schema_problem(schema)
        if problem is not None:
            return Lookup(error=f"{address}: not a valid JSON Schema ({problem})", address=address)
        return Lookup(schema=schema, address=address)

    def document(self, address: str, location: Optional[Location] = None) -> Tuple[Any, Optional[str]]:
        """(parsed JSON or None when there is none, error) for a URL or a file."""
        if address not in self._documents:
            self._documents[address] = self._fetch(address, location) if is_url(address) else _read(address)
        return self._documents[address]

    def _fetch(self, url: str, location: Optional[Location]) -> Tuple[Any, Optional[str]]:
        parsed: Dict[str, Any] = {}

        def validate(body: bytes) -> Optional[str]:
            value, problem = _parse_json(body)
            parsed["value"] = value
            return problem

        fetched = self._downloader_factory().get(url, validate)
        if fetched.notice:
            if fetched.notice.startswith("offline:") and location is not None:
                # One notice per location, not one per kind it lacks.
                if location.spec not in self._offline_noted:
                    self._offline_noted.add(location.spec)
                    self._notices.append(f"{fetched.notice}; other schemas from {location.spec} may be missing too")
            elif fetched.notice not in self._notices:
                self._notices.append(fetched.notice)
        if fetched.status == "missing":
            return None, None
        if fetched.status == "error":
            return None, fetched.error
        if "value" in parsed and fetched.from_network:
            return parsed["value"], None
        return _parse_json(fetched.body or b"")


def _read(path: str) -> Tuple[Any, Optional[str]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    return _parse_json(data)


def _parse_json(data: bytes) -> Tuple[Any, Optional[str]]:
    try:
        return json.loads(data.decode("utf-8-sig")), None
    except UnicodeDecodeError:
        return None, "not valid JSON (not UTF-8 text)"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"


def pull(urls: List[str], downloader: Any = None) -> List[Tuple[bool, str]]:
    """Download `urls` (and the documents their `$ref`s name) into the cache, whatever its age.
    Returns (ok, line to print) per document."""
    from .download import Downloader
    from .refs import external_references

    downloader = downloader or Downloader()
    results: List[Tuple[bool, str]] = []
    queue, seen = list(urls), set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if _TEMPLATE.search(url):
            results.append((False, f"{url}: a URL template cannot be pulled; give the URLs it expands to"))
            continue
        if not is_url(url):
            results.append((False, f"{url}: not an http(s) URL"))
            continue
        parsed: Dict[str, Any] = {}

        def validate(body: bytes) -> Optional[str]:
            value, problem = _parse_json(body)
            if problem is None and not isinstance(value, dict):
                problem = "not a JSON Schema (not a JSON object)"
            parsed["value"] = value
            return problem

        fetched = downloader.get(url, validate, force=True)
        if fetched.status == "missing":
            results.append((False, f"{url}: not found (HTTP 404)"))
        elif fetched.status == "error" or not fetched.from_network and fetched.notice:
            reason = fetched.error or fetched.notice or "failed"
            results.append((False, reason if reason.startswith(url) else f"{url}: {reason}"))
        else:
            size = len(fetched.body or b"")
            results.append((True, f"cached {url} ({size:,} bytes) in {downloader.cache.path_for(url)}"))
            document = parsed.get("value")
            if document is None:
                document, _ = _parse_json(fetched.body or b"")
            queue.extend(a for a in external_references(document, url) if a not in seen)
    return results
