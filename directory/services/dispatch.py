"""Choosing which links to refresh now, and enqueueing them spread over the dispatch period.

Run every 15 minutes by the `dispatch_due_links` beat task. A link is dispatchable when it is
due (`next_fetch_at` passed or never set) and not already in flight, or when it was enqueued
long ago and never finished: its message was lost (broker down at submission, purged queue).
Demo links, reserved example domains, platforms without an API, DISABLED/MANUAL links and the
links of creators removed at their own request (we stop collecting their data) are never
dispatched.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from directory.models import PLATFORMS_WITHOUT_API, CreatorStatus, FetchState, PlatformLink

logger = logging.getLogger(__name__)


DISPATCH_PERIOD = dt.timedelta(minutes=15)
DISPATCH_LIMIT = 2000
# A link enqueued this long ago without finishing lost its message (broker down, purged queue).
STALE_ENQUEUE = dt.timedelta(hours=3)
_RESERVED_URL_RE = r"^https?://([^/?#]*\.)?(example\.(com|net|org)|[^/?#]*\.(example|test|invalid))\.?(:[0-9]+)?([/?#]|$)"


def links_dispatchable(now: dt.datetime) -> QuerySet[PlatformLink]:
    """Links to enqueue now: due and not in flight, or enqueued long ago and never finished."""
    stale = now - STALE_ENQUEUE
    due = Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
    not_in_flight = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
    return (
        PlatformLink.objects.exclude(fetch_state__in=[FetchState.DISABLED, FetchState.MANUAL])
        .exclude(platform__in=PLATFORMS_WITHOUT_API)
        .exclude(creator__is_demo=True)
        .exclude(creator__status=CreatorStatus.REMOVED)
        .exclude(url__iregex=_RESERVED_URL_RE)
        .filter((due & not_in_flight) | Q(enqueued_at__lt=stale))
    )


def spread_countdowns(count: int, period: dt.timedelta = DISPATCH_PERIOD) -> list[int]:
    """Evenly spaced start delays (seconds) over one dispatch period, so hosts see a trickle."""
    seconds = period.total_seconds()
    return [int(i * seconds / count) for i in range(count)]


def links_dispatch(*, now: dt.datetime | None = None, limit: int = DISPATCH_LIMIT) -> int:
    """Enqueue a refresh for every dispatchable link (at most `limit`); returns how many.

    On PostgreSQL the rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so two
    dispatchers (a second beat by mistake, a manual run) never enqueue the same link twice.
    The messages are sent only after the claim commits.
    """
    from directory.tasks import send_refresh

    now = now or timezone.now()
    with transaction.atomic():
        query = links_dispatchable(now).order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        ids = list(query.values_list("pk", flat=True)[:limit])
        if not ids:
            return 0
        # next_fetch_at is a lease until the task records the real next time.
        PlatformLink.objects.filter(pk__in=ids).update(
            enqueued_at=now, next_fetch_at=now + dt.timedelta(hours=settings.FETCH_INTERVAL_HOURS)
        )
        plan = list(zip(ids, spread_countdowns(len(ids)), strict=True))
        transaction.on_commit(lambda: send_refresh(plan))
    logger.info("dispatched %d link refreshes", len(ids))
    return len(ids)
