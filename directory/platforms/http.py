"""The one careful HTTP client every adapter uses.

- Timeouts on connect and read, an overall deadline per request, and a maximum body size
  (settings.FETCH_TIMEOUT_SECONDS, FETCH_MAX_BYTES); the body is streamed and abandoned as
  soon as it grows too large, after gzip decoding so a small compressed bomb cannot slip past.
- An honest User-Agent (settings.FETCH_USER_AGENT) naming the site and a contact URL.
- SSRF-safe: every URL (the first and every redirect hop, at most 5) passes
  `check_public_url`; then the connection layer resolves the host itself, refuses the request
  if any resolved address is not globally routable, and connects to the validated address.
  The check lives in the network backend underneath httpcore, so TLS still uses the real host
  name for SNI and certificate checks, the Host header is untouched, and DNS cannot change its
  answer between check and connect. Only public interfaces are used: httpcore's connection
  pool takes the backend as a constructor argument, and `GuardedTransport` is an
  `httpx.BaseTransport` over that pool. respx mocks the connection pool above the backend, so
  adapter tests run unchanged; the backend itself is tested against a real local server.
- One TLS context per process (`shared_ssl_context`): loading the CA bundle costs about 10 ms
  of CPU, and the refresh builds a client for every link it fetches.
- Errors become `FetchError`: timeouts, connection failures, 5xx and 429 are temporary (429 and
  503 carry `retry_after`), 404/410 and refused addresses are permanent.

`settings.FETCH_ALLOW_PRIVATE_HOSTS` (or `allow_private=True`) lifts the address and port
checks, for tests and local development only.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx
from django.conf import settings

from . import ratelimit
from .base import FetchError, RateLimitWait, UnsupportedURL
from .urls import check_public_url, is_public_address

MAX_REDIRECTS = 5


class BlockedAddress(FetchError):
    """The URL or one of its redirects leads to an address we never fetch from."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host, refuses non-public addresses, connects to the address it checked."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not infos:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        addresses = [(info[4][0], info[4][1]) for info in infos]
        if not self.allow_private:
            # Refuse when any answer is private: a mixed answer is a rebinding trick, not a
            # misconfiguration worth working around.
            for address, _port in addresses:
                if not is_public_address(str(address).split("%", 1)[0]):
                    raise BlockedAddress(f"{host} points at a private or local address")
        last_error: Exception | None = None
        for address, resolved_port in dict.fromkeys(addresses):
            try:
                return super().connect_tcp(
                    str(address),
                    int(resolved_port),
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


# httpcore's exceptions as httpx names them, most specific first (httpx's own transport maps
# them the same way, but privately).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.ProxyError, httpx.ProxyError),
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = next((mine for core, mine in _ERRORS if isinstance(exc, core)), None)
        if mapped is None:
            raise  # ours (BlockedAddress) or not a network failure: as it is
        raise mapped(str(exc)) from exc


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


_ssl_lock = threading.Lock()
_ssl_cached: tuple[Any, ssl.SSLContext] | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """The verifying TLS context every client shares (an SSLContext is safe to share).

    Built by `httpx.create_ssl_context` once per process, and again only if that function is
    replaced (tests trust a throwaway CA that way)."""
    global _ssl_cached
    factory = httpx.create_ssl_context
    with _ssl_lock:
        if _ssl_cached is None or _ssl_cached[0] is not factory:
            _ssl_cached = (factory, factory(trust_env=False))
        return _ssl_cached[1]


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport (the public `BaseTransport` interface) over httpcore's connection
    pool, built with the guarded network backend through httpcore's public constructor."""

    def __init__(self, *, allow_private: bool) -> None:
        self.ssl_context = shared_ssl_context()
        self._connections = httpcore.ConnectionPool(
            ssl_context=self.ssl_context,
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(allow_private=allow_private),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, Iterable)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            core_response = self._connections.handle_request(core_request)
        assert isinstance(core_response.stream, Iterable)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response.stream),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        self._connections.close()


class SafeClient(httpx.Client):
    """An httpx.Client that checks every hop, follows redirects itself and caps body size.

    Use it like any httpx.Client (`client.get(url, params=..., headers=...)`); transport
    failures raise FetchError. HTTP error statuses are returned as responses: pass them to
    `raise_for_status` (or use `get_json`) so adapters can treat 304/401/403 their own way.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        max_bytes: int,
        timeout: float,
        user_agent: str,
        rate_limit: bool = False,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        super().__init__(
            transport=GuardedTransport(allow_private=allow_private),
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
            max_redirects=max_redirects,
        )
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.total_timeout = timeout * 3
        self.rate_limit = rate_limit
        self.redirect_limit = max_redirects

    def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: bool | Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        follow = follow_redirects is not False
        deadline = time.monotonic() + self.total_timeout
        history: list[httpx.Response] = []
        while True:
            self._check(request.url)
            response = self._send_one(request, auth=auth)
            if follow and response.next_request is not None:
                response.close()
                history.append(response)
                if len(history) > self.redirect_limit:
                    raise FetchError(
                        f"more than {self.redirect_limit} redirects from {history[0].url}",
                        permanent=True,
                    )
                request = response.next_request
                continue
            response.history = history
            if stream:
                return response
            return self._read_limited(response, deadline)

    def _check(self, url: httpx.URL) -> None:
        try:
            check_public_url(str(url), allow_private=self.allow_private)
        except UnsupportedURL as exc:
            raise BlockedAddress(f"refused to fetch {url.host or url}: {exc}") from None
        if self.rate_limit:
            # Every hop, redirects included, pays for the host it is about to call.
            wait = ratelimit.acquire(url.host)
            if wait > 0:
                raise RateLimitWait(url.host, wait)

    def _send_one(self, request: httpx.Request, *, auth: Any) -> httpx.Response:
        try:
            return super().send(request, stream=True, auth=auth, follow_redirects=False)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {request.url}", permanent=False) from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported redirect from {request.url}", permanent=True) from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"could not fetch {request.url}: {type(exc).__name__}", permanent=False
            ) from exc

    def _read_limited(self, response: httpx.Response, deadline: float) -> httpx.Response:
        """The response with its whole body, read within the size limit and the deadline.

        The size is counted on the decoded bytes (a small gzip bomb cannot slip past), so the
        response handed back carries the decoded body and no Content-Encoding.
        """
        try:
            declared = int(response.headers.get("Content-Length", "0") or 0)
        except ValueError:
            declared = 0
        try:
            if declared > self.max_bytes:
                raise FetchError(self._too_large(response), permanent=True)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(self._too_large(response), permanent=True)
                if time.monotonic() > deadline:
                    raise FetchError(f"{response.url} is too slow to send", permanent=False)
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out reading {response.url}", permanent=False) from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"could not read {response.url}: {type(exc).__name__}", permanent=False
            ) from exc
        finally:
            response.close()
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            status_code=response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=response.request,
            extensions=response.extensions,
            history=response.history,
        )

    def _too_large(self, response: httpx.Response) -> str:
        return f"{response.url} sent more than {self.max_bytes} bytes"


def build_client(
    *,
    allow_private: bool | None = None,
    rate_limit: bool = False,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> SafeClient:
    """The client adapters receive. `rate_limit=True` takes a token from the shared per-host
    bucket before every request (workers pass it; a FetchError with retry_after says when)."""
    return SafeClient(
        allow_private=(
            settings.FETCH_ALLOW_PRIVATE_HOSTS if allow_private is None else allow_private
        ),
        max_bytes=max_bytes or settings.FETCH_MAX_BYTES,
        timeout=timeout or settings.FETCH_TIMEOUT_SECONDS,
        user_agent=settings.FETCH_USER_AGENT,
        rate_limit=rate_limit,
    )


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, (moment - now).total_seconds())


def parse_retry_after(
    headers: Mapping[str, str], *, now: dt.datetime | None = None
) -> float | None:
    """Seconds to wait, from `Retry-After` (seconds or HTTP date) or a rate-limit reset header
    (`X-RateLimit-Reset`/`RateLimit-Reset`: ISO 8601 date, epoch seconds, or seconds to go)."""
    now = now or dt.datetime.now(dt.UTC)
    value = (headers.get("Retry-After") or "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return _seconds_until(email.utils.parsedate_to_datetime(value), now)
        except (TypeError, ValueError, IndexError):
            pass
    for name in ("X-RateLimit-Reset", "RateLimit-Reset"):
        value = (headers.get(name) or "").strip()
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:
                return _seconds_until(dt.datetime.fromisoformat(value), now)
            except ValueError:
                continue
        # Large numbers are Unix timestamps; small ones are seconds from now.
        if number > 1_000_000_000:
            return _seconds_until(dt.datetime.fromtimestamp(number, dt.UTC), now)
        return max(0.0, number)
    return None


def raise_for_status(response: httpx.Response) -> None:
    """Turn an error status into FetchError; 2xx and 3xx (incl. 304) pass."""
    status = response.status_code
    if status < 400:
        return
    try:
        url = response.request.url
        where, host = str(url), url.host
    except RuntimeError:  # a bare Response built outside a client
        where = host = "the server"
    if status == 429:
        raise FetchError(
            f"rate limited by {host}",
            permanent=False,
            retry_after=parse_retry_after(response.headers),
            status_code=status,
        )
    if status >= 500 or status == 408:
        raise FetchError(
            f"{where} answered {status}; will try again later",
            permanent=False,
            retry_after=parse_retry_after(response.headers),
            status_code=status,
        )
    if status in (404, 410):
        raise FetchError(f"{where} was not found ({status})", permanent=True, status_code=status)
    if status in (401, 403):
        raise FetchError(
            f"{where} is not publicly readable ({status})", permanent=True, status_code=status
        )
    raise FetchError(f"{where} refused the request ({status})", permanent=True, status_code=status)


def get_json(
    client: httpx.Client,
    url: str,
    params: Mapping[str, Any] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """GET a JSON document, raising FetchError for error statuses and non-JSON bodies."""
    response = client.get(url, params=params, headers=headers)
    raise_for_status(response)
    try:
        return response.json()
    except ValueError as exc:
        raise FetchError(
            f"{url} did not return JSON", permanent=False, status_code=response.status_code
        ) from exc
