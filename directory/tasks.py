"""Celery tasks: thin entry points that load by id and call a service.

Retries are scheduled, never slept: a temporary failure is retried with exponential back-off and
"equal jitter" (half the delay fixed, half random, so delays still grow), never sooner than the
platform's `Retry-After`. Every countdown stays below the broker's visibility timeout (Redis
redelivers ETA tasks it thinks were lost); a wait longer than that is left to the dispatcher via
the link's `next_fetch_at`. A wait for our own per-host rate limit is a deferral, not an error,
and does not use up the retries.

Tasks only load by id and call a service; services never import this module. To enqueue a
refresh (after the transaction commits) use `directory.services.enqueue.links_enqueue()`.
"""

from __future__ import annotations

import logging
import math
import random

from celery import shared_task

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
