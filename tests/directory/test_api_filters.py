"""Every filter and sort of `/api/creators/`, and the 400 answers for invalid values."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from directory.models import CreatorType, Platform
from tests.factories import CreatorFactory, LanguageFactory, PlatformLinkFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/creators/"
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def slugs(client: APIClient, **params) -> list[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_q_matches_name_bio_and_topic_name(client):
    grief = TopicFactory(slug="grief", name="Grief")
    CreatorFactory(slug="by-name", name="Harbour Light", bio="")
    CreatorFactory(slug="by-bio", name="Someone", bio="Notes from a harbour town")
    CreatorFactory(slug="by-topic", name="Other", bio="", topics=[grief])
    CreatorFactory(slug="none", name="Nobody", bio="Unrelated")
    assert sorted(slugs(client, q="harbour")) == ["by-bio", "by-name"]
    assert slugs(client, q="grief") == ["by-topic"]


def test_platform(client):
    masto = CreatorFactory(slug="masto")
    PlatformLinkFactory(
        creator=masto, platform=Platform.MASTODON, url="https://mastodon.example/@masto"
    )
    PlatformLinkFactory(creator=CreatorFactory(slug="blogger"))
    hidden_link = CreatorFactory(slug="opted-out")
    PlatformLinkFactory(
        creator=hidden_link,
        platform=Platform.MASTODON,
        is_public=False,
        url="https://mastodon.example/@quiet",
    )
    assert slugs(client, platform="mastodon") == ["masto"]


def test_topic(client):
    anxiety = TopicFactory(slug="anxiety")
    CreatorFactory(slug="yes", topics=[anxiety])
    CreatorFactory(slug="no")
    assert slugs(client, topic="anxiety") == ["yes"]


def test_creator_type(client):
    CreatorFactory(slug="pro", creator_type=CreatorType.PROFESSIONAL)
    CreatorFactory(slug="peer", creator_type=CreatorType.PEER_SUPPORTER)
    assert slugs(client, creator_type="professional") == ["pro"]


def test_language(client):
    CreatorFactory(slug="welsh", languages=[LanguageFactory(code="cy", name="Welsh")])
    CreatorFactory(slug="english", languages=[LanguageFactory(code="en", name="English")])
    assert slugs(client, language="cy") == ["welsh"]


def test_country(client):
    CreatorFactory(slug="nz", country="NZ")
    CreatorFactory(slug="gb", country="GB")
    assert slugs(client, country="NZ") == ["nz"]


def test_country_and_language_codes_are_case_insensitive(client):
    CreatorFactory(slug="nz", country="NZ", languages=[LanguageFactory(code="pt-br", name="Pt")])
    CreatorFactory(slug="gb", country="GB")
    assert slugs(client, country="nz") == ["nz"]
    assert slugs(client, country=" Nz ") == ["nz"]
    assert slugs(client, language="PT-BR") == ["nz"]


def test_follower_range(client):
    CreatorFactory(slug="small", followers_total=300)
    CreatorFactory(slug="medium", followers_total=20_000)
    CreatorFactory(slug="large", followers_total=500_000)
    CreatorFactory(slug="unknown", followers_total=None)
    assert sorted(slugs(client, min_followers=1000)) == ["large", "medium"]
    assert slugs(client, max_followers=1000) == ["small"]
    assert slugs(client, min_followers=1000, max_followers=100_000) == ["medium"]


def test_min_score(client):
    CreatorFactory(slug="high", interactivity_score=80)
    CreatorFactory(slug="low", interactivity_score=20)
    CreatorFactory(slug="unscored", interactivity_score=None)
    assert slugs(client, min_score=50) == ["high"]


@time_machine.travel(NOW, tick=False)
def test_active_within_days(client):
    CreatorFactory(slug="recent", last_active_at=NOW - dt.timedelta(days=3))
    CreatorFactory(slug="stale", last_active_at=NOW - dt.timedelta(days=120))
    CreatorFactory(slug="never", last_active_at=None)
    assert slugs(client, active_within_days=30) == ["recent"]


def test_emerging(client):
    CreatorFactory(slug="small", followers_total=4999, interactivity_score=40)
    CreatorFactory(slug="big", followers_total=5000, interactivity_score=90)
    assert slugs(client, emerging="true") == ["small"]
    assert sorted(slugs(client, emerging="false")) == ["big", "small"]


def test_filters_combine(client):
    anxiety = TopicFactory(slug="anxiety")
    CreatorFactory(slug="match", topics=[anxiety], country="NZ", interactivity_score=70)
    CreatorFactory(slug="wrong-country", topics=[anxiety], country="GB", interactivity_score=70)
    CreatorFactory(slug="low-score", topics=[anxiety], country="NZ", interactivity_score=10)
    assert slugs(client, topic="anxiety", country="NZ", min_score=50) == ["match"]


# -- sorting ---------------------------------------------------------------------------------


@pytest.fixture
def sortable():
    base = NOW - dt.timedelta(days=100)
    CreatorFactory(
        slug="a",
        name="Alder",
        interactivity_score=50,
        followers_total=10,
        last_active_at=NOW - dt.timedelta(days=1),
        created_at=base,
    )
    CreatorFactory(
        slug="b",
        name="Birch",
        interactivity_score=90,
        followers_total=1000,
        last_active_at=NOW - dt.timedelta(days=30),
        created_at=base + dt.timedelta(days=2),
    )
    CreatorFactory(
        slug="c",
        name="Cedar",
        interactivity_score=None,
        followers_total=None,
        last_active_at=None,
        created_at=base + dt.timedelta(days=1),
    )
    CreatorFactory(
        slug="d",
        name="Dogwood",
        interactivity_score=70,
        followers_total=500_000,
        last_active_at=NOW - dt.timedelta(days=10),
        created_at=base + dt.timedelta(days=3),
    )


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["b", "d", "a", "c"]),
        ("interactivity", ["b", "d", "a", "c"]),
        ("followers", ["d", "b", "a", "c"]),
        ("recent", ["a", "d", "b", "c"]),
        ("newest", ["d", "b", "c", "a"]),
        ("name", ["a", "b", "c", "d"]),
    ],
)
def test_ordering(client, sortable, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert slugs(client, **params) == expected


# -- invalid values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("platform", "myspace"),
        ("topic", "no-such-topic"),
        ("creator_type", "celebrity"),
        ("language", "zz"),
        ("country", "XX"),
        ("min_followers", "lots"),
        ("min_followers", "-1"),
        ("max_followers", "1e99"),
        ("min_score", "101"),
        ("min_score", "abc"),
        ("active_within_days", "0"),
        ("active_within_days", "soon"),
        ("ordering", "popularity"),
        ("q", "x" * 201),
    ],
)
def test_invalid_value_is_a_400_naming_the_parameter(client, param, value):
    CreatorFactory()
    response = client.get(LIST_URL, {param: value})
    assert response.status_code == 400, (param, value, response.status_code)
    body = response.json()
    assert param in body
    assert isinstance(body[param], list) and body[param][0]


def test_unknown_parameters_are_ignored(client):
    CreatorFactory(slug="one")
    assert slugs(client, utm_source="newsletter") == ["one"]
