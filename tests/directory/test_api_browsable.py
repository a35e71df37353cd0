"""The browsable API and the API docs are ours and keep the Content Security Policy; /creators/
leads somewhere."""

from __future__ import annotations

import pytest

from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/creators/", "/api/creators/sam/"])
def test_browsable_api_is_branded_and_has_no_inline_style(client, path):
    CreatorFactory(slug="sam")
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mental Health Voices API" in html
    assert "Django REST framework" not in html
    assert " style=" not in html
    assert "<style" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_swagger_sends_the_same_opener_policy_as_every_page(client):
    """drf-spectacular sets `unsafe-none` for OAuth pop-ups; this API has no sign-in."""
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_creators_without_a_slug_leads_to_the_list(client):
    response = client.get("/creators/", {"topic": "anxiety"})
    assert response.status_code == 302
    assert response["Location"] == "/?topic=anxiety"
