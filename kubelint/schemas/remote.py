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
_ANY_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")
# Placeholders filled from the manifest (apiVersion and kind) rather than from the run.
FROM_THE_MANIFEST = ("ResourceKind", "ResourceAPIVersion", "Group", "KindSuffix")
# What a value filled in from a manifest may not contain: it would leave the location's
# directory or path (`..`, `/`, `\`), end the path (`?`, `#`), encode either (`%`), or is no
# name at all (control characters).
_UNSAFE_VALUE = re.compile(r"\.\.|[/\\?#%\x00-\x1f\x7f]")
MAX_SCHEMA_BYTES = 32 * 1024 * 1024  # a schema document read from a directory


class LocationError(ValueError):
    """A schema location that cannot be used (an unknown placeholder, a scheme other than
    http(s), a directory that does not exist): a configuration error."""


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Location:
    spec: str  # as the user wrote it
    template: str
    root: str = ""  # a directory location's fixed part: nothing is read outside it

    @property
    def is_url(self) -> bool:
        return is_url(self.template)

    def render(self, api_version: str, kind: str, kubernetes_version: str, strict: bool) -> str:
        values = placeholder_values(api_version, kind, kubernetes_version, strict)
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template)

    def refused_value(self, api_version: str, kind: str, kubernetes_version: str, strict: bool) -> Optional[str]:
        """Why this object's apiVersion or kind cannot fill this location's placeholders (it
        would reach outside the location), or None."""
        values = placeholder_values(api_version, kind, kubernetes_version, strict)
        for match in _PLACEHOLDER.finditer(self.template):
            name = match.group(1)
            if name not in FROM_THE_MANIFEST:
                continue
            bad = _UNSAFE_VALUE.search(values[name])
            if bad is not None:
                shown = json.dumps(bad.group(), ensure_ascii=True)
                return (f"{{{{ .{name} }}}} would be {json.dumps(values[name], ensure_ascii=True)} for this object, "
                        f"which contains {shown}: refused, as it would reach outside the location")
        return None

    def host_is_fixed(self) -> bool:
        """Is the URL's host written out (no placeholder in it)?"""
        from urllib.parse import urlsplit

        return "{{" not in urlsplit(self.template).netloc


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
    if is_url(template):
        return Location(spec, template)
    if _ANY_URL.match(template):
        raise LocationError(f"schema location {spec!r}: only http:// and https:// URLs and directories "
                            "can be schema locations")
    template = os.path.expanduser(template)
    root = fixed_directory(template)
    if not os.path.isdir(root):
        raise LocationError(f"schema location {spec!r}: {root} is not a directory")
    return Location(spec, template, root)


def fixed_directory(template: str) -> str:
    """The directory a directory template stays in: its part before the first placeholder."""
    fixed = template.split("{{", 1)[0]
    return os.path.dirname(fixed) or "."


def inside(path: str, root: str) -> bool:
    """Is `path` in the tree under `root`, symlinks resolved?"""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def same_origin(url: str, other: str) -> bool:
    from urllib.parse import urlsplit

    first, second = urlsplit(url), urlsplit(other)
    return (first.scheme.lower(), first.hostname, first.port) == (second.scheme.lower(), second.hostname, second.port)


@dataclass
class Lookup:
    """What one location had for one object: a schema, nothing (404, no file), or an error."""

    schema: Optional[Dict[str, Any]] = None
    error: Optional[str] = None
    address: str = ""
    refused: bool = False  # this object's values cannot fill the template (reported per kind)


class SchemaFinder:
    """Reads schema documents from locations (files, or URLs through the Downloader) and turns
    them into self-contained JSON Schemas. Documents are read once per run."""

    def __init__(self, kubernetes_version: str, downloader_factory: Any, notices: List[str]) -> None:
        self.kubernetes_version = kubernetes_version
        self._downloader_factory = downloader_factory
        self._notices = notices
        self._documents: Dict[str, Tuple[Any, Optional[str]]] = {}
        self._offline_noted: set = set()
        self._private: Dict[str, bool] = {}  # location spec -> is its host on a private network?

    def find(self, location: Location, api_version: str, kind: str, strict: bool) -> Lookup:
        from .refs import RefError, bundle

        refused = location.refused_value(api_version, kind, self.kubernetes_version, strict)
        if refused is not None:
            return Lookup(error=refused, refused=True)
        address = location.render(api_version, kind, self.kubernetes_version, strict)
        if not location.is_url and not inside(address, location.root):
            return Lookup(error=f"{address}: outside {location.root} (a symbolic link?): refused", address=address)
        document, error = self.document(address, location)
        if error is not None:
            return Lookup(error=f"{address}: {error}", address=address)
        if document is None:
            return Lookup(address=address)
        if not isinstance(document, dict):
            return Lookup(error=f"{address}: not a JSON Schema (a {type(document).__name__}, not an object)",
                          address=address)

        def load(reference: str) -> Any:
            if location.is_url and not same_origin(reference, address):
                raise RefError(f"$ref to {reference}: only documents of the same origin are followed")
            if not location.is_url and (_ANY_URL.match(reference) or not inside(reference, location.root)):
                raise RefError(f"$ref to {reference}: only documents under {location.root} are followed")
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
            return Lookup(error=f"{address}: not a valid JSON Schema ({_without_values(problem)})", address=address)
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

        fetched = self._downloader_factory().get(url, validate, allow_private=self._location_is_private(location))
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


    def _location_is_private(self, location: Optional[Location]) -> bool:
        """May this location's downloads reach private networks? Only when its own host is
        written out and is on one: a host filled in from a manifest never is."""
        if location is None or not location.host_is_fixed():
            return False
        if location.spec not in self._private:
            from urllib.parse import urlsplit

            from .download import is_private_host

            self._private[location.spec] = is_private_host(urlsplit(location.template).hostname or "")
        return self._private[location.spec]


def _without_values(problem: str) -> str:
    """A schema problem names where, never what: the document may not be a schema at all
    (a $ref into some other JSON file), and its values must not reach findings or logs."""
    where, separator, _ = problem.partition(": ")
    return f"at {where}" if separator else "rejected by the JSON Schema meta-schema"


def _read(path: str) -> Tuple[Any, Optional[str]]:
    from ..input.reading import read_file

    if not os.path.lexists(path):
        return None, None
    read = read_file(path, MAX_SCHEMA_BYTES)
    if read.data is None:
        return None, (read.problem or "cannot read").replace("cannot read file: ", "cannot read: ")
    return _parse_json(read.data)


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
            for address in external_references(document, url):
                if not same_origin(address, url):
                    results.append((False, f"{url}: $ref to {address}: only documents of the same origin are pulled"))
                elif address not in seen:
                    queue.append(address)
    return results
