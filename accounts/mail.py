"""The accounts app's emails go through the site's one mail path, `directory.services.notify`.

Until that module (branch d-submit) is merged, a stand-in with the same signature renders the
message now and sends it after the transaction commits. Delete the stand-in once notify lands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

try:
    from directory.services.notify import email_send
except ImportError:  # pragma: no cover - replaced by d-submit's notify on merge

    def email_send(  # type: ignore[misc]
        *,
        to: Sequence[str],
        subject_template: str,
        text_template: str,
        html_template: str,
        context: Mapping[str, Any],
    ) -> None:
        recipients = [address for address in to if address]
        if not recipients:
            return
        subject = " ".join(render_to_string(subject_template, context).split())
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string(text_template, context), to=recipients
        )
        message.attach_alternative(render_to_string(html_template, context), "text/html")
        transaction.on_commit(lambda: message.send(fail_silently=True))


__all__ = ["email_send"]
