"""The companions of the Content Security Policy: referrer, opener and permissions policies."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config.middleware import PermissionsPolicyMiddleware, build_permissions_policy

pytestmark = pytest.mark.django_db


def test_companion_headers(client):
    response = client.get("/")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_api_responses_carry_the_headers_too(client):
    response = client.get("/api/creators/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_build_permissions_policy_quotes_origins():
    assert (
        build_permissions_policy(
            {"camera": [], "fullscreen": ["self"], "autoplay": ["self", "https://a.example"]}
        )
        == 'camera=(), fullscreen=(self), autoplay=(self "https://a.example")'
    )


def test_build_permissions_policy_refuses_a_bare_string():
    # "self" instead of ["self"] would otherwise render as s e l f.
    with pytest.raises(TypeError, match=r"PERMISSIONS_POLICY\['camera'\] must be a list"):
        build_permissions_policy({"camera": "self"})


def test_permissions_policy_middleware_keeps_a_views_own_header():
    def view(request):
        response = HttpResponse()
        response["Permissions-Policy"] = "fullscreen=(self)"
        return response

    with override_settings(PERMISSIONS_POLICY={"camera": []}):
        middleware = PermissionsPolicyMiddleware(view)
    response = middleware(RequestFactory().get("/"))
    assert response["Permissions-Policy"] == "fullscreen=(self)"


def test_permissions_policy_middleware_sends_nothing_for_an_empty_policy():
    with override_settings(PERMISSIONS_POLICY={}):
        middleware = PermissionsPolicyMiddleware(lambda request: HttpResponse())
    assert "Permissions-Policy" not in middleware(RequestFactory().get("/"))
