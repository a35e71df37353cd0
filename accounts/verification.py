"""Reading a platform to see whether a claimant controls it.

Two kinds of proof, each read from public data only:
- **code**: the short code we gave the claimant appears in the account's own text: a Mastodon
  account's `note` or profile `fields` (`GET /api/v1/accounts/lookup?acct=`), a Bluesky profile's
  `description` (`app.bsky.actor.getProfile`), a YouTube channel's `snippet.description`
  (`channels?part=snippet`, needs `YOUTUBE_API_KEY`), or a blog's front page;
- **rel="me"**: an `<a rel="me">` or `<link rel="me">` on their site, or a Mastodon profile field
  (Mastodon marks profile-field links `rel="me"`), pointing back to the creator's page here.

`proof_check()` never raises for a platform problem: it returns a `ProofResult` whose message
says where we looked, so a person can fix what is missing. Requests go through the SSRF-safe
client (`directory.platforms.http`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from directory.models import PLATFORMS_WITHOUT_API, Platform, PlatformLink
from directory.platforms.base import FetchError, UnsupportedURL
from directory.platforms.bluesky import actor_from_url
from directory.platforms.http import get_json, raise_for_status
from directory.platforms.mastodon import parse_profile_url
from directory.platforms.youtube import lookup_of

from .models import ClaimMethod

# Platforms whose pages need a sign-in or block automated readers: a moderator checks by hand.
# "Other" is any website, which we can read.
UNREADABLE_PLATFORMS = PLATFORMS_WITHOUT_API - {Platform.OTHER}
# Platforms whose profile text cannot hold a rel="me" link.
NO_REL_ME = frozenset({Platform.BLUESKY, Platform.YOUTUBE})
_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True, slots=True)
class ProofResult:
    ok: bool
    message: str


class _Source:
    """The text to search and the words that say where it came from."""

    def __init__(self, where: str, texts: list[str], html: list[str]) -> None:
        # A platform answering with a number or null where text belongs is not a crash.
        self.where = where
        self.texts = [text if isinstance(text, str) else "" for text in texts]
        self.html = [fragment if isinstance(fragment, str) else "" for fragment in html]


def method_supported(*, platform: str, method: str) -> str | None:
    """None if this proof can be read on this platform, else why not (shown to the person)."""
    if platform in UNREADABLE_PLATFORMS:
        return (
            "We cannot read this platform automatically. Choose another of your links, or ask "
            "a moderator to approve your claim by hand."
        )
    if method == ClaimMethod.REL_ME and platform in NO_REL_ME:
        return (
            'This platform cannot carry a rel="me" link. Put the code in its description '
            "instead, or choose your website."
        )
    return None


def proof_check(
    *, link: PlatformLink, method: str, code: str, back_url: str, client: httpx.Client
) -> ProofResult:
    """Look for the proof on `link`'s platform; the result's message says where we looked."""
    refused = method_supported(platform=link.platform, method=method)
    if refused:
        return ProofResult(False, refused)
    try:
        source = _read(link, client)
    except (FetchError, UnsupportedURL, ValueError, KeyError, TypeError, AttributeError) as exc:
        return ProofResult(False, f"We could not read {link.url}: {exc}. Please try again later.")
    if method == ClaimMethod.REL_ME:
        if any(_links_back(fragment, back_url) for fragment in source.html):
            return ProofResult(True, f'Found a rel="me" link to {back_url} in {source.where}.')
        return ProofResult(
            False,
            f'We looked in {source.where} and found no rel="me" link to {back_url}. '
            "Add it, save, and check again.",
        )
    if any(code.lower() in text.lower() for text in source.texts):
        return ProofResult(True, f"Found the code {code} in {source.where}.")
    return ProofResult(
        False,
        f"We looked in {source.where} and did not find the code {code}. Check it is typed "
        "exactly, saved and public, then check again.",
    )


def _read(link: PlatformLink, client: httpx.Client) -> _Source:
    if link.platform == Platform.MASTODON:
        return _mastodon(link, client)
    if link.platform == Platform.BLUESKY:
        return _bluesky(link, client)
    if link.platform == Platform.YOUTUBE:
        return _youtube(link, client)
    return _web_page(link, client)


def _mastodon(link: PlatformLink, client: httpx.Client) -> _Source:
    profile = parse_profile_url(link.url)
    user, home = profile.user, profile.home
    account = get_json(client, f"{profile.origin}/api/v1/accounts/lookup", {"acct": user})
    if not isinstance(account, dict):
        raise ValueError("the server did not describe the account")
    fields: list[dict[str, Any]] = [f for f in account.get("fields") or [] if isinstance(f, dict)]
    html = [str(account.get("note") or "")] + [str(f.get("value") or "") for f in fields]
    names = [str(f.get("name") or "") for f in fields]
    return _Source(f"the bio and profile fields of @{user}@{home} on Mastodon", html + names, html)


def _bluesky(link: PlatformLink, client: httpx.Client) -> _Source:
    actor = link.external_id or actor_from_url(link.url)
    profile = get_json(
        client,
        f"{settings.BLUESKY_APPVIEW_URL.rstrip('/')}/xrpc/app.bsky.actor.getProfile",
        {"actor": actor},
    )
    handle = profile.get("handle") or actor
    return _Source(
        f"the description of @{handle} on Bluesky", [profile.get("description") or ""], []
    )


def _youtube(link: PlatformLink, client: httpx.Client) -> _Source:
    if not settings.YOUTUBE_API_KEY:
        raise FetchError(
            "reading YouTube channel descriptions needs the site's YOUTUBE_API_KEY, which is not "
            "set here; choose another link or ask a moderator to approve your claim by hand",
            permanent=True,
        )
    kind, value = lookup_of(link.url)
    if _CHANNEL_ID.match(link.external_id):
        kind, value = "id", link.external_id
    found = get_json(
        client,
        f"{settings.YOUTUBE_API_URL.rstrip('/')}/channels",
        {"part": "snippet", kind: value, "key": settings.YOUTUBE_API_KEY},
    )
    items = found.get("items") or []
    if not items:
        raise FetchError("YouTube has no such channel", permanent=True)
    snippet = items[0].get("snippet") or {}
    title = snippet.get("title") or value
    return _Source(
        f"the description of the YouTube channel “{title}”", [snippet.get("description") or ""], []
    )


def _web_page(link: PlatformLink, client: httpx.Client) -> _Source:
    response = client.get(link.url)
    raise_for_status(response)
    text = response.text
    return _Source(f"the page at {link.url}", [text], [text])


class _RelMeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        values = dict(attrs)
        if "me" in (values.get("rel") or "").lower().split() and values.get("href"):
            self.targets.append(values["href"] or "")


def _same_page(a: str, b: str) -> bool:
    """Same host and path; scheme, trailing slash, query and fragment do not matter."""
    first, second = urlsplit(a.strip()), urlsplit(b.strip())
    return (first.hostname or "").lower() == (second.hostname or "").lower() and (
        first.path.rstrip("/") == second.path.rstrip("/")
    )


def _links_back(html: str, back_url: str) -> bool:
    parser = _RelMeParser()
    parser.feed(html)
    parser.close()
    return any(_same_page(target, back_url) for target in parser.targets)
