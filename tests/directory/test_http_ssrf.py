"""The SSRF matrix: every way of pointing the fetcher at our own network is refused before a
single byte reaches the (real, local) server; with allow_private the same server is reached."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
import respx

from directory.platforms.base import FetchError
from directory.platforms.http import BlockedAddress, build_client

from .local_server import LocalServer, local_server


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server("127.0.0.1") as srv:
        yield srv


@pytest.fixture
def server6() -> Iterator[LocalServer]:
    with local_server("::1") as srv:
        yield srv


@pytest.fixture
def fake_dns(monkeypatch, server):
    """Names under .example resolve to the local server, like a hostile DNS record would."""
    real = socket.getaddrinfo
    names = {"evil.example", "site.example"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", server.port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _refused(url: str) -> FetchError:
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        client.get(url)
    assert info.value.permanent is True
    return info.value


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://127.1:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f000001:{port}/",
        "http://017700000001:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://localhost:{port}/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0:{port}/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://metadata.google.internal/",
    ],
)
def test_private_targets_are_refused_and_never_reached(server, template):
    error = _refused(template.format(port=server.port))
    assert "private or local address" in str(error)
    assert server.hits == []


def test_ipv6_loopback_is_refused_and_never_reached(server6):
    error = _refused(f"http://[::1]:{server6.port}/")
    assert "private or local address" in str(error)
    assert server6.hits == []


def test_ipv6_loopback_is_reached_when_private_hosts_are_allowed(server6):
    with build_client(allow_private=True) as client:
        assert client.get(f"http://[::1]:{server6.port}/").status_code == 200
    assert len(server6.hits) == 1


def test_hostname_resolving_to_loopback_is_refused(server, fake_dns):
    error = _refused("http://evil.example/")
    assert isinstance(error, BlockedAddress)
    assert "evil.example points at a private or local address" in str(error)
    assert server.hits == []


def test_same_hostname_is_reached_when_private_hosts_are_allowed(server, fake_dns):
    with build_client(allow_private=True) as client:
        response = client.get("http://site.example/page")
    assert response.status_code == 200
    # We connected to the address we resolved, yet the Host header still names the site.
    assert server.hits[0].headers["Host"] == "site.example"
    assert server.hits[0].path == "/page"


def test_setting_allows_private_hosts(server, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    with build_client() as client:
        assert client.get(f"{server.url}/").content == b"ok"
    assert len(server.hits) == 1


@pytest.mark.parametrize("target", ["literal", "name"])
def test_public_url_redirecting_to_loopback_is_refused(server, fake_dns, target):
    location = f"http://127.0.0.1:{server.port}/" if target == "literal" else "http://evil.example/"
    with respx.mock(assert_all_called=False) as mock:
        mock.get("https://public.example/start").respond(302, headers={"Location": location})
        mock.route(host__in=("127.0.0.1", "evil.example")).pass_through()
        error = _refused("https://public.example/start")
    assert "private or local address" in str(error)
    assert server.hits == []


def test_redirect_to_loopback_is_followed_when_private_hosts_are_allowed(server, fake_dns):
    with respx.mock(assert_all_called=False) as mock:
        mock.get("https://public.example/start").respond(
            302, headers={"Location": "http://evil.example/landing"}
        )
        mock.route(host="evil.example").pass_through()
        with build_client(allow_private=True) as client:
            response = client.get("https://public.example/start")
    assert response.status_code == 200
    assert [hit.path for hit in server.hits] == ["/landing"]
    assert [str(r.url) for r in response.history] == ["https://public.example/start"]


def test_non_http_scheme_and_odd_port_are_refused(server):
    assert "not a valid http(s) URL" in str(_refused("file:///etc/passwd"))
    with respx.mock:
        assert "standard ports" in str(_refused("https://public.example:8443/"))


def test_redirect_to_another_scheme_is_refused():
    with respx.mock:
        respx.get("https://public.example/").respond(302, headers={"Location": "ftp://x.example/"})
        with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
            client.get("https://public.example/")
    assert info.value.permanent is True


def test_unresolvable_host_is_a_temporary_error(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with build_client(allow_private=False) as client, pytest.raises(FetchError) as info:
        client.get("https://nowhere.example/")
    assert info.value.permanent is False


def test_client_is_an_httpx_client_without_environment_proxies(monkeypatch, server):
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    with build_client(allow_private=True) as client:
        assert isinstance(client, httpx.Client)
        assert client.get(f"{server.url}/").status_code == 200
    assert len(server.hits) == 1
