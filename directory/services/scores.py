"""Recomputing and storing interactivity scores (the pure maths lives in directory/scoring/).

`creators_rescore()` walks the creators in batches of `BATCH_SIZE` (keyset by primary key, so
memory does not grow with the directory), loads what the rules read in a constant number of
queries per batch (`score_inputs`), scores them, and writes only the rows whose score or
breakdown changed, plus one history point a day where it is missing or different. A recompute
that changed what the list shows calls `listing_changed()` once it is committed, so cached pages
never show an old score.

Called by `manage.py recompute_scores` and the daily task (every creator), by the import and
by moderation (some creators), and, for one creator, by the refresh after a fetch and by the
snapshot service (`creator_recompute_score`). Creators of any status are scored (so a creator
approved later already has a score).

The directory median and platform priors (score_stats.py) are computed afresh by every
recompute of many creators and stored when it ends; a single creator's recompute reads the
stored ones, so its cost does not depend on the size of the directory.

Links whose account asked not to be indexed (`is_public=False`) are left out of the score: we do
not use statistics of an account that opted out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from directory.models import Creator, CreatorStatus, ScoreHistory
from directory.scoring import (
    SCORING_VERSION,
    CreatorInput,
    ScoreResult,
    merge_weights,
    score_creator,
)
from directory.services.bulk_sql import rows_update, rows_upsert
from directory.services.listing_cache import listing_changed
from directory.services.score_inputs import creator_inputs, ids_in
from directory.services.score_stats import (
    DirectoryStats,
    directory_median,
    directory_median_and_count,
    scoring_stats_compute,
    scoring_stats_current,
    scoring_stats_store,
)

__all__ = [
    "BATCH_SIZE",
    "SCORE_FIELDS",
    "RecomputeResult",
    "configured_weights",
    "creator_recompute_score",
    "creators_recompute_scores",
    "creators_rescore",
    "directory_median",
    "new_creator_score",
]

BATCH_SIZE = 1000
WEEK = dt.timedelta(days=7)
# The week-on-week movement compares with the newest point at least 7 days old, if it is at
# most this old (a creator scored irregularly has no meaningful "last week").
WEEK_DELTA_MAX_AGE = dt.timedelta(days=14)
# What a recompute derives; a row is written only when one of these changed.
RESULT_FIELDS = (
    "interactivity_score",
    "score_confidence",
    "score_breakdown",
    "score_version",
    "score_week_delta",
    "score_raw",
    "score_activity",
    "score_on_break",
    "stats_stale",
    "followers_total",
    "last_active_at",
)
# The Creator fields a recompute writes (and the admin shows read-only).
SCORE_FIELDS = (*RESULT_FIELDS[:4], "score_updated_at", *RESULT_FIELDS[4:])


@dataclass(frozen=True, slots=True)
class RecomputeResult:
    scored: int = 0  # creators scored
    written: int = 0  # creator rows whose score or breakdown changed (and were written)
    history_written: int = 0  # daily history points added or changed
    listed_changed: int = 0  # of the rows written, those of listed (approved) creators


def configured_weights() -> dict[str, float]:
    """The weights in force: DEFAULT_WEIGHTS with `settings.SCORING_WEIGHTS` merged in.

    A bad override is a deployment mistake, not a data problem: it is reported naming the
    setting, instead of a bare ValueError from deep inside a recompute."""
    overrides = getattr(settings, "SCORING_WEIGHTS", None)
    try:
        return merge_weights(overrides if overrides is not None else {})
    except ValueError as exc:
        raise ImproperlyConfigured(f"SCORING_WEIGHTS is invalid: {exc}") from None


Batch = tuple[list[int], tuple[int, int] | None]  # creator ids, and (first, last) when complete


def _id_batches(creator_ids: Iterable[int] | None) -> Iterator[Batch]:
    """Batches of creator ids; walking every creator, each batch is every creator in its pk
    range, so its queries select by range instead of sending a thousand ids."""
    if creator_ids is not None:
        ids = sorted(set(creator_ids))
        for start in range(0, len(ids), BATCH_SIZE):
            yield ids[start : start + BATCH_SIZE], None
        return
    last = 0
    while True:
        batch = list(
            Creator.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if batch:
            yield batch, (batch[0], batch[-1])
        if len(batch) < BATCH_SIZE:
            return
        last = batch[-1]


def _history_near(batch: Batch, *, today: dt.date) -> tuple[dict[int, float], dict[int, tuple]]:
    """Each creator's newest point 7 to 14 days old, and today's point (one query)."""
    ids, span = batch
    scope = (
        Q(creator_id__gte=span[0], creator_id__lte=span[1]) if span else ids_in("creator_id", ids)
    )
    points = (
        ScoreHistory.objects.filter(scope, date__gte=today - WEEK_DELTA_MAX_AGE)
        .filter(date__lte=today)
        .order_by("creator_id", "date")
        .values_list("creator_id", "date", "score", "confidence", "version")
    )
    week_ago: dict[int, float] = {}
    today_points: dict[int, tuple] = {}
    for creator_id, date, score, confidence, version in points:
        if date <= today - WEEK:
            week_ago[creator_id] = score  # ordered by date: the newest wins
        elif date == today:
            today_points[creator_id] = (score, confidence, version)
    return week_ago, today_points


def _result_values(result: ScoreResult, *, week_ago: float | None) -> tuple:
    return (
        result.score,
        result.confidence,
        result.breakdown,
        SCORING_VERSION,
        None if week_ago is None else round(result.score - week_ago, 1),
        result.raw_score,
        result.activity,
        result.on_break,
        result.stale,
        result.followers_total,
        result.last_active_at,
    )


@dataclass(frozen=True, slots=True)
class _Batch:
    rows: list[tuple]  # (pk, status, on_break_until, *RESULT_FIELDS as stored)
    inputs: dict[int, CreatorInput]
    week_ago: dict[int, float]
    today_points: dict[int, tuple]


def _load_batch(batch: Batch, *, now: dt.datetime) -> _Batch:
    """Everything scoring a batch reads, in a constant number of queries."""
    window_days: int = settings.SCORING_WINDOW_DAYS
    ids, span = batch
    rows = list(
        Creator.objects.filter(Q(pk__range=span) if span else ids_in("pk", ids))
        .order_by("pk")
        .values_list("pk", "status", "on_break_until", *RESULT_FIELDS)
    )
    activity = 3 + RESULT_FIELDS.index("score_activity")
    inputs = creator_inputs(
        [(row[0], row[2], row[activity]) for row in rows],
        now=now,
        cutoff=now - dt.timedelta(days=window_days),
        span=span,
    )
    week_ago, today_points = _history_near(batch, today=timezone.localdate(now))
    return _Batch(rows, inputs, week_ago, today_points)


def _loaded_batches(batches: Iterator[Batch], *, now: dt.datetime) -> Iterator[_Batch]:
    """The batches, loaded one ahead in a second thread when that is safe.

    Loading is mostly waiting for PostgreSQL and scoring is Python: overlapping them keeps both
    cores busy. The loader has its own connection, which cannot see uncommitted rows, so inside
    a transaction (an import scoring what it just wrote, the test suite) batches load in turn.
    """
    if connection.in_atomic_block or connection.vendor != "postgresql":
        for batch in batches:
            yield _load_batch(batch, now=now)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="score-loader") as pool:
        try:
            ahead = None
            for batch in batches:
                following = pool.submit(_load_batch, batch, now=now)
                if ahead is not None:
                    yield ahead.result()
                ahead = following
            if ahead is not None:
                yield ahead.result()
        finally:
            pool.submit(connections.close_all).result()


def _score(
    creator: CreatorInput,
    *,
    now: dt.datetime,
    stats: DirectoryStats,
    weights: dict[str, float],
    window_days: int,
) -> ScoreResult:
    """The score under these directory statistics: the one call the recompute and the import's
    scoring of new creators share, so the two cannot drift apart."""
    return score_creator(
        creator,
        now=now,
        directory_median=stats.median,
        weights=weights,
        window_days=window_days,
        conversation_priors=stats.priors,
    )


def _rescore_batch(
    batch: _Batch, *, now: dt.datetime, stats: DirectoryStats, weights: dict[str, float]
) -> RecomputeResult:
    today = timezone.localdate(now)
    window_days: int = settings.SCORING_WINDOW_DAYS
    rows, inputs, week_ago, today_points = (
        batch.rows,
        batch.inputs,
        batch.week_ago,
        batch.today_points,
    )
    changed: list[Creator] = []
    history: list[ScoreHistory] = []
    listed = 0
    for pk, status, _until, *stored in rows:
        result = _score(inputs[pk], now=now, stats=stats, weights=weights, window_days=window_days)
        values = _result_values(result, week_ago=week_ago.get(pk))
        # The breakdown is plain dicts, lists and numbers, so the stored one compares equal to
        # a new one with the same content (dict equality ignores jsonb's key order).
        if values != tuple(stored):
            creator = Creator(pk=pk, score_updated_at=now)
            for name, value in zip(RESULT_FIELDS, values, strict=True):
                setattr(creator, name, value)
            changed.append(creator)
            listed += status == CreatorStatus.APPROVED
        point = (result.score, result.confidence, SCORING_VERSION)
        if today_points.get(pk) != point:
            history.append(
                ScoreHistory(
                    creator_id=pk,
                    date=today,
                    score=result.score,
                    confidence=result.confidence,
                    version=SCORING_VERSION,
                )
            )
    with transaction.atomic() if changed and history else nullcontext():
        if changed:
            rows_update(Creator, changed, SCORE_FIELDS)
        if history:
            # One point a day: a second recompute on the same day replaces that day's point.
            rows_upsert(
                ScoreHistory,
                history,
                unique_fields=["creator", "date"],
                update_fields=["score", "confidence", "version"],
            )
    return RecomputeResult(len(rows), len(changed), len(history), listed)


def creators_rescore(
    *,
    creator_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    refresh_stats: bool = True,
) -> RecomputeResult:
    """Score the given creators (every creator when None), store what changed, say how much.

    With `refresh_stats` (the default) the directory median and priors are computed from the
    data as it stands and stored again afterwards (the median then over the new measured
    scores); without it, the stored ones are used (`scoring_stats_current`)."""
    now = now or timezone.now()
    window_days: int = settings.SCORING_WINDOW_DAYS
    weights = configured_weights()
    if refresh_stats:
        stats = scoring_stats_compute(now=now, window_days=window_days)
    else:
        stats = scoring_stats_current(now=now, window_days=window_days)
    scored = written = history = listed = 0
    for batch in _loaded_batches(_id_batches(creator_ids), now=now):
        result = _rescore_batch(batch, now=now, stats=stats, weights=weights)
        scored += result.scored
        written += result.written
        history += result.history_written
        listed += result.listed_changed
    if refresh_stats and scored:
        # The median over the measured scores just written; the priors read snapshots, which
        # scoring does not change, so the ones just used stay true.
        median, count = directory_median_and_count()
        scoring_stats_store(
            stats=DirectoryStats(median, stats.priors, count), now=now, window_days=window_days
        )
    if listed:
        transaction.on_commit(listing_changed)
    return RecomputeResult(scored, written, history, listed)


def new_creator_score(
    creator: CreatorInput,
    *,
    now: dt.datetime,
    stats: DirectoryStats,
    weights: dict[str, float],
) -> tuple[ScoreResult, dict[str, object]]:
    """What `creators_rescore` stores for a creator that has no stored score and no score
    history yet: the result (its history point) and the `SCORE_FIELDS` values. The import
    scores the creators it adds before writing them, from the document, with the statistics
    a `creators_rescore` of them would compute; the two must not drift apart (tested)."""
    result = _score(
        creator, now=now, stats=stats, weights=weights, window_days=settings.SCORING_WINDOW_DAYS
    )
    values = dict(zip(RESULT_FIELDS, _result_values(result, week_ago=None), strict=True))
    values["score_updated_at"] = now
    return result, values


def creators_recompute_scores(
    *, creator_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Score the given creators (all when None) and store the results; returns how many."""
    return creators_rescore(creator_ids=creator_ids, now=now).scored


def creator_recompute_score(*, creator_id: int, now: dt.datetime | None = None) -> float | None:
    """Recompute one creator with the stored directory statistics; returns the new score, or
    None if the creator no longer exists. Its cost does not grow with the directory."""
    if not creators_rescore(creator_ids=[creator_id], now=now, refresh_stats=False).scored:
        return None
    return Creator.objects.values_list("interactivity_score", flat=True).get(pk=creator_id)
