"""`/sitemap.xml`: the public pages and every listed creator (never pending, hidden or removed
ones, never fictional demo profiles, which carry `noindex`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from .models import Creator


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from settings.SITE_URL, never from the request's Host header."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: object = None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


class CreatorSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[Creator]:
        return Creator.objects.listed().filter(is_demo=False).order_by("pk")

    def lastmod(self, creator: Creator):  # noqa: ANN201
        return creator.score_updated_at or creator.created_at


class PageSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["creator_list", "emerging", "scoring", "scoring_method", "about", "help"]

    def location(self, name: str) -> str:
        return reverse(f"directory:{name}")


SITEMAPS = {"pages": PageSitemap, "creators": CreatorSitemap}
