"""What a list page that missed the page cache no longer does again and again: each process keeps
its own copies of values stored under a listing version (counts, menus, cards, the filter form),
reads only which creators a page shows when their cards are cached, copies the filters without
deep-copying their choices, and counts a throttle hit in one Redis round trip."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from directory.filters import CreatorFilter
from directory.filters_page import QuickSelect
from directory.models import Creator, CreatorType
from directory.services import listing_cache
from directory.services.listing_cache import LocalCopies, listing_changed, local_copies
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")
API_URL = "/api/creators/"


@pytest.fixture
def cache_on(settings, own_cache):
    settings.LISTING_CACHE_SECONDS = 300


def test_a_process_keeps_only_what_no_request_can_change_in_place(cache_on):
    copies = LocalCopies(items=10, seconds=60)
    copies.put("menu", (("gb", "United Kingdom (3)"),))
    copies.put("count", 12)
    copies.put("list", [1, 2])  # a caller could change it under the next request's feet
    copies.put("nested", (("a", [1]),))
    copies.put("item", {"slug": "a"}, read_only=True)  # API items: only ever read
    assert copies.get("menu") == (("gb", "United Kingdom (3)"),)
    assert copies.get("count") == 12
    assert copies.get("list") is None and copies.get("nested") is None
    assert copies.get("item") == {"slug": "a"}


def test_copies_expire_and_their_number_stays_bounded(cache_on, settings, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(listing_cache.time, "monotonic", lambda: now[0])
    copies = LocalCopies(items=4, seconds=60)
    for i in range(5):
        copies.put(f"k{i}", i)
    assert copies.get("k0") is None  # the oldest went to make room
    assert [copies.get(f"k{i}") for i in range(1, 5)] == [1, 2, 3, 4]
    now[0] += 61
    assert copies.get("k4") is None
    settings.LISTING_CACHE_SECONDS = 30  # never longer than the shared cache keeps the value
    copies.put("short", 1)
    now[0] += 31
    assert copies.get("short") is None


def test_nothing_is_kept_when_listings_are_not_cached(settings):
    settings.LISTING_CACHE_SECONDS = 0
    copies = LocalCopies()
    copies.put("count", 3)
    assert copies.get("count") is None


def test_a_change_is_seen_at_once_although_the_process_kept_copies(cache_on, client):
    creator = CreatorFactory(slug="alpha", name="Alpha Person", bio="First words")
    assert "First words" in client.get(LIST_URL, {"ordering": "name"}).content.decode()
    assert local_copies._values  # the card, count and menus are kept in this process
    Creator.objects.filter(pk=creator.pk).update(bio="Second words")
    listing_changed()
    page = client.get(LIST_URL, {"ordering": "name", "page": "1"}).content.decode()
    assert "Second words" in page and "First words" not in page


def test_the_filter_form_is_rendered_once_per_filter_set(cache_on, client, monkeypatch):
    from directory import views

    CreatorFactory(slug="alpha", creator_type=CreatorType.PROFESSIONAL)
    renders = []
    real = views.render_to_string

    def counting(template, *args, **kwargs):
        renders.append(template)
        return real(template, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", counting)
    first = client.get(LIST_URL, {"creator_type": "professional"}).content.decode()
    # Another page and a parameter the view ignores: the same form, not rendered again.
    again = client.get(LIST_URL, {"creator_type": "professional", "page": "1", "x": "1"})
    other = client.get(LIST_URL, {"creator_type": "peer_supporter"}).content.decode()
    assert renders == ["partials/filter_form.html"] * 2
    form = first[first.index('<details class="filter-panel"') : first.index("</details>")]
    assert form in again.content.decode()
    assert '<option value="professional" selected>' in form
    assert '<option value="peer_supporter" selected>' in other


def test_a_cached_filter_form_is_the_one_rendered_without_the_cache(cache_on, client, settings):
    CreatorFactory(slug="alpha", country="GB", creator_type=CreatorType.PROFESSIONAL)
    params = {"creator_type": "professional", "country": "gb", "q": "alp", "min_followers": "5"}
    client.get(LIST_URL, params)
    cached = client.get(LIST_URL, {**params, "page": "1"}).content.decode()
    settings.LISTING_CACHE_SECONDS = 0
    fresh = client.get(LIST_URL, params).content.decode()

    def form(html: str) -> str:
        return html[html.index('<details class="filter-panel"') : html.index("</details>")]

    assert form(cached) == form(fresh)
    assert 'value="alp"' in form(cached)


def test_a_filter_form_with_errors_is_rendered_each_time(cache_on, client, monkeypatch):
    from directory import views

    renders = []
    real = views.render_to_string
    monkeypatch.setattr(
        views, "render_to_string", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    for _ in range(2):
        response = client.get(LIST_URL, {"min_followers": "lots"})
        assert response.status_code == 400
        assert "field-error" in response.content.decode()
    assert len(renders) == 2


@pytest.mark.parametrize("path", [LIST_URL, API_URL])
def test_with_cards_cached_the_page_query_reads_only_which_creators(
    cache_on, client, path, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        PlatformLinkFactory(creator=CreatorFactory(slug=f"c{i}", name=f"Named Person {i}"))
    cold = client.get(path, {"ordering": "name"})
    assert "Named Person 0" in cold.content.decode()  # built from the full rows the first time
    with CaptureQueriesContext(connection) as captured:
        warm = client.get(path, {"ordering": "name", "page": "1"})
    assert "Named Person 0" in warm.content.decode()
    (page_query,) = [q["sql"] for q in captured.captured_queries]
    selected = page_query.split(" FROM ")[0]
    assert '"directory_creator"."id"' in selected
    assert "score_breakdown" not in selected and '"name"' not in selected


@pytest.mark.parametrize("path", [LIST_URL, API_URL])
def test_cards_not_cached_yet_are_read_in_full(cache_on, client, path):
    for i in range(3):
        PlatformLinkFactory(creator=CreatorFactory(slug=f"c{i}", name=f"Named Person {i}"))
    client.get(path, {"q": "Named Person 0"})  # only c0's card or item cached
    html = client.get(path, {"ordering": "name"}).content.decode()
    assert all(f"Named Person {i}" in html for i in range(3))


def test_a_search_counted_once_can_be_asked_again(cache_on, client, postgres_db):
    """The search's match counts are kept per process: reading them must not use them up."""
    CreatorFactory(slug="alpha", name="Burnout Diaries")
    for _ in range(2):
        response = client.get(LIST_URL, {"q": "burnout"})
        assert response.status_code == 200 and "/creators/alpha/" in response.content.decode()


def test_each_filterset_has_its_own_filters_sharing_the_choices():
    first, second = CreatorFilter({"platform": "youtube"}), CreatorFilter({})
    base = CreatorFilter.base_filters["platform"]
    mine, theirs = first.filters["platform"], second.filters["platform"]
    assert mine is not theirs and mine is not base
    assert mine.extra is not base.extra and mine.extra["choices"] is base.extra["choices"]
    mine.extra["widget"] = QuickSelect  # what the HTML page does per request
    assert "widget" not in base.extra and "widget" not in theirs.extra
    assert mine.filter.f is mine and mine.parent is first  # the method resolves on its own set
    assert first.qs.query.where and not second.form.errors


def test_a_copied_choice_field_shares_its_choices_but_not_its_widget():
    field = CreatorFilter.base_filters["creator_type"].field
    clone = copy.deepcopy(field)
    assert clone.choices is field.choices or clone.choices == field.choices
    assert clone._choices is field._choices
    assert clone.widget is not field.widget
    clone.widget.attrs["class"] = "x"
    assert "class" not in field.widget.attrs


def test_the_redis_cache_reuses_one_client(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client()
    redis_cache.set("shared-client-check", 5)
    assert redis_cache.get("shared-client-check") == 5
    redis_cache.delete("shared-client-check")


def test_a_throttle_hit_on_redis_counts_and_expires(redis_cache):
    from directory.services.throttle import throttle_hit

    now = 600.0 * 1000 + 1  # early in a one-minute window
    hits = [throttle_hit(scope="s", key="k", rate="2/min", now=now) for _ in range(3)]
    assert hits[:2] == [None, None] and hits[2] == 59
    key = redis_cache.make_and_validate_key("throttle:s:k:10000")
    client = redis_cache._cache.get_client(key, write=True)
    assert int(client.get(key)) == 3
    assert 0 < client.ttl(key) <= 65
    client.delete(key)


@pytest.mark.parametrize("path", [LIST_URL, API_URL])
def test_a_page_this_process_served_is_read_again_without_its_bytes(
    cache_on, client, path, monkeypatch
):
    from django.core.cache.backends.locmem import LocMemCache

    from directory.services.listing_cache import VERSION_KEY

    CreatorFactory(slug="shown", name="Shown Person")
    first = client.get(path, {"ordering": "name"})
    reads: list[str] = []
    real_get = LocMemCache.get  # get_many reads through it too

    def counting_get(self, key, *args, **kwargs):
        reads.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", counting_get)
    again = client.get(path, {"ordering": "name"})
    assert again.content == first.content
    assert [key.rsplit(":", 2)[-2:] for key in reads] == [VERSION_KEY.split(":")]
    listing_changed()
    CreatorFactory(slug="later", name="Later Person")
    assert b"Later Person" in client.get(path, {"ordering": "name"}).content
