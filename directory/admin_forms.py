"""The admin's link form: a link a moderator types is stored the way an import stores it.

Both the creator page's inline and the link admin use it, so "one account, one URL" holds for
moderator-entered links too: the URL goes through `link_normalise`, and a link that is already
listed is a form error on the URL field, never a database error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from .models import PlatformLink
from .services.links import link_normalise


class PlatformLinkAdminForm(forms.ModelForm):
    class Meta:
        model = PlatformLink
        # The admin narrows these to what each page shows (the inline leaves out creator).
        fields = ("creator", "platform", "url", "handle", "external_id", "verified", "is_public")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        url = cleaned.get("url")
        if not url:
            return cleaned  # the field's own error ("required", "enter a valid URL") stands
        try:
            link = link_normalise(url=url, platform=cleaned.get("platform"))
        except ValidationError as exc:
            self.add_error("url", ValidationError(capfirst(exc.messages[0]), code="invalid_url"))
            return cleaned
        cleaned["url"], cleaned["platform"] = link.url, link.platform
        return cleaned
