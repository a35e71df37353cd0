"""Celery tasks: thin entry points that load by id and call a service.

Retries are scheduled, never slept: a temporary failure is retried with exponential back-off and
"equal jitter" (half the delay fixed, half random, so delays still grow), never sooner than the
platform's `Retry-After`. Every countdown stays below the broker's visibility timeout (Redis
redelivers ETA tasks it thinks were lost); a wait longer than that is left to the dispatcher via
the link's `next_fetch_at`. A wait for our own per-host rate limit is a deferral, not an error,
and does not use up the retries.

Enqueue from a web request only after the transaction commits: `enqueue_link_refresh()`.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterable

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from directory.models import PlatformLink
from directory.services.dispatch import links_dispatch
from directory.services.refresh import link_defer, link_refresh

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
RETRY_BASE_SECONDS = 60
MAX_DEFERRALS = 30
# Below the Redis visibility timeout (3600 s, settings.CELERY_BROKER_TRANSPORT_OPTIONS).
MAX_COUNTDOWN_SECONDS = 1800
SOFT_TIME_LIMIT_SECONDS = 300
TIME_LIMIT_SECONDS = 360

_rng = random.SystemRandom()


class TemporaryFetchFailure(Exception):
    """The reason a refresh is being retried (a plain exception, so it pickles and logs)."""


def retry_countdown(errors_so_far: int, retry_after: float | None = None) -> int:
    """Seconds before retry number `errors_so_far + 1`: base * 2^n with equal jitter."""
    backoff = RETRY_BASE_SECONDS * 2**errors_so_far
    delay = backoff / 2 + _rng.uniform(0, backoff / 2)
    return math.ceil(max(delay, retry_after or 0.0))


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT_SECONDS,
    time_limit=TIME_LIMIT_SECONDS,
    # Celery's own counter also counts rate-limit deferrals; MAX_RETRIES is enforced below.
    max_retries=None,
    ignore_result=True,
)
def refresh_link(self, link_id: int, deferrals: int = 0) -> str:
    """Fetch one link's statistics now (see directory.services.refresh.link_refresh)."""
    errors_so_far = self.request.retries - deferrals
    outcome = link_refresh(link_id=link_id, final_attempt=errors_so_far >= MAX_RETRIES)
    if outcome.status == "deferred":
        wait = outcome.retry_after or 0.0
        if deferrals >= MAX_DEFERRALS or wait > MAX_COUNTDOWN_SECONDS:
            link_defer(link_id=link_id, seconds=wait)
            return "deferred"
        countdown = math.ceil(wait + _rng.uniform(0, 1 + wait / 10))
        raise self.retry(countdown=countdown, kwargs={"deferrals": deferrals + 1}, max_retries=None)
    if outcome.status == "retry":
        countdown = retry_countdown(errors_so_far, outcome.retry_after)
        if countdown > MAX_COUNTDOWN_SECONDS:
            link_defer(link_id=link_id, seconds=countdown)
            return "deferred"
        raise self.retry(countdown=countdown, exc=TemporaryFetchFailure(outcome.error))
    return outcome.status


def send_refresh(plan: Iterable[tuple[int, int]]) -> int:
    """Send `refresh_link` for each (link_id, countdown); returns how many were sent.

    If the broker is unreachable, the links not sent are made due again at once, so the next
    dispatcher run (or the stale-enqueue rule) picks them up: nothing is lost.
    """
    plan = list(plan)
    sent = 0
    try:
        for link_id, countdown in plan:
            refresh_link.apply_async((link_id,), countdown=countdown)
            sent += 1
    except Exception as exc:  # kombu raises several types (OperationalError, OSError, ...)
        unsent = [link_id for link_id, _ in plan[sent:]]
        logger.warning("broker unavailable (%s); %d refreshes left for later", exc, len(unsent))
        PlatformLink.objects.filter(pk__in=unsent).update(enqueued_at=None, next_fetch_at=None)
    return sent


def enqueue_link_refresh(link_id: int) -> None:
    """Refresh a link soon, once the current transaction commits (nothing if it rolls back).

    For web requests (a link was submitted or edited). If the broker is down the link stays
    un-enqueued and the dispatcher re-enqueues it on its next run; the request does not fail.
    """

    def send() -> None:
        # Marked first: a fast worker may finish (and clear the mark) before apply_async returns.
        PlatformLink.objects.filter(pk=link_id).update(enqueued_at=timezone.now())
        send_refresh([(link_id, 0)])

    transaction.on_commit(send)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def dispatch_due_links() -> int:
    """Run by beat every 15 minutes: enqueue every link whose refresh is due."""
    return links_dispatch()


@shared_task(ignore_result=True, soft_time_limit=1500, time_limit=1800)
def recompute_scores() -> None:
    """Run by beat daily: recompute every listed creator's score (activity decays with time)."""
    from directory.services.scores import creators_recompute_scores

    creators_recompute_scores()


EMAIL_MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=EMAIL_MAX_RETRIES)
def email_deliver(self, email_id: int) -> None:
    """Deliver one outbox message (directory.services.notify); a mail server that is down or
    refuses for now is retried with back-off (about 1 min, 2, 4 … 32), then left to
    `resend_emails`."""
    from smtplib import SMTPException

    from directory.services.notify import email_deliver as deliver

    try:
        deliver(email_id=email_id)
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from None


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def resend_emails() -> int:
    """Run by beat every 15 minutes: send again what is still in the email outbox."""
    from directory.services.notify import emails_resend

    return emails_resend()
