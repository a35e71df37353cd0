"""Sending email: rendered now, stored in an outbox, delivered by a Celery task after commit.

`email_send()` is the one way the site sends mail. The message is rendered in the caller (from
a subject, a plain-text and an HTML template) and written to the `OutgoingEmail` outbox in the
caller's transaction, so a rollback sends nothing. After commit the task
(`directory.tasks.email_deliver`) is handed to the broker with one quick attempt, so neither a
slow mail server nor a broker that is down holds a request. The task retries a failing mail
server with back-off; whatever is still in the outbox later (the broker was down, the retries
ran out) is sent again by the periodic `resend_emails` task. A delivered message is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from directory.models import OutgoingEmail
from directory.services.enqueue import task_publish

logger = logging.getLogger(__name__)

DELIVER_TASK = "directory.tasks.email_deliver"
# Longer than the task's own retries take to start (so a retrying message is not sent twice
# at once; a delivery takes the row's lock, and a delivered row is gone).
RESEND_AFTER = dt.timedelta(minutes=10)
# The outbox gives up on a message after this many failed deliveries.
MAX_ATTEMPTS = 20


def email_send(
    *,
    to: Sequence[str],
    subject_template: str,
    text_template: str,
    html_template: str,
    context: Mapping[str, Any],
) -> None:
    """Render the message now and deliver it from a task after the transaction commits."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": "Mental Health Voices", **context}
    # One line, whatever the template's whitespace: a header cannot hold a newline.
    subject = " ".join(render_to_string(subject_template, context).split())[:300]
    email = OutgoingEmail.objects.create(
        to=recipients,
        subject=subject,
        text=render_to_string(text_template, context),
        html=render_to_string(html_template, context),
    )
    transaction.on_commit(lambda: _publish(email.pk))


def _publish(email_id: int) -> bool:
    try:
        task_publish(name=DELIVER_TASK, kwargs={"email_id": email_id})
    except Exception as exc:  # the broker is down: never fail the request that sent it
        logger.warning("email %s left in the outbox for later: %s", email_id, exc)
        return False
    return True


def email_deliver(*, email_id: int) -> None:
    """Hand one outbox message to the mail backend and delete it (raises on failure)."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True).filter(pk=email_id).first()
        )
        if email is None:  # delivered already, or being delivered right now
            return
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        message.attach_alternative(email.html, "text/html")
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # recorded below, outside the lock, then raised for a retry
            error = exc
        else:
            email.delete()
            return
    OutgoingEmail.objects.filter(pk=email_id).update(
        attempts=F("attempts") + 1, last_error=str(error)[:1000]
    )
    raise error


def emails_resend(*, now: dt.datetime | None = None) -> int:
    """Send again what has waited in the outbox longer than RESEND_AFTER; returns how many."""
    cutoff = (now or timezone.now()) - RESEND_AFTER
    ids = list(
        OutgoingEmail.objects.filter(created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(_publish(email_id) for email_id in ids)
