"""Issue #7, bug 4: rate-limit tokens are taken once per request, for the host actually called.

The refresh runs with the real adapters and the real client (respx answers above the network
layer); a recording limiter stands in for the shared Redis bucket.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import respx

from directory.models import FetchState
from directory.platforms import ratelimit
from directory.services.refresh import link_refresh
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link

scores = refresh_fakes.scores

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "id": "109",
    "username": "kit",
    "acct": "kit",
    "uri": "https://mastodon.social/users/kit",
    "url": "https://mastodon.social/@kit",
    "display_name": "Kit",
    "followers_count": 10,
    "following_count": 3,
    "statuses_count": 0,
    "discoverable": True,
}


@dataclass
class RecordingLimiter:
    """Records every host a token is asked for; answers from `waits` (0 once used up)."""

    hosts: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)

    def acquire(self, host: str, rate: ratelimit.Rate) -> float:
        self.hosts.append(host)
        return self.waits.pop(0) if self.waits else 0.0


@pytest.fixture
def limiter():
    recording = RecordingLimiter()
    ratelimit.set_limiter(recording)
    yield recording
    ratelimit.set_limiter(None)


@respx.mock
def test_bluesky_pays_its_api_host_not_the_profile_host(settings, limiter, scores):
    settings.BLUESKY_APPVIEW_URL = "https://public.api.bsky.app"
    xrpc = "https://public.api.bsky.app/xrpc"
    respx.get(f"{xrpc}/app.bsky.actor.getProfile").respond(
        json={"did": "did:plc:abc", "handle": "river.bsky.social", "followersCount": 4}
    )
    respx.get(f"{xrpc}/app.bsky.feed.getAuthorFeed").respond(json={"feed": []})
    link = fetchable_link(platform="bluesky", url="https://bsky.app/profile/river.bsky.social")

    assert link_refresh(link_id=link.pk).status == "ok"

    assert limiter.hosts == ["public.api.bsky.app"] * len(respx.calls)


@respx.mock
def test_mastodon_pays_one_token_per_request(limiter, scores):
    respx.get("https://mastodon.social/api/v1/accounts/lookup").respond(json=ACCOUNT)
    respx.get("https://mastodon.social/api/v1/accounts/109/statuses").respond(json=[])
    link = fetchable_link(platform="mastodon", url="https://mastodon.social/@kit")

    assert link_refresh(link_id=link.pk).status == "ok"

    assert limiter.hosts == ["mastodon.social"] * 2
    assert len(respx.calls) == 2


@respx.mock
def test_an_empty_bucket_mid_fetch_is_a_deferral_not_a_failure(limiter, scores):
    limiter.waits.extend([0.0, 12.5])
    respx.get("https://mastodon.social/api/v1/accounts/lookup").respond(json=ACCOUNT)
    statuses = respx.get("https://mastodon.social/api/v1/accounts/109/statuses").respond(json=[])
    link = fetchable_link(platform="mastodon", url="https://mastodon.social/@kit")

    outcome = link_refresh(link_id=link.pk, final_attempt=True)

    assert (outcome.status, outcome.retry_after) == ("deferred", 12.5)
    assert not statuses.called
    link.refresh_from_db()
    assert (link.fetch_state, link.consecutive_failures, link.last_error) == (
        FetchState.NEW,
        0,
        "",
    )
