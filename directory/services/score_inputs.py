"""Loading what the score reads for a batch of creators, a few rows per link.

The rules (directory/scoring/) pick one snapshot per link: the newest fresh one of the most
trusted source, the richest fresh one of that source while the creator is on a break, or the
link's latest one when nothing is fresh (the stats are then out of date). A link holds some 30
snapshots in a 90-day window, so instead of sending all of them to Python, the query ranks them
with window functions and returns only those the rules can pick, with the newest `last_post_at`
of the window, which the rules also read. A second query, only for links with no snapshot in
the window, fetches each one's latest snapshot. (Snapshots captured after `now`, which only a
recompute "as of" an earlier date meets, are left out of both the picks and `last_post_at`.)

Window functions work on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Max, Q, Window
from django.db.models.functions import Coalesce, RowNumber

from directory.models import MEASUREMENT_FIELDS, PlatformLink, StatsSnapshot
from directory.scoring import CreatorInput, LinkInput, SnapshotInput

_SNAPSHOT_COLUMNS = ("link_id", "source", "captured_at", *MEASUREMENT_FIELDS)

Row = tuple  # (link_id, source, captured_at, *measurements, newest last_post_at)


def _window_rows(scope: Q, *, now: dt.datetime, cutoff: dt.datetime, richest: bool) -> list[Row]:
    """The fresh snapshots the rules can pick, per link and source (one query)."""
    by_link_source = [F("link_id"), F("source")]
    annotations = {
        "newest": Window(
            RowNumber(), partition_by=by_link_source, order_by=F("captured_at").desc()
        ),
        "window_last_post": Window(Max("last_post_at"), partition_by=[F("link_id")]),
    }
    keep = Q(newest=1)
    if richest:
        # Only a creator on a break uses the window's richest snapshot: rank it only then.
        evidence = Coalesce("posts_in_window", 0) + Coalesce("posts_with_comments", 0)
        annotations["richest"] = Window(
            RowNumber(),
            partition_by=by_link_source,
            order_by=[evidence.desc(), F("captured_at").desc()],
        )
        keep |= Q(richest=1)
    rows = (
        StatsSnapshot.objects.filter(scope, captured_at__gte=cutoff, captured_at__lte=now)
        .annotate(**annotations)
        .filter(keep)
        .order_by()
        .values_list(*_SNAPSHOT_COLUMNS, "window_last_post")
    )
    return list(rows)


def _latest_rows(link_ids: list[int]) -> list[Row]:
    """Each link's latest snapshot, whenever it was captured (one query)."""
    rows = (
        StatsSnapshot.objects.filter(link_id__in=link_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("link_id")],
                order_by=[F("captured_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .order_by()
        .values_list(*_SNAPSHOT_COLUMNS)
    )
    # The newest last_post_at seen is the latest snapshot's own (the row's last column).
    return [(*row, row[-1]) for row in rows]


def creator_inputs(
    creators: Iterable[tuple[int, dt.datetime | None, float | None]],
    *,
    now: dt.datetime,
    cutoff: dt.datetime,
    span: tuple[int, int] | None = None,
) -> dict[int, CreatorInput]:
    """CreatorInputs for (pk, on_break_until, score_activity) rows in two or three queries.

    `span` (first pk, last pk) says the rows are every creator in that range, which the
    queries then select by range rather than by a list of ids."""
    creators = list(creators)
    by_creator = (
        Q(creator_id__gte=span[0], creator_id__lte=span[1])
        if span
        else Q(creator_id__in=[pk for pk, _, _ in creators])
    )
    links = list(
        PlatformLink.objects.public()
        .filter(by_creator)
        .order_by("pk")
        .values_list("pk", "creator_id", "platform")
    )
    platforms = {pk: platform for pk, _, platform in links}
    snapshots: dict[int, list[SnapshotInput]] = defaultdict(list)
    last_posts: dict[int, dt.datetime | None] = {}
    if links:
        richest = any(until is not None and until > now for _, until, _ in creators)
        scope = (
            Q(
                link__creator_id__gte=span[0],
                link__creator_id__lte=span[1],
                link__is_public=True,
            )
            if span
            else Q(link_id__in=list(platforms))
        )
        rows = [
            row
            for row in _window_rows(scope, now=now, cutoff=cutoff, richest=richest)
            if row[0] in platforms
        ]
        seen = {row[0] for row in rows}
        without = [pk for pk in platforms if pk not in seen]
        if without:
            rows += _latest_rows(without)
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
    links_of: dict[int, list[LinkInput]] = defaultdict(list)
    for pk, creator_id, platform in links:
        picked = sorted(snapshots.get(pk, ()), key=lambda s: s.captured_at)
        links_of[creator_id].append(
            LinkInput(pk, platform, tuple(picked), last_post_at=last_posts.get(pk))
        )
    return {
        pk: CreatorInput(
            links=tuple(links_of.get(pk, ())), on_break_until=until, previous_activity=activity
        )
        for pk, until, activity in creators
    }


__all__ = ["creator_inputs"]
