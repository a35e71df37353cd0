"""Which Mastodon account a URL names: the one parser of pasted Mastodon URLs, and WebFinger.

`parse_profile_url` reads every pasted form (`/@user`, `/@user@home`, `/users/user`, `/web/@user`,
tabs and post links) and is what platform detection uses too. `read_webfinger` reads a custom
domain's WebFinger answer (RFC 7033, as Mastodon's `WebfingerSerializer` writes it): the server
is the host of the `self` (ActivityPub actor) link, the user name comes from the
`profile-page` link (`https://server/@name`) or else the `subject` (`acct:name@domain`), never
from the actor URL, which on Mastodon 4.4+ ends in a numeric id (`/ap/users/<id>`); that id is
kept so the account can be looked up by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from . import canonical
from .base import UnsupportedURL
from .urls import check_public_url, host_of

_USER = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}"
_HOST = r"[A-Za-z0-9.-]+\.[A-Za-z]{2,63}"
# Profile paths: /@user, /@user@home, /web/@user and their tabs and posts (/@user/123,
# /@user/with_replies), /users/user. The one parser of Mastodon URLs: detection uses it too.
_AT_PATH = re.compile(rf"^/(?:web/)?@(?P<user>{_USER})(?:@(?P<home>{_HOST}))?(?:/[^@]*)?$")
_USERS_PATH = re.compile(rf"^/users/(?P<user>{_USER})(?:/[^@]*)?$")

# Sites outside canonical's host table that also use "/@name" or "/users/name" paths.
_NOT_MASTODON = ("github.com", "stackoverflow.com", "linktr.ee", "vimeo.com", "soundcloud.com")


PROFILE_PAGE = "http://webfinger.net/rel/profile-page"
_NUMERIC_ACTOR = re.compile(r"^/ap/users/(?P<id>\d+)/?$")
_PROFILE_PAGE_PATH = re.compile(rf"^/@(?P<user>{_USER})/?$")


@dataclass(frozen=True, slots=True)
class Profile:
    """A Mastodon account as pasted: its user name on its home server."""

    user: str
    home: str  # the home server's host (with its port when one is kept, see `origin_of`)
    origin: str  # scheme://home: where the account's API and feed are

    @property
    def url(self) -> str:
        return f"{self.origin}/@{self.user}"


def origin_of(url: str) -> str:
    """`https://host` for a URL's server, or its own scheme and port for a development server.

    Production refuses non-standard ports and local hosts anyway, so there the origin is always
    https on the standard port. With FETCH_ALLOW_PRIVATE_HOSTS a local instance
    (`http://127.0.0.1:3000`, Mastodon's development server) keeps its scheme and port, or it
    could not be fetched at all.
    """
    parts = urlsplit(url)
    host = host_of(url)
    netloc = f"[{host}]" if ":" in host else host
    try:
        check_public_url(url, allow_private=False)
    except UnsupportedURL:
        if settings.FETCH_ALLOW_PRIVATE_HOSTS:
            port = f":{parts.port}" if parts.port is not None else ""
            return f"{parts.scheme.lower()}://{netloc}{port}"
    return f"https://{netloc}"


def parse_profile_url(url: str) -> Profile:
    """The account a pasted Mastodon profile or post URL names; raises UnsupportedURL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise UnsupportedURL("not a valid http(s) URL") from None
    host = host_of(url)
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise UnsupportedURL("not a valid http(s) URL")
    if canonical.detect_by_host(url) or any(
        host == name or host.endswith("." + name) for name in _NOT_MASTODON
    ):
        raise UnsupportedURL("not a Mastodon profile URL")
    match = _AT_PATH.match(parts.path) or _USERS_PATH.match(parts.path)
    if not match:
        raise UnsupportedURL(
            "not a Mastodon profile URL: use the form https://server/@name or "
            "https://server/@name@home-server"
        )
    user = match["user"].lower()
    remote = match.groupdict().get("home")
    if remote:
        # A remote account seen from another server: its home server is the canonical place.
        return Profile(user=user, home=remote.lower(), origin=f"https://{remote.lower()}")
    origin = origin_of(url)
    return Profile(user=user, home=urlsplit(origin).netloc, origin=origin)


@dataclass(frozen=True, slots=True)
class Delegation:
    """Where WebFinger says an account lives: its server, its user name there (if known) and
    its numeric id (Mastodon 4.4+ actor URLs)."""

    origin: str
    user: str = ""
    actor_id: str = ""


def read_webfinger(data: Any) -> Delegation | None:
    """The account a WebFinger JSON document points at, or None when it names no usable one."""
    if not isinstance(data, dict):
        return None
    links = [item for item in data.get("links") or [] if isinstance(item, dict)]
    actor = next(
        (
            str(item["href"])
            for item in links
            if item.get("rel") == "self"
            and any(kind in str(item.get("type", "")) for kind in ("activity+json", "ld+json"))
            and item.get("href")
        ),
        "",
    )
    page = next(
        (
            str(item["href"])
            for item in links
            if item.get("rel") == PROFILE_PAGE and item.get("href")
        ),
        "",
    )
    where = actor or page
    if not where:
        return None
    try:
        origin = origin_of(check_public_url(where))
    except UnsupportedURL:
        return None
    user = ""
    page_match = _PROFILE_PAGE_PATH.match(urlsplit(page).path) if page else None
    if page_match and host_of(page) == host_of(where):
        user = page_match["user"]
    else:
        subject = str(data.get("subject") or "")
        if subject.startswith("acct:") and "@" in subject:
            user = subject[len("acct:") :].split("@", 1)[0]
    numeric = _NUMERIC_ACTOR.match(urlsplit(actor).path) if actor else None
    if not user and actor and not numeric:
        # Older servers: the actor URL ends in the user name (`/users/alice`).
        user = urlsplit(actor).path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    return Delegation(origin=origin, user=user.lower(), actor_id=numeric["id"] if numeric else "")
