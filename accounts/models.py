"""Users, their claims on creator profiles, and the edits owners propose.

A claim is one person saying "this creator is me" and proving it on one platform (a code in the
bio, or a rel="me" link back to the creator's page here); a moderator may also approve it by hand.
An owner's edit of public fields is stored as a proposal (`CreatorEdit`) and applied only when a
moderator approves it, so the public page keeps showing the current version meanwhile.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user. Custom from the first migration so that sign-in and claiming can grow."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.email or self.username


class ClaimMethod(models.TextChoices):
    BIO_CODE = "bio_code", _("Code in the profile's bio or front page")
    REL_ME = "rel_me", _('A rel="me" link back to this site')


class ClaimStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a check")
    CHECKING = "checking", _("Being checked")
    FAILED = "failed", _("Check failed")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected by a moderator")


OPEN_CLAIM_STATUSES = (ClaimStatus.WAITING, ClaimStatus.CHECKING, ClaimStatus.FAILED)


class ClaimQuerySet(models.QuerySet["Claim"]):
    def open(self) -> ClaimQuerySet:
        """Claims still in progress: not yet verified or rejected."""
        return self.filter(status__in=OPEN_CLAIM_STATUSES)


class Claim(models.Model):
    creator = models.ForeignKey(
        "directory.Creator", on_delete=models.CASCADE, related_name="claims"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    link = models.ForeignKey(
        "directory.PlatformLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        help_text=_("The platform account checked for the proof."),
    )
    method = models.CharField(
        _("proof"), max_length=10, choices=ClaimMethod.choices, default=ClaimMethod.BIO_CODE
    )
    code = models.CharField(_("code"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.WAITING
    )
    message = models.TextField(_("result of the last check"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("code expires"))
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The moderator who approved or rejected it by hand."),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            # One claim in progress per person and creator: starting again renews it.
            models.UniqueConstraint(
                fields=["creator", "user"],
                condition=Q(status__in=["waiting", "checking", "failed"]),
                name="claim_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.creator} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class EditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved and shown")
    REJECTED = "rejected", _("Not approved")
    SUPERSEDED = "superseded", _("Replaced by a newer edit")


class CreatorEdit(models.Model):
    """The public fields an owner wants changed; the creator is untouched until approval."""

    creator = models.ForeignKey(
        "directory.Creator", on_delete=models.CASCADE, related_name="proposed_edits"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EditStatus.choices, default=EditStatus.PENDING
    )
    bio = models.CharField(_("short bio"), max_length=300, blank=True)
    content_notes = models.CharField(_("content notes"), max_length=300, blank=True)
    topics = models.ManyToManyField("directory.Topic", blank=True, related_name="+")
    languages = models.ManyToManyField("directory.Language", blank=True, related_name="+")
    links = models.JSONField(
        _("links"),
        default=list,
        blank=True,
        help_text=_('Normalised links, a list of {"platform": ..., "url": ...}.'),
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason, if not approved"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposed profile edit")
        verbose_name_plural = _("proposed profile edits")
        constraints = [
            models.UniqueConstraint(
                fields=["creator"],
                condition=Q(status="pending"),
                name="creator_edit_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.creator}: edit of {self.created_at:%Y-%m-%d} ({self.get_status_display()})"


class OwnerRemoval(models.Model):
    """An owner asked for their profile to go: hidden at once, deleted once they confirm."""

    creator = models.OneToOneField(
        "directory.Creator", on_delete=models.CASCADE, related_name="owner_removal"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    previous_status = models.CharField(
        _("status before the request"),
        max_length=10,
        help_text=_("Restored if the owner cancels before confirming."),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("removal by its owner")
        verbose_name_plural = _("removals by their owners")

    def __str__(self) -> str:
        return f"{self.creator} (requested {self.created_at:%Y-%m-%d})"
