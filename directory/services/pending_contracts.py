"""SEAM (h-moderation): stand-ins for d-submit's contracts, used only until they are on main.

PLAN.md names them: `RejectionReason` (directory/models.py), `submission_decided()`
(directory/services/submissions.py), `creator_remove()` (directory/services/removal.py) and
`email_send()` (directory/services/notify.py). Each import below takes the real one when it
exists; the fallback underneath is the smallest thing that keeps moderation working without it.
Once all four are on main, delete this module and import them directly.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from directory.models import Creator, CreatorStatus

logger = logging.getLogger(__name__)

try:
    from directory.models import RejectionReason  # type: ignore[attr-defined]
except ImportError:  # SEAM: d-submit's TextChoices, same values

    class RejectionReason(models.TextChoices):  # type: ignore[no-redef]
        NOT_ABOUT_MENTAL_HEALTH = "not_about_mental_health", _("Not about mental health")
        SPAM = "spam", _("Spam or commercial")
        UNSAFE = "unsafe", _("Unsafe content")
        DUPLICATE = "duplicate", _("Duplicate of a listed creator")
        UNVERIFIABLE = "unverifiable", _("Could not verify")
        OTHER = "other", _("Other")


try:
    from directory.services.submissions import submission_decided  # type: ignore[import-not-found]
except ImportError:  # SEAM: no Submission model yet, so nobody to tell

    def submission_decided(*, creator: Creator, approved: bool, reason: str = "", note: str = ""):
        return None


try:
    from directory.services.removal import creator_remove  # type: ignore[import-not-found]
except ImportError:  # SEAM: no tombstones yet; take the creator out of every public view

    def creator_remove(*, creator_id: int, reason: str = "", actor: Any = None) -> None:
        Creator.objects.filter(pk=creator_id).update(status=CreatorStatus.REMOVED)


try:
    from directory.services.notify import email_send  # type: ignore[import-not-found]
except ImportError:  # SEAM: Django's mail, sent after commit (no retry until d-submit's lands)

    def email_send(
        *,
        to: list[str],
        subject_template: str,
        text_template: str,
        html_template: str,
        context: dict[str, Any],
    ) -> None:
        def send() -> None:
            subject = " ".join(render_to_string(subject_template, context).split())
            body = render_to_string(text_template, context)
            html = render_to_string(html_template, context)
            try:
                send_mail(subject, body, None, to, html_message=html)
            except Exception:  # a mail server that is down must not break the request
                logger.exception("could not email %s", to)

        transaction.on_commit(send)
