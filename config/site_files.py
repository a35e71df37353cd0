"""The files a browser or crawler asks for at the site's root: /robots.txt and /favicon.ico."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Public pages and the creators API may be crawled. Not: the admin, nor the API's schema and docs
# (generated pages with no content of their own). The list's filtered and sorted views stay
# crawlable; their canonical link (partials/head_meta.html) names the unfiltered page.
ROBOTS_TXT = """\
User-agent: *
Disallow: /admin/
Disallow: /api/schema/
Disallow: /api/docs/
Allow: /
Allow: /api/creators/
"""
# The sitemap's address is absolute (from SITE_URL), added in robots_txt().


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    body = f"{ROBOTS_TXT}Sitemap: {settings.SITE_URL}/sitemap.xml\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon_ico(request: HttpRequest) -> HttpResponseRedirect:
    """Old browsers and tools ask for /favicon.ico whatever the page links: send the SVG icon.

    A temporary redirect: the static file's name carries a content hash in production, which
    changes when the icon does.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))
