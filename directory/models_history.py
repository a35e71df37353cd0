"""What the directory remembers over time: append-only statistics snapshots and score history.

Part of `directory.models` (which re-exports these), kept apart so each module stays readable.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .measurements import COUNT_FIELDS


class SnapshotSource(models.TextChoices):
    API = "api", _("Fetched from the platform")
    SELF_REPORTED = "self_reported", _("Self-reported")
    MODERATOR = "moderator", _("Entered by a moderator")


class StatsSnapshot(models.Model):
    """One capture of a link's public statistics. Append-only: never updated in place.

    Every measurement may be null, meaning *unknown* (hidden, disabled, not exposed), which is
    different from 0.
    """

    link = models.ForeignKey(
        "directory.PlatformLink", on_delete=models.CASCADE, related_name="snapshots"
    )
    captured_at = models.DateTimeField(_("captured at"))
    source = models.CharField(
        _("source"), max_length=15, choices=SnapshotSource.choices, default=SnapshotSource.API
    )
    followers = models.BigIntegerField(null=True, blank=True)
    following = models.BigIntegerField(null=True, blank=True)
    posts_total = models.BigIntegerField(null=True, blank=True)
    window_days = models.PositiveIntegerField(null=True, blank=True)
    posts_in_window = models.IntegerField(null=True, blank=True)
    comments_in_window = models.IntegerField(null=True, blank=True)
    unique_commenters_in_window = models.IntegerField(null=True, blank=True)
    posts_with_comments = models.IntegerField(null=True, blank=True)
    creator_replies_in_window = models.IntegerField(null=True, blank=True)
    posts_with_creator_reply = models.IntegerField(null=True, blank=True)
    replies_to_others_in_window = models.IntegerField(null=True, blank=True)
    likes_in_window = models.BigIntegerField(null=True, blank=True)
    shares_in_window = models.BigIntegerField(null=True, blank=True)
    last_post_at = models.DateTimeField(null=True, blank=True)
    notes = models.CharField(
        _("notes"),
        max_length=300,
        blank=True,
        help_text=_("What the fetcher could not measure, e.g. 'comments disabled'."),
    )
    # Measurement names whose value is a lower bound ("at least N"): a cap stopped the reading.
    lower_bounds = models.JSONField(
        _("lower bounds"),
        default=list,
        blank=True,
        help_text=_("Measurements that are at least the value shown (a cap stopped the reading)."),
    )

    class Meta:
        ordering = ["-captured_at"]
        get_latest_by = "captured_at"
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "captured_at"], name="snapshot_unique_link_time"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"snapshot_{name}_non_negative",
                )
                for name in COUNT_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["link", "-captured_at"], name="snapshot_link_time_idx")]

    def __str__(self) -> str:
        return f"{self.link} @ {self.captured_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("StatsSnapshot is append-only; create a new snapshot instead.")
        super().save(*args, **kwargs)


class ScoreHistory(models.Model):
    """One point a day of a creator's score, for the profile chart and week-on-week movement."""

    creator = models.ForeignKey(
        "directory.Creator", on_delete=models.CASCADE, related_name="score_history"
    )
    date = models.DateField(_("date"))
    score = models.FloatField(_("score"))
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    version = models.CharField(_("scoring version"), max_length=20, blank=True)

    class Meta:
        ordering = ["creator", "date"]
        verbose_name = _("score history point")
        verbose_name_plural = _("score history")
        constraints = [
            models.UniqueConstraint(fields=["creator", "date"], name="score_history_one_a_day"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="score_history_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator} {self.date}: {self.score:.1f}"
