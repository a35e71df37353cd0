"""URLs under /api/: the creators API, its OpenAPI 3 schema and the browsable docs."""

from typing import Any

from django.conf import settings
from django.urls import path
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from .api import CreatorViewSet

app_name = "api"

router = DefaultRouter()
router.register("creators", CreatorViewSet, basename="creator")


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI with the site's Cross-Origin-Opener-Policy (README, "Security").

    drf-spectacular sends `unsafe-none` so that OAuth sign-in pop-ups can reach the page; this
    public read-only API has no sign-in.
    """

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "docs/redoc/",
        csp_override(settings.REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    *router.urls,
]
