"""Template context for every page: site name, description and canonical URL."""

from django.conf import settings

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
        # From SITE_URL, never the Host header, which the client writes. Without the query
        # string: sorted and filtered views of a list are the same page to a search engine.
        "canonical_url": settings.SITE_URL + request.path,
    }
