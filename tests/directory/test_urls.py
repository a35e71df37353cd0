"""check_public_url: the syntactic gate used at import and submission time (no DNS)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory.platforms.base import UnsupportedURL
from directory.platforms.urls import canonical_url, check_public_url, is_public_address


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "http://example.com",
        "https://blog.example.org:443/feed",
        "http://example.com:80/a?b=c",
        "https://mastodon.social/@alice",
        "https://bücher.example/",
        "https://xn--bcher-kva.example/",
        "https://日本語.jp/",
        "https://ひらがなカタカナ漢字abc.example/",
        "https://почта.рф/",
        "https://" + "a" * 50 + ".example/" + "p" * (2048 - 67),
    ],
)
def test_public_urls_pass_and_are_stripped(url):
    assert check_public_url(f"  {url}\n", allow_private=False) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com",
        "ftp://example.com/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "https:///path",
        "http://exa mple.com/",
        "https://example.com:99999/",
        "https://exa_mple-.com/",
        "http://1.2.3.4.5/",
        "http://8.8.2056/",
    ],
)
def test_malformed_urls_are_not_valid(url):
    with pytest.raises(UnsupportedURL, match="not a valid http\\(s\\) URL"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://10.1.2.3/",
        "http://172.31.255.255/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fd00::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://app.localhost/",
        "http://printer.local/",
        "http://metadata.google.internal/",
        "http://router.home.arpa/",
        "http://intranet/",
    ],
)
def test_private_and_local_hosts_are_refused(url):
    with pytest.raises(UnsupportedURL, match="points at a private or local address"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["https://8.8.8.8/", "https://[2606:4700::1111]/"])
def test_public_ip_literals_are_refused_at_input(url):
    """No creator's page lives at a bare address; the fetch-time check stays as well."""
    with pytest.raises(UnsupportedURL, match="is an IP address"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://yоutube.com/@calm",  # Cyrillic о among Latin letters
        "https://раypal.com/",  # Cyrillic р, а
        "https://gοogle.com/",  # Greek ο
        "https://аррӏе.com/",  # wholly Cyrillic, every letter a Latin lookalike
        "https://xn--80ak6aa92e.com/",  # the same, pasted as punycode
        "https://ɡoogle.com/",  # Latin script g
        "https://www.yоutube.com/",
    ],
)
def test_lookalike_host_names_are_refused(url):
    with pytest.raises(UnsupportedURL, match="imitate other sites"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1.nip.io/",
        "https://10-0-0-1.sslip.io/",
        "https://anything.nip.io/",
        "https://app.localtest.me/",
        "https://lvh.me/",
    ],
)
def test_wildcard_dns_names_are_refused(url):
    with pytest.raises(UnsupportedURL, match="wildcard DNS|private or local"):
        check_public_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["https://10.0.0.1.example.com/", "https://192-168-1-1.example/"])
def test_names_embedding_a_private_address_are_refused(url):
    with pytest.raises(UnsupportedURL, match="private or local"):
        check_public_url(url, allow_private=False)


def test_urls_over_2048_characters_are_refused_with_a_message():
    url = "https://example.com/" + "p" * 2029
    with pytest.raises(UnsupportedURL, match="too long \\(at most 2,048 characters\\)"):
        check_public_url(url, allow_private=False)


def test_public_address_in_legacy_numeric_form_is_not_valid():
    # 134744072 is 8.8.8.8: public, but nobody pastes that honestly.
    with pytest.raises(UnsupportedURL, match="not a valid"):
        check_public_url("http://134744072/", allow_private=False)


def test_credentials_in_url_are_refused():
    with pytest.raises(UnsupportedURL, match="user name or password"):
        check_public_url("https://user:pw@example.com/", allow_private=False)


def test_non_standard_port_is_refused():
    with pytest.raises(UnsupportedURL, match="standard ports"):
        check_public_url("https://example.com:8080/", allow_private=False)


def test_allow_private_lifts_address_and_port_checks():
    assert check_public_url("http://127.0.0.1:8000/x", allow_private=True)
    assert check_public_url("http://localhost:5000/", allow_private=True)
    with pytest.raises(UnsupportedURL):
        check_public_url("ftp://127.0.0.1/", allow_private=True)


def test_allow_private_defaults_to_the_setting(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    assert check_public_url("http://127.0.0.1:8000/")
    settings.FETCH_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(UnsupportedURL):
        check_public_url("http://127.0.0.1:8000/")


@given(st.ip_addresses())
def test_is_public_address_never_accepts_loopback_private_or_link_local(address):
    if address.is_loopback or address.is_private or address.is_link_local:
        assert not is_public_address(address)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:443/Blog/", "https://example.com/Blog"),
        ("http://example.com:80", "http://example.com/"),
        ("https://example.com//a//b/#frag", "https://example.com/a/b"),
        ("https://example.com/?utm_source=x&b=2&a=1&fbclid=z", "https://example.com/?a=1&b=2"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected
