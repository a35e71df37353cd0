"""schema.org JSON-LD for profiles (`ProfilePage` whose `mainEntity` is the `Person` or
`Organization`), in a `<script type="application/ld+json">` data block. A data block is never
executed, so the Content-Security-Policy (script-src 'self') does not apply to it; its JSON is
escaped like Django's json_script so no text can close the element."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def profile_json_ld(creator: Any) -> SafeString:
    is_org = creator.creator_type == "organisation"
    url = settings.SITE_URL + creator.get_absolute_url()
    entity: dict[str, Any] = {
        "@type": "Organization" if is_org else "Person",
        "name": creator.name,
        "url": url,
        "description": creator.bio,
        "sameAs": [link.url for link in getattr(creator, "public_links", [])],
    }
    if creator.country and not is_org:
        entity["homeLocation"] = {"@type": "Country", "name": creator.country.name}
    if topics := [t.name for t in creator.topics.all()]:
        entity["knowsAbout"] = topics
    data = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": entity,
    }
    if creator.score_updated_at:
        data["dateModified"] = creator.score_updated_at.isoformat()
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above
