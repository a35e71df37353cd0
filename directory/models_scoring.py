"""The directory-wide statistics a score is shrunk toward, stored once per batch recompute.

A creator's score pulls thin evidence toward the directory median and each link's conversation
toward its platform's median (docs/scoring.md). Both are statistics of the whole directory:
computing them again for every single-link refresh made that refresh cost grow with the number
of creators. A recompute of many creators computes them and stores them in the one row here; a
single creator's recompute (after a fetch or a moderator's snapshot) reads that row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoringStats(models.Model):
    """The one row (pk 1) of directory-wide scoring statistics; see `directory.services.scores`."""

    ONLY_ROW = 1

    median = models.FloatField(
        _("directory median"),
        help_text=_("Median measured score (before shrinkage) of approved creators."),
    )
    conversation_priors = models.JSONField(
        _("conversation priors"),
        default=dict,
        blank=True,
        help_text=_("Per platform: the median conversation value of fresh public links."),
    )
    window_days = models.PositiveIntegerField(_("scoring window (days)"))
    measured_creators = models.PositiveIntegerField(_("creators in the median"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("scoring statistics")
        verbose_name_plural = _("scoring statistics")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="scoring_stats_one_row"),
        ]

    def __str__(self) -> str:
        return f"median {self.median:.1f} ({self.computed_at:%Y-%m-%d %H:%M})"
