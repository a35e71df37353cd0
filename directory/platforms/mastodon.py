"""Mastodon (and Mastodon-compatible servers): public account statistics and conversations.

Pasted forms: `https://host/@user`, `https://host/@user@otherhost` (a remote account seen from
`host`: we ask `otherhost`, its home), `https://host/users/user`, and post links
`https://host/@user/<id>` (also under `/web/`). The normalised URL is `https://<home>/@<user>`.

Fetching, all unauthenticated and on the account's home server:
1. `GET /api/v1/accounts/lookup?acct=user`. A host that does not answer like Mastodon (HTML 404,
   no JSON) may be a custom domain: `/.well-known/webfinger?resource=acct:user@host` names the
   real server and the user name there (`mastodon_account.read_webfinger`), and the lookup is
   repeated there, or `GET /api/v1/accounts/:id` when only the numeric actor id is known.
2. `GET /api/v1/accounts/:id/statuses?limit=40&exclude_reblogs=true`, following the `Link`
   header's `max_id` until the window is covered (at most `MAX_STATUS_PAGES` pages).
3. `GET /api/v1/statuses/:id/context` for the creator's own posts in the window that have
   replies, newest first (at most `MAX_CONTEXT_CALLS`). A descendant by the creator that answers
   someone else is a creator reply; descendants by others are comments.

So one fetch makes at most 3 + MAX_STATUS_PAGES + MAX_CONTEXT_CALLS requests.

Measurements: posts are the creator's top-level public statuses in the window (boosts excluded;
thread continuations, i.e. replies to themselves, are not extra posts). A status is a reply when
either `in_reply_to_id` or `in_reply_to_account_id` is set: a reply whose parent was deleted
keeps only the account. Comments count others'
descendants where the thread was read and the post's `replies_count` otherwise. Thread-level
figures (unique commenters, creator replies, posts with comments / with a creator reply) come
from the threads read; when the cap leaves commented posts unread a note says so. Replies to
others are the creator's statuses answering another account (not inside their own threads),
counted as distinct conversations; the public API exposes no conversation id, so a
conversation is approximated as "one person, one day".

Consent: `discoverable: false` or `noindex: true` → not shown publicly. Suspended or moved
accounts and 404 "Record not found" are permanent failures. Servers that require sign-in
(401, "authorized fetch") or do not speak the Mastodon API fall back to the public profile feed
`https://home/@user.rss` for activity only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

from . import apicalls, feeds
from .base import WINDOW_COUNTS, FetchError, FetchResult, LinkRef, Measurements, UnsupportedURL
from .discussion import ThreadTally
from .mastodon_account import Delegation, Profile, parse_profile_url, read_webfinger
from .payload import parse_datetime, to_int
from .urls import canonical_url, check_public_url, host_of

MAX_STATUS_PAGES = 10  # 400 statuses: months of activity for all but the busiest accounts
MAX_CONTEXT_CALLS = 30
STATUS_PAGE_SIZE = 40  # the API's maximum


class _UseFeed(Exception):
    """The API is closed to anonymous callers (or absent): read the public feed instead."""

    def __init__(self, reason: str, account: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.account = account


class MastodonAdapter:
    platform: ClassVar[str] = "mastodon"

    def matches(self, url: str) -> bool:
        try:
            parse_profile_url(url)
        except UnsupportedURL:
            return False
        return True

    def normalise(self, url: str) -> str:
        profile = parse_profile_url(check_public_url(url))
        check_public_url(f"{profile.origin}/")
        return canonical_url(profile.url)

    def fetch(self, link: LinkRef, client: httpx.Client, *, window_days: int) -> FetchResult:
        profile = parse_profile_url(link.url)
        start = apicalls.window_start(window_days)
        try:
            api, account = self._find_account(client, profile)
            if account.get("suspended"):
                raise FetchError("Mastodon: the account is suspended", permanent=True)
            moved = account.get("moved")
            if moved:
                target = moved.get("acct", "another account") if isinstance(moved, dict) else ""
                raise FetchError(f"Mastodon: the account has moved to {target}", permanent=True)
            statuses, covered = self._statuses(client, api, account, start)
        except _UseFeed as fallback:
            return self._from_feed(client, profile, window_days, fallback)
        return self._measure(
            client, api, profile.home, account, statuses, covered, start, window_days
        )

    # --- finding the account --------------------------------------------------------------

    def _lookup(
        self, client: httpx.Client, origin: str, user: str = "", *, account_id: str = ""
    ) -> tuple[dict[str, Any] | None, httpx.Response]:
        """The account by user name, or by id (`GET /api/v1/accounts/:id`) when one is given."""
        path = f"/{account_id}" if account_id else "/lookup"
        response = apicalls.get(
            client,
            f"{origin}/api/v1/accounts{path}",
            params=None if account_id else {"acct": user},
            what=f"Mastodon lookup on {host_of(origin)}",
        )
        if response.status_code == 200 and apicalls.looks_like_json(response):
            data = apicalls.json_body(response, what="Mastodon lookup")
            if isinstance(data, dict) and data.get("id"):
                return data, response
        return None, response

    def _find_account(self, client: httpx.Client, profile: Profile) -> tuple[str, dict[str, Any]]:
        """(origin of the server that answered, account)."""
        user, home = profile.user, profile.home
        account, response = self._lookup(client, profile.origin, user)
        if account is not None:
            return profile.origin, account
        status = response.status_code
        if status == 401:
            raise _UseFeed("the server requires sign-in for its API")
        if status == 429 or status >= 500:
            apicalls.raise_for_status(response, what=f"Mastodon lookup on {home}")
        if status in (404, 410) and apicalls.looks_like_json(response):
            # Mastodon itself answered: {"error": "Record not found"} or a suspension.
            error = _error_text(response)
            raise FetchError(
                f"Mastodon: account not found on {home} ({error})",
                permanent=True,
                status_code=status,
            )
        # Not a Mastodon API here: perhaps a custom domain that delegates via WebFinger.
        found = self._webfinger(client, profile)
        if found is not None and found.origin != profile.origin:
            server = found.origin
            account, response = None, None
            if found.user:
                account, response = self._lookup(client, server, found.user)
            if account is None and found.actor_id:
                # Mastodon 4.4+ actors are /ap/users/<id>: the same id as the REST API's.
                account, response = self._lookup(client, server, account_id=found.actor_id)
            if account is not None:
                return server, account
            if response is not None:
                if response.status_code == 401:
                    raise _UseFeed("the server requires sign-in for its API")
                apicalls.raise_for_status(response, what=f"Mastodon lookup on {server}")
        raise _UseFeed("the server does not offer the Mastodon API")

    def _webfinger(self, client: httpx.Client, profile: Profile) -> Delegation | None:
        """Where a custom domain's WebFinger says the account lives, or None."""
        domain = host_of(profile.origin)
        response = apicalls.get(
            client,
            f"{profile.origin}/.well-known/webfinger",
            params={"resource": f"acct:{profile.user}@{domain}"},
            what=f"WebFinger on {domain}",
        )
        if response.status_code != 200:
            return None
        try:
            return read_webfinger(response.json())
        except ValueError:
            return None

    # --- statuses and threads -------------------------------------------------------------

    def _statuses(
        self, client: httpx.Client, api: str, account: dict[str, Any], start: dt.datetime
    ) -> tuple[list[dict[str, Any]], bool]:
        """The account's statuses back to `start` and whether the window was fully covered."""
        url = f"{api}/api/v1/accounts/{account['id']}/statuses"
        params: dict[str, Any] = {"limit": STATUS_PAGE_SIZE, "exclude_reblogs": "true"}
        collected: list[dict[str, Any]] = []
        for _ in range(MAX_STATUS_PAGES):
            response = apicalls.get(client, url, params=params, what="Mastodon statuses")
            if response.status_code == 401:
                raise _UseFeed("the server requires sign-in to list statuses", account)
            apicalls.raise_for_status(response, what="Mastodon statuses")
            page = apicalls.json_body(response, what="Mastodon statuses")
            if not isinstance(page, list) or not page:
                return collected, True
            collected.extend(s for s in page if isinstance(s, dict))
            dates = [d for d in (parse_datetime(s.get("created_at")) for s in page) if d]
            if dates and min(dates) < start:
                return collected, True
            max_id = _next_max_id(response)
            if not max_id:
                return collected, True
            params["max_id"] = max_id
        return collected, False

    def _measure(
        self,
        client: httpx.Client,
        api: str,
        home: str,
        account: dict[str, Any],
        statuses: list[dict[str, Any]],
        covered: bool,
        start: dt.datetime,
        window_days: int,
    ) -> FetchResult:
        self_id = str(account["id"])
        notes: list[str] = []
        if not covered:
            notes.append(f"only the latest {len(statuses)} posts were read")
        own: list[tuple[dt.datetime, dict[str, Any]]] = []
        for status in statuses:
            created = parse_datetime(status.get("created_at"))
            if created is None or status.get("reblog"):
                continue
            own.append((created, status))
        in_window = [(c, s) for c, s in own if c >= start]
        posts = [s for _, s in in_window if not _is_reply(s)]

        commented = [s for s in posts if (to_int(s.get("replies_count")) or 0) > 0]
        read = commented[:MAX_CONTEXT_CALLS]
        comments = 0
        read_ids: set[str] = set()
        threads = ThreadTally()
        creator_reply_ids: set[str] = set()
        for post in read:
            descendants = self._descendants(client, api, str(post["id"]))
            if descendants is None:
                continue
            read_ids.add(str(post["id"]))
            commenters, answers = _classify(descendants, self_id)
            creator_reply_ids.update(answers)
            threads.add_thread(commenters=commenters, creator_replies=len(answers))
        for post in posts:
            if str(post["id"]) in read_ids:
                continue
            comments += to_int(post.get("replies_count")) or 0
        comments += threads.comments
        unread = len(commented) - len(read_ids)
        if unread:
            notes.append(
                f"conversations read on {len(read_ids)} of {len(commented)} commented posts"
            )

        conversations: set[tuple[str, dt.date]] = set()
        for created, status in in_window:
            other = status.get("in_reply_to_account_id")
            if other is None or str(other) == self_id:
                continue
            if str(status.get("id")) in creator_reply_ids:
                continue  # answering a commenter in their own thread, not outreach
            conversations.add((str(other), created.date()))

        newest = max((c for c, _ in own), default=None)
        if newest is None:
            last_status = account.get("last_status_at")
            newest = parse_datetime(last_status) if last_status else None

        measurements = Measurements(
            followers=to_int(account.get("followers_count")),
            following=to_int(account.get("following_count")),
            posts_total=to_int(account.get("statuses_count")),
            window_days=window_days,
            posts_in_window=len(posts),
            comments_in_window=comments,
            **threads.figures(unread=unread),
            replies_to_others_in_window=len(conversations),
            likes_in_window=_sum_count(posts, "favourites_count"),
            shares_in_window=_sum_count(posts, "reblogs_count"),
            last_post_at=newest,
        )
        return FetchResult(
            measurements=measurements,
            handle=f"{account.get('username') or account.get('acct')}@{home}",
            external_id=account_key(account, host_of(api)),
            display_name=str(account.get("display_name") or ""),
            avatar_url=str(account.get("avatar_static") or ""),
            is_public=_is_public(account),
            notes=tuple(notes),
            lower_bounds=WINDOW_COUNTS if not covered else threads.lower_bounds(unread=unread),
        )

    def _descendants(
        self, client: httpx.Client, api: str, status_id: str
    ) -> list[dict[str, Any]] | None:
        response = apicalls.get(
            client, f"{api}/api/v1/statuses/{status_id}/context", what="Mastodon thread"
        )
        if response.status_code in (401, 403, 404, 410):
            return None  # deleted since, or threads need sign-in here: leave it unread
        apicalls.raise_for_status(response, what="Mastodon thread")
        data = apicalls.json_body(response, what="Mastodon thread")
        descendants = data.get("descendants") if isinstance(data, dict) else None
        return (
            [d for d in descendants if isinstance(d, dict)] if isinstance(descendants, list) else []
        )

    # --- feed fallback --------------------------------------------------------------------

    def _from_feed(
        self,
        client: httpx.Client,
        profile: Profile,
        window_days: int,
        fallback: _UseFeed,
    ) -> FetchResult:
        account = fallback.account or {}
        name = account.get("username") or profile.user
        home = profile.home
        feed = feeds.fetch_feed(
            client, f"{profile.origin}/@{name}.rss", window_days=window_days, discover=False
        )
        measurements = dataclasses.replace(
            feed.measurements,
            followers=to_int(account.get("followers_count")),
            following=to_int(account.get("following_count")),
            posts_total=to_int(account.get("statuses_count")),
        )
        return FetchResult(
            measurements=measurements,
            handle=f"{name}@{home}",
            external_id=account_key(account, home) if account else "",
            display_name=str(account.get("display_name") or ""),
            avatar_url=str(account.get("avatar_static") or ""),
            is_public=_is_public(account) if account else True,
            notes=(f"{fallback.reason}: activity only, from the public feed",),
        )


def _classify(descendants: list[dict[str, Any]], self_id: str) -> tuple[list[str], list[str]]:
    """(the account id of each comment by someone else, the ids of the creator's answers)."""
    commenters: list[str] = []
    answers: list[str] = []
    for status in descendants:
        author = str((status.get("account") or {}).get("id", ""))
        if author == self_id:
            # A reply to themselves continues the thread; a reply to someone is an answer.
            target = status.get("in_reply_to_account_id")
            if target is not None and str(target) != self_id:
                answers.append(str(status.get("id")))
        elif author:
            commenters.append(author)
    return commenters, answers


def account_key(account: dict[str, Any], api_host: str) -> str:
    """A globally unique id for the account: its ActivityPub `uri`.

    The numeric `id` is local to one server (two servers each have an account "1"), so it cannot
    tell whether two links are the same person; the `uri` is the same whichever domain (a custom
    one or the server's own) the account was reached through.
    """
    uri = str(account.get("uri") or "")
    if uri.startswith("https://"):
        return uri[:200]
    account_id = str(account.get("id") or "")
    return f"{account_id}@{api_host}" if account_id else ""


def _is_reply(status: dict[str, Any]) -> bool:
    return bool(status.get("in_reply_to_id") or status.get("in_reply_to_account_id"))


def _next_max_id(response: httpx.Response) -> str:
    next_link = response.links.get("next", {}).get("url", "")
    if not next_link:
        return ""
    values = parse_qs(urlsplit(next_link).query).get("max_id", [])
    return values[0] if values and values[0].isalnum() else ""


def _sum_count(posts: list[dict[str, Any]], key: str) -> int | None:
    if not posts:
        return 0
    return apicalls.sum_known([to_int(p.get(key)) for p in posts])


def _is_public(account: dict[str, Any]) -> bool:
    # Only an explicit opt-out counts: older servers send null for "discoverable".
    return account.get("discoverable") is not False and account.get("noindex") is not True


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {response.status_code}"


ADAPTER = MastodonAdapter()
