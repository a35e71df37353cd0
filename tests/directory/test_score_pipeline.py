"""The score pipeline at scale: stored directory statistics, changed-only writes, the page cache.

The reference below is the method as it was before the directory median and platform priors
were stored and before the recompute loaded only the snapshots the rules can pick: every
snapshot in the window plus each link's latest, the median and the priors computed afresh.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import (
    MEASUREMENT_FIELDS,
    Creator,
    CreatorStatus,
    PlatformLink,
    ScoreHistory,
    ScoringStats,
    SnapshotSource,
    StatsSnapshot,
)
from directory.scoring import (
    CreatorInput,
    LinkInput,
    SnapshotInput,
    conversation_priors,
    score_creator,
)
from directory.services import scores
from directory.services.refresh import link_refresh
from directory.services.scores import (
    configured_weights,
    creator_recompute_score,
    creators_rescore,
    directory_median,
)
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link, ok_result
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

adapter = refresh_fakes.adapter
rate_wait = refresh_fakes.rate_wait

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


# -- the method before: everything loaded, statistics computed afresh ------------------------
def _old_inputs(creator: Creator, *, now: dt.datetime) -> CreatorInput:
    cutoff = now - dt.timedelta(days=90)
    latest = StatsSnapshot.objects.filter(link=OuterRef("link")).order_by("-captured_at", "-pk")
    links = []
    for link in PlatformLink.objects.public().filter(creator=creator).order_by("pk"):
        snaps = StatsSnapshot.objects.filter(link=link).filter(
            Q(captured_at__gte=cutoff) | Q(pk=Subquery(latest.values("pk")[:1]))
        )
        links.append(
            LinkInput(
                link.pk,
                link.platform,
                tuple(
                    SnapshotInput(
                        platform=link.platform,
                        source=s.source,
                        captured_at=s.captured_at,
                        **{n: getattr(s, n) for n in MEASUREMENT_FIELDS},
                    )
                    for s in snaps.order_by("captured_at", "pk")
                ),
            )
        )
    return CreatorInput(
        links=tuple(links),
        on_break_until=creator.on_break_until,
        previous_activity=creator.score_activity,
    )


def _old_priors(*, now: dt.datetime) -> dict[str, float]:
    rows = (
        PlatformLink.objects.public()
        .filter(
            creator__status=CreatorStatus.APPROVED,
            latest_snapshot__captured_at__gte=now - dt.timedelta(days=90),
        )
        .select_related("latest_snapshot")
    )
    inputs = [
        CreatorInput(
            links=(
                LinkInput(
                    ln.pk,
                    ln.platform,
                    (
                        SnapshotInput(
                            platform=ln.platform,
                            source=ln.latest_snapshot.source,
                            captured_at=ln.latest_snapshot.captured_at,
                            **{n: getattr(ln.latest_snapshot, n) for n in MEASUREMENT_FIELDS},
                        ),
                    ),
                ),
            )
        )
        for ln in rows
    ]
    return conversation_priors(inputs, now=now)


def _old_results(*, now: dt.datetime) -> dict[int, object]:
    median = directory_median()
    priors = _old_priors(now=now)
    return {
        c.pk: score_creator(
            _old_inputs(c, now=now),
            now=now,
            directory_median=median,
            weights=configured_weights(),
            conversation_priors=priors,
        )
        for c in Creator.objects.all()
    }


# -- a small directory with every case the rules distinguish ----------------------------------
def _snap(link: PlatformLink, days_ago: float, **values) -> StatsSnapshot:
    return StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=days_ago), **values)


def _directory() -> None:
    # Five or more fresh blog links, so the blog platform has a prior of its own.
    for i in range(7):
        link = PlatformLinkFactory()
        for age in (60, 30, 2):  # oldest first: the factory marks the last one as latest
            _snap(link, age + i, posts_in_window=3 + 4 * i, posts_with_creator_reply=i)
    # Several sources: the moderator's newer numbers do not beat the fetched ones.
    link = PlatformLinkFactory()
    _snap(link, 20, comments_in_window=90)
    _snap(link, 1, source=SnapshotSource.MODERATOR, comments_in_window=5)
    _snap(link, 0.5, source=SnapshotSource.SELF_REPORTED, comments_in_window=3)
    # Stale: nothing in the window.
    _snap(PlatformLinkFactory(), 150)
    # On a break: the window's richest snapshot, the activity held.
    link = PlatformLinkFactory(
        creator=CreatorFactory(on_break_until=NOW + 30 * DAY, score_activity=0.4)
    )
    _snap(link, 40, posts_in_window=30, posts_with_comments=25)
    _snap(link, 3, posts_in_window=1, posts_with_comments=0)
    # Several links, one never fetched, one hidden by its owner, one only old.
    creator = CreatorFactory()
    _snap(PlatformLinkFactory(creator=creator, platform="mastodon"), 5, followers=90_000)
    PlatformLinkFactory(creator=creator, platform="youtube")
    _snap(PlatformLinkFactory(creator=creator, is_public=False), 1, followers=5)
    _snap(PlatformLinkFactory(creator=creator, platform="bluesky"), 200)
    # Pending, and a creator with no links at all.
    _snap(PlatformLinkFactory(creator=CreatorFactory(status=CreatorStatus.PENDING)), 4)
    CreatorFactory()


def _stored(creator: Creator) -> tuple:
    return (
        creator.interactivity_score,
        creator.score_confidence,
        creator.score_raw,
        creator.score_activity,
        creator.score_on_break,
        creator.stats_stale,
        creator.followers_total,
        creator.last_active_at,
        json.dumps(creator.score_breakdown, sort_keys=True),
    )


def _expected(result) -> tuple:
    return (
        result.score,
        result.confidence,
        result.raw_score,
        result.activity,
        result.on_break,
        result.stale,
        result.followers_total,
        result.last_active_at,
        json.dumps(result.breakdown, sort_keys=True),
    )


def test_batch_scores_are_those_of_the_method_before():
    _directory()
    for _ in range(2):  # the second run has measured scores to take the median of
        expected = _old_results(now=NOW)
        creators_rescore(now=NOW)
        stored = {c.pk: _stored(c) for c in Creator.objects.all()}
        assert stored == {pk: _expected(r) for pk, r in expected.items()}


def test_right_after_a_batch_a_single_recompute_changes_nothing():
    _directory()
    creators_rescore(now=NOW)
    creators_rescore(now=NOW)
    for pk in Creator.objects.values_list("pk", flat=True):
        result = creators_rescore(creator_ids=[pk], now=NOW, refresh_stats=False)
        assert (result.scored, result.written, result.history_written) == (1, 0, 0)


def test_a_batch_stores_the_median_over_the_scores_it_wrote():
    _directory()
    creators_rescore(now=NOW)
    stats = ScoringStats.objects.get()
    assert stats.median == directory_median()
    assert stats.measured_creators > 0
    assert set(stats.conversation_priors) == {"blog"}
    assert stats.computed_at == NOW


def test_a_single_recompute_reads_the_stored_median():
    link = PlatformLinkFactory()
    _snap(link, 1, posts_in_window=1, posts_with_comments=1)  # thin evidence: near the median
    creators_rescore(now=NOW)
    before = Creator.objects.get().interactivity_score
    ScoringStats.objects.update(median=5.0)
    assert creator_recompute_score(creator_id=link.creator_id, now=NOW) < before - 10


def test_a_single_recompute_computes_missing_statistics_once_and_stores_them():
    link = PlatformLinkFactory()
    _snap(link, 1)
    assert not ScoringStats.objects.exists()
    creator_recompute_score(creator_id=link.creator_id, now=NOW)
    assert ScoringStats.objects.get().median == 50.0  # nobody measured yet: the fixed prior


def test_statistics_taken_over_another_window_are_computed_again(settings):
    link = PlatformLinkFactory()
    _snap(link, 1)
    creators_rescore(now=NOW)
    settings.SCORING_WINDOW_DAYS = 30
    creator_recompute_score(creator_id=link.creator_id, now=NOW)
    assert ScoringStats.objects.get().window_days == 30


def test_a_recompute_writes_only_the_rows_that_changed():
    _directory()
    first = creators_rescore(now=NOW)
    assert first.written == first.scored == Creator.objects.count()
    creators_rescore(now=NOW)  # the median moves once measured scores exist
    assert creators_rescore(now=NOW).written == 0
    link = PlatformLinkFactory()
    _snap(link, 0, creator_replies_in_window=0)
    again = creators_rescore(now=NOW)
    assert again.written >= 1 and again.written < again.scored


def test_an_unchanged_row_keeps_its_update_time():
    _snap(PlatformLinkFactory(), 1)
    creators_rescore(now=NOW - dt.timedelta(hours=1))  # the median moves once measured
    creators_rescore(now=NOW)
    creators_rescore(now=NOW + dt.timedelta(hours=1))
    assert Creator.objects.get().score_updated_at == NOW


def test_an_unchanged_day_writes_no_history():
    _snap(PlatformLinkFactory(), 1)
    creators_rescore(now=NOW)
    creators_rescore(now=NOW)  # the median moves once measured
    assert creators_rescore(now=NOW + dt.timedelta(hours=1)).history_written == 0
    assert creators_rescore(now=NOW + DAY).history_written == 1
    assert ScoreHistory.objects.count() == 2


def test_a_recompute_that_changes_a_listed_score_invalidates_cached_pages(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(scores, "listing_changed", lambda: calls.append(1))
    link = PlatformLinkFactory()
    _snap(link, 1)
    with django_capture_on_commit_callbacks(execute=True):
        creators_rescore(now=NOW)
        creators_rescore(now=NOW)  # the median moves once measured
    assert calls == [1, 1]
    with django_capture_on_commit_callbacks(execute=True):
        creators_rescore(now=NOW)
        creator_recompute_score(creator_id=link.creator_id, now=NOW)
    assert calls == [1, 1]  # nothing changed: cached pages stay
    _snap(link, 0, posts_with_creator_reply=0)
    with django_capture_on_commit_callbacks(execute=True):
        creator_recompute_score(creator_id=link.creator_id, now=NOW)
    assert calls == [1, 1, 1]


def test_a_pending_creators_new_score_leaves_cached_pages(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(scores, "listing_changed", lambda: calls.append(1))
    _snap(PlatformLinkFactory(creator=CreatorFactory(status=CreatorStatus.PENDING)), 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = creators_rescore(now=NOW)
    assert (result.written, result.listed_changed, calls) == (1, 0, [])


# -- a single-link refresh costs the same at any directory size --------------------------------
def _fetched_creators(count: int, now: dt.datetime) -> list[PlatformLink]:
    links = []
    for _ in range(count):
        link = fetchable_link()
        for age in (40, 20, 3):
            StatsSnapshotFactory(link=link, captured_at=now - dt.timedelta(days=age))
        links.append(link)
    return links


def _refresh_queries(link: PlatformLink, adapter, external_id: str) -> int:
    adapter.script = [ok_result(external_id=external_id)]
    with CaptureQueriesContext(connection) as queries:
        assert link_refresh(link_id=link.pk).status == "ok"
    return len(queries)


@pytest.mark.usefixtures("rate_wait")
def test_a_single_link_refresh_runs_the_same_queries_at_any_directory_size(adapter):
    now = timezone.now()
    links = _fetched_creators(5, now)
    creators_rescore(now=now)
    small = _refresh_queries(links[0], adapter, "ext-small")
    links += _fetched_creators(45, now)
    creators_rescore(now=now)
    large = _refresh_queries(links[1], adapter, "ext-large")
    assert small == large
    assert Creator.objects.get(pk=links[1].creator_id).score_breakdown["links"][0]["fresh"]


def test_the_loader_sends_a_few_snapshots_per_link_not_the_whole_window():
    from directory.services.score_inputs import creator_inputs

    link = PlatformLinkFactory()
    for age in range(30, 0, -1):
        _snap(link, age * 2)
    inputs = creator_inputs([(link.creator_id, None, None)], now=NOW, cutoff=NOW - 90 * DAY)
    (loaded,) = inputs[link.creator_id].links
    assert len(loaded.snapshots) == 1
    assert loaded.last_post_at == NOW - 4 * DAY  # the newest of the window's last posts


def test_history_points_per_creator_stay_one_a_day():
    _directory()
    creators_rescore(now=NOW)
    per_creator = defaultdict(int)
    for creator_id in ScoreHistory.objects.values_list("creator_id", flat=True):
        per_creator[creator_id] += 1
    assert set(per_creator.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_load_ahead_and_score_the_same(monkeypatch, postgres_db):
    _directory()
    creators_rescore(now=NOW)
    expected = _old_results(now=NOW)
    monkeypatch.setattr(scores, "BATCH_SIZE", 3)  # several batches: one loads while one scores
    loaded_in = set()
    real_load = scores._load_batch

    def load(ids, *, now):
        import threading

        loaded_in.add(threading.current_thread().name.split("_")[0])
        return real_load(ids, now=now)

    monkeypatch.setattr(scores, "_load_batch", load)
    creators_rescore(now=NOW)
    assert loaded_in == {"score-loader"}
    stored = {c.pk: _stored(c) for c in Creator.objects.all()}
    assert stored == {pk: _expected(r) for pk, r in expected.items()}
