"""Sending link refreshes to the workers: the one way a service enqueues work.

Services never import `directory.tasks` (tasks call services, not the other way round); they
enqueue through `links_enqueue()`, which looks the task up by name in the Celery app. Messages
leave only after the current transaction commits, and a broker that is down loses nothing: the
links stay un-enqueued and the dispatcher picks them up on its next run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from kombu import Connection

from directory.models import PlatformLink

logger = logging.getLogger(__name__)

REFRESH_TASK = "directory.tasks.refresh_link"
# One short attempt to reach the broker. kombu otherwise retries the connection for its whole
# connect timeout (4 s) and Celery's publish retry adds more: a request must not wait for a broker
# that is down. What could not be sent is picked up later (the dispatcher, for links).
QUICK_CONNECT_TIMEOUT = 0.5


@contextmanager
def broker_connection_quick() -> Iterator[Connection]:
    """A broker connection that fails at once, not after retries, when the broker is down."""
    app = current_app
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    with app.connection_for_write(
        connect_timeout=QUICK_CONNECT_TIMEOUT, transport_options=options
    ) as connection:
        yield connection


def task_publish(*, name: str, kwargs: dict[str, Any], countdown: int | None = None) -> None:
    """Send task `name` now with one quick attempt; raises if the broker cannot be reached."""
    with broker_connection_quick() as connection:
        current_app.tasks[name].apply_async(
            kwargs=kwargs, countdown=countdown, connection=connection, retry=False
        )


def links_send(plan: Iterable[tuple[int, int]]) -> int:
    """Send a refresh for each (link_id, countdown) now; returns how many were sent.

    If the broker is unreachable, the links not sent are made due again at once, so the next
    dispatcher run picks them up.
    """
    plan = list(plan)
    sent = 0
    try:
        task = current_app.tasks[REFRESH_TASK]
        with broker_connection_quick() as connection:
            for link_id, countdown in plan:
                task.apply_async(
                    (link_id,), countdown=countdown, connection=connection, retry=False
                )
                sent += 1
    except Exception as exc:  # kombu raises several types (OperationalError, OSError, ...)
        unsent = [link_id for link_id, _ in plan[sent:]]
        logger.warning("broker unavailable (%s); %d refreshes left for later", exc, len(unsent))
        PlatformLink.objects.filter(pk__in=unsent).update(enqueued_at=None, next_fetch_at=None)
    return sent


def links_send_now(*, link_ids: Iterable[int]) -> int:
    """Mark these links in flight and send a refresh for each at once; returns how many went.

    For callers that must say what happened (the admin's "Retry now"): run it after the changes
    the workers need have committed. Links the broker refused are left un-marked and due.
    """
    ids = list(link_ids)
    if not ids:
        return 0
    # Marked first: a fast worker may finish (and clear the mark) before the send returns.
    PlatformLink.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
    return links_send((link_id, 0) for link_id in ids)


def links_enqueue(*, link_ids: Iterable[int]) -> None:
    """Refresh these links soon, once the current transaction commits (nothing on rollback)."""
    ids = list(link_ids)
    if ids:
        transaction.on_commit(lambda: links_send_now(link_ids=ids))


RECOMPUTE_TASK = "directory.tasks.recompute_scores"
# Decisions in a burst (a bulk hide, a merge of several) ask for one directory recompute.
RECOMPUTE_COALESCE_SECONDS = 60


def scores_recompute_send() -> bool:
    """Ask a worker to recompute every score now; False if the broker could not be reached.

    A full recompute takes about a minute at 100,000 creators: a moderator's request must not
    wait for it. Unsent, nothing is lost: the daily recompute (beat) catches up.
    """
    try:
        if not cache.add("scores:recompute-requested", 1, timeout=RECOMPUTE_COALESCE_SECONDS):
            return True  # one is already on its way
    except Exception:  # an unreachable cache only means we cannot coalesce
        logger.warning("cache unavailable; sending the score recompute without coalescing")
    try:
        task_publish(name=RECOMPUTE_TASK, kwargs={})
    except Exception as exc:  # kombu raises several types (OperationalError, OSError, ...)
        logger.warning("broker unavailable (%s); scores follow at the daily recompute", exc)
        with suppress(Exception):
            cache.delete("scores:recompute-requested")
        return False
    return True
