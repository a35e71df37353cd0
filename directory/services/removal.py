"""Removing a creator at their request, and remembering (as hashes) that they asked.

`creator_remove()` deletes the creator with everything about them (links, statistics, score
history, submissions); what stays is a tombstone per normalised link URL and one for the slug,
each a SHA-256 digest. The digests let the site refuse those links if someone submits them
again (`link_is_tombstoned`) and answer 410 Gone at the old profile address
(`slug_is_tombstoned`), without keeping who it was.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from directory.models import Creator, Tombstone, TombstoneKind
from directory.services.links import link_normalise
from directory.services.listing_cache import listing_changed_on_commit

logger = logging.getLogger(__name__)


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _normalised(url: str) -> str | None:
    try:
        return link_normalise(url=url).url
    except ValidationError:
        return None


def link_is_tombstoned(url: str) -> bool:
    """True when this link (in any pasted form of it) was removed at its owner's request."""
    digests = {_digest(TombstoneKind.LINK, url)}
    normalised = _normalised(url)
    if normalised:
        digests.add(_digest(TombstoneKind.LINK, normalised))
    return Tombstone.objects.filter(kind=TombstoneKind.LINK, digest__in=digests).exists()


def slug_is_tombstoned(slug: str) -> bool:
    """True when a profile was removed from this address at its owner's request."""
    return Tombstone.objects.filter(kind=TombstoneKind.SLUG, digest=_digest("slug", slug)).exists()


def creator_remove(*, creator_id: int, reason: str = "", actor: Any = None) -> None:
    """Delete the creator and all their data, keeping hashed tombstones of links and slug.

    Idempotent: removing a creator that no longer exists does nothing. `reason` and `actor` are
    for the caller's audit trail; nothing about the creator is logged here.
    """
    with transaction.atomic():
        creator = Creator.objects.select_for_update().filter(pk=creator_id).first()
        if creator is None:
            return
        urls = list(creator.links.values_list("url", flat=True))
        tombstones = [Tombstone(kind=TombstoneKind.SLUG, digest=_digest("slug", creator.slug))]
        tombstones += [
            Tombstone(kind=TombstoneKind.LINK, digest=_digest(TombstoneKind.LINK, url))
            for url in urls
        ]
        Tombstone.objects.bulk_create(tombstones, ignore_conflicts=True)
        # Snapshots point at links and links at snapshots (latest_snapshot): cut that loop
        # first so the cascade deletes in any order the database prefers.
        creator.links.update(latest_snapshot=None)
        creator.delete()
        listing_changed_on_commit()
    logger.info(
        "creator %s removed at request (%d links tombstoned) by %s",
        creator_id,
        len(urls),
        getattr(actor, "pk", None) or "system",
    )
