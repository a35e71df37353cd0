"""Choosing which links to refresh now, and enqueueing them spread over the dispatch period.

Run every 15 minutes by the `dispatch_due_links` beat task. Which links go is
`PlatformLink.objects.dispatchable(now)`: fetchable links that are due (`next_fetch_at` passed
or never set) and not already in flight, or that were enqueued long ago and never finished.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from directory.models import PlatformLink
from directory.services.enqueue import links_send

logger = logging.getLogger(__name__)


DISPATCH_PERIOD = dt.timedelta(minutes=15)
DISPATCH_LIMIT = 2000


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
    now = now or timezone.now()
    with transaction.atomic():
        query = PlatformLink.objects.dispatchable(now).order_by(
            F("next_fetch_at").asc(nulls_first=True), "pk"
        )
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
        transaction.on_commit(lambda: links_send(plan))
    logger.info("dispatched %d link refreshes", len(ids))
    return len(ids)
