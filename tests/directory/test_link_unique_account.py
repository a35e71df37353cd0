"""One account, one link: unique (platform, external_id); what refresh and import do about it."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from directory.models import FetchState, Platform, PlatformLink, StatsSnapshot
from directory.services import refresh
from directory.services.imports import ImportValidationError, creators_import
from directory.services.refresh import link_refresh
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link, ok_result
from tests.factories import PlatformLinkFactory, StatsSnapshotFactory

adapter = refresh_fakes.adapter
rate_wait = refresh_fakes.rate_wait
scores = refresh_fakes.scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_wait")]

NOW = dt.datetime(2026, 3, 10, 14, 37, 12, tzinfo=dt.UTC)
CHANNEL = "UCabcdefghijklmnopqrstuv"


# -- the constraint ----------------------------------------------------------------------------


def test_two_links_of_a_platform_cannot_share_an_external_id():
    PlatformLinkFactory(
        platform=Platform.BLUESKY,
        url="https://bsky.app/profile/a.bsky.social",
        external_id="did:plc:abc",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformLinkFactory(
            platform=Platform.BLUESKY,
            url="https://bsky.app/profile/did:plc:abc",
            external_id="did:plc:abc",
        )


def test_unknown_ids_and_other_platforms_do_not_collide():
    PlatformLinkFactory(platform=Platform.BLOG, url="https://a.blog.org/", external_id="")
    PlatformLinkFactory(platform=Platform.BLOG, url="https://b.blog.org/", external_id="")
    PlatformLinkFactory(platform=Platform.BLOG, url="https://c.blog.org/", external_id="x")
    PlatformLinkFactory(platform=Platform.PODCAST, url="https://c.blog.org/feed", external_id="x")
    assert PlatformLink.objects.count() == 4


def test_the_migration_clears_server_local_mastodon_ids():
    migration = importlib.import_module("directory.migrations.0005_link_unique_external_id")
    numeric = PlatformLinkFactory(
        platform=Platform.MASTODON, url="https://one.example/@a", external_id="1"
    )
    uri = PlatformLinkFactory(
        platform=Platform.MASTODON,
        url="https://two.example/@b",
        external_id="https://two.example/users/b",
    )
    migration.clear_conflicting_ids(apps, None)
    numeric.refresh_from_db()
    uri.refresh_from_db()
    assert numeric.external_id == ""
    assert uri.external_id == "https://two.example/users/b"


# -- refresh -----------------------------------------------------------------------------------


def test_a_fetch_resolving_another_links_account_is_a_permanent_failure(adapter, scores):
    first = fetchable_link(external_id="ext-1")
    first_state = (first.fetch_state, first.last_error, first.external_id)
    newer = fetchable_link()
    earlier = StatsSnapshotFactory(link=newer, captured_at=NOW - dt.timedelta(days=3))
    adapter.script = [ok_result(external_id="ext-1")]

    outcome = link_refresh(link_id=newer.pk, now=NOW)

    assert outcome.status == "failed"
    newer.refresh_from_db()
    assert newer.fetch_state == FetchState.FAILING
    assert f"same account as {first.url}; merge or remove one" in newer.last_error
    assert newer.external_id == ""
    assert newer.latest_snapshot == earlier  # earlier snapshots stay, nothing new recorded
    assert list(StatsSnapshot.objects.filter(link=newer)) == [earlier]
    assert scores.calls == []
    first.refresh_from_db()
    assert (first.fetch_state, first.last_error, first.external_id) == first_state


def test_a_youtube_url_resolved_to_a_channel_keeps_the_pasted_url(adapter, scores):
    link = fetchable_link(platform=Platform.YOUTUBE, url="https://www.youtube.com/@calmvoice")
    adapter.script = [ok_result(external_id=CHANNEL)]

    assert link_refresh(link_id=link.pk, now=NOW).status == "ok"

    link.refresh_from_db()
    assert link.url == "https://www.youtube.com/@calmvoice"
    assert link.external_id == CHANNEL


def test_a_youtube_handle_of_a_listed_channel_page_is_the_same_account(adapter, scores):
    # The channel page was listed but not fetched yet, so it has no external_id to collide with.
    channel = fetchable_link(
        platform=Platform.YOUTUBE, url=f"https://www.youtube.com/channel/{CHANNEL}"
    )
    handle = fetchable_link(platform=Platform.YOUTUBE, url="https://www.youtube.com/@calmvoice")
    adapter.script = [ok_result(external_id=CHANNEL)]

    assert link_refresh(link_id=handle.pk, now=NOW).status == "failed"

    handle.refresh_from_db()
    assert channel.url in handle.last_error
    assert not StatsSnapshot.objects.exists()


def test_a_concurrent_claim_of_the_id_is_recorded_not_raised(adapter, scores, monkeypatch):
    newer = fetchable_link()

    def claim_meanwhile(ref):
        fetchable_link(external_id="ext-1")  # another refresh committed the id mid-fetch
        return ok_result(external_id="ext-1")

    adapter.script = [claim_meanwhile]
    # Lose the race after the pre-check too: its first answer predates the other commit.
    real = refresh.link_same_account
    checks: list[int] = []

    def stale_first_check(*, link, external_id):
        checks.append(link.pk)
        return None if len(checks) == 1 else real(link=link, external_id=external_id)

    monkeypatch.setattr(refresh, "link_same_account", stale_first_check)
    outcome = link_refresh(link_id=newer.pk, now=NOW)

    assert outcome.status == "failed"
    newer.refresh_from_db()
    assert newer.fetch_state == FetchState.FAILING
    assert "same account as" in newer.last_error
    assert not StatsSnapshot.objects.filter(link=newer).exists()


# -- import ------------------------------------------------------------------------------------


def _document(*links: dict) -> dict:
    return {"format": "mhvoices/1", "creators": [{"name": "River", "links": list(links)}]}


def test_import_refuses_two_links_with_one_external_id():
    doc = _document(
        {
            "platform": "bluesky",
            "url": "https://bsky.app/profile/river.bsky.social",
            "external_id": "did:plc:river",
        },
        {
            "platform": "bluesky",
            "url": "https://bsky.app/profile/did:plc:river",
            "external_id": "did:plc:river",
        },
    )
    with pytest.raises(ImportValidationError) as info:
        creators_import(doc)
    assert "creators[0].links[1].external_id" in str(info.value)
    assert not PlatformLink.objects.exists()


def test_import_refuses_an_external_id_already_listed_under_another_url():
    PlatformLinkFactory(
        platform=Platform.BLUESKY,
        url="https://bsky.app/profile/river.bsky.social",
        external_id="did:plc:river",
    )
    doc = _document(
        {
            "platform": "bluesky",
            "url": "https://bsky.app/profile/did:plc:river",
            "external_id": "did:plc:river",
        },
    )
    with pytest.raises(ImportValidationError) as info:
        creators_import(doc)
    assert "already listed as https://bsky.app/profile/river.bsky.social" in str(info.value)
    assert PlatformLink.objects.count() == 1
