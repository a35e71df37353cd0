"""Replaying recorded platform responses through the real adapters and the real HTTP client.

Each set lives in `tests/fixtures/recorded/<platform>/<set>/` (credited in the platform's
SOURCES.md) and holds:

- the response bodies exactly as the server sent them (trimmed lists say so in SOURCES.md);
- `served.json`: which URL answers with which body, status and recorded headers;
- `expected.json`: the link to fetch, the frozen clock, the window, and what a person counted by
  hand in the raw bodies (never by running our parser), with a `how_counted` note. `caps` may
  lower an adapter's `MAX_…` constant so a real recording reaches the "cap reached" path;
  `lower_bounds` names the measurements that must be shown as "at least".

`replay()` serves the set over TLS from 127.0.0.1: a throwaway CA (trustme) signs a certificate
for the platforms' real host names, name resolution for those hosts points at the local server,
and `build_client(allow_private=True)` is trusted to that CA only. So adapters build their usual
`https://host/...` URLs, and every request crosses the real client (redirect checks, size limit,
TLS, status mapping) exactly as in production; nothing reaches the internet.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import time_machine
import trustme

from directory.platforms.base import FetchError, FetchResult, LinkRef
from directory.platforms.http import build_client
from directory.platforms.registry import get_adapter

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded"


@dataclass(frozen=True)
class Route:
    host: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordedSet:
    name: str
    folder: Path
    routes: list[Route]
    expected: dict[str, Any]

    @property
    def hosts(self) -> set[str]:
        return {route.host for route in self.routes}


def set_names(platform: str) -> list[str]:
    """`<platform>/<set>` for every set of a platform."""
    root = RECORDED / platform
    return sorted(
        f"{platform}/{path.parent.name}" for path in root.glob("*/expected.json") if path.is_file()
    )


def cases(platform: str, known_wrong: dict[str, str]) -> list[Any]:
    """One pytest param per set; sets in `known_wrong` are strict xfails with the given reason
    (an issue #8 item the adapter gets wrong today; the fix removes the entry)."""
    names = set_names(platform)
    unknown = {n for n in known_wrong if n.startswith(f"{platform}/")} - set(names)
    assert not unknown, f"known_wrong names sets that do not exist: {unknown}"
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=known_wrong[name])]
            if name in known_wrong
            else [],
        )
        for name in names
    ]


def load_set(name: str) -> RecordedSet:
    folder = RECORDED / name
    served = json.loads((folder / "served.json").read_text())
    routes = []
    for entry in served["responses"]:
        url = urlsplit(entry["url"])
        body = (folder / entry["file"]).read_bytes() if entry.get("file") else b""
        routes.append(
            Route(
                host=(url.hostname or "").lower(),
                path=url.path,
                query={str(k): str(v) for k, v in (entry.get("query") or {}).items()},
                status=int(entry.get("status", 200)),
                headers={str(k): str(v) for k, v in (entry.get("headers") or {}).items()},
                body=body,
            )
        )
    expected = json.loads((folder / "expected.json").read_text())
    return RecordedSet(name=name, folder=folder, routes=routes, expected=expected)


@dataclass
class Hit:
    host: str
    path: str
    query: dict[str, str]


@dataclass
class ReplayServer:
    routes: list[Route]
    port: int = 0
    hits: list[Hit] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def find(self, host: str, path: str, query: dict[str, str]) -> Route | None:
        # The most specific route wins: a page asked for by cursor before the first page.
        candidates = [
            r
            for r in self.routes
            if r.host == host
            and r.path == path
            and all(query.get(k) == v for k, v in r.query.items())
        ]
        return max(candidates, key=lambda r: len(r.query), default=None)


def _handler(state: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":", 1)[0].lower()
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            state.hits.append(Hit(host, parts.path, query))
            route = state.find(host, parts.path, query)
            if route is None:
                # Not recorded: say so loudly instead of inventing an answer.
                state.unmatched.append(f"{host}{self.path}")
                status, headers, body = 599, {"Content-Type": "text/plain"}, b"not recorded"
            else:
                status, headers, body = route.status, route.headers, route.body
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture(scope="session")
def replay_ca() -> trustme.CA:
    # Made once, at real time: a certificate issued under a frozen 2013 clock would be expired
    # for OpenSSL, which reads the real clock.
    return trustme.CA()


@contextmanager
def replay(
    recorded: RecordedSet, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ReplayServer, httpx.Client]]:
    """Serve `recorded` on 127.0.0.1 under its real host names; yield the server and a client."""
    state = ReplayServer(recorded.routes)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*sorted(recorded.hosts)).configure_cert(context)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), _handler(state))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.lower() in recorded.hosts:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", state.port))]
        if name == "localhost" or _is_ip(name):
            return real_getaddrinfo(host, port, *args, **kwargs)  # the test database, Redis
        # Any other name would be a real lookup, perhaps a real request: refuse and report it.
        state.unmatched.append(f"{name} (a host this set has no recording for)")
        raise socket.gaierror(socket.EAI_NONAME, "not a recorded host")

    real_context = httpx.create_ssl_context

    def trusting_context(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        ctx = real_context(*args, **kwargs)
        ca.configure_trust(ctx)
        return ctx

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(httpx, "create_ssl_context", trusting_context)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        with build_client(allow_private=True) as client:
            yield state, client
    finally:
        server.shutdown()
        server.server_close()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def fetch_recorded(
    recorded: RecordedSet, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> tuple[FetchResult | FetchError, ReplayServer]:
    """Run the platform's real adapter on the set under its frozen clock (and the settings the
    set names, e.g. no YouTube API key)."""
    expected = recorded.expected
    for name, value in expected.get("settings", {}).items():
        setattr(settings, name, value)
    for target, value in expected.get("caps", {}).items():
        # A module constant such as "directory.platforms.mastodon.MAX_CONTEXT_CALLS": a cap
        # lowered so a real recording exercises the "cap reached" path (threads the recording
        # does not hold are then never asked for). Only caps: never a parsing rule.
        assert target.rsplit(".", 1)[-1].startswith("MAX_"), f"not a cap: {target}"
        monkeypatch.setattr(target, value)
    link = LinkRef(**expected["link"])
    now = dt.datetime.fromisoformat(expected["now"])
    with (
        replay(recorded, ca, monkeypatch) as (server, client),
        time_machine.travel(now, tick=False),
    ):
        try:
            outcome: FetchResult | FetchError = get_adapter(link.platform).fetch(
                link, client, window_days=int(expected["window_days"])
            )
        except FetchError as error:
            outcome = error
    return outcome, server


def check(recorded: RecordedSet, outcome: FetchResult | FetchError, server: ReplayServer) -> None:
    """Compare the adapter's outcome with what was counted by hand in expected.json."""
    expected = recorded.expected
    assert server.hits, "the adapter never reached the replay server"
    if "must_request" in expected:
        # The recording ends here: only the request itself can be checked, not its answer.
        for want in expected["must_request"]:
            assert any(
                hit.path == want["path"]
                and all(hit.query.get(k) == v for k, v in want.get("query", {}).items())
                for hit in server.hits
            ), f"never asked for {want}; asked for {[(h.path, h.query) for h in server.hits]}"
        return
    assert server.unmatched == [], f"requests with no recorded answer: {server.unmatched}"
    if "error" in expected:
        want = expected["error"]
        assert isinstance(outcome, FetchError), f"expected a FetchError, got {outcome!r}"
        assert outcome.permanent is want["permanent"], str(outcome)
        if "status_code" in want:
            assert outcome.status_code == want["status_code"], str(outcome)
        for text in want.get("message_contains", []):
            assert text in outcome.message, outcome.message
        if "retry_after_at_least" in want:
            assert (outcome.retry_after or 0) >= want["retry_after_at_least"], outcome.retry_after
        if "retry_after" in want:
            # Exact, under the frozen clock: proves a recorded reset header was read (the
            # fallback default would give another number).
            assert outcome.retry_after == pytest.approx(want["retry_after"]), outcome.retry_after
        return
    if isinstance(outcome, FetchError):
        raise AssertionError(f"the fetch failed: {outcome} (permanent={outcome.permanent})")
    # Every difference at once: one wrong count should not hide the next.
    problems = []
    got = outcome.measurements
    for name, value in expected["measurements"].items():
        actual = getattr(got, name)
        if name == "last_post_at" and value is not None:
            value = dt.datetime.fromisoformat(value)
        if actual != value:
            problems.append(f"{name}: adapter says {actual!r}, counted by hand {value!r}")
    for key in ("handle", "external_id", "display_name", "is_public"):
        if key in expected and getattr(outcome, key) != expected[key]:
            problems.append(
                f"{key}: adapter says {getattr(outcome, key)!r}, expected {expected[key]!r}"
            )
    if "lower_bounds" in expected and set(outcome.lower_bounds) != set(expected["lower_bounds"]):
        problems.append(
            f"lower bounds ('at least'): adapter says {sorted(outcome.lower_bounds)}, "
            f"expected {sorted(expected['lower_bounds'])}"
        )
    notes = " | ".join(outcome.notes)
    problems += [
        f"no note saying {t!r}" for t in expected.get("notes_contain", []) if t not in notes
    ]
    problems += [
        f"unexpected note {t!r}" for t in expected.get("notes_do_not_contain", []) if t in notes
    ]
    assert not problems, "; ".join(problems) + f" (notes: {notes!r})"
