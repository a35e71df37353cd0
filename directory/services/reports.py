"""Visitors' reports about a profile: receiving them (urgent ones reach moderators at once) and
resolving them with an outcome that is kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import (
    AuditAction,
    Creator,
    Report,
    ReportOutcome,
    ReportReason,
    ReportStatus,
)
from directory.services.audit import audit_record
from directory.services.notify import email_send

if TYPE_CHECKING:
    from accounts.models import User

# Words that make a report urgent whatever reason was chosen: a visitor worried about someone's
# safety may not pick the "suicide or self-harm" reason. Matched as whole words.
URGENT_WORDS = re.compile(
    r"\b(suicid\w*|self[- ]?harm\w*|kill (?:my|him|her|them)sel(?:f|ves)|end (?:my|their) life)\b",
    re.IGNORECASE,
)


def report_is_urgent(*, reason: str, details: str) -> bool:
    return reason == ReportReason.SELF_HARM or bool(URGENT_WORDS.search(details))


def report_submit(*, creator: Creator, reason: str, details: str = "") -> Report:
    """Store a visitor's report; an urgent one emails MODERATOR_EMAILS after commit."""
    if reason not in ReportReason.values:
        raise ValidationError(_("Choose what is wrong."), code="invalid_reason")
    details = details.strip()
    with transaction.atomic():
        report = Report.objects.create(
            creator=creator,
            reason=reason,
            details=details,
            urgent=report_is_urgent(reason=reason, details=details),
        )
        recipients = list(getattr(settings, "MODERATOR_EMAILS", []) or [])
        if report.urgent and recipients:
            email_send(
                to=recipients,
                subject_template="directory/email/urgent_report_subject.txt",
                text_template="directory/email/urgent_report.txt",
                html_template="directory/email/urgent_report.html",
                context={
                    "creator_name": creator.name,
                    "reason": report.get_reason_display(),
                    "details": details,
                    "admin_url": settings.SITE_URL
                    + reverse("admin:directory_report_change", args=[report.pk]),
                },
            )
    return report


def report_resolve(*, report: Report, moderator: User | None, outcome: str, note: str = "") -> bool:
    """Close a report with its outcome; audited on the creator. False if already resolved."""
    if outcome not in ReportOutcome.values:
        raise ValidationError(_("Choose an outcome."), code="invalid_outcome")
    with transaction.atomic():
        current = Report.objects.select_for_update().select_related("creator").get(pk=report.pk)
        if current.status == ReportStatus.RESOLVED:
            return False
        current.status = ReportStatus.RESOLVED
        current.outcome = outcome
        current.resolution_note = note
        current.resolved_by = moderator if getattr(moderator, "is_authenticated", False) else None
        current.resolved_at = timezone.now()
        current.save()
        audit_record(
            creator=current.creator,
            actor=moderator,
            action=AuditAction.REPORT_RESOLVED,
            reason=outcome,
            note=note,
            changes={"report": [current.get_reason_display(), current.get_outcome_display()]},
        )
    report.status, report.outcome = current.status, current.outcome
    return True
