"""An import of new creators scores them from the document before writing them: what it stores
must be exactly what `creators_rescore` would have stored had it scored them after the write."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from directory.models import Creator, CreatorStatus, ScoreHistory, ScoringStats
from directory.services.bench_seed import bench_url
from directory.services.imports import creators_import
from directory.services.scores import SCORE_FIELDS, creators_rescore
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 30, tzinfo=dt.UTC)
PLATFORMS = ("youtube", "bluesky", "mastodon", "blog", "substack", "instagram")
PARIS = dt.timezone(dt.timedelta(hours=2))


def _snapshot(rng: random.Random, captured_at: dt.datetime, source: str) -> dict:
    posts = rng.randrange(0, 20)
    commented = rng.randrange(0, posts + 1)
    comments = commented * rng.randrange(1, 6)
    return {
        # Offsets other than UTC: the breakdown shows times as the database returns them.
        "captured_at": captured_at.astimezone(PARIS).isoformat(),
        "source": source,
        "followers": rng.choice((None, rng.randrange(0, 50_000))),
        "following": rng.choice((None, rng.randrange(0, 500))),
        "window_days": rng.choice((None, 30, 90)),
        "posts_in_window": posts,
        "comments_in_window": comments,
        "unique_commenters_in_window": rng.choice((None, comments // 2)),
        "posts_with_comments": commented,
        "creator_replies_in_window": rng.randrange(0, comments + 1),
        "posts_with_creator_reply": rng.randrange(0, commented + 1),
        "replies_to_others_in_window": rng.choice((None, rng.randrange(0, 30))),
        "likes_in_window": rng.choice((None, rng.randrange(0, 900))),
        "last_post_at": rng.choice(
            (None, (captured_at - dt.timedelta(days=rng.randrange(0, 40))).isoformat())
        ),
    }


def _document(count: int, seed: int = 7) -> dict:
    """New creators covering every way the score picks its snapshots: fresh and stale links,
    several sources, a break, a snapshot a few hours ahead of the clock, private links, links
    without snapshots, pending creators (left out of the priors)."""
    rng = random.Random(seed)  # noqa: S311 - test data
    creators = []
    for index in range(count):
        links = []
        for platform in rng.sample(PLATFORMS, rng.randrange(0, 4)):
            ages = sorted(rng.sample(range(1, 200), rng.randrange(0, 5)))
            if rng.random() < 0.1:
                ages.append(-0.1)  # captured 2.4 hours after "now": within the tolerance
            snapshots = [
                _snapshot(
                    rng,
                    NOW - dt.timedelta(days=age, hours=index % 5),
                    rng.choice(("api", "moderator", "self_reported")),
                )
                for age in ages
            ]
            link = {
                "platform": platform,
                "url": bench_url(platform, f"scored{index}x{platform}"),
                "snapshots": snapshots,
            }
            if rng.random() < 0.15:
                link["is_public"] = False
            links.append(link)
        creator = {
            "name": f"Scored Creator {index}",
            "status": rng.choice(("approved", "approved", "approved", "pending")),
            "links": links,
        }
        if rng.random() < 0.2:
            creator["on_break_until"] = (NOW + dt.timedelta(days=30)).isoformat()
        creators.append(creator)
    return {"format": "mhvoices/1", "creators": creators}


def _directory_before() -> None:
    """Creators already listed, with measured scores and fresh snapshots (median and priors)."""
    for index, raw in enumerate((20.0, 45.0, 50.0, 50.0, 50.0, 50.0, 50.0, 80.0)):
        creator = CreatorFactory(score_raw=raw, interactivity_score=raw)
        link = PlatformLinkFactory(
            creator=creator, platform="blog", url=bench_url("blog", f"stored{index}")
        )
        StatsSnapshotFactory(
            link=link, captured_at=NOW - dt.timedelta(days=3), comments_in_window=10 * index
        )


def _stored(ids: list[int]) -> dict:
    return {
        "creators": list(
            Creator.objects.filter(pk__in=ids).order_by("pk").values("pk", *SCORE_FIELDS)
        ),
        "history": list(
            ScoreHistory.objects.filter(creator_id__in=ids)
            .order_by("creator_id")
            .values("creator_id", "date", "score", "confidence", "version")
        ),
        "stats": list(ScoringStats.objects.values()),
    }


def _assert_stored_as_a_rescore_after_the_write(document: dict) -> None:
    with time_machine.travel(NOW, tick=False):
        summary = creators_import(document)
        ids = list(
            Creator.objects.filter(slug__startswith="scored-creator").values_list("pk", flat=True)
        )
        assert summary.scores_recomputed == len(ids) == len(document["creators"])
        imported = _stored(ids)
        # Back to the state the old import left before scoring (rows written, no score yet),
        # then score them the old way.
        blank = {name: Creator._meta.get_field(name).get_default() for name in SCORE_FIELDS}
        Creator.objects.filter(pk__in=ids).update(**blank)
        ScoreHistory.objects.filter(creator_id__in=ids).delete()
        ScoringStats.objects.all().delete()
        assert creators_rescore(creator_ids=ids).written == len(ids)
        assert _stored(ids) == imported


def test_imported_scores_are_what_a_rescore_after_the_write_stores():
    _directory_before()
    _assert_stored_as_a_rescore_after_the_write(_document(60))


def test_on_a_break_the_richer_older_snapshot_is_the_one_scored():
    rng = random.Random(3)  # noqa: S311 - test data
    richer = {**_snapshot(rng, NOW - dt.timedelta(days=30), "api"), "posts_in_window": 40}
    newer = {**_snapshot(rng, NOW - dt.timedelta(days=2), "api"), "posts_in_window": 1}
    richer["posts_with_comments"] = newer["posts_with_comments"] = 1
    creator = {
        "name": "Scored Creator On Break",
        "status": "approved",
        "on_break_until": (NOW + dt.timedelta(days=20)).isoformat(),
        "links": [
            {"platform": "blog", "url": bench_url("blog", "onbreak"), "snapshots": [richer, newer]}
        ],
    }
    _assert_stored_as_a_rescore_after_the_write({"format": "mhvoices/1", "creators": [creator]})
    breakdown = Creator.objects.get().score_breakdown
    assert breakdown["links"][0]["captured_at"] == (NOW - dt.timedelta(days=30)).isoformat()


def test_priors_count_the_imported_creators_links():
    with time_machine.travel(NOW, tick=False):
        creators_import(_document(60))
    priors = ScoringStats.objects.get().conversation_priors
    # Five measured fresh links of a platform make its prior; only the document has links.
    assert priors


def test_a_rescore_right_after_the_import_writes_nothing():
    _directory_before()  # a median the imported creators cannot move
    with time_machine.travel(NOW, tick=False):
        creators_import(_document(3, seed=11))
        ids = list(
            Creator.objects.filter(slug__startswith="scored-creator").values_list("pk", flat=True)
        )
        stored = _stored(ids)["creators"]
        result = creators_rescore(creator_ids=ids)
    assert result.scored == 3
    assert (result.written, result.history_written) == (0, 0)
    assert _stored(ids)["creators"] == stored
    assert all(row["interactivity_score"] is not None for row in stored)


def test_a_document_with_an_existing_creator_is_scored_after_the_write():
    CreatorFactory(slug="scored-creator-0", name="Scored Creator 0", status=CreatorStatus.PENDING)
    with time_machine.travel(NOW, tick=False):
        summary = creators_import(_document(3, seed=11))
    assert summary.creators_created == 2
    assert summary.scores_recomputed == 3
    assert not Creator.objects.filter(interactivity_score__isnull=True).exists()
    assert ScoreHistory.objects.count() == 3
