"""The read-only JSON API: `/api/creators/` and `/api/creators/<slug>/`.

The list uses `CreatorFilter`, the same FilterSet as the HTML list, so a query parameter means
the same thing in both places; invalid values answer 400 with the parameter's name. Only listed
(approved) creators are ever visible. Anonymous reads are throttled.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .filters import CreatorFilter
from .models import Creator
from .params import parse_request_int, range_message
from .serializers import CreatorDetailSerializer, CreatorListSerializer
from .services.throttle import client_address, throttle_hit


class _SharedRateThrottle(BaseThrottle):
    """DRF throttling counted by `services.throttle.throttle_hit`: one atomic counter per
    visitor in the shared cache, keyed by `client_address` (TRUSTED_PROXY_COUNT decides which
    X-Forwarded-For hop is the visitor's).

    DRF's own throttles read, appended and wrote back a history list (parallel requests could
    slip through), keyed anonymous clients by a header the client writes, and froze the rate
    at import time. The rate is read on every request, so settings overrides apply. If the
    cache cannot be reached the request is allowed: a read-only public API answering 500 to
    everyone is worse than being briefly unthrottled.
    """

    scope: str

    def __init__(self) -> None:
        self._wait: float | None = None

    def visitor_key(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        key = self.visitor_key(request)
        if not rate or key is None:
            return True
        self._wait = throttle_hit(scope=f"api-{self.scope}", key=key, rate=rate)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class AnonReadThrottle(_SharedRateThrottle):
    scope = "anon"

    def visitor_key(self, request: Request) -> str | None:
        return None if request.user.is_authenticated else client_address(request)


class UserReadThrottle(_SharedRateThrottle):
    scope = "user"

    def visitor_key(self, request: Request) -> str | None:
        if request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return client_address(request)


class CreatorPagination(PageNumberPagination):
    """24 per page by default; `page_size` 1–100. Out-of-range values are refused, not
    clamped, so a client never silently gets a different page size than it asked for."""

    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if not raw.strip():
            return self.page_size
        return _query_int(raw, name=self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request: Request, paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param, "").strip()
        if not raw:
            return 1
        if raw in self.last_page_strings:
            return raw
        return _query_int(raw, name=self.page_query_param)


def _query_int(raw: str, *, name: str, maximum: int | None = None) -> int:
    """A positive whole number from the query string, or a 400 naming the parameter."""
    try:
        return parse_request_int(raw, minimum=1, maximum=maximum)
    except DjangoValidationError:
        raise ValidationError({name: [range_message(minimum=1, maximum=maximum)]}) from None


class CreatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved creators, ranked by interactivity unless `ordering` says otherwise."""

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

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CreatorDetailSerializer
        return CreatorListSerializer
