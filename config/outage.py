"""A dependency that is down or hung answers 503, calmly, instead of a 500 or a long wait.

The database's connect and statement timeouts and the cache's socket timeouts (config/settings.py)
turn a hung service into an exception within seconds; this middleware turns that exception into
"temporarily unavailable": JSON under /api/, otherwise the standalone `503.html`, rendered
without a request context so that nothing on it (a session, a signed-in user) needs the service
that is down. Every page keeps the crisis line, and `/help/` needs none of these services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Exceptions that mean "a service we depend on is down or too slow", not a bug of ours.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30
API_MESSAGE = "The directory is temporarily unavailable. Please try again in a minute."


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 for this request: JSON for the API, the calm standalone page otherwise."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": API_MESSAGE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Answer 503 when a view (or its template) fails because a dependency is unavailable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.error("dependency unavailable on %s: %s", request.path, exception)
        return outage_response(request)
