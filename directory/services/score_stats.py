"""The directory median and the platform priors: computed by a batch recompute, then stored.

Every score is shrunk toward two statistics of the whole directory: the median measured score
of approved creators and, per platform, the median conversation value of fresh public links
(docs/scoring.md). They are computed in a few set-based queries by `scoring_stats_compute()`,
once per recompute of many creators, and stored in the one `ScoringStats` row. The recompute of
a single creator (after each fetch, or a moderator's snapshot) reads that row instead
(`scoring_stats_current()`), so its cost does not grow with the directory: its median and
priors are those of the last batch recompute, an approximation docs/scoring.md describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from django.conf import settings

from directory.models import Creator, CreatorStatus, PlatformLink, ScoringStats
from directory.scoring import DEFAULT_MEDIAN, conversation_priors_of
from directory.scoring.stats import median


class PriorRow(NamedTuple):
    """A link's latest snapshot as far as its conversation value goes: what
    `directory.scoring.components.comment_part` reads. A tuple, not a SnapshotInput: a
    directory's worth of frozen dataclasses cost more to build than the query and the maths
    together, and the database already holds these counts to its constraints."""

    platform: str
    followers: int | None
    posts_in_window: int | None
    comments_in_window: int | None
    unique_commenters_in_window: int | None
    likes_in_window: int | None
    shares_in_window: int | None


PRIOR_FIELDS = PriorRow._fields[1:]
_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class DirectoryStats:
    """What a score is shrunk toward: the directory median and per-platform priors."""

    median: float
    priors: dict[str, float]
    measured_creators: int = 0


def directory_median() -> float:
    """Median of approved creators' *measured* scores; DEFAULT_MEDIAN while there are none.

    Measured (`score_raw`, before shrinkage) rather than final scores: final scores are already
    pulled toward the median, so taking the median of them fed back on itself and every
    recompute moved scores a little even when no statistic had changed.
    """
    return directory_median_and_count()[0]


def directory_median_and_count() -> tuple[float, int]:
    """The directory median and how many measured scores it was taken over."""
    scores = list(
        Creator.objects.listed().filter(score_raw__isnull=False).values_list("score_raw", flat=True)
    )
    return (median(scores) if scores else DEFAULT_MEDIAN), len(scores)


def _fresh_latest(*, now: dt.datetime, window_days: int) -> Iterator[PriorRow]:
    """Each approved creator's public links' latest snapshot, when it is fresh."""
    rows = (
        PlatformLink.objects.public()
        .filter(
            creator__status=CreatorStatus.APPROVED,
            latest_snapshot__captured_at__gte=now - dt.timedelta(days=window_days),
            latest_snapshot__captured_at__lte=now,
        )
        .values_list("platform", *(f"latest_snapshot__{name}" for name in PRIOR_FIELDS))
        .order_by()
    )
    return map(PriorRow._make, rows.iterator(chunk_size=_CHUNK))


def platform_priors(
    *, now: dt.datetime, window_days: int, also: Iterable[PriorRow] = ()
) -> dict[str, float]:
    """Per-platform conversation medians over approved creators' latest fresh snapshots, and
    `also`: the same snapshots of links not written yet (an import scoring before it writes)."""
    return conversation_priors_of(chain(_fresh_latest(now=now, window_days=window_days), also))


def scoring_stats_compute(
    *, now: dt.datetime, window_days: int, also_latest: Iterable[PriorRow] = ()
) -> DirectoryStats:
    """The directory median and priors as the data stands now (two set-based queries), the
    priors taking `also_latest` too (see `platform_priors`)."""
    value, count = directory_median_and_count()
    return DirectoryStats(
        median=value,
        priors=platform_priors(now=now, window_days=window_days, also=also_latest),
        measured_creators=count,
    )


def scoring_stats_store(
    *, stats: DirectoryStats, now: dt.datetime, window_days: int
) -> DirectoryStats:
    """Store `stats` as the ones single-creator recomputes read; returns them."""
    row = ScoringStats(
        pk=ScoringStats.ONLY_ROW,
        median=stats.median,
        conversation_priors=stats.priors,
        window_days=window_days,
        measured_creators=stats.measured_creators,
        computed_at=now,
    )
    # One upsert statement: two recomputes finishing together cannot both insert the row.
    ScoringStats.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=[
            "median",
            "conversation_priors",
            "window_days",
            "measured_creators",
            "computed_at",
        ],
    )
    return stats


def scoring_stats_current(*, now: dt.datetime, window_days: int | None = None) -> DirectoryStats:
    """The stored statistics (one query); computed and stored first when there are none yet,
    or when they were taken over a different scoring window."""
    window_days = window_days or settings.SCORING_WINDOW_DAYS
    row = ScoringStats.objects.filter(pk=ScoringStats.ONLY_ROW, window_days=window_days).first()
    if row is not None:
        priors = row.conversation_priors if isinstance(row.conversation_priors, dict) else {}
        return DirectoryStats(
            median=row.median,
            priors={str(k): float(v) for k, v in priors.items()},
            measured_creators=row.measured_creators,
        )
    stats = scoring_stats_compute(now=now, window_days=window_days)
    return scoring_stats_store(stats=stats, now=now, window_days=window_days)
