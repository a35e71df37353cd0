"""The read-only JSON API: `/api/creators/` and `/api/creators/<slug>/`.

The list uses `CreatorFilter`, the same FilterSet as the HTML list, so a query parameter means
the same thing in both places; invalid values answer 400 with the parameter's name. Only listed
(approved) creators are ever visible. Anonymous reads are throttled.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from .api_schema import creator_schema
from .api_throttles import AnonReadThrottle, UserReadThrottle
from .filters import CreatorFilter
from .models import Creator
from .page_cache import CardCache, cached_data
from .pagination import ListingPaginator
from .params import parse_request_int, range_message
from .serializers import CreatorDetailSerializer, CreatorListSerializer
from .services.listing_cache import listing_cache_on


class CreatorPagination(PageNumberPagination):
    """24 per page by default; `page_size` 1–100. Out-of-range values are refused, not
    clamped, so a client never silently gets a different page size than it asked for."""

    django_paginator_class = ListingPaginator
    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"
    last_page_strings = ()  # page=last was an undocumented integer that was not one

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if not raw.strip():
            return self.page_size
        return _query_int(raw, name=self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        raw = request.query_params.get(self.page_query_param, "")
        return _query_int(raw, name=self.page_query_param) if raw.strip() else 1


def _query_int(raw: str, *, name: str, maximum: int | None = None) -> int:
    """A positive whole number from the query string, or a 400 naming the parameter."""
    try:
        return parse_request_int(raw, minimum=1, maximum=maximum)
    except DjangoValidationError:
        raise ValidationError({name: [range_message(minimum=1, maximum=maximum)]}) from None


@creator_schema
class CreatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved creators, ranked by interactivity unless `ordering` says otherwise."""

    # A public read-only API: no sign-in, so the docs show no "Authorize" button or locks.
    authentication_classes: list[type] = []

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CreatorFilter
    pagination_class = CreatorPagination
    permission_classes = [AllowAny]  # no write handlers exist: writes answer 405
    throttle_classes = [AnonReadThrottle, UserReadThrottle]

    def get_queryset(self) -> QuerySet[Creator]:
        return Creator.objects.listed().with_listing_data()

    def filter_queryset(self, queryset: QuerySet[Creator]) -> QuerySet[Creator]:
        if self.action == "retrieve":  # list filters do not apply to a single creator
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The JSON answer for an anonymous client is shared until the listing changes."""
        renderer = request.accepted_renderer
        if renderer.format != "json":  # the browsable API renders per visitor
            return super().list(request, *args, **kwargs)

        def render() -> bytes:
            data = self._cached_items_page(request).data
            return renderer.render(data, request.accepted_media_type, self.get_renderer_context())

        content, _hit = cached_data(request._request, "api", render)
        return HttpResponse(content, content_type=renderer.media_type)

    def _cached_items_page(self, request: Request) -> Any:
        """The paginated list, each item reused from any page that showed that creator under this
        listing version (as the HTML list does with its cards): topics, languages and links are
        loaded, and items serialized, only for the creators not cached."""
        queryset = self.filter_queryset(self.get_queryset().prefetch_related(None))
        # With items cached, the page query reads only which creators; the rows of the items
        # not cached are read after, by key (as the HTML list does).
        light = listing_cache_on()
        creators = list(self.paginate_queryset(queryset.only("pk") if light else queryset))
        parts = (request.get_host(), request.scheme or "")
        cache = CardCache(creators, kind="api-item", parts=parts)
        if missing := cache.missing_rows(creators, rows=Creator.objects.all() if light else None):
            fresh = self.get_serializer(missing, many=True).data
            for creator, item in zip(missing, fresh, strict=True):
                cache.cards[creator.pk] = item
                cache.store(creator.pk, item)
        return self.get_paginated_response([cache.get(c.pk) for c in creators])

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CreatorDetailSerializer
        return CreatorListSerializer
