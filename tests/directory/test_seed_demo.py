"""seed_demo: about sixty fictional creators with a spread of behaviour, never fetched."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from directory.demo import build_demo_document, demo_archetypes
from directory.models import (
    PLATFORMS_WITHOUT_API,
    Creator,
    CreatorStatus,
    FetchState,
    Platform,
    PlatformLink,
    StatsSnapshot,
)
from directory.services.imports import creators_export
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def seeded():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        yield


def test_document_is_deterministic():
    assert build_demo_document(NOW) == build_demo_document(NOW)


def test_seed_creates_about_sixty_demo_creators_across_every_platform(seeded):
    assert 55 <= Creator.objects.count() <= 65
    assert not Creator.objects.filter(is_demo=False).exists()
    assert set(PlatformLink.objects.values_list("platform", flat=True)) == set(Platform.values)


def test_a_few_demo_creators_are_not_listed(seeded):
    hidden = Creator.objects.exclude(status=CreatorStatus.APPROVED)
    assert 2 <= hidden.count() <= 5
    assert Creator.objects.listed().count() == Creator.objects.count() - hidden.count()


def test_demo_links_are_never_fetched(seeded):
    assert not PlatformLink.objects.fetchable().exists()
    for link in PlatformLink.objects.all():
        expected = (
            FetchState.MANUAL if link.platform in PLATFORMS_WITHOUT_API else FetchState.DISABLED
        )
        assert link.fetch_state == expected
        assert link.last_error == "demo data: never fetched"


def test_demo_urls_are_on_reserved_domains_or_carry_a_demo_handle(seeded):
    for url in PlatformLink.objects.values_list("url", flat=True):
        assert ".example" in url or "mhvdemo" in url, url


def test_months_of_snapshots_and_no_api_platforms_are_never_api_sourced(seeded):
    link = PlatformLink.objects.filter(platform=Platform.MASTODON).first()
    times = list(link.snapshots.order_by("captured_at").values_list("captured_at", flat=True))
    assert len(times) >= 10
    assert times[-1] - times[0] >= dt.timedelta(days=150)
    assert not StatsSnapshot.objects.filter(
        link__platform__in=PLATFORMS_WITHOUT_API, source="api"
    ).exists()
    assert StatsSnapshot.objects.filter(
        link__platform__in=["instagram", "tiktok"], source="self_reported"
    ).exists()
    assert all(link.latest_snapshot_id for link in PlatformLink.objects.all())


def test_some_counts_are_hidden_not_zero(seeded):
    assert StatsSnapshot.objects.filter(followers__isnull=True).exists()
    assert StatsSnapshot.objects.filter(likes_in_window__isnull=True).exists()


def test_behaviours_are_spread(seeded):
    kinds = demo_archetypes(NOW)
    creators = {c.slug: c for c in Creator.objects.all()}

    def of(kind):
        return [creators[slug] for slug, k in kinds.items() if k == kind]

    assert all(c.followers_total >= 100_000 for c in of("large_silent"))
    assert all(c.followers_total <= 5_000 for c in of("small_responsive"))
    for creator in of("large_silent"):
        snap = creator.links.first().latest_snapshot
        assert snap.posts_with_creator_reply <= 0.05 * snap.posts_with_comments + 1
    for creator in of("small_responsive"):
        snap = creator.links.first().latest_snapshot
        assert snap.posts_with_creator_reply >= 0.8 * snap.posts_with_comments
    for creator in of("small_quiet"):
        assert creator.followers_total <= 5_000
        snap = creator.links.first().latest_snapshot
        assert snap.posts_with_creator_reply <= 0.15 * snap.posts_with_comments + 1
    assert all(c.followers_total >= 100_000 for c in of("large_responsive"))
    assert len(of("large_responsive")) >= 3 and len(of("small_quiet")) >= 3
    for creator in of("inactive"):
        assert creator.last_active_at < NOW - dt.timedelta(days=90)
    assert all(c.is_on_break for c in of("on_break"))
    assert len(of("on_break")) >= 2 and len(of("inactive")) >= 3


def test_scores_are_computed_and_small_responsive_outrank_large_silent(seeded):
    kinds = demo_archetypes(NOW)
    scores = dict(Creator.objects.values_list("slug", "interactivity_score"))
    assert all(score is not None for score in scores.values())
    responsive = [scores[s] for s, k in kinds.items() if k == "small_responsive"]
    silent = [scores[s] for s, k in kinds.items() if k == "large_silent"]
    assert sorted(responsive)[len(responsive) // 2] > max(silent)
    # Size is not the signal: large accounts that answer outrank small ones that rarely reply.
    answering = [scores[s] for s, k in kinds.items() if k == "large_responsive"]
    quiet = [scores[s] for s, k in kinds.items() if k == "small_quiet"]
    assert sorted(answering)[len(answering) // 2] > sorted(quiet)[len(quiet) // 2]
    assert min(answering) > max(silent)


def test_bios_are_calm_and_say_the_profile_is_fictional(seeded):
    for creator in Creator.objects.all():
        assert "fictional" in creator.about
        assert len(creator.bio) <= 300
        lowered = (creator.bio + creator.content_notes).lower()
        assert not any(word in lowered for word in ("method", "overdose", "shocking"))


def test_running_it_again_changes_nothing(seeded):
    before = creators_export()
    out = io.StringIO()
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        call_command("seed_demo", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert creators_export() == before


def test_if_empty_does_nothing_when_a_creator_exists():
    CreatorFactory()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Creator.objects.count() == 1
    assert "already has creators" in out.getvalue()


def test_if_empty_seeds_an_empty_directory():
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert Creator.objects.count() > 50


def test_demo_scores_use_the_top_of_the_scale_and_inactive_creators_score_low(seeded):
    kinds = demo_archetypes(NOW)
    rows = {c.slug: c for c in Creator.objects.listed()}
    assert max(c.interactivity_score for c in rows.values()) >= 70
    # A fetched window with no posts is strong evidence of inactivity, with one link or three:
    # no inactive creator is held part-way to the median with a confidence of one half.
    inactive = [c for s, c in rows.items() if kinds[s] == "inactive"]
    assert inactive and all(c.interactivity_score < 20 for c in inactive)
    assert all(c.score_confidence >= 0.85 for c in inactive)


def test_the_spearman_figure_in_docs_is_what_the_documented_commands_print():
    """docs/scoring.md publishes the demo's rank correlation; rerun its command sequence."""
    doc = (settings.BASE_DIR / "docs" / "scoring.md").read_text(encoding="utf-8")
    published = re.search(
        r"\*\*Demo data: ([−-]?\d\.\d\d)\*\* \(ρ = ([−-]?\d\.\d{3}) over the (\d+) listed", doc
    )
    assert published, "docs/scoring.md no longer states the demo's Spearman figure"
    rounded, precise, count = (g.replace("−", "-") for g in published.groups())
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("recompute_scores", stdout=io.StringIO())
        call_command("score_correlation", stdout=out)
    printed = out.getvalue().strip()
    assert printed.endswith(f"over {count} listed creators: {precise}"), printed
    assert f"{float(precise):.2f}" == rounded
    assert abs(float(precise)) < 0.5  # the bar: the score is no follower count


def test_new_demo_creators_get_weeks_of_score_history_and_movement(seeded):
    """The profile chart and the list's ↑/↓ need history; the demo fills it from past snapshots."""
    creator = Creator.objects.listed().order_by("-interactivity_score", "pk").first()
    points = list(creator.score_history.order_by("date"))
    assert len(points) == 13
    assert points[0].date == (NOW - dt.timedelta(weeks=12)).date()
    assert points[-1].date == NOW.date()
    assert points[-1].score == creator.interactivity_score
    assert len({round(p.score, 1) for p in points}) > 1  # past snapshots differ, so do scores
    moved = Creator.objects.listed().exclude(score_week_delta=None)
    assert moved.count() == Creator.objects.listed().count()
    assert moved.exclude(score_week_delta=0).exists()


def test_each_demo_persons_bio_topics_and_content_notes_agree(seeded):
    # Issue #12 item 9: no bio about one subject under another subject's content note or topic.
    from directory.demo import CONTENT_NOTES, TOPIC_PHRASES

    for creator in Creator.objects.prefetch_related("topics"):
        slugs = {t.slug for t in creator.topics.all()}
        assert all(TOPIC_PHRASES[s] in creator.bio for s in slugs), creator.slug
        notes = {n for n in creator.content_notes.split("; ") if n}
        assert notes == {CONTENT_NOTES[s] for s in slugs if s in CONTENT_NOTES}, creator.slug


def test_demo_snapshots_cover_the_scoring_window(seeded):
    windows = set(StatsSnapshot.objects.values_list("window_days", flat=True))
    assert windows == {settings.SCORING_WINDOW_DAYS}


def test_large_accounts_that_converse_rank_among_the_top_ten(seeded):
    kinds = demo_archetypes(NOW)
    top = Creator.objects.listed().order_by("-interactivity_score")[:10]
    assert sum(kinds[c.slug] == "large_responsive" for c in top) >= 2
    # Emerging voices (under 5,000 followers) is not a copy of the top of the directory.
    assert sum((c.followers_total or 0) < 5_000 for c in top) <= 6
