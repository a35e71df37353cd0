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
from operator import attrgetter

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber

from directory.models import MEASUREMENT_FIELDS, PlatformLink, StatsSnapshot
from directory.scoring import CreatorInput, LinkInput, SnapshotInput
from directory.scoring.inputs import SOURCE_TRUST

_SNAPSHOT_COLUMNS = ("link_id", "source", "captured_at", *MEASUREMENT_FIELDS)
SOURCE_RANK = tuple(sorted(SOURCE_TRUST, key=SOURCE_TRUST.__getitem__))  # least trusted first

Row = tuple  # (link_id, source, captured_at, *measurements, newest last_post_at)
_captured_at = attrgetter("captured_at")


def ids_in(field: str, ids: list[int]) -> Q:
    """`field IN ids`; on PostgreSQL as one array parameter, not one placeholder per id (a
    statement with thousands of placeholders costs more to send than to run)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def values_in(field: str, values: list[str]) -> Q:
    """`field IN values` for text values, as one array parameter on PostgreSQL (see ids_in)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::text[])", [values])})
    return Q(**{f"{field}__in": values})


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


def _window_summary(
    scope: Q, *, now: dt.datetime, cutoff: dt.datetime
) -> dict[int, tuple[dt.datetime, dt.datetime | None, str]]:
    """Per link: the newest capture time in the window, the newest last_post_at and the most
    trusted source present (one aggregate query, no ranking)."""
    rank = Case(
        *(When(source=source, then=Value(i)) for i, source in enumerate(SOURCE_RANK)),
        output_field=IntegerField(),
    )
    rows = (
        StatsSnapshot.objects.filter(scope, captured_at__gte=cutoff, captured_at__lte=now)
        .values("link_id")
        .annotate(newest=Max("captured_at"), last_post=Max("last_post_at"), strongest=Max(rank))
        .order_by()
        .values_list("link_id", "newest", "last_post", "strongest")
    )
    return {
        link_id: (newest, last_post, SOURCE_RANK[strongest])
        for link_id, newest, last_post, strongest in rows
    }


def _latest_rows(link_ids: list[int]) -> list[Row]:
    """Each link's latest snapshot, whenever it was captured (one query)."""
    rows = (
        StatsSnapshot.objects.filter(ids_in("link_id", link_ids))
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
    """CreatorInputs for (pk, on_break_until, score_activity) rows in two to four queries.

    `span` (first pk, last pk) says the rows are every creator in that range, which the
    queries then select by range rather than by a list of ids."""
    creators = list(creators)
    by_creator = (
        Q(creator_id__gte=span[0], creator_id__lte=span[1])
        if span
        else ids_in("creator_id", [pk for pk, _, _ in creators])
    )
    latest_columns = ("source", "captured_at", *MEASUREMENT_FIELDS)
    links = list(
        PlatformLink.objects.public()
        .filter(by_creator)
        .order_by("pk")
        .values_list(
            "pk",
            "creator_id",
            "platform",
            *(f"latest_snapshot__{name}" for name in latest_columns),
        )
    )
    platforms = {row[0]: row[2] for row in links}
    snapshots: dict[int, list[Row]] = defaultdict(list)
    last_posts: dict[int, dt.datetime | None] = {}
    if links:
        on_break = {pk for pk, until, _ in creators if until is not None and until > now}
        window = _window_summary(ids_in("link_id", list(platforms)), now=now, cutoff=cutoff)
        slow: list[int] = []
        for pk, creator_id, _platform, source, captured_at, *values in links:
            newest, last_post, strongest = window.get(pk, (None, None, None))
            # The common case, decided without ranking anything: outside a break, a link whose
            # latest snapshot is the newest in the window and of its most trusted source is
            # the one the rules pick.
            if (
                newest is not None
                and creator_id not in on_break
                and captured_at == newest
                and source == strongest
            ):
                snapshots[pk].append((pk, source, captured_at, *values, last_post))
                last_posts[pk] = last_post
            else:
                slow.append(pk)
        if slow:
            rows = _window_rows(
                ids_in("link_id", slow), now=now, cutoff=cutoff, richest=bool(on_break)
            )
            seen = {row[0] for row in rows}
            without = [pk for pk in slow if pk not in seen]
            if without:
                rows += _latest_rows(without)
            for row in rows:
                snapshots[row[0]].append(row)
                last_posts[row[0]] = row[-1]
    links_of: dict[int, list[LinkInput]] = defaultdict(list)
    for pk, creator_id, platform, *_latest in links:
        # The measurements are SnapshotInput's first fields (it extends Measurements, which
        # MEASUREMENT_FIELDS lists in order): passed by position, a third cheaper than by name.
        picked = sorted(
            (
                SnapshotInput(*values, platform=platform, source=source, captured_at=captured_at)
                for _link, source, captured_at, *values, _last_post in snapshots.get(pk, ())
            ),
            key=_captured_at,
        )
        links_of[creator_id].append(
            LinkInput(pk, platform, tuple(picked), last_post_at=last_posts.get(pk))
        )
    return {
        pk: CreatorInput(
            links=tuple(links_of.get(pk, ())), on_break_until=until, previous_activity=activity
        )
        for pk, until, activity in creators
    }


__all__ = ["creator_inputs", "ids_in", "values_in"]
