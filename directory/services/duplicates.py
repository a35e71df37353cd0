"""Possible duplicates of a creator, for the moderator deciding on it.

Links are unique across the directory, so a duplicate shows as the same account under a
different address (the same handle on the same platform, the same site with or without `www.`
or a path) or as a similar name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext as _

from directory.models import Creator, PlatformLink

NAME_SIMILARITY = 0.85
MAX_RESULTS = 10


@dataclass(frozen=True)
class PossibleDuplicate:
    creator: Creator
    why: str


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _site_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".casefold()


def creator_possible_duplicates(creator: Creator) -> list[PossibleDuplicate]:
    """Other creators that may be the same person: same account, then similar name."""
    found: dict[int, PossibleDuplicate] = {}
    links = list(creator.links.all())
    handles = Q()
    for link in links:
        if link.handle:
            handles |= Q(platform=link.platform, handle__iexact=link.handle)
    sites = {_site_key(link.url) for link in links}
    hosts = {site.split("/", 1)[0] for site in sites if site}
    same = Q(pk__in=[])
    if handles:
        same |= handles
    for host in hosts:
        same |= Q(url__icontains=host)
    others = PlatformLink.objects.filter(same).exclude(creator=creator).select_related("creator")
    for other in others[:200]:
        if other.handle and any(
            other.platform == link.platform and other.handle.casefold() == link.handle.casefold()
            for link in links
        ):
            why = _("same %(platform)s handle") % {"platform": other.get_platform_display()}
        elif _site_key(other.url) in sites:
            why = _("same link: %(url)s") % {"url": other.url}
        else:
            continue
        found.setdefault(other.creator_id, PossibleDuplicate(other.creator, why))
    key = _name_key(creator.name)
    if key:
        rows = Creator.objects.exclude(pk=creator.pk).values_list("pk", "name", "status")
        for pk, name, status in rows:
            if pk in found:
                continue
            matcher = SequenceMatcher(None, key, _name_key(name))
            if matcher.quick_ratio() >= NAME_SIMILARITY and matcher.ratio() >= NAME_SIMILARITY:
                found[pk] = PossibleDuplicate(
                    Creator(pk=pk, name=name, status=status), _("similar name")
                )
    return list(found.values())[:MAX_RESULTS]
