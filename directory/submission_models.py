"""What visitors send us: submissions of creators, contact messages, removal requests, and the
tombstones that remember (as hashes only) what was removed at its owner's request; and the
outbox of emails we send them.

Kept apart from `directory.models` (creators, links, statistics) so that module stays about the
directory itself; `directory.models` re-exports everything here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Length limits shared by the models and the forms (one number each, not two).
EMAIL_MAX = 254
WHY_MAX = 1000
MESSAGE_MAX = 3000
NAME_MAX = 120


class SubmissionRelationship(models.TextChoices):
    SELF = "self", _("This is me")
    NOMINATING = "nominating", _("I am nominating someone")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class RejectionReason(models.TextChoices):
    """Why a moderator did not approve a submission; shown to the submitter."""

    NOT_ABOUT_MENTAL_HEALTH = "not_about_mental_health", _("Not about mental health")
    SPAM = "spam", _("Looks like spam or advertising")
    UNSAFE = "unsafe", _("Content we cannot list safely")
    DUPLICATE = "duplicate", _("Already listed")
    UNVERIFIABLE = "unverifiable", _("We could not verify the profile")
    OTHER = "other", _("Another reason")


class Submission(models.Model):
    """One visitor's submission of one creator: who sent it, why, and the moderator's decision.

    The creator itself (pending until approved) holds the public fields; this row holds what
    only the submitter and moderators see. `public_id` is what the signed status link carries.
    """

    creator = models.ForeignKey(
        "directory.Creator", on_delete=models.CASCADE, related_name="submissions"
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # The one-time token of the form that sent it: a double click or a resend finds this row.
    form_token = models.CharField(_("form token"), max_length=100, unique=True, editable=False)
    submitter_email = models.EmailField(_("submitter's email"), max_length=EMAIL_MAX, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    relationship = models.CharField(
        _("relationship"), max_length=12, choices=SubmissionRelationship.choices
    )
    why = models.TextField(_("why they are worth listing"), max_length=WHY_MAX)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    rejection_reason = models.CharField(
        _("reason"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    decision_note = models.TextField(_("note to the submitter"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["status", "-created_at"], name="submission_status_idx")]

    def __str__(self) -> str:
        return f"{self.creator} ({self.get_status_display()})"


class TombstoneKind(models.TextChoices):
    LINK = "link", _("Link URL")
    SLUG = "slug", _("Profile address")


class Tombstone(models.Model):
    """A hash of a normalised link URL or a profile slug removed at its owner's request.

    Only the hash is kept: enough to refuse the link if it is submitted again and to answer
    410 Gone at the old address, without keeping who it was.
    """

    kind = models.CharField(_("kind"), max_length=4, choices=TombstoneKind.choices)
    digest = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("removed"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        constraints = [
            models.UniqueConstraint(fields=["kind", "digest"], name="tombstone_unique_digest")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.digest[:12]}…"


class ReceivedMessage(models.Model):
    """What moderators work through: received when, and whether someone has dealt with it."""

    handled = models.BooleanField(_("handled"), default=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class ContactMessage(ReceivedMessage):
    """A message sent through the form on /about/."""

    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    email = models.EmailField(_("email"), max_length=EMAIL_MAX)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX)

    class Meta(ReceivedMessage.Meta):
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


class RemovalRequest(ReceivedMessage):
    """Someone asks moderators to remove a profile (not its verified owner: accounts does that)."""

    creator = models.ForeignKey(
        "directory.Creator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removal_requests",
    )
    profile_url = models.CharField(_("profile address"), max_length=500, blank=True)
    email = models.EmailField(_("email"), max_length=EMAIL_MAX, blank=True)
    is_owner = models.BooleanField(_("says they are the person listed"), default=False)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)

    class Meta(ReceivedMessage.Meta):
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")

    def __str__(self) -> str:
        return f"{self.creator or self.profile_url or '?'} {self.created_at:%Y-%m-%d}"


class OutgoingEmail(models.Model):
    """A rendered email waiting to be delivered: the outbox behind `notify.email_send`.

    Written in the caller's transaction (so a rollback sends nothing) and deleted once the mail
    server took it; a row still here after a while was not delivered (broker or mail server
    down) and the periodic `resend_emails` task sends it again.
    """

    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self) -> str:
        return self.subject
