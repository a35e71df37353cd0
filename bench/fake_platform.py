"""A fake platform for the refresh bench: one TLS server on 127.0.0.1 answering as many hosts.

It answers, after `DELAY` seconds like a real API over the internet, for:
- Mastodon servers `social-<k>.mhvbench.net`: `/api/v1/accounts/lookup`, the account's
  `/statuses` and `/api/v1/statuses/:id/context`, shaped like Mastodon's documented Account,
  Status and Context entities;
- the Bluesky AppView `public.api.bsky.app`: `app.bsky.actor.getProfile`,
  `app.bsky.feed.getAuthorFeed` and `app.bsky.feed.getPostThread` (ProfileViewDetailed,
  FeedViewPost, ThreadViewPost as in the lexicons);
- blogs `writer-<n>.mhvbench.net`: a WordPress-style RSS 2.0 feed with `slash:comments` and
  `wfw:commentRss`, and each post's comment feed.

Dates are relative to the real clock (the bench runs the real refresh path, no frozen time).
A throwaway CA (trustme) signs the certificate; the bench's workers trust it and resolve these
names to 127.0.0.1 (bench/refresh_worker.py), so adapters build their usual https URLs.

Every request is recorded with its host and arrival time, so the bench can count requests and
check each host's rate limit (`rate_violations`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import ssl
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DOMAIN = "mhvbench.net"
APPVIEW = "public.api.bsky.app"
DELAY = 0.05
POSTS = 12  # per account, over about 120 days (some outside the 90-day window)
COMMENTED = 3  # posts with replies, each read through its thread / comment feed


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _rng(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("/".join(map(str, parts)).encode()))  # noqa: S311


def _post_times(seed: str, now: dt.datetime) -> list[dt.datetime]:
    rng = _rng("times", seed)
    return sorted(
        (now - dt.timedelta(days=rng.uniform(0.2, 120)) for _ in range(POSTS)), reverse=True
    )


# --- Mastodon -------------------------------------------------------------------------------


def mastodon_account(host: str, user: str, now: dt.datetime) -> dict[str, Any]:
    rng = _rng(host, user)
    account_id = str(100_000 + zlib.crc32(f"{host}/{user}".encode()) % 900_000)
    return {
        "id": account_id,
        "username": user,
        "acct": user,
        "display_name": user.replace("_", " ").title(),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": _iso(now - dt.timedelta(days=900)),
        "note": "<p>Writing about recovery and what helps.</p>",
        "url": f"https://{host}/@{user}",
        "uri": f"https://{host}/users/{user}",
        "avatar": f"https://{host}/system/accounts/avatars/{account_id}/original/avatar.png",
        "avatar_static": f"https://{host}/system/accounts/avatars/{account_id}/original/avatar.png",
        "header": f"https://{host}/headers/original/missing.png",
        "followers_count": rng.randint(50, 40_000),
        "following_count": rng.randint(20, 900),
        "statuses_count": rng.randint(100, 4_000),
        "last_status_at": now.date().isoformat(),
        "emojis": [],
        "fields": [],
    }


def _mastodon_status(
    host: str, account: dict[str, Any], status_id: str, created: dt.datetime, replies: int
) -> dict[str, Any]:
    return {
        "id": status_id,
        "created_at": _iso(created),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{host}/users/{account['username']}/statuses/{status_id}",
        "url": f"https://{host}/@{account['username']}/{status_id}",
        "replies_count": replies,
        "reblogs_count": 2,
        "favourites_count": 9,
        "edited_at": None,
        "content": "<p>A small thing that helped this week.</p>",
        "reblog": None,
        "application": None,
        "account": account,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def mastodon_statuses(host: str, user: str, now: dt.datetime) -> list[dict[str, Any]]:
    account = mastodon_account(host, user, now)
    base = int(account["id"]) * 1000
    return [
        _mastodon_status(host, account, str(base + POSTS - i), created, 3 if i < COMMENTED else 0)
        for i, created in enumerate(_post_times(f"{host}/{user}", now))
    ]


def mastodon_context(host: str, status_id: str, now: dt.datetime) -> dict[str, Any]:
    account_id = str(int(status_id) // 1000)
    owner = {"id": account_id, "username": "owner", "acct": "owner"}
    descendants = []
    for n in range(3):
        other = {"id": str(900 + n), "username": f"reader{n}", "acct": f"reader{n}@elsewhere.net"}
        reply = _mastodon_status(host, other, f"{status_id}{n}1", now, 0)
        reply["in_reply_to_id"], reply["in_reply_to_account_id"] = status_id, account_id
        descendants.append(reply)
        if n == 0:  # the creator answers the first reader
            answer = _mastodon_status(host, owner, f"{status_id}{n}2", now, 0)
            answer["in_reply_to_id"] = reply["id"]
            answer["in_reply_to_account_id"] = other["id"]
            descendants.append(answer)
    return {"ancestors": [], "descendants": descendants}


# --- Bluesky --------------------------------------------------------------------------------


def _did(handle: str) -> str:
    return f"did:plc:{zlib.crc32(handle.encode()):08x}bench"


def bluesky_profile(handle: str, now: dt.datetime) -> dict[str, Any]:
    rng = _rng("bsky", handle)
    return {
        "did": _did(handle),
        "handle": handle,
        "displayName": handle.split(".")[0].title(),
        "description": "Peer support, gently.",
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{_did(handle)}/bafkrei@jpeg",
        "followersCount": rng.randint(50, 30_000),
        "followsCount": rng.randint(20, 800),
        "postsCount": rng.randint(100, 3_000),
        "indexedAt": _iso(now - dt.timedelta(days=400)),
        "createdAt": _iso(now - dt.timedelta(days=500)),
        "labels": [],
    }


def _bsky_post(did: str, handle: str, rkey: str, created: dt.datetime, replies: int) -> dict:
    return {
        "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyrei{rkey}",
        "author": {"did": did, "handle": handle, "displayName": handle, "labels": []},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "Small steps count.",
            "createdAt": _iso(created),
            "langs": ["en"],
        },
        "replyCount": replies,
        "repostCount": 1,
        "likeCount": 12,
        "quoteCount": 0,
        "indexedAt": _iso(created),
        "labels": [],
    }


def bluesky_author_feed(actor: str, now: dt.datetime) -> dict[str, Any]:
    handle = actor.removeprefix("did:plc:")
    handle = next((h for h in _handles if _did(h) == actor), handle)
    did = _did(handle)
    feed = [
        {"post": _bsky_post(did, handle, f"3k{i:04d}", created, 3 if i < COMMENTED else 0)}
        for i, created in enumerate(_post_times(f"bsky/{handle}", now))
    ]
    return {"feed": feed}  # no cursor: the last page


def bluesky_thread(uri: str, now: dt.datetime) -> dict[str, Any]:
    did = uri[len("at://") :].split("/", 1)[0]
    root = _bsky_post(did, "owner", uri.rsplit("/", 1)[-1], now, 3)
    replies = []
    for n in range(3):
        reader = f"did:plc:reader{n}"
        reply = {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": _bsky_post(reader, f"reader{n}.bsky.social", f"r{n}", now, 0),
            "replies": [],
        }
        if n == 0:
            reply["replies"].append(
                {
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": _bsky_post(did, "owner", f"a{n}", now, 0),
                    "replies": [],
                }
            )
        replies.append(reply)
    return {
        "thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": root, "replies": replies}
    }


_handles: set[str] = set()


# --- Blogs (WordPress-style RSS) ------------------------------------------------------------


def blog_feed(host: str, now: dt.datetime) -> bytes:
    items = []
    for i, created in enumerate(_post_times(host, now)):
        comments = 3 if i < COMMENTED else 0
        link = f"https://{host}/{created:%Y/%m/%d}/post-{i}/"
        items.append(
            f"""<item><title>Post {i}</title><link>{link}</link>
<dc:creator><![CDATA[Writer]]></dc:creator>
<pubDate>{format_datetime(created)}</pubDate><guid isPermaLink="false">{link}</guid>
<description><![CDATA[What helped this week.]]></description>
<comments>{link}#comments</comments>
<wfw:commentRss>{link}feed/</wfw:commentRss><slash:comments>{comments}</slash:comments>
</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:atom="http://www.w3.org/2005/Atom" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>A bench blog</title><link>https://{host}/</link>
<atom:link href="https://{host}/feed/" rel="self" type="application/rss+xml" />
<description>Notes on recovery</description><lastBuildDate>{format_datetime(now)}</lastBuildDate>
<language>en-GB</language><generator>https://wordpress.org/?v=6.5</generator>
{"".join(items)}
</channel></rss>""".encode()


def blog_comments(host: str, path: str, now: dt.datetime) -> bytes:
    post = f"https://{host}{path.removesuffix('feed/')}"
    entries = []
    for n, author in enumerate(("Reader One", "Reader Two", "Writer")):
        entries.append(
            f"""<item><title>By: {author}</title><link>{post}#comment-{n}</link>
<dc:creator><![CDATA[{author}]]></dc:creator><pubDate>{format_datetime(now)}</pubDate>
<guid isPermaLink="false">{post}#comment-{n}</guid><description><![CDATA[Thank you.]]></description>
</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Comments on: Post</title><link>{post}</link><description>Comments</description>
{"".join(entries)}
</channel></rss>""".encode()


# --- the server -----------------------------------------------------------------------------


@dataclass
class FakePlatform:
    port: int = 0
    delay: float = DELAY
    requests: list[tuple[str, float]] = field(default_factory=list)
    # Seconds from a request's arrival to its answer written: DELAY plus the fake's own cost.
    service: list[float] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Bodies are built once per URL: the fake's own CPU must not slow the workers it serves.
    cache: dict[tuple[str, str, tuple], tuple[int, str, bytes]] = field(default_factory=dict)

    def cached_answer(self, host: str, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        key = (host, path, tuple(sorted(query.items())))
        answer = self.cache.get(key)
        if answer is None:
            answer = self.cache[key] = self.answer(host, path, query)
        return answer

    def answer(self, host: str, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        now = dt.datetime.now(dt.UTC)
        if host == APPVIEW:
            method = path.removeprefix("/xrpc/")
            if method == "app.bsky.actor.getProfile":
                _handles.add(query["actor"])
                return _json(bluesky_profile(query["actor"], now))
            if method == "app.bsky.feed.getAuthorFeed":
                return _json(bluesky_author_feed(query["actor"], now))
            if method == "app.bsky.feed.getPostThread":
                return _json(bluesky_thread(query["uri"], now))
        elif host.startswith("social-"):
            if path == "/api/v1/accounts/lookup":
                return _json(mastodon_account(host, query["acct"], now))
            if path.startswith("/api/v1/accounts/") and path.endswith("/statuses"):
                account_id = path.split("/")[4]
                user = _mastodon_users.get((host, account_id), "unknown")
                return _json(mastodon_statuses(host, user, now))
            if path.startswith("/api/v1/statuses/") and path.endswith("/context"):
                return _json(mastodon_context(host, path.split("/")[4], now))
        elif host.startswith("writer-"):
            if path == "/feed/":
                return 200, "application/rss+xml; charset=UTF-8", blog_feed(host, now)
            if path.endswith("/feed/"):
                return 200, "application/rss+xml; charset=UTF-8", blog_comments(host, path, now)
        self.unknown.append(f"{host}{path}")
        return 404, "application/json", b'{"error": "Record not found"}'

    def per_host(self) -> dict[str, list[float]]:
        hosts: dict[str, list[float]] = defaultdict(list)
        with self.lock:
            for host, at in self.requests:
                hosts[host].append(at)
        return hosts


_mastodon_users: dict[tuple[str, str], str] = {}


def _json(value: Any) -> tuple[int, str, bytes]:
    return 200, "application/json; charset=utf-8", json.dumps(value).encode()


def _handler(state: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes: with Nagle's algorithm on, the body
        # would wait for the client's delayed ACK (~40 ms), which no real API server does.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":", 1)[0].lower()
            arrived = time.monotonic()
            with state.lock:
                state.requests.append((host, arrived))
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            if host.startswith("social-") and parts.path == "/api/v1/accounts/lookup":
                account = mastodon_account(host, query.get("acct", ""), dt.datetime.now(dt.UTC))
                _mastodon_users[(host, account["id"])] = query.get("acct", "")
            status, content_type, body = state.cached_answer(host, parts.path, query)
            time.sleep(max(0.0, state.delay - (time.monotonic() - arrived)))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with state.lock:
                state.service.append(time.monotonic() - arrived)

    return Handler


@contextmanager
def fake_platform(ca: Any, port: int, delay: float = DELAY) -> Iterator[FakePlatform]:
    """Serve the fake platform on 127.0.0.1:`port` over TLS signed by the trustme `ca`."""
    state = FakePlatform(port=port, delay=delay)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(f"*.{DOMAIN}", APPVIEW).configure_cert(context)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", port), _handler(state))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def rate_violations(
    times: list[float], *, capacity: int, per_second: float, slack: float = 0.2
) -> int:
    """Requests that arrived when a token bucket of this rate would have been empty."""
    tokens, last, violations = float(capacity), None, 0
    for at in sorted(times):
        if last is not None:
            tokens = min(float(capacity), tokens + (at - last) * per_second)
        last = at
        if tokens < 1 - slack:
            violations += 1
        else:
            tokens -= 1
    return violations
