"""Template context for every page: site name, description and canonical URL."""

from django.conf import settings
from django.core.exceptions import ValidationError

from .params import parse_request_int

SITE_DESCRIPTION = (
    "A directory of people who speak openly about mental health, ranked by how much they talk "
    "with their community rather than by follower count."
)


def site(request):
    """Values every template needs: the site's name and whether demo data is shown."""
    return {
        "SITE_NAME": "Mental Health Voices",
        "SITE_DESCRIPTION": SITE_DESCRIPTION,
        "DEBUG": settings.DEBUG,
        "SITE_URL": settings.SITE_URL,
        "canonical_url": canonical_url(request),
    }


def canonical_url(request) -> str:
    """From SITE_URL, never the Host header, which the client writes. Without filters or sort
    (to a search engine those are the same page), but with a page number above 1: page 3 of the
    list holds other creators than page 1."""
    url = settings.SITE_URL + request.path
    try:
        page = parse_request_int(request.GET.get("page", ""), minimum=2)
    except ValidationError:
        return url
    return f"{url}?page={page}"
