"""The API's rate limits, kept apart from the views: DRF imports them by name from settings
(DEFAULT_THROTTLE_CLASSES) while its own view classes are being defined."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

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
