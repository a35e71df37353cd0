"""Sending email: rendered now, delivered by a Celery task once the transaction commits.

`email_send()` is the one way the site sends mail. The message is rendered in the caller (from
a subject, a plain-text and an HTML template), so the task carries only strings; it is handed
to the broker only after the current transaction commits (nothing is sent for a rollback) and
with one quick attempt, so neither a slow mail server nor a broker that is down holds a
request. The task (`directory.tasks.email_deliver`) retries a failing mail server with back-off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from directory.services.enqueue import task_publish

logger = logging.getLogger(__name__)

DELIVER_TASK = "directory.tasks.email_deliver"


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
    subject = " ".join(render_to_string(subject_template, context).split())
    message = {
        "to": recipients,
        "subject": subject,
        "text": render_to_string(text_template, context),
        "html": render_to_string(html_template, context),
    }

    def publish() -> None:
        try:
            task_publish(name=DELIVER_TASK, kwargs=message)
        except Exception as exc:  # the broker is down: never fail the request that sent it
            logger.error(
                "email %r to %d recipient(s) not queued: %s", subject, len(recipients), exc
            )

    transaction.on_commit(publish)


def email_deliver(*, to: list[str], subject: str, text: str, html: str) -> None:
    """Hand one rendered message to the mail backend (called by the task; raises on failure)."""
    email = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    email.attach_alternative(html, "text/html")
    email.send(fail_silently=False)
