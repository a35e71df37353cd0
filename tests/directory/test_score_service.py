"""Storing scores: fields, daily history, week-on-week movement, query count, commands."""

from __future__ import annotations

import datetime as dt
import importlib
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from directory.models import Creator, CreatorStatus, ScoreHistory
from directory.services.scores import (
    creator_recompute_score,
    creators_recompute_scores,
    directory_median,
)
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def scored_creator(**snapshot_overrides) -> Creator:
    link = PlatformLinkFactory()
    snapshot_overrides.setdefault("captured_at", NOW - dt.timedelta(days=1))
    StatsSnapshotFactory(link=link, **snapshot_overrides)
    return link.creator


def test_recompute_persists_every_score_field():
    creator = scored_creator(followers=1_500)
    assert creators_recompute_scores(now=NOW) == 1
    creator.refresh_from_db()
    assert 0 <= creator.interactivity_score <= 100
    assert 0 < creator.score_confidence <= 1
    assert creator.score_version == "1"
    assert creator.score_breakdown["version"] == "1"
    assert creator.score_breakdown["score"] == creator.interactivity_score
    assert creator.score_updated_at == NOW
    assert creator.followers_total == 1_500
    assert creator.last_active_at == NOW - dt.timedelta(days=3)
    assert creator.stats_stale is False
    assert creator.score_week_delta is None


def test_more_responsive_creator_is_stored_with_a_higher_score():
    attentive = scored_creator(posts_with_creator_reply=10, creator_replies_in_window=38)
    distant = scored_creator(posts_with_creator_reply=1, creator_replies_in_window=1)
    creators_recompute_scores(now=NOW)
    attentive.refresh_from_db()
    distant.refresh_from_db()
    assert attentive.interactivity_score > distant.interactivity_score


def test_history_keeps_one_point_a_day():
    creator = scored_creator()
    creators_recompute_scores(now=NOW)
    StatsSnapshotFactory(link=creator.links.get(), captured_at=NOW, posts_with_creator_reply=0)
    creators_recompute_scores(now=NOW + dt.timedelta(hours=2))
    points = list(ScoreHistory.objects.filter(creator=creator))
    assert len(points) == 1
    creator.refresh_from_db()
    assert points[0].score == creator.interactivity_score
    creators_recompute_scores(now=NOW + dt.timedelta(days=1))
    assert ScoreHistory.objects.filter(creator=creator).count() == 2


def test_week_delta_compares_with_the_point_a_week_ago():
    creator = scored_creator()
    ScoreHistory.objects.create(creator=creator, date=(NOW - dt.timedelta(days=8)).date(), score=20)
    ScoreHistory.objects.create(creator=creator, date=(NOW - dt.timedelta(days=7)).date(), score=30)
    ScoreHistory.objects.create(creator=creator, date=(NOW - dt.timedelta(days=2)).date(), score=90)
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    assert creator.score_week_delta == pytest.approx(creator.interactivity_score - 30, abs=0.05)


def test_week_delta_is_none_when_the_only_old_point_is_too_old():
    creator = scored_creator()
    ScoreHistory.objects.create(creator=creator, date=(NOW - dt.timedelta(days=30)).date(), score=5)
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    assert creator.score_week_delta is None


def test_query_count_does_not_grow_with_the_number_of_creators(django_assert_max_num_queries):
    for _ in range(2):
        scored_creator()
    PlatformLinkFactory(platform="mastodon")  # never fetched: its latest snapshot is looked for
    # 15: stats (2), the id batch, creators, links with their latest snapshots, the window's
    # summary, the links that need ranking, the latest of those with nothing in the window,
    # history, 2 writes, savepoints (2), the median after, storing the stats.
    with django_assert_max_num_queries(15) as few:
        creators_recompute_scores(now=NOW)
    for _ in range(12):
        link = PlatformLinkFactory()
        StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=3))
        StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=200))
        PlatformLinkFactory(creator=link.creator, platform="mastodon")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert creators_recompute_scores(now=NOW) == 15


def test_median_uses_approved_creators_measured_scores_only():
    CreatorFactory(interactivity_score=25, score_raw=20.0)
    CreatorFactory(interactivity_score=45, score_raw=40.0)
    CreatorFactory(interactivity_score=50, score_raw=None)
    CreatorFactory(score_raw=90.0, status=CreatorStatus.PENDING)
    CreatorFactory(score_raw=95.0, status=CreatorStatus.HIDDEN)
    assert directory_median() == 30


def test_recomputing_unchanged_data_gives_the_same_scores():
    """The median is taken before shrinkage, so it cannot feed back on itself."""
    for posts, replied in [(3, 1), (6, 2), (12, 3), (20, 9), (30, 25)]:
        scored_creator(
            posts_in_window=posts,
            posts_with_comments=posts,
            posts_with_creator_reply=replied,
            creator_replies_in_window=replied,
        )
    creators_recompute_scores(now=NOW)  # the first run has no measured scores to take a median of
    creators_recompute_scores(now=NOW)
    second = dict(Creator.objects.values_list("pk", "interactivity_score"))
    creators_recompute_scores(now=NOW)
    assert dict(Creator.objects.values_list("pk", "interactivity_score")) == second


def test_empty_directory_median_is_the_fixed_prior():
    assert directory_median() == 50


def test_creators_of_any_status_are_scored():
    pending = scored_creator()
    Creator.objects.filter(pk=pending.pk).update(status=CreatorStatus.PENDING)
    creators_recompute_scores(now=NOW)
    pending.refresh_from_db()
    assert pending.interactivity_score is not None


def test_opted_out_links_are_left_out_of_the_score():
    creator = scored_creator(followers=777)
    hidden = PlatformLinkFactory(creator=creator, is_public=False)
    StatsSnapshotFactory(link=hidden, captured_at=NOW - dt.timedelta(days=1), followers=5_000)
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    assert creator.followers_total == 777
    assert [ln["link_id"] for ln in creator.score_breakdown["links"]] != [hidden.pk]
    assert hidden.pk not in {ln["link_id"] for ln in creator.score_breakdown["links"]}


def test_snapshots_older_than_the_window_mark_stats_stale():
    creator = scored_creator(captured_at=NOW - dt.timedelta(days=120))
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    assert creator.stats_stale is True
    assert creator.score_breakdown["why"].startswith("Stats out of date")


def test_break_keeps_the_stored_activity_value():
    creator = scored_creator(posts_in_window=0, posts_with_comments=0, comments_in_window=0)
    Creator.objects.filter(pk=creator.pk).update(
        on_break_until=NOW + dt.timedelta(days=30), score_activity=0.55
    )
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    activity = next(c for c in creator.score_breakdown["components"] if c["key"] == "activity")
    assert activity["value"] == 0.55


def test_weights_come_from_settings(settings):
    scored_creator()
    settings.SCORING_WEIGHTS = {"outreach": 0.0}
    creators_recompute_scores(now=NOW)
    breakdown = Creator.objects.get().score_breakdown
    assert next(c for c in breakdown["components"] if c["key"] == "outreach")["weight"] == 0
    settings.SCORING_WEIGHTS = {"reach": 0.9}
    with pytest.raises(ImproperlyConfigured, match="SCORING_WEIGHTS is invalid: reach"):
        creators_recompute_scores(now=NOW)


@pytest.mark.parametrize("bad", [{"likes": 0.1}, {"reach": True}, ["reach"]])
def test_recompute_command_names_a_bad_scoring_weights_setting(settings, bad):
    creator = scored_creator()
    settings.SCORING_WEIGHTS = bad
    with pytest.raises(CommandError, match="SCORING_WEIGHTS is invalid"):
        call_command("recompute_scores")
    # Nothing was written.
    assert Creator.objects.get(pk=creator.pk).interactivity_score is None


def test_creator_recompute_score_returns_the_new_score():
    creator = scored_creator()
    score = creator_recompute_score(creator_id=creator.pk, now=NOW)
    assert score == Creator.objects.get(pk=creator.pk).interactivity_score
    assert creator_recompute_score(creator_id=creator.pk + 1000) is None


def test_recompute_scores_command_prints_the_count():
    scored_creator()
    creator = scored_creator()
    out = StringIO()
    call_command("recompute_scores", stdout=out)
    assert "Scored 2 creators." in out.getvalue()
    out = StringIO()
    call_command("recompute_scores", "--creator", creator.slug, stdout=out)
    assert "Scored 1 creator." in out.getvalue()
    assert timezone.now() - Creator.objects.get(pk=creator.pk).score_updated_at < dt.timedelta(
        minutes=1
    )


def test_recompute_scores_command_says_how_many_rows_changed():
    scored_creator()
    call_command("recompute_scores", stdout=StringIO())
    call_command("recompute_scores", stdout=StringIO())  # the median moves once measured
    out = StringIO()
    call_command("recompute_scores", stdout=out)
    assert "Scored 1 creator. 0 changed and were written." in out.getvalue()


def test_recompute_scores_command_rejects_an_unknown_slug():
    with pytest.raises(CommandError, match="No creator with the slug 'nobody'"):
        call_command("recompute_scores", "--creator", "nobody")


def test_score_correlation_command_reports_spearman_over_listed_creators():
    for score, followers in [(10, 100), (20, 200), (30, 300), (40, 400)]:
        CreatorFactory(interactivity_score=score, followers_total=followers)
    CreatorFactory(interactivity_score=99, followers_total=1, status=CreatorStatus.PENDING)
    out = StringIO()
    call_command("score_correlation", stdout=out)
    assert out.getvalue().strip().endswith("over 4 listed creators: 1.000")
    out = StringIO()
    call_command("score_correlation", "--markdown", stdout=out)
    assert "**1.00** over 4 listed creators" in out.getvalue()


def test_score_correlation_command_says_when_there_is_not_enough_data():
    CreatorFactory(interactivity_score=10, followers_total=100)
    out = StringIO()
    call_command("score_correlation", stdout=out)
    assert out.getvalue().startswith("Not enough data: 1 listed creators")


def test_recompute_stores_what_the_next_one_reads_back_in_columns():
    creator = scored_creator(posts_in_window=0, posts_with_comments=0, comments_in_window=0)
    Creator.objects.filter(pk=creator.pk).update(on_break_until=NOW + dt.timedelta(days=30))
    creators_recompute_scores(now=NOW)
    creator.refresh_from_db()
    breakdown = creator.score_breakdown
    activity = next(c for c in breakdown["components"] if c["key"] == "activity")
    assert creator.score_raw == breakdown["raw_score"]
    assert creator.score_activity == activity["value"]
    assert creator.score_on_break is breakdown["on_break"] is True


def test_the_display_breakdown_is_never_read_back():
    # A breakdown is written for people; editing its text must not change the next score.
    creator = scored_creator()
    creators_recompute_scores(now=NOW)  # the first run has no measured scores to take a median of
    creators_recompute_scores(now=NOW)
    first = Creator.objects.get(pk=creator.pk).interactivity_score
    Creator.objects.update(score_breakdown={"raw_score": 99.0, "components": "odd"})
    creators_recompute_scores(now=NOW)
    assert Creator.objects.get(pk=creator.pk).interactivity_score == first


def test_migration_fills_the_columns_from_the_last_breakdown():
    from django.apps import apps

    migration = importlib.import_module("directory.migrations.0013_score_state_columns")
    held = CreatorFactory(
        score_breakdown={
            "raw_score": 61.5,
            "on_break": True,
            "components": [{"key": "reach", "value": 0.4}, {"key": "activity", "value": 0.55}],
        }
    )
    unscored = CreatorFactory(score_breakdown={}, score_raw=1.0)
    migration.copy_from_breakdown(apps, None)
    held.refresh_from_db()
    unscored.refresh_from_db()
    assert (held.score_raw, held.score_activity, held.score_on_break) == (61.5, 0.55, True)
    assert (unscored.score_raw, unscored.score_activity, unscored.score_on_break) == (
        None,
        None,
        False,
    )
