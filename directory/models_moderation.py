"""What moderation keeps: the audit trail of decisions and edits, and visitors' reports.

The audit trail outlives the creator it describes (a creator removed at their request is
deleted, but who removed them, when and why is kept): entries hold the creator's id and name as
plain values, and their foreign key only links to the creator while it exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    RESTORED = "restored", _("Restored")
    REMOVED = "removed", _("Removed at the creator's request")
    MERGED = "merged", _("Merged a duplicate into this creator")
    MERGED_AWAY = "merged_away", _("Merged into another creator")
    EDITED = "edited", _("Public fields changed")
    EDIT_REJECTED = "edit_rejected", _("Owner's proposed edit not approved")
    CLAIM_APPROVED = "claim_approved", _("Claim approved by hand")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")
    LICENCE_VERIFIED = "licence_verified", _("Licensed professional verified")
    REPORT_RESOLVED = "report_resolved", _("Report resolved")
    LINK_UNSUPPORTED = "link_unsupported", _("Link marked unsupported")


class AuditEntry(models.Model):
    """One decision or change: who, when, what (before → after) and why. Append-only."""

    creator = models.ForeignKey(
        "directory.Creator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("creator"),
    )
    creator_ref = models.BigIntegerField(_("creator id"), db_index=True)
    creator_name = models.CharField(_("creator name"), max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    actor_name = models.CharField(_("moderator name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, help_text=_("{field: [before, after]}")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("AuditEntry is append-only; write a new entry instead.")
        super().save(*args, **kwargs)


class ReportReason(models.TextChoices):
    SELF_HARM = "self_harm", _("Content about suicide or self-harm that worries me")
    UNSAFE = "unsafe", _("Unsafe content")
    IMPERSONATION = "impersonation", _("Someone is pretending to be this person")
    NOT_MENTAL_HEALTH = "not_mental_health", _("Not about mental health")
    BROKEN_LINK = "broken_link", _("A link is broken")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ReportOutcome(models.TextChoices):
    ACTED = "acted", _("Acted on (hidden, edited or removed)")
    NO_ACTION = "no_action", _("Checked: no action needed")
    DUPLICATE = "duplicate", _("Same as another report")


class ReportQuerySet(models.QuerySet["Report"]):
    def open(self) -> ReportQuerySet:
        return self.filter(status=ReportStatus.OPEN)


class Report(models.Model):
    """A visitor's "Report a problem" about a profile. No account, no address kept."""

    creator = models.ForeignKey(
        "directory.Creator",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("creator"),
    )
    reason = models.CharField(_("what is wrong"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReportOutcome.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-urgent", "created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "-urgent", "created_at"], name="report_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.creator}"
