"""The shared HTTP client: status mapping, Retry-After, size and time limits, redirects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
import respx

from directory.platforms import ratelimit
from directory.platforms.base import FetchError
from directory.platforms.http import build_client, get_json, parse_retry_after, raise_for_status

from .local_server import LocalServer, Reply, local_server

NOW = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as srv:
        yield srv


def _error(status: int, headers: dict[str, str] | None = None) -> FetchError:
    request = httpx.Request("GET", "https://api.example/x")
    response = httpx.Response(status, headers=headers or {}, request=request)
    with pytest.raises(FetchError) as info:
        raise_for_status(response)
    assert info.value.status_code == status
    return info.value


def test_retry_after_in_seconds():
    assert parse_retry_after({"Retry-After": "2"}, now=NOW) == 2.0


def test_retry_after_as_http_date():
    headers = {"Retry-After": "Sat, 01 Mar 2025 12:01:30 GMT"}
    assert parse_retry_after(headers, now=NOW) == 90.0


def test_retry_after_in_the_past_means_now():
    assert parse_retry_after({"Retry-After": "Sat, 01 Mar 2025 11:00:00 GMT"}, now=NOW) == 0.0


def test_x_ratelimit_reset_as_iso_date():
    # Mastodon sends an ISO 8601 timestamp.
    headers = {"X-RateLimit-Reset": "2025-03-01T12:05:00.000Z"}
    assert parse_retry_after(headers, now=NOW) == 300.0


def test_x_ratelimit_reset_as_epoch_seconds():
    headers = {"X-RateLimit-Reset": str(int(NOW.timestamp()) + 42)}
    assert parse_retry_after(headers, now=NOW) == 42.0


def test_ratelimit_reset_as_seconds_to_go():
    assert parse_retry_after({"RateLimit-Reset": "17"}, now=NOW) == 17.0


def test_no_rate_limit_headers_means_unknown():
    assert parse_retry_after({}, now=NOW) is None
    assert parse_retry_after({"Retry-After": "soon"}, now=NOW) is None


def test_429_is_temporary_with_retry_after():
    error = _error(429, {"Retry-After": "2"})
    assert error.permanent is False
    assert error.retry_after == 2.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_temporary(status):
    assert _error(status).permanent is False


def test_503_keeps_its_retry_after():
    assert _error(503, {"Retry-After": "120"}).retry_after == 120.0


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_and_gone_are_permanent(status):
    error = _error(status)
    assert error.permanent is True
    assert "not found" in str(error)


@pytest.mark.parametrize("status", [401, 403, 400])
def test_other_client_errors_are_permanent(status):
    assert _error(status).permanent is True


@pytest.mark.parametrize("status", [200, 204, 304])
def test_success_and_not_modified_pass(status):
    raise_for_status(httpx.Response(status, request=httpx.Request("GET", "https://a.example/")))


@respx.mock
def test_get_json_through_respx():
    route = respx.get("https://api.example/v1/thing", params={"id": "7"}).respond(
        200, json={"id": 7}
    )
    with build_client(allow_private=False) as client:
        assert get_json(client, "https://api.example/v1/thing", {"id": "7"}) == {"id": 7}
    assert route.called


@respx.mock
def test_get_json_rejects_non_json_as_temporary():
    respx.get("https://api.example/page").respond(200, text="<html>")
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        get_json(client, "https://api.example/page")
    assert info.value.permanent is False


@respx.mock
def test_get_json_maps_404_to_permanent():
    respx.get("https://api.example/gone").respond(404, json={"error": "Record not found"})
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        get_json(client, "https://api.example/gone")
    assert info.value.permanent is True


@respx.mock
def test_transport_timeout_is_temporary():
    respx.get("https://api.example/slow").mock(side_effect=httpx.ReadTimeout("slow"))
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        client.get("https://api.example/slow")
    assert info.value.permanent is False


@respx.mock
def test_connection_error_is_temporary():
    respx.get("https://api.example/down").mock(side_effect=httpx.ConnectError("refused"))
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        client.get("https://api.example/down")
    assert info.value.permanent is False


def test_real_read_timeout_is_temporary(server):
    server.routes["*"] = Reply(delay=1.0)
    with build_client(allow_private=True, timeout=0.2) as client, pytest.raises(FetchError) as info:
        client.get(f"{server.url}/")
    assert info.value.permanent is False
    assert "timed out" in str(info.value)


def test_honest_user_agent_and_gzip_are_sent(server, settings):
    server.routes["*"] = Reply(body=b"hello " * 100, gzip=True)
    with build_client(allow_private=True) as client:
        response = client.get(f"{server.url}/")
    assert response.text == "hello " * 100
    assert server.hits[0].headers["User-Agent"] == settings.FETCH_USER_AGENT
    assert "gzip" in server.hits[0].headers["Accept-Encoding"]


def test_declared_oversized_body_is_refused(server):
    server.routes["*"] = Reply(body=b"x" * 5000)
    with (
        build_client(allow_private=True, max_bytes=1024) as client,
        pytest.raises(FetchError) as info,
    ):
        client.get(f"{server.url}/")
    assert info.value.permanent is True
    assert "more than 1024 bytes" in str(info.value)


def test_streamed_oversized_body_is_refused(server):
    server.routes["*"] = Reply(body=b"x" * 50_000, chunked=True)
    with (
        build_client(allow_private=True, max_bytes=10_000) as client,
        pytest.raises(FetchError, match="more than 10000 bytes"),
    ):
        client.get(f"{server.url}/")


def test_gzip_bomb_is_measured_after_decompression(server):
    # 200 kB of zeros compresses to a few hundred bytes: the limit applies to what we decode.
    server.routes["*"] = Reply(body=b"\0" * 200_000, gzip=True)
    with (
        build_client(allow_private=True, max_bytes=10_000) as client,
        pytest.raises(FetchError, match="more than 10000 bytes"),
    ):
        client.get(f"{server.url}/")


def test_body_within_limit_is_returned(server):
    server.routes["*"] = Reply(body=b"y" * 1024)
    with build_client(allow_private=True, max_bytes=1024) as client:
        assert client.get(f"{server.url}/").content == b"y" * 1024


def _redirect_chain(server: LocalServer) -> None:
    def hop(path: str) -> Reply:
        n = int(path.rsplit("/", 1)[-1])
        return Reply(status=302, headers={"Location": f"/r/{n + 1}"})

    server.routes["*"] = hop


def test_five_redirects_are_followed(server):
    _redirect_chain(server)
    server.routes["/r/5"] = Reply(body=b"done")
    with build_client(allow_private=True) as client:
        response = client.get(f"{server.url}/r/0")
    assert response.content == b"done"
    assert len(response.history) == 5


def test_sixth_redirect_is_refused(server):
    _redirect_chain(server)
    with build_client(allow_private=True) as client, pytest.raises(FetchError) as info:
        client.get(f"{server.url}/r/0")
    assert info.value.permanent is True
    assert "more than 5 redirects" in str(info.value)
    assert len(server.hits) == 6


def test_redirect_not_followed_when_asked(server):
    _redirect_chain(server)
    with build_client(allow_private=True) as client:
        response = client.get(f"{server.url}/r/0", follow_redirects=False)
    assert response.status_code == 302
    assert len(server.hits) == 1


@respx.mock
def test_client_takes_a_rate_limit_token_per_request(settings):
    settings.FETCH_RATE_LIMITS = {"api.example": "2/60"}
    ratelimit.set_limiter(ratelimit.MemoryLimiter())
    try:
        route = respx.get("https://api.example/x").respond(200)
        with build_client(allow_private=False, rate_limit=True) as client:
            client.get("https://api.example/x")
            client.get("https://api.example/x")
            with pytest.raises(FetchError) as info:
                client.get("https://api.example/x")
        assert info.value.permanent is False
        assert info.value.retry_after == pytest.approx(30.0, abs=1)
        assert route.call_count == 2
    finally:
        ratelimit.set_limiter(None)


def test_clients_share_one_tls_context(monkeypatch):
    """The CA bundle is loaded once per process, not once per fetched link (~10 ms of CPU)."""
    real = httpx.create_ssl_context
    built = []

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    clients = [build_client(allow_private=False) for _ in range(3)]
    try:
        assert len(built) == 1
        assert len({id(c._transport.ssl_context) for c in clients}) == 1
    finally:
        for client in clients:
            client.close()


def test_a_replaced_tls_context_factory_is_used(monkeypatch):
    """Tests that trust a throwaway CA replace httpx.create_ssl_context; the next client uses it."""
    with build_client(allow_private=False) as client:
        before = client._transport.ssl_context
    marker = httpx.create_ssl_context(trust_env=False)
    monkeypatch.setattr(httpx, "create_ssl_context", lambda *a, **k: marker)
    with build_client(allow_private=False) as client:
        assert client._transport.ssl_context is marker is not before
