"""The 404 handler: JSON under /api/ (clients parse it), our HTML page everywhere else.

An unknown path under /api/ (or a creator slug the URL pattern refuses) answered an HTML page,
which the API schema does not describe.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
