"""seed_bench: a large realistic directory for `make bench`, loaded fast on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min

from directory.models import (
    PLATFORMS_WITHOUT_API,
    Creator,
    CreatorStatus,
    FetchState,
    PlatformLink,
    StatsSnapshot,
)
from tests.factories import CreatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_db")]

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def seed(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_bench", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed("--creators", "30")


def test_every_creator_is_approved_with_topics_languages_and_a_country(seeded):
    creators = Creator.objects.annotate(t=Count("topics", distinct=True), lang=Count("languages"))
    assert creators.count() == 30
    assert set(creators.values_list("status", flat=True)) == {CreatorStatus.APPROVED}
    assert all(c.t >= 1 and c.lang >= 1 and c.country for c in creators)
    assert len({c.country.code for c in creators}) > 3


def test_about_three_links_each_across_many_platforms(seeded):
    per_creator = Counter(PlatformLink.objects.values_list("creator_id", flat=True))
    assert len(per_creator) == 30
    assert all(1 <= n <= 4 for n in per_creator.values())
    assert 2.3 <= sum(per_creator.values()) / 30 <= 3.7
    platforms = set(PlatformLink.objects.values_list("platform", flat=True))
    assert len(platforms) >= 6
    assert platforms & PLATFORMS_WITHOUT_API and platforms - PLATFORMS_WITHOUT_API


def test_thirty_snapshots_per_link_over_ninety_days_and_the_latest_is_linked(seeded):
    links = PlatformLink.objects.annotate(
        n=Count("snapshots"),
        first=Min("snapshots__captured_at"),
        last=Max("snapshots__captured_at"),
    )
    for link in links:
        assert link.n == 30
        assert dt.timedelta(days=85) <= link.last - link.first <= dt.timedelta(days=90)
        assert link.latest_snapshot.captured_at == link.last
        no_api = link.platform in PLATFORMS_WITHOUT_API
        assert link.fetch_state == (FetchState.MANUAL if no_api else FetchState.OK)
    sources = set(StatsSnapshot.objects.values_list("source", flat=True))
    assert "api" in sources and sources & {"self_reported", "moderator"}


def test_snapshots_are_plausible(seeded):
    for snap in StatsSnapshot.objects.all()[:300]:
        assert snap.posts_with_comments <= snap.posts_in_window
        assert snap.posts_with_creator_reply <= snap.posts_with_comments
        assert snap.last_post_at <= snap.captured_at


def test_every_creator_is_scored(seeded):
    assert not Creator.objects.filter(interactivity_score__isnull=True).exists()
    assert not Creator.objects.filter(score_raw__isnull=True).exists()
    assert Creator.objects.values("interactivity_score").distinct().count() > 10


def test_same_data_on_every_run():
    def fingerprint():
        return list(
            StatsSnapshot.objects.order_by("link__url", "captured_at").values_list(
                "link__creator__slug", "link__url", "captured_at", "followers", "comments_in_window"
            )
        )

    seed("--creators", "5")
    first = fingerprint()
    seed("--creators", "5", "--force")
    assert fingerprint() == first


def test_refuses_a_directory_that_has_creators():
    CreatorFactory()
    with pytest.raises(CommandError, match="already has 1 creators.*--append.*--force"):
        seed("--creators", "5")
    assert Creator.objects.count() == 1


def test_append_adds_and_force_replaces():
    CreatorFactory()
    seed("--creators", "4", "--append", "--no-scores")
    assert Creator.objects.count() == 5
    seed("--creators", "3", "--force", "--no-scores")
    assert Creator.objects.count() == 3
    # The id sequences follow the explicit ids: an ordinary insert afterwards gets a free id.
    assert CreatorFactory().pk == 4


def test_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed("--creators", "5")
    assert not Creator.objects.exists()


def test_refuses_zero_creators():
    with pytest.raises(CommandError, match="at least 1"):
        seed("--creators", "0")
