"""HTTP downloads of schemas through the disk cache: timeouts, a couple of retries, ETag and
Last-Modified revalidation, and a stale copy when the network fails.

requests is imported on the first real download only: it costs almost half a second to
import, which a bundled-only check must not pay.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple, Union

from .. import __version__
from .cache import DiskCache, Entry

DEFAULT_TTL = 24 * 3600.0  # a cached schema is used without asking the server for a day
MISSING_TTL = 3600.0  # a 404 is remembered for at most an hour: schemas get published
DEFAULT_TIMEOUT: Tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 0.5  # seconds before the first retry, doubled for each next one
_RETRY_STATUS = {429, 500, 502, 503, 504}

Validate = Callable[[bytes], Optional[str]]  # a reason the body is unusable, or None


@dataclass
class Fetched:
    """What one URL gave: a body ("ok"), no schema there ("missing"), or a failure ("error")."""

    url: str
    status: str
    body: Optional[bytes] = None
    error: Optional[str] = None  # why it failed (status "error")
    notice: Optional[str] = None  # something the user should know: a stale copy was used
    from_network: bool = False


class DownloadError(Exception):
    def __init__(self, reason: str, network: bool = False) -> None:
        super().__init__(reason)
        self.network = network  # the host could not be reached (not a bad URL)


class Downloader:
    """Gets URLs, answering from the cache while it is fresh; `offline` never opens a socket."""

    def __init__(self, cache: Optional[DiskCache] = None, ttl: Optional[float] = None, offline: bool = False,
                 timeout: Union[float, Tuple[float, float]] = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
                 backoff: float = DEFAULT_BACKOFF) -> None:
        self.cache = cache or DiskCache()
        self.ttl = DEFAULT_TTL if ttl is None else float(ttl)
        self.offline = offline
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._session: Any = None
        self._down: Dict[str, str] = {}  # origin -> why it could not be reached, for this run

    def get(self, url: str, validate: Optional[Validate] = None, force: bool = False) -> Fetched:
        """The body of `url`. `validate` rejects a body that must not be cached (bad JSON);
        `force` skips the freshness check (`kubelint schemas pull`)."""
        entry = self.cache.get(url)
        if self.offline:
            if entry is None:
                return Fetched(url, "missing", notice=f"offline: {url} is not in the cache "
                                                      "(fetch it with `kubelint schemas pull URL`)")
            return _from_cache(entry)
        if entry is not None and not force and entry.age() < self._ttl_of(entry):
            return _from_cache(entry)
        origin = _origin(url)
        if origin in self._down:  # it timed out or refused once: do not wait on it for every kind
            return _stale_or_error(url, entry, self._down[origin])
        try:
            response = self._request(url, entry)
        except DownloadError as exc:
            if exc.network:
                self._down[origin] = str(exc)
            return _stale_or_error(url, entry, str(exc))
        now = time.time()
        status = response.status_code
        if status == 304 and entry is not None and entry.body is not None:
            return _from_cache(self.cache.touch(entry, now))
        if status in (404, 410):
            self.cache.put(Entry(url, now, None))
            return Fetched(url, "missing", from_network=True)
        if status != 200:
            return _stale_or_error(url, entry, f"HTTP {status} {response.reason or ''}".strip())
        body = response.content
        problem = validate(body) if validate is not None else None
        if problem is not None:
            return _stale_or_error(url, entry, problem)
        self.cache.put(Entry(url, now, body, response.headers.get("ETag"), response.headers.get("Last-Modified")))
        return Fetched(url, "ok", body, from_network=True)

    def _ttl_of(self, entry: Entry) -> float:
        return min(self.ttl, MISSING_TTL) if entry.missing else self.ttl

    def _request(self, url: str, entry: Optional[Entry]) -> Any:
        import requests  # lazily: see the module docstring

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = f"kubelint/{__version__}"
        headers = {"Accept": "application/json"}
        if entry is not None and entry.body is not None:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        attempt = 0
        while True:
            try:
                response = self._session.get(url, headers=headers, timeout=self.timeout, allow_redirects=True)
                if response.status_code not in _RETRY_STATUS or attempt >= self.retries:
                    return response
            except (requests.Timeout, requests.ConnectionError) as exc:
                if attempt >= self.retries:
                    raise DownloadError(_reason(exc, self.timeout), network=True) from None
            except requests.RequestException as exc:  # a bad URL, too many redirects: no retry helps
                raise DownloadError(_reason(exc, self.timeout)) from None
            time.sleep(self.backoff * (2 ** attempt))
            attempt += 1


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _from_cache(entry: Entry) -> Fetched:
    if entry.missing:
        return Fetched(entry.url, "missing")
    return Fetched(entry.url, "ok", entry.body)


def _stale_or_error(url: str, entry: Optional[Entry], reason: str) -> Fetched:
    """A failed download falls back on an expired cached copy, with a notice."""
    if entry is not None and entry.body is not None:
        return Fetched(url, "ok", entry.body,
                       notice=f"{url}: {reason}; using the cached copy from {_ago(entry.age())} ago")
    return Fetched(url, "error", error=reason)


def _ago(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _reason(exc: BaseException, timeout: Any) -> str:
    """A short reason in place of urllib3's nested exception text."""
    import requests

    if isinstance(exc, requests.Timeout):
        seconds = timeout[-1] if isinstance(timeout, tuple) else timeout
        return f"timed out (no answer within {seconds:g} s)"
    text = str(exc)
    errno = _ERRNO.search(text)
    if errno:
        return errno.group(1).strip().rstrip(".").lower()
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect"
    return text if len(text) <= 200 else text[:197] + "..."
