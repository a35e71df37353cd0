"""Storing a pasted link: the one place every path that stores a link normalises it.

Import, the admin (inline and link admin) and the public submission form all call
`link_normalise()`, so "one account, one URL" holds whoever typed the link: tracking
parameters stripped, every pasted form of a profile recognised, the platform detected (or the
one given checked against the host), and only public http(s) addresses accepted. Once a fetch
has resolved an account's stable id, `link_same_account()` finds another link to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from directory.models import PlatformLink
from directory.platforms.base import UnsupportedURL


@dataclass(frozen=True, slots=True)
class NormalisedLink:
    platform: str
    url: str


def link_normalise(*, url: str, platform: str | None = None) -> NormalisedLink:
    """The platform and canonical URL for a pasted link.

    Raises `ValidationError(code="invalid_url")` whose message says, in words a person
    understands, what is wrong with the address.
    """
    # Imported here: the registry imports every adapter module.
    from directory.platforms.registry import normalise_url

    try:
        # normalise_url() runs check_public_url() first: the address is checked once.
        detected, canonical = normalise_url(url, platform or None)
    except UnsupportedURL as exc:
        raise ValidationError(str(exc), code="invalid_url") from None
    return NormalisedLink(platform=detected, url=canonical)


# Where a stable id has a canonical address of its own, a link pasted that way (and not yet
# fetched, so without its id) is the same account too.
_ID_URLS = {
    "youtube": "https://www.youtube.com/channel/{}",
    "bluesky": "https://bsky.app/profile/{}",
}


def link_same_account(*, link: PlatformLink, external_id: str) -> PlatformLink | None:
    """Another link of this platform for the account with this stable id, if there is one."""
    external_id = external_id[:200]
    if not external_id:
        return None
    same = Q(external_id=external_id)
    if link.platform in _ID_URLS:
        same |= Q(url=_ID_URLS[link.platform].format(external_id))
    return (
        PlatformLink.objects.filter(same, platform=link.platform)
        .exclude(pk=link.pk)
        .order_by("pk")
        .first()
    )
