"""Checks and canonical forms for URLs people paste, before anything is fetched.

`check_public_url` is the syntactic gate used at import and submission time (no DNS): http(s)
only, standard ports, and no host that obviously points inside our own network. The HTTP client
(`directory.platforms.http`) repeats the address part after resolving the name, so a public
name that resolves to a private address is still refused at fetch time.

`is_public_address` is the single definition of "globally routable" that both places share.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from .base import UnsupportedURL
from .hostnames import check_lookalike, check_wildcard_dns

NOT_VALID = "not a valid http(s) URL"
PRIVATE = "points at a private or local address"
IP_LITERAL = "is an IP address: enter the site's name instead"
# Browsers and our link column agree on this; longer addresses are refused with a message.
MAX_URL_LENGTH = 2048

# Names that never leave the local network (RFC 6761/6762/8375 and common internal suffixes).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# A host made only of numbers (decimal, octal 0…, hex 0x…) and dots is an IPv4 address in one
# of the legacy forms inet_aton still accepts (http://2130706433/ is 127.0.0.1).
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*$")
# Whitespace (as str.isspace() sees it) or a control character: one regex scan, not a Python
# call per character.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")

# NAT64 well-known prefix: 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# Query parameters that only track where a click came from; they never identify an account.
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "igsh", "mc_cid", "mc_eid", "ref_src", "si"}
)


def _allow_private(allow_private: bool | None) -> bool:
    if allow_private is None:
        return bool(getattr(settings, "FETCH_ALLOW_PRIVATE_HOSTS", False))
    return allow_private


def is_public_address(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for globally routable unicast addresses, looking inside IPv6 wrappers."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 form that embeds an IPv4 address is judged by that IPv4 address.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(embedded):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _literal_address(
    host: str,
) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address | None, bool]:
    """The IP address a host spells in any form a resolver accepts (else None), and whether
    that form is a legacy one (decimal, octal, hex or shortened IPv4)."""
    try:
        return ipaddress.ip_address(host), False
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host)), True
        except OSError:
            raise UnsupportedURL(NOT_VALID) from None
    return None, False


def _check_host_name(host: str) -> None:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsupportedURL(NOT_VALID) from None
    labels = ascii_host.split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        raise UnsupportedURL(NOT_VALID)
    if labels[-1].isdigit():
        # "1.2.3.4.5" is neither a name nor an address.
        raise UnsupportedURL(NOT_VALID)


def check_public_url(url: str, *, allow_private: bool | None = None) -> str:
    """Return `url` stripped, or raise UnsupportedURL saying what is wrong with it.

    Refuses non-http(s) schemes, missing hosts, credentials, non-standard ports, addresses
    over MAX_URL_LENGTH, IP literals, names that only exist locally, lookalike and wildcard-DNS
    names (`hostnames.py`). With
    `allow_private` (default: settings.FETCH_ALLOW_PRIVATE_HOSTS) local hosts and ports are
    allowed, for tests and development only.
    """
    if not isinstance(url, str):
        raise UnsupportedURL(NOT_VALID)
    url = url.strip()
    if not url or _SPACE_OR_CONTROL.search(url):
        raise UnsupportedURL(NOT_VALID)
    if len(url.encode("utf-8")) > MAX_URL_LENGTH:  # bytes: the database index counts bytes
        raise UnsupportedURL(f"too long (at most {MAX_URL_LENGTH:,} characters)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsupportedURL(NOT_VALID) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UnsupportedURL(NOT_VALID)
    if parts.username is not None or parts.password is not None:
        raise UnsupportedURL(f"{NOT_VALID}: it must not contain a user name or password")
    host = parts.hostname.rstrip(".")
    if not host:
        raise UnsupportedURL(NOT_VALID)
    private_ok = _allow_private(allow_private)
    _check_host(host, private_ok)
    if port not in (None, 80, 443) and not private_ok:
        raise UnsupportedURL(f"{NOT_VALID}: only the standard ports (80 and 443) are allowed")
    return url


# The host checks depend on the host alone and cost more than the rest of the URL's: an import
# checks thousands of links on a few hundred hosts, some twice (a platform's normaliser checks
# the address it builds). A host that passed is remembered; a refused one raises every time.
@functools.lru_cache(maxsize=8192)
def _check_host(host: str, private_ok: bool) -> None:
    address, legacy_form = _literal_address(host)
    if address is None:
        _check_host_name(host)
        check_lookalike(host)
        is_local_name = host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host
        if is_local_name and not private_ok:
            raise UnsupportedURL(PRIVATE)
        if not private_ok:
            check_wildcard_dns(host)
    elif not private_ok:
        if not is_public_address(address):
            raise UnsupportedURL(PRIVATE)
        if legacy_form:
            # A public address spelled in a legacy numeric form: nobody pastes that honestly.
            raise UnsupportedURL(NOT_VALID)
        # No creator's page lives at a bare address; a name is checked by people and by TLS.
        raise UnsupportedURL(IP_LITERAL)


def canonical_url(url: str, *, host: str | None = None, keep_query: bool = True) -> str:
    """A canonical spelling of an already-checked URL.

    Lowercases scheme and host, drops default ports, fragments, trailing dots on the host and
    tracking parameters (utm_* and click ids), removes trailing slashes from the path (the root
    stays "/"), and sorts the remaining query so that two pastes of one page compare equal.
    `host` replaces the host (e.g. to drop "www." where the platform has none).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc_host = (host or parts.hostname or "").rstrip(".").lower()
    if ":" in netloc_host:
        netloc_host = f"[{netloc_host}]"
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)) and host is None:
        netloc_host = f"{netloc_host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    query = ""
    if keep_query and parts.query:
        pairs = [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
        ]
        query = urlencode(sorted(pairs))
    return urlunsplit((scheme, netloc_host, path, query, ""))


def host_of(url: str) -> str:
    """The lowercased host of a URL without a trailing dot ("" when there is none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
