"""Fetch a feed over HTTP without letting it reach into our own network.

    result = fetch("https://data.example.org/services.json", etag='"v7"')
    if result.not_modified: ...

Every hop (the URL and each redirect) goes through `guard.check_url`, and the socket is
opened to the address that check approved, never to a fresh DNS answer: httpx keeps the
URL's hostname for the Host header, TLS SNI and certificate check, while our network
backend decides where the TCP connection goes. The same backend holds every socket
read and write to one wall-clock deadline for the whole fetch, so a server that
trickles or stalls (before the headers or mid-body) cannot hold a sync run.
"""

from __future__ import annotations

import functools
import ssl
import time
from urllib.parse import urljoin

import httpcore
import httpx

from directory.sync.errors import FetchError, UnsafeAddress
from directory.sync.formats.base import Fetch, FetchResult
from directory.sync.guard import check_url

USER_AGENT = "Harbour/0.1 (community services directory; feed sync)"
ACCEPT = "application/json, text/csv, */*;q=0.5"
REDIRECTS = {301, 302, 303, 307, 308}

# httpx errors, and httpcore's which our own transport lets through unmapped.
_TIMEOUTS = (httpx.TimeoutException, httpcore.TimeoutException)
_FAILURES = (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol)


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 50_000_000,
    deadline_seconds: float = 60.0,
    max_redirects: int = 5,
    accept: str = ACCEPT,
    ssl_context: ssl.SSLContext | None = None,
) -> FetchResult:
    """GET `url` (conditionally when given an ETag or Last-Modified); raise FetchError on any failure.

    `ssl_context` replaces the default trust store (a feed behind the town's own CA; tests).
    """
    asked, deadline = url, _Deadline(deadline_seconds)
    backend = _PinnedBackend(deadline)
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    transport = _PinnedTransport(backend, ssl_context or _default_ssl_context())
    # Our transport (not a proxy from the environment) opens every socket; trust_env=False also
    # keeps ~/.netrc credentials away from feeds.
    with httpx.Client(transport=transport, trust_env=False, timeout=deadline_seconds) as client:
        for _hop in range(max_redirects + 1):
            url = _normalise(url)
            target = check_url(url, allow_private=allow_private)
            backend.pins[target.host] = target.addresses
            try:
                with client.stream("GET", url, headers=headers) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECTS and location:
                        url = urljoin(url, location)
                        continue
                    return _read(url, response, max_bytes, etag, last_modified)
            except _TIMEOUTS:
                raise FetchError(f"{url} did not answer within {deadline_seconds:g} s") from None
            except _FAILURES as exc:
                raise FetchError(f"could not fetch {url}: {_one_line(exc)}") from None
    raise FetchError(f"{asked} redirected more than {max_redirects} times (last to {url})")


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    """Loading the trust store takes ~20 ms; a paged feed would pay it on every page."""
    return httpx.create_ssl_context()


def make_fetcher(
    allow_private: bool = False,
    *,
    conditional: dict[str, tuple[str | None, str | None]] | None = None,
    max_bytes: int = 50_000_000,
    deadline_seconds: float = 60.0,
    max_redirects: int = 5,
    accept: str = ACCEPT,
    ssl_context: ssl.SSLContext | None = None,
) -> Fetch:
    """A `Fetch` for format readers, with these limits on every call (the deadline is per call).

    `conditional` maps a URL (the feed's own) to its stored (ETag, Last-Modified): only that
    URL is asked conditionally, so further pages and files always come back whole.
    """
    validators = dict(conditional or {})

    def fetcher(url: str) -> FetchResult:
        etag, last_modified = validators.get(url, (None, None))
        return fetch(
            url,
            allow_private=allow_private,
            etag=etag,
            last_modified=last_modified,
            max_bytes=max_bytes,
            deadline_seconds=deadline_seconds,
            max_redirects=max_redirects,
            accept=accept,
            ssl_context=ssl_context,
        )

    return fetcher


def _read(
    url: str, response: httpx.Response, max_bytes: int, etag: str | None, last_modified: str | None
) -> FetchResult:
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    # A 304 keeps the validators we sent unless the server sends fresh ones.
    etag = response.headers.get("etag", etag if status == 304 else None)
    last_modified = response.headers.get("last-modified", last_modified if status == 304 else None)
    if status == 304:
        return FetchResult(url, 304, b"", content_type, etag, last_modified)
    if not 200 <= status < 300:
        raise FetchError(f"{url} answered {status} {response.reason_phrase}".rstrip(), status=status)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url} declares {int(declared):,} bytes, over the limit of {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    # Count the decoded bytes: a small gzip body may unpack to a huge one.
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} sent more than the limit of {max_bytes:,} bytes")
    return FetchResult(url, status, b"".join(chunks), content_type, etag, last_modified)


def _normalise(url: str) -> str:
    """httpx's spelling of the URL (lower-case, punycode host), so the guard judges the host httpx uses."""
    try:
        return str(httpx.URL(url))
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError(f"could not fetch {url}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        """The socket timeout to use now: never past the deadline; once it has passed, `error`."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's hostname: SNI and the certificate check use the name, not the IP.
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to addresses `check_url` approved for the host asked for."""

    def __init__(self, deadline: _Deadline) -> None:
        self.pins: dict[str, tuple[str, ...]] = {}
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = self.pins.get(host)
        if not addresses:
            raise UnsafeAddress(f"refusing to connect to {host}: its address was not checked")
        error: Exception | None = None
        for address in addresses:  # in resolver order: an unreachable IPv6 falls back to IPv4
            try:
                timeout_now = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
                stream = self._inner.connect_tcp(address, port, timeout_now, local_address, socket_options)
                return _DeadlineStream(stream, self._deadline)
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise UnsafeAddress("refusing to connect to a unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.BaseTransport):
    """httpx over an httpcore pool that uses our backend (httpx.HTTPTransport offers no hook for one)."""

    def __init__(self, backend: httpcore.NetworkBackend, ssl_context: ssl.SSLContext) -> None:
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core_request)
        return httpx.Response(
            response.status, headers=response.headers, stream=_Body(response), extensions=response.extensions
        )

    def close(self) -> None:
        self._pool.close()


class _Body(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self):
        yield from self._response.iter_stream()

    def close(self) -> None:
        self._response.close()
