"""Bad query parameters on the HTML list give a clear message (HTTP 400), never a 500 and never
results that silently ignore the bad filter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.filters import CreatorFilter
from directory.views import CreatorPageFilter
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")

BAD_VALUES = [
    ("q", "x" * 201, "Search"),
    ("q", "null\x00byte", "Search"),
    ("platform", "myspace", "Platform"),
    ("topic", "not-a-topic", "Unknown topic"),
    ("creator_type", "influencer", "Creator type"),
    ("language", "zz", "Unknown language code"),
    ("country", "XX", "Country"),
    ("country", "GBR", "Country"),  # alpha-3 is not accepted; case and spaces are (see list tests)
    ("min_followers", "-5", "At least this many followers"),
    ("min_followers", "lots", "At least this many followers"),
    ("min_followers", "1" * 40, "At least this many followers"),
    ("min_followers", "1e30", "At least this many followers"),
    ("max_followers", "-1", "At most this many followers"),
    ("max_followers", "2.5", "At most this many followers"),
    ("min_score", "101", "Minimum interactivity score"),
    ("min_score", "-1", "Minimum interactivity score"),
    ("min_score", "NaN", "Minimum interactivity score"),
    ("min_score", "Infinity", "Minimum interactivity score"),
    ("min_score", "high", "Minimum interactivity score"),
    ("active_within_days", "0", "Active within (days)"),
    ("active_within_days", "99999999", "Active within (days)"),
    ("active_within_days", "1.5", "Active within (days)"),
    ("active_within_days", "soon", "Active within (days)"),
    ("ordering", "-interactivity", "Sort by"),
    ("ordering", "random()", "Sort by"),
]


@pytest.mark.parametrize(("param", "value", "expected"), BAD_VALUES)
def test_invalid_filter_value_gets_a_clear_message_and_no_results(client, param, value, expected):
    CreatorFactory(slug="someone")
    response = client.get(LIST_URL, {param: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters need changing" in html
    assert f'<a href="#id_{param}">' in html
    assert expected in html
    # No results are shown under a filter that could not be applied.
    assert list(response.context["creators"]) == []
    # The field itself is marked invalid for assistive technology.
    assert 'aria-invalid="true"' in html


def test_every_problem_is_listed_at_once(client):
    response = client.get(LIST_URL, {"min_score": "abc", "topic": "nope", "ordering": "x"})
    assert response.status_code == 400
    errors = {e["name"] for e in response.context["filter_errors"]}
    assert errors == {"min_score", "topic", "ordering"}


def test_invalid_value_on_the_emerging_page_is_reported_too(client):
    response = client.get(reverse("directory:emerging"), {"min_followers": "many"})
    assert response.status_code == 400
    assert "At least this many followers" in response.content.decode()


@pytest.mark.parametrize("value", ["on", "true", "1", "false", ""])
def test_emerging_checkbox_accepts_yes_no_values(client, value):
    CreatorFactory(followers_total=10)
    # An empty value is first redirected away (shareable URLs carry only what is set).
    assert client.get(LIST_URL, {"emerging": value}, follow=True).status_code == 200


@pytest.mark.parametrize("value", ["banana", "null", "TRUE"])
def test_emerging_refuses_a_value_that_is_neither_yes_nor_no(client, value):
    """`emerging=null` used to be read as ticked: the API now means what its schema says."""
    response = client.get(LIST_URL, {"emerging": value})
    assert response.status_code == 400
    assert "Use true or false." in response.content.decode()


def test_unknown_parameters_are_ignored(client):
    CreatorFactory(slug="a")
    response = client.get(LIST_URL, {"utm_source": "newsletter", "page_size": "1000"})
    assert response.status_code == 200


def test_html_filter_accepts_exactly_the_api_parameters():
    """The page's filter must keep the shared contract: same parameter names, same order."""
    assert list(CreatorPageFilter.base_filters) == list(CreatorFilter.base_filters)
    page_filter = CreatorPageFilter(data={})
    assert list(page_filter.form.fields) == list(CreatorFilter(data={}).form.fields)


PARAMS = [*CreatorFilter.base_filters, "page"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(PARAMS),
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
        max_size=5,
    )
)
def test_no_combination_of_junk_causes_a_server_error(client, params):
    response = client.get(LIST_URL, params, follow=True)
    assert response.status_code in {200, 400, 404}
