"""Loading what the score reads for a batch of creators, a few rows per link.

The rules (directory/scoring/) pick one snapshot per link: the newest fresh one of the most
trusted source, the richest fresh one of that source while the creator is on a break, or the
newest usable one when nothing is fresh. A link holds some 30 snapshots in a 90-day window, so
instead of sending all of them to Python, the query ranks them with window functions and
returns only those the rules can pick, plus the newest `last_post_at` the rules also read.
The snapshots considered are the ones the rules always considered: those captured inside the
window and the link's latest (`PlatformLink.latest_snapshot`).

Window functions work on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import BooleanField, Case, F, Max, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from directory.models import MEASUREMENT_FIELDS, PlatformLink, StatsSnapshot
from directory.scoring import CreatorInput, LinkInput, SnapshotInput

_SNAPSHOT_COLUMNS = ("link_id", "source", "captured_at", *MEASUREMENT_FIELDS)


def _snapshot_rows(
    link_ids: list[int],
    latest_ids: list[int],
    *,
    now: dt.datetime,
    cutoff: dt.datetime,
    richest: bool,
) -> list[tuple]:
    by_link_source = [F("link_id"), F("source"), F("is_fresh")]
    annotations = {
        "newest": Window(
            RowNumber(), partition_by=by_link_source, order_by=F("captured_at").desc()
        ),
        "newest_usable": Window(
            Max(Case(When(captured_at__lte=now, then=F("captured_at")))),
            partition_by=[F("link_id")],
        ),
        "window_last_post": Window(Max("last_post_at"), partition_by=[F("link_id")]),
    }
    keep = Q(is_fresh=True, newest=1) | Q(captured_at=F("newest_usable"))
    if richest:
        # Only a creator on a break uses the window's richest snapshot: rank it only then.
        evidence = Coalesce("posts_in_window", 0) + Coalesce("posts_with_comments", 0)
        annotations["richest"] = Window(
            RowNumber(),
            partition_by=by_link_source,
            order_by=[evidence.desc(), F("captured_at").desc()],
        )
        keep |= Q(is_fresh=True, richest=1)
    rows = (
        StatsSnapshot.objects.filter(link_id__in=link_ids)
        .filter(Q(captured_at__gte=cutoff) | Q(pk__in=latest_ids))
        .annotate(
            is_fresh=Case(
                When(captured_at__gte=cutoff, captured_at__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .annotate(**annotations)
        .filter(keep)
        .order_by()
        .values_list(*_SNAPSHOT_COLUMNS, "window_last_post")
    )
    return list(rows)


def creator_inputs(
    creators: Iterable[tuple[int, dt.datetime | None, float | None]],
    *,
    now: dt.datetime,
    cutoff: dt.datetime,
) -> dict[int, CreatorInput]:
    """CreatorInputs for (pk, on_break_until, score_activity) rows in two queries."""
    creators = list(creators)
    links = list(
        PlatformLink.objects.public()
        .filter(creator_id__in=[pk for pk, _, _ in creators])
        .order_by("pk")
        .values_list("pk", "creator_id", "platform", "latest_snapshot_id")
    )
    snapshots: dict[int, list[SnapshotInput]] = defaultdict(list)
    last_posts: dict[int, dt.datetime | None] = {}
    if links:
        platforms = {pk: platform for pk, _, platform, _ in links}
        richest = any(until is not None and until > now for _, until, _ in creators)
        rows = _snapshot_rows(
            list(platforms),
            [latest for *_, latest in links if latest is not None],
            now=now,
            cutoff=cutoff,
            richest=richest,
        )
        for link_id, source, captured_at, *values, last_post in rows:
            snapshots[link_id].append(
                SnapshotInput(
                    platform=platforms[link_id],
                    source=source,
                    captured_at=captured_at,
                    **dict(zip(MEASUREMENT_FIELDS, values, strict=True)),
                )
            )
            last_posts[link_id] = last_post
    by_creator: dict[int, list[LinkInput]] = defaultdict(list)
    for pk, creator_id, platform, _ in links:
        picked = sorted(snapshots.get(pk, ()), key=lambda s: s.captured_at)
        by_creator[creator_id].append(
            LinkInput(pk, platform, tuple(picked), last_post_at=last_posts.get(pk))
        )
    return {
        pk: CreatorInput(
            links=tuple(by_creator.get(pk, ())), on_break_until=until, previous_activity=activity
        )
        for pk, until, activity in creators
    }


__all__ = ["creator_inputs"]
