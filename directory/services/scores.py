"""Recomputing and storing interactivity scores (the pure maths lives in directory/scoring/).

`creators_recompute_scores()` loads creators, their public links and the snapshots that matter
(those inside the scoring window, plus each link's latest one for the staleness rule) in a
constant number of queries per batch of `BATCH_SIZE` creators, scores them, and writes the
denormalised score fields with `bulk_update` and one history point a day with an upsert.

Called by `manage.py recompute_scores`, by the refresh service after a link's stats change and
by the import service after an import. Creators of any status are scored (so a creator approved
later already has a score), but the directory median that thin evidence is shrunk toward is
the median of *approved* creators' measured scores (before shrinkage), so that recomputing
unchanged data gives the same scores.

Links whose account asked not to be indexed (`is_public=False`) are left out of the score: we do
not use statistics of an account that opted out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from directory.models import (
    MEASUREMENT_FIELDS,
    Creator,
    CreatorStatus,
    PlatformLink,
    ScoreHistory,
    StatsSnapshot,
)
from directory.scoring import (
    DEFAULT_MEDIAN,
    SCORING_VERSION,
    CreatorInput,
    LinkInput,
    SnapshotInput,
    conversation_priors,
    merge_weights,
    score_creator,
)
from directory.scoring.stats import median

BATCH_SIZE = 500
WEEK = dt.timedelta(days=7)
# The week-on-week movement compares with the newest point at least 7 days old, if it is at
# most this old (a creator scored irregularly has no meaningful "last week").
WEEK_DELTA_MAX_AGE = dt.timedelta(days=14)
# The Creator fields a recompute writes (and the admin shows read-only).
SCORE_FIELDS = (
    "interactivity_score",
    "score_confidence",
    "score_breakdown",
    "score_version",
    "score_updated_at",
    "score_week_delta",
    "score_raw",
    "score_activity",
    "score_on_break",
    "stats_stale",
    "followers_total",
    "last_active_at",
)


def configured_weights() -> dict[str, float]:
    """The weights in force: DEFAULT_WEIGHTS with `settings.SCORING_WEIGHTS` merged in.

    A bad override is a deployment mistake, not a data problem: it is reported naming the
    setting, instead of a bare ValueError from deep inside a recompute."""
    overrides = getattr(settings, "SCORING_WEIGHTS", None)
    try:
        return merge_weights(overrides if overrides is not None else {})
    except ValueError as exc:
        raise ImproperlyConfigured(f"SCORING_WEIGHTS is invalid: {exc}") from None


def directory_median() -> float:
    """Median of approved creators' *measured* scores; DEFAULT_MEDIAN while there are none.

    Measured (`score_raw`, before shrinkage) rather than final scores: final scores are already
    pulled toward the median, so taking the median of them fed back on itself and every
    recompute moved scores a little even when no statistic had changed.
    """
    scores = list(
        Creator.objects.listed().filter(score_raw__isnull=False).values_list("score_raw", flat=True)
    )
    return median(scores) if scores else DEFAULT_MEDIAN


def _snapshot_input(snapshot: StatsSnapshot, platform: str) -> SnapshotInput:
    return SnapshotInput(
        platform=platform,
        source=snapshot.source,
        captured_at=snapshot.captured_at,
        **{name: getattr(snapshot, name) for name in MEASUREMENT_FIELDS},
    )


def _load_inputs(creators: list[Creator], *, cutoff: dt.datetime) -> dict[int, CreatorInput]:
    """CreatorInputs for a batch in two queries: public links, then the snapshots that count."""
    ids = [c.pk for c in creators]
    links = list(
        PlatformLink.objects.public()
        .filter(creator_id__in=ids)
        .only("pk", "creator_id", "platform")
        .order_by("pk")
    )
    latest = StatsSnapshot.objects.filter(link=OuterRef("link")).order_by("-captured_at", "-pk")
    snapshots = StatsSnapshot.objects.filter(link__in=[ln.pk for ln in links]).filter(
        Q(captured_at__gte=cutoff) | Q(pk=Subquery(latest.values("pk")[:1]))
    )
    by_link: dict[int, list[StatsSnapshot]] = defaultdict(list)
    for snapshot in snapshots.order_by("link_id", "captured_at", "pk"):
        by_link[snapshot.link_id].append(snapshot)
    links_by_creator: dict[int, list[LinkInput]] = defaultdict(list)
    for link in links:
        snaps = tuple(_snapshot_input(s, link.platform) for s in by_link.get(link.pk, []))
        links_by_creator[link.creator_id].append(LinkInput(link.pk, link.platform, snaps))
    return {
        c.pk: CreatorInput(
            links=tuple(links_by_creator.get(c.pk, [])),
            on_break_until=c.on_break_until,
            previous_activity=c.score_activity,
        )
        for c in creators
    }


def _platform_priors(*, now: dt.datetime, window_days: int) -> dict[str, float]:
    """Per-platform conversation medians over approved creators' latest fresh snapshots."""
    rows = (
        PlatformLink.objects.public()
        .filter(
            creator__status=CreatorStatus.APPROVED,
            latest_snapshot__captured_at__gte=now - dt.timedelta(days=window_days),
        )
        .select_related("latest_snapshot")
    )
    inputs = [
        CreatorInput(links=(LinkInput(ln.pk, ln.platform, (_snapshot_input(s, ln.platform),)),))
        for ln in rows
        if (s := ln.latest_snapshot) is not None
    ]
    return conversation_priors(inputs, now=now, window_days=window_days)


def _week_ago_scores(ids: list[int], *, today: dt.date) -> dict[int, float]:
    """Each creator's newest history point that is 7 to 14 days old."""
    points = ScoreHistory.objects.filter(
        creator_id__in=ids,
        date__lte=today - WEEK,
        date__gte=today - WEEK_DELTA_MAX_AGE,
    ).order_by("creator_id", "date")
    out: dict[int, float] = {}
    for point in points.only("creator_id", "date", "score"):
        out[point.creator_id] = point.score  # ordered by date: the newest wins
    return out


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def creators_recompute_scores(
    *, creator_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Score the given creators (all when None) and store the results; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window_days: int = settings.SCORING_WINDOW_DAYS
    weights = configured_weights()
    queryset = Creator.objects.order_by("pk")
    if creator_ids is not None:
        queryset = queryset.filter(pk__in=list(creator_ids))
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    median = directory_median()
    priors = _platform_priors(now=now, window_days=window_days)
    cutoff = now - dt.timedelta(days=window_days)
    for batch in _batches(ids):
        creators = list(
            Creator.objects.filter(pk__in=batch)
            .order_by("pk")
            .only("pk", "on_break_until", "score_activity")
        )
        inputs = _load_inputs(creators, cutoff=cutoff)
        week_ago = _week_ago_scores(batch, today=today)
        history = []
        for creator in creators:
            result = score_creator(
                inputs[creator.pk],
                now=now,
                directory_median=median,
                weights=weights,
                window_days=window_days,
                conversation_priors=priors,
            )
            previous = week_ago.get(creator.pk)
            creator.interactivity_score = result.score
            creator.score_confidence = result.confidence
            creator.score_breakdown = result.breakdown
            creator.score_version = SCORING_VERSION
            creator.score_updated_at = now
            creator.score_week_delta = (
                None if previous is None else round(result.score - previous, 1)
            )
            creator.score_raw = result.raw_score
            creator.score_activity = result.activity
            creator.score_on_break = result.on_break
            creator.stats_stale = result.stale
            creator.followers_total = result.followers_total
            creator.last_active_at = result.last_active_at
            history.append(
                ScoreHistory(
                    creator_id=creator.pk,
                    date=today,
                    score=result.score,
                    confidence=result.confidence,
                    version=SCORING_VERSION,
                )
            )
        with transaction.atomic():
            Creator.objects.bulk_update(creators, SCORE_FIELDS, batch_size=BATCH_SIZE)
            # One point a day: a second recompute on the same day replaces that day's point.
            ScoreHistory.objects.bulk_create(
                history,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["creator", "date"],
                update_fields=["score", "confidence", "version"],
            )
    return len(ids)


def creator_recompute_score(*, creator_id: int, now: dt.datetime | None = None) -> float | None:
    """Recompute one creator; returns the new score, or None if the creator no longer exists."""
    if not creators_recompute_scores(creator_ids=[creator_id], now=now):
        return None
    return Creator.objects.values_list("interactivity_score", flat=True).get(pk=creator_id)
