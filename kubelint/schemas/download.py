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
from ..named_tuple import NamedTuple
from .cache import DiskCache, Entry

DEFAULT_TTL = 24 * 3600.0  # a cached schema is used without asking the server for a day
MISSING_TTL = 3600.0  # a 404 is remembered for at most an hour: schemas get published
DEFAULT_TIMEOUT: Tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
DEFAULT_DEADLINE = 60.0  # seconds for one document, retries and redirects included
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024  # one schema document, decompressed
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
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
                 backoff: float = DEFAULT_BACKOFF, deadline: float = DEFAULT_DEADLINE,
                 max_bytes: int = MAX_DOWNLOAD_BYTES) -> None:
        self.cache = cache or DiskCache()
        self.ttl = DEFAULT_TTL if ttl is None else float(ttl)
        self.offline = offline
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._session: Any = None
        self._private_hosts: Dict[str, bool] = {}
        self._down: Dict[str, str] = {}  # origin -> why it could not be reached, for this run

    def get(self, url: str, validate: Optional[Validate] = None, force: bool = False,
            allow_private: bool = True) -> Fetched:
        """The body of `url`. `validate` rejects a body that must not be cached (bad JSON);
        `force` skips the freshness check (`kubelint schemas pull`); without `allow_private`,
        a host on a private network (loopback, RFC 1918, link-local...) is refused."""
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
            response = self._request(url, entry, allow_private)
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
        body = response.body
        problem = validate(body) if validate is not None else None
        if problem is not None:
            return _stale_or_error(url, entry, problem)
        self.cache.put(Entry(url, now, body, response.headers.get("ETag"), response.headers.get("Last-Modified")))
        return Fetched(url, "ok", body, from_network=True)

    def _ttl_of(self, entry: Entry) -> float:
        return min(self.ttl, MISSING_TTL) if entry.missing else self.ttl

    def _request(self, url: str, entry: Optional[Entry], allow_private: bool) -> "_Response":
        import requests  # lazily: see the module docstring
        from urllib3.exceptions import HTTPError as Urllib3Error

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = f"kubelint/{__version__}"
        headers = {"Accept": "application/json"}
        if entry is not None and entry.body is not None:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        deadline = time.monotonic() + self.deadline
        attempt = 0
        while True:
            try:
                response = self._follow(url, headers, allow_private, deadline)
                if response.status_code not in _RETRY_STATUS or attempt >= self.retries:
                    return response
            except (requests.Timeout, requests.ConnectionError, Urllib3Error, OSError) as exc:
                if attempt >= self.retries or time.monotonic() >= deadline:
                    raise DownloadError(_reason(exc, self.timeout), network=True) from None
            except requests.RequestException as exc:  # a bad URL: no retry helps
                raise DownloadError(_reason(exc, self.timeout)) from None
            time.sleep(min(self.backoff * (2 ** attempt), max(0.0, deadline - time.monotonic())))
            attempt += 1

    def _follow(self, url: str, headers: Dict[str, str], allow_private: bool, deadline: float) -> "_Response":
        """GET `url`, following redirects within its origin only, and read the body."""
        from urllib.parse import urljoin

        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not allow_private:
                self._refuse_private(current)
            response = self._session.get(current, headers=headers, timeout=self._timeout_until(deadline),
                                         allow_redirects=False, stream=True)
            try:
                if response.is_redirect:
                    target = urljoin(current, response.headers["Location"])
                    if _origin(target) != _origin(url):
                        raise DownloadError(f"redirected to {_origin(target)}, another origin: refused")
                    current = target
                    continue
                body = self._body(response, deadline) if response.status_code == 200 else b""
                return _Response(response.status_code, response.reason, response.headers, body)
            finally:
                response.close()
        raise DownloadError(f"more than {MAX_REDIRECTS} redirects")

    def _timeout_until(self, deadline: float) -> Union[float, Tuple[float, float]]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DownloadError(f"did not finish within {self.deadline:g} s")
        if isinstance(self.timeout, tuple):
            return (min(self.timeout[0], left), min(self.timeout[1], left))
        return min(self.timeout, left)

    def _body(self, response: Any, deadline: float) -> bytes:
        """The body, read in chunks: at most `max_bytes` (decompressed) by `deadline`. One
        socket read at a time, so a server that sends a byte a second is cut off too."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise DownloadError(f"larger than the {self.max_bytes:,}-byte limit ({int(declared):,} bytes)")
        parts, total = [], 0
        while True:
            chunk = response.raw.read1(_CHUNK, decode_content=True)
            if not chunk:  # read1 returns nothing only at the end
                break
            total += len(chunk)
            if total > self.max_bytes:
                raise DownloadError(f"larger than the {self.max_bytes:,}-byte limit")
            parts.append(chunk)
            if time.monotonic() > deadline:
                raise DownloadError(f"did not finish within {self.deadline:g} s")
        return b"".join(parts)

    def _refuse_private(self, url: str) -> None:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname or ""
        if host not in self._private_hosts:
            self._private_hosts[host] = is_private_host(host)
        if self._private_hosts[host]:
            raise DownloadError(f"{host} is on a private network and the schema location is not: refused")


class _Response(NamedTuple):
    status_code: int
    reason: str
    headers: Any
    body: bytes


def is_private_host(host: str) -> bool:
    """Is `host` (a name or an address) loopback, private, link-local or otherwise not on
    the public internet? A name counts when any of its addresses does."""
    import ipaddress
    import socket

    host = host.strip("[]").lower()
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in socket.getaddrinfo(host, None)]
        except (OSError, UnicodeError, ValueError):
            return False  # it cannot be reached at all: the request fails on its own
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not address.is_global or address.is_multicast:
            return True
    return False


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
