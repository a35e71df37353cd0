"""One parser reads every whole number a request carries: ASCII digits only, bounded length.

`²` passes `str.isdigit()` and then fails `int()`; `int()` refuses more than 4,300 digits. Both
used to answer 500 on the API.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.params import MAX_DIGITS, parse_request_int
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

API_LIST = reverse("api:creator-list")
HTML_LIST = reverse("directory:creator_list")
HOSTILE = ["²", "%C2%B2", "١٢", "１２", "1_000", "+3", "0x10", "1e3", "9" * 4301]
INTEGER_FILTERS = ["min_followers", "max_followers", "active_within_days"]


@pytest.mark.parametrize(("raw", "value"), [("7", 7), (" 42 ", 42), ("0007", 7)])
def test_ascii_digits_are_read(raw, value):
    assert parse_request_int(raw) == value


@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "1_000", "+3", "", "-", "1.0", "1e3", "٣"])
def test_anything_but_ascii_digits_is_invalid(raw):
    with pytest.raises(ValidationError) as info:
        parse_request_int(raw)
    assert info.value.code == "invalid"


def test_a_minus_sign_only_where_the_caller_allows_it():
    assert parse_request_int("-4", signed=True) == -4
    with pytest.raises(ValidationError):
        parse_request_int("-4")


def test_length_is_bounded_before_any_conversion():
    assert parse_request_int("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)
    with pytest.raises(ValidationError) as info:
        parse_request_int("9" * 4301)
    assert info.value.code == "too_long"


def test_the_range_is_checked():
    with pytest.raises(ValidationError) as info:
        parse_request_int("101", minimum=1, maximum=100)
    assert info.value.code == "max_value"
    with pytest.raises(ValidationError) as info:
        parse_request_int("0", minimum=1)
    assert info.value.code == "min_value"


@pytest.mark.parametrize("param", ["page", "page_size"])
@pytest.mark.parametrize("value", HOSTILE)
def test_api_pagination_refuses_hostile_numbers_with_a_400_naming_the_parameter(
    client, param, value
):
    CreatorFactory()
    response = client.get(API_LIST, {param: value})
    assert response.status_code == 400
    assert "whole number" in response.json()[param][0]


@pytest.mark.parametrize("param", ["page", "page_size"])
def test_api_blank_page_or_page_size_means_not_given(client, param):
    CreatorFactory()
    assert client.get(API_LIST, {param: " "}).status_code == 200


def test_api_superscript_two_in_the_raw_query_string_is_a_400(client):
    """The exact 30-byte URL from the report."""
    CreatorFactory()
    response = client.get(API_LIST + "?page=%C2%B2")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("param", INTEGER_FILTERS)
@pytest.mark.parametrize("value", HOSTILE)
def test_api_integer_filters_refuse_hostile_numbers(client, param, value):
    response = client.get(API_LIST, {param: value})
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize("value", ["١٢", "1e-999999999", "NaN", "12_0", "²", "-0"])
def test_api_min_score_accepts_ascii_decimals_only(client, value):
    """An exponent of a billion passed Decimal() and then broke PostgreSQL's numeric type."""
    assert client.get(API_LIST, {"min_score": value}).status_code == 400


@pytest.mark.parametrize("value", ["42", "42.5", "1e-05", "1E1"])
def test_api_min_score_reads_what_json_encoders_write(client, value):
    assert client.get(API_LIST, {"min_score": value}).status_code == 200


@pytest.mark.parametrize("param", [*INTEGER_FILTERS, "page"])
@pytest.mark.parametrize("value", ["²", "9" * 4301, "١٢"])
def test_html_list_explains_hostile_numbers(client, param, value):
    response = client.get(HTML_LIST, {param: value})
    assert response.status_code == 400
    assert "Some filters need changing" in response.content.decode()


def test_canonical_link_ignores_a_page_number_that_is_not_ascii(client):
    response = client.get(HTML_LIST, {"page": "²"})
    assert response.context["canonical_url"].endswith("/")
