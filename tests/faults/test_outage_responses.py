"""What a visitor sees while a dependency is down: a calm 503, never a traceback or a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from directory.models import CreatorQuerySet
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def fail(self):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(CreatorQuerySet, "listed", fail)


def test_a_page_answers_the_calm_503_page(client, database_down):
    response = client.get(reverse("directory:creator_list"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "The directory is resting for a moment" in html
    assert "Find a helpline you can call or text today" in html  # the crisis line
    assert response["Retry-After"] == "30"


def test_the_api_answers_a_json_503(client, database_down):
    response = client.get(reverse("api:creator-list"))
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The directory is temporarily unavailable. Please try again in a minute."
    }


def test_a_bug_is_still_a_500_not_an_outage(client, monkeypatch):
    def fail(self):
        raise ValueError("a bug of ours")

    monkeypatch.setattr(CreatorQuerySet, "listed", fail)
    client.raise_request_exception = False
    assert client.get(reverse("directory:creator_list")).status_code == 500


def test_help_runs_no_query_even_for_a_signed_in_visitor(client, django_assert_num_queries):
    """A session cookie would otherwise load the session and the user from the database."""
    client.force_login(UserFactory())
    with django_assert_num_queries(0):
        response = client.get(reverse("directory:help"))
    assert response.status_code == 200


def test_a_statement_over_the_time_limit_answers_503(client, postgres_db, monkeypatch):
    """PostgreSQL cancels it (statement_timeout); the visitor gets the calm page, not a 500."""

    def slow(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")

    monkeypatch.setattr(CreatorQuerySet, "listed", slow)
    response = client.get(reverse("directory:creator_list"))
    assert response.status_code == 503
    assert "The directory is resting for a moment" in response.content.decode()


def test_the_database_options_carry_both_time_limits(settings, postgres_db):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == settings.DATABASE_CONNECT_TIMEOUT
    assert options["options"].startswith("-c statement_timeout=")
