"""The JSON API: list and detail shape, pagination, privacy of non-approved creators, the schema,
read-only behaviour, throttling and the query-count bounds. Filters and sorts are in
test_api_filters.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from directory.models import MEASUREMENT_FIELDS, CreatorStatus, Platform
from tests.factories import (
    CreatorFactory,
    LanguageFactory,
    PlatformLinkFactory,
    StatsSnapshotFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/creators/"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    # Throttle counters live in the cache; each test starts with an empty bucket.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def _creator_with_links(n_links: int = 2, **kwargs):
    creator = CreatorFactory(**kwargs)
    for i in range(n_links):
        link = PlatformLinkFactory(
            creator=creator, url=f"https://{creator.slug}-{i}.example.org/", verified=i == 0
        )
        StatsSnapshotFactory(link=link, followers=100 * (i + 1))
    return creator


# -- shape -----------------------------------------------------------------------------------


def test_list_item_has_the_documented_fields(client):
    topic = TopicFactory(slug="anxiety")
    lang = LanguageFactory(code="en", name="English")
    creator = _creator_with_links(
        slug="sam",
        name="Sam",
        interactivity_score=73.456,
        score_confidence=0.8,
        followers_total=300,
        topics=[topic],
        languages=[lang],
        country="NZ",
    )
    response = client.get(LIST_URL)
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert set(item) == {
        "slug",
        "name",
        "url",
        "interactivity_score",
        "score_confidence",
        "followers_total",
        "creator_type",
        "topics",
        "languages",
        "country",
        "last_active_at",
        "stats_stale",
        "on_break",
        "platforms",
    }
    assert item["slug"] == "sam"
    assert item["url"] == f"http://testserver{creator.get_absolute_url()}"
    assert item["interactivity_score"] == 73.5
    assert isinstance(item["interactivity_score"], float)
    assert item["topics"] == ["anxiety"]
    assert item["languages"] == ["en"]
    assert item["country"] == "NZ"
    assert item["followers_total"] == 300
    platforms = sorted(item["platforms"], key=lambda p: p["url"])
    assert set(platforms[0]) == {"platform", "url", "followers", "verified", "last_fetched_at"}
    assert [p["followers"] for p in platforms] == [100, 200]
    assert [p["verified"] for p in platforms] == [True, False]


def test_unscored_creator_has_null_score_and_unknown_followers_are_null(client):
    creator = CreatorFactory(interactivity_score=None, country="")
    link = PlatformLinkFactory(creator=creator)
    StatsSnapshotFactory(link=link, followers=None)
    item = client.get(LIST_URL).json()["results"][0]
    assert item["interactivity_score"] is None
    assert item["country"] is None
    assert item["platforms"][0]["followers"] is None


def test_link_without_snapshot_has_null_followers(client):
    PlatformLinkFactory(creator=CreatorFactory())
    item = client.get(LIST_URL).json()["results"][0]
    assert item["platforms"][0]["followers"] is None


def test_links_that_opted_out_of_indexing_are_not_shown(client):
    creator = CreatorFactory()
    PlatformLinkFactory(creator=creator, url="https://shown.example.org/")
    PlatformLinkFactory(creator=creator, url="https://private.example.org/", is_public=False)
    item = client.get(LIST_URL).json()["results"][0]
    assert [p["url"] for p in item["platforms"]] == ["https://shown.example.org/"]
    detail = client.get(f"{LIST_URL}{creator.slug}/").json()
    assert [p["url"] for p in detail["platforms"]] == ["https://shown.example.org/"]


def test_score_breakdown_leaves_out_links_that_are_not_public(client):
    creator = CreatorFactory()
    shown = PlatformLinkFactory(creator=creator, url="https://shown.example.org/")
    # Hidden after the score was computed: the stored breakdown still mentions it.
    hidden = PlatformLinkFactory(
        creator=creator, url="https://hidden.example.org/", is_public=False
    )
    creator.score_breakdown = {
        "version": "1",
        "links": [
            {"link_id": shown.pk, "platform": "blog", "score": 50.0},
            {"link_id": hidden.pk, "platform": "mastodon", "score": 70.0},
        ],
    }
    creator.save(update_fields=["score_breakdown"])
    data = client.get(f"{LIST_URL}{creator.slug}/").json()
    assert [item["link_id"] for item in data["score_breakdown"]["links"]] == [shown.pk]
    assert data["score_breakdown"]["version"] == "1"


def test_detail_adds_profile_fields_and_the_latest_snapshot(client):
    creator = CreatorFactory(
        slug="ari",
        bio="Short bio",
        about="Longer about",
        content_notes="discusses grief",
        score_breakdown={"responsiveness": {"value": 0.9}},
        score_version="1",
    )
    link = PlatformLinkFactory(
        creator=creator, platform=Platform.MASTODON, url="https://mastodon.example/@ari"
    )
    captured = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    StatsSnapshotFactory(link=link, captured_at=captured - dt.timedelta(days=14), followers=5)
    StatsSnapshotFactory(link=link, captured_at=captured, followers=9, likes_in_window=None)
    response = client.get(f"{LIST_URL}ari/")
    assert response.status_code == 200
    data = response.json()
    assert data["bio"] == "Short bio"
    assert data["about"] == "Longer about"
    assert data["content_notes"] == "discusses grief"
    assert data["score_breakdown"] == {"responsiveness": {"value": 0.9}}
    assert data["score_version"] == "1"
    assert "score_updated_at" in data
    snapshot = data["platforms"][0]["latest_snapshot"]
    assert set(snapshot) == {"captured_at", "source", *MEASUREMENT_FIELDS, "lower_bounds"}
    assert snapshot["followers"] == 9
    assert snapshot["likes_in_window"] is None
    assert snapshot["source"] == "api"
    assert snapshot["captured_at"].startswith("2025-01-01T00:00:00")


def test_detail_of_link_without_snapshot_has_null_latest_snapshot(client):
    creator = CreatorFactory()
    PlatformLinkFactory(creator=creator)
    data = client.get(f"{LIST_URL}{creator.slug}/").json()
    assert data["platforms"][0]["latest_snapshot"] is None


# -- privacy ---------------------------------------------------------------------------------

HIDDEN_STATUSES = [s for s in CreatorStatus.values if s != CreatorStatus.APPROVED]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_non_approved_creator_is_absent_from_list_detail_and_search(client, status):
    CreatorFactory(name="Visible Person", slug="visible")
    CreatorFactory(name="Secret Person", slug="secret", status=status)
    slugs = [c["slug"] for c in client.get(LIST_URL).json()["results"]]
    assert slugs == ["visible"]
    assert client.get(LIST_URL, {"q": "Secret"}).json()["count"] == 0
    response = client.get(f"{LIST_URL}secret/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# -- pagination ------------------------------------------------------------------------------


def test_pagination_shape_and_absolute_links(client):
    for i in range(30):
        CreatorFactory(name=f"Person {i:02d}")
    first = client.get(LIST_URL, {"page_size": 10, "ordering": "name"}).json()
    assert first["count"] == 30
    assert len(first["results"]) == 10
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/creators/?")
    assert "page=2" in first["next"] and "page_size=10" in first["next"]
    assert "ordering=name" in first["next"]
    second = client.get(first["next"]).json()
    assert second["previous"].startswith("http://testserver/api/creators/?")
    last = client.get(LIST_URL, {"page_size": 10, "page": 3}).json()
    assert last["next"] is None
    names = [r["name"] for r in first["results"] + second["results"]]
    assert names == sorted(names) and len(set(names)) == 20


def test_default_page_size_is_24(client):
    for _ in range(30):
        CreatorFactory()
    assert len(client.get(LIST_URL).json()["results"]) == 24


def test_page_size_100_is_allowed(client):
    for _ in range(101):
        CreatorFactory()
    assert len(client.get(LIST_URL, {"page_size": 100}).json()["results"]) == 100


@pytest.mark.parametrize("value", ["0", "101", "abc", "-5", "2.5"])
def test_page_size_out_of_bounds_or_junk_is_a_400_naming_it(client, value):
    CreatorFactory()
    response = client.get(LIST_URL, {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_junk_page_is_a_400_naming_it(client, value):
    CreatorFactory()
    response = client.get(LIST_URL, {"page": value})
    assert response.status_code == 400
    assert "page" in response.json()


def test_page_past_the_end_is_a_json_404(client):
    CreatorFactory()
    response = client.get(LIST_URL, {"page": 99})
    assert response.status_code == 404
    assert "detail" in response.json()


# -- read-only, schema, throttling ---------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_refused(client, method):
    CreatorFactory(slug="sam")
    for url in (LIST_URL, f"{LIST_URL}sam/"):
        response = getattr(client, method)(url, {"name": "x"}, format="json")
        assert response.status_code in (401, 403, 405)
    assert client.get(f"{LIST_URL}sam/").json()["name"] != "x"


def test_write_methods_are_refused_for_staff_too(client):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_authenticate(staff)
    CreatorFactory(slug="sam")
    assert client.delete(f"{LIST_URL}sam/").status_code == 405
    assert client.post(LIST_URL, {"name": "x"}, format="json").status_code == 405


def test_schema_is_openapi_3_and_describes_the_creators_endpoints(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/creators/" in schema["paths"]
    assert "/api/creators/{slug}/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/creators/"]["get"]["parameters"]}
    assert {"q", "platform", "topic", "min_score", "ordering", "page", "page_size"} <= params
    assert set(schema["paths"]["/api/creators/"]) == {"get"}


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/redoc/"])
def test_docs_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"/api/schema/" in response.content


def test_anonymous_requests_are_throttled(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "100/min"},
    }
    cache.clear()
    codes = [client.get(LIST_URL).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in client.get(LIST_URL)


def test_api_still_answers_when_the_throttle_cache_is_down(client, settings, caplog):
    # Nothing listens on port 1: every cache call fails as it does when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    _creator_with_links()
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert "throttle cache unavailable" in caplog.text


def test_throttle_cannot_be_escaped_with_a_made_up_forwarded_for_header(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "100/min"},
    }
    codes = [
        client.get(LIST_URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


# -- query counts ----------------------------------------------------------------------------


def _many_creators(n: int) -> None:
    topics = [TopicFactory(slug=f"t{i}") for i in range(3)]
    lang = LanguageFactory()
    for i in range(n):
        _creator_with_links(
            n_links=3, topics=topics, languages=[lang], interactivity_score=float(i % 100)
        )


@pytest.mark.parametrize("page_size", [24, 100])
def test_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, page_size):
    _many_creators(page_size)
    with django_assert_max_num_queries(8):
        response = client.get(
            LIST_URL, {"page_size": page_size, "platform": "blog", "q": "anxiety", "min_score": 0}
        )
    assert len(response.json()["results"]) == page_size


def test_detail_runs_at_most_ten_queries(client, django_assert_max_num_queries):
    _many_creators(1)
    creator = CreatorFactory(slug="many-links")
    for i in range(10):
        link = PlatformLinkFactory(creator=creator, url=f"https://l{i}.example.org/")
        StatsSnapshotFactory(link=link)
    with django_assert_max_num_queries(10):
        response = client.get(f"{LIST_URL}many-links/")
    assert len(response.json()["platforms"]) == 10


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/redoc/"])
def test_docs_pages_load_their_scripts_from_our_own_static_files(client, url):
    """The docs must work offline and without a third-party CDN seeing our visitors."""
    content = client.get(url).content.decode()
    assert "/static/drf_spectacular_sidecar/" in content
    assert "cdn.jsdelivr.net" not in content


def test_the_written_out_list_item_equals_drf_generic_rendering(client):
    """CreatorListSerializer and PlatformLinkSerializer write their fields out by hand for
    speed; the result must stay exactly what DRF's field-by-field walk gives."""
    from django.utils import timezone
    from rest_framework import serializers as drf

    from directory.models import Creator
    from directory.serializers import CreatorListSerializer, PlatformLinkSerializer

    creator = CreatorFactory(slug="same", last_active_at=timezone.now(), interactivity_score=41.26)
    PlatformLinkFactory(creator=creator, last_fetched_at=timezone.now())
    loaded = Creator.objects.listed().with_listing_data().get(pk=creator.pk)
    fast = CreatorListSerializer(loaded).data
    generic = drf.ModelSerializer.to_representation(CreatorListSerializer(loaded), loaded)
    assert list(fast) == list(generic) and dict(fast) == dict(generic)
    link = loaded.public_links[0]
    generic_link = drf.ModelSerializer.to_representation(PlatformLinkSerializer(link), link)
    assert PlatformLinkSerializer(link).data == dict(generic_link)
