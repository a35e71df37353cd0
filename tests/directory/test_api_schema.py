"""The OpenAPI schema states what the API really does (Schemathesis checks it end to end in
test_api_schemathesis.py; these pin the findings of the report one by one)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict:
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def _parameters(schema: dict) -> dict[str, dict]:
    operation = schema["paths"]["/api/creators/"]["get"]
    return {p["name"]: p for p in operation["parameters"]}


def test_followers_and_other_unknowns_are_nullable(schema):
    link = schema["components"]["schemas"]["PlatformLink"]["properties"]
    assert link["followers"]["nullable"] is True
    creator = schema["components"]["schemas"]["CreatorList"]["properties"]
    assert creator["interactivity_score"]["nullable"] is True
    assert creator["country"]["nullable"] is True


def test_error_statuses_are_documented(schema):
    listing = schema["paths"]["/api/creators/"]["get"]["responses"]
    assert {"200", "400", "404", "429", "503"} <= listing.keys()
    detail = schema["paths"]["/api/creators/{slug}/"]["get"]["responses"]
    assert {"200", "404", "429", "503"} <= detail.keys()


def test_parameter_bounds_are_declared(schema):
    parameters = _parameters(schema)
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["active_within_days"]["schema"]["maximum"] == 3650
    assert parameters["min_score"]["schema"] == {"type": "number", "minimum": 0, "maximum": 100}
    assert parameters["q"]["schema"]["maxLength"] == 200
    assert "null" not in parameters["emerging"]["schema"]["enum"]


def test_topic_and_language_list_what_exists_now(client):
    LanguageFactory(code="cy", name="Welsh")
    parameters = _parameters(APIClient().get("/api/schema/", {"format": "json"}).json())
    assert "cy" in parameters["language"]["schema"]["enum"]
    assert "anxiety" in parameters["topic"]["schema"]["enum"]


def test_emerging_null_is_refused():
    response = APIClient().get("/api/creators/", {"emerging": "null"})
    assert response.status_code == 400
    assert response.json() == {"emerging": ["Use true or false."]}


@pytest.mark.parametrize("path", ["/api/nope/", "/api/creators/not a slug/", "/api/creators/x/y/"])
def test_unknown_paths_under_api_answer_json_404(path):
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_pages_outside_the_api_keep_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_public_read_only_api_declares_no_sign_in(schema):
    """Swagger showed "Authorize" and a lock on every operation of an API nobody signs in to."""
    assert "securitySchemes" not in schema.get("components", {})
    for path in schema["paths"].values():
        for operation in path.values():
            assert not [s for s in operation.get("security", []) if s]
