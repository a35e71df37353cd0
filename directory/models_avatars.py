"""A creator's picture, fetched by the worker from a platform that exposes one, resized and
stored here, and served from our own origin: visitors' browsers never ask a third party."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CreatorAvatar(models.Model):
    creator = models.OneToOneField(
        "directory.Creator", on_delete=models.CASCADE, related_name="avatar", primary_key=True
    )
    image = models.BinaryField(_("image (PNG)"))
    # Which picture this is, so an unchanged one is not fetched again.
    source_url = models.URLField(_("source URL"), max_length=1000)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("creator avatar")
        verbose_name_plural = _("creator avatars")

    def __str__(self) -> str:
        return f"Avatar of creator {self.creator_id}"
