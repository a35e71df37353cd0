"""The page cache of the list pages and the API list (directory/page_cache.py): a repeated
anonymous request runs no query, and every write that changes what the list shows is visible on
the very next request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.ownership import (
    creator_break_set,
    creator_edit_approve,
    creator_edit_propose,
    creator_removal_cancel,
    creator_removal_request,
)
from directory.models import CreatorStatus, CreatorType
from directory.services import moderation
from directory.services.removal import creator_remove
from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")
API_URL = "/api/creators/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings, own_cache):
    settings.LISTING_CACHE_SECONDS = 300


def test_repeated_anonymous_list_request_runs_no_query(client, django_assert_num_queries):
    CreatorFactory(slug="shown", name="Shown Person")
    first = client.get(LIST_URL, {"ordering": "name"})
    assert first["X-Listing-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(LIST_URL, {"ordering": "name"})
    assert again["X-Listing-Cache"] == "hit"
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_repeated_anonymous_api_request_runs_no_query(client, django_assert_num_queries):
    CreatorFactory(slug="shown")
    first = client.get(API_URL, {"page_size": 5})
    with django_assert_num_queries(0):
        again = client.get(API_URL, {"page_size": 5})
    assert again.json() == first.json()
    assert again.json()["results"][0]["slug"] == "shown"


def test_parameter_order_does_not_matter_but_values_do(client, django_assert_num_queries):
    CreatorFactory(slug="pro", creator_type=CreatorType.PROFESSIONAL)
    CreatorFactory(slug="peer", creator_type=CreatorType.PEER_SUPPORTER)
    client.get(LIST_URL, {"creator_type": "professional", "ordering": "name"})
    with django_assert_num_queries(0):
        client.get(f"{LIST_URL}?ordering=name&creator_type=professional")
    other = client.get(LIST_URL, {"creator_type": "peer_supporter", "ordering": "name"})
    assert b"/creators/peer/" in other.content and b"/creators/pro/" not in other.content


def test_htmx_partial_and_full_page_are_cached_apart(client):
    CreatorFactory(slug="shown")
    full = client.get(LIST_URL)
    partial = client.get(LIST_URL, headers={"HX-Request": "true"})
    assert partial["HX-Push-Url"] == LIST_URL
    assert "HX-Push-Url" not in full
    again = client.get(LIST_URL, headers={"HX-Request": "true"})
    assert again["X-Listing-Cache"] == "hit" and again["HX-Push-Url"] == LIST_URL


def test_signed_in_visitors_are_never_served_a_cached_page(client):
    CreatorFactory(slug="shown")
    client.get(LIST_URL)
    client.force_login(UserFactory())
    response = client.get(LIST_URL)
    assert "X-Listing-Cache" not in response
    assert "Your page" in response.content.decode()


def test_without_a_reachable_cache_pages_are_served_uncached(client, monkeypatch):
    from directory import page_cache
    from directory.services import listing_cache

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        get_many = set = add = incr = get

    monkeypatch.setattr(page_cache, "cache", Down())
    monkeypatch.setattr(listing_cache, "cache", Down())
    CreatorFactory(slug="shown")
    for _ in range(2):
        response = client.get(LIST_URL)
        assert response.status_code == 200 and "X-Listing-Cache" not in response
        assert client.get(API_URL).status_code == 200


def test_the_cache_can_be_turned_off(client, settings):
    settings.LISTING_CACHE_SECONDS = 0
    CreatorFactory(slug="shown")
    client.get(LIST_URL)
    assert "X-Listing-Cache" not in client.get(LIST_URL)


def _slugs_shown(client) -> set[str]:
    page = client.get(LIST_URL).content.decode()
    api = {c["slug"] for c in client.get(API_URL).json()["results"]}
    html = {slug for slug in ("alpha", "beta") if f"/creators/{slug}/" in page}
    assert html == api, "the list page and the API disagree"
    return html


def _approve(creator, other):
    moderation.creator_approve(creator=other)


def _reject(creator, other):
    moderation.creator_reject(creator=creator)


def _hide(creator, other):
    moderation.creator_hide(creator=creator)


def _remove_at_request(creator, other):
    moderation.creator_remove_at_request(creator=creator)


def _remove(creator, other):
    creator_remove(creator_id=creator.pk)


def _merge(creator, other):
    moderation.creators_merge(survivor=other, duplicates=[creator])


def _owner_removal_request(creator, other):
    creator_removal_request(creator=creator, user=UserFactory())


WRITES_THAT_HIDE_ALPHA = [_reject, _hide, _remove_at_request, _remove, _owner_removal_request]


@pytest.mark.parametrize("write", WRITES_THAT_HIDE_ALPHA)
def test_a_write_that_unlists_a_creator_shows_at_once(
    client, write, django_capture_on_commit_callbacks
):
    alpha = CreatorFactory(slug="alpha")
    beta = CreatorFactory(slug="beta", status=CreatorStatus.PENDING)
    assert _slugs_shown(client) == {"alpha"}
    with django_capture_on_commit_callbacks(execute=True):
        write(alpha, beta)
    assert _slugs_shown(client) == set()


def test_approving_shows_at_once(client, django_capture_on_commit_callbacks):
    alpha = CreatorFactory(slug="alpha")
    beta = CreatorFactory(slug="beta", status=CreatorStatus.PENDING)
    assert _slugs_shown(client) == {"alpha"}
    with django_capture_on_commit_callbacks(execute=True):
        _approve(alpha, beta)
    assert _slugs_shown(client) == {"alpha", "beta"}


def test_restoring_shows_at_once(client, django_capture_on_commit_callbacks):
    beta = CreatorFactory(slug="beta", status=CreatorStatus.HIDDEN)
    assert _slugs_shown(client) == set()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.creator_restore(creator=beta)
    assert _slugs_shown(client) == {"beta"}


def test_merging_shows_at_once(client, django_capture_on_commit_callbacks):
    alpha = CreatorFactory(slug="alpha")
    beta = CreatorFactory(slug="beta")
    assert _slugs_shown(client) == {"alpha", "beta"}
    with django_capture_on_commit_callbacks(execute=True):
        _merge(alpha, beta)
    assert _slugs_shown(client) == {"beta"}


def test_cancelling_an_owner_removal_shows_at_once(client, django_capture_on_commit_callbacks):
    alpha = CreatorFactory(slug="alpha")
    with django_capture_on_commit_callbacks(execute=True):
        creator_removal_request(creator=alpha, user=UserFactory())
    assert _slugs_shown(client) == set()
    with django_capture_on_commit_callbacks(execute=True):
        creator_removal_cancel(creator=alpha)
    assert _slugs_shown(client) == {"alpha"}


def test_an_owner_break_shows_at_once(client, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    alpha = CreatorFactory(slug="alpha")
    assert "Taking a break" not in client.get(LIST_URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        creator_break_set(creator=alpha, until=timezone.now().date() + dt.timedelta(days=7))
    assert "Taking a break" in client.get(LIST_URL).content.decode()


def test_an_approved_owner_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    owner = UserFactory()
    alpha = CreatorFactory(slug="alpha", bio="Old words", claimed_by=owner)
    PlatformLinkFactory(creator=alpha, url="https://example.com/alpha")
    assert "Old words" in client.get(LIST_URL).content.decode()
    edit = creator_edit_propose(
        creator=alpha,
        user=owner,
        bio="New words",
        content_notes="",
        topics=[],
        languages=[],
        links=[(None, "https://example.com/alpha")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        creator_edit_approve(edit=edit, moderator=UserFactory(is_staff=True))
    assert "New words" in client.get(LIST_URL).content.decode()


def test_a_verified_licence_invalidates(client, django_capture_on_commit_callbacks):
    alpha = CreatorFactory(slug="alpha", creator_type=CreatorType.PROFESSIONAL)
    client.get(LIST_URL)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.creator_mark_licence_verified(creator=alpha)
    assert client.get(LIST_URL)["X-Listing-Cache"] == "miss"


def test_an_import_shows_at_once(client, django_capture_on_commit_callbacks):
    from directory.services.imports import creators_import

    assert _slugs_shown(client) == set()
    document = {
        "format": "mhvoices/1",
        "creators": [
            {
                "name": "Alpha",
                "slug": "alpha",
                "status": "approved",
                "links": [{"url": "https://example.com/alpha-blog"}],
            }
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        creators_import(document)
    assert _slugs_shown(client) == {"alpha"}


def test_a_card_rendered_for_one_page_is_reused_by_another_until_the_listing_changes(client):
    from directory.models import Creator
    from directory.services.listing_cache import listing_changed

    alpha = CreatorFactory(slug="alpha", bio="First words")
    assert "First words" in client.get(LIST_URL).content.decode()
    Creator.objects.filter(pk=alpha.pk).update(bio="Second words")  # no listing_changed()
    other_page = client.get(LIST_URL, {"ordering": "name"})
    assert other_page["X-Listing-Cache"] == "miss"
    assert "First words" in other_page.content.decode()  # the card came from the cache
    listing_changed()
    assert "Second words" in client.get(LIST_URL, {"ordering": "name"}).content.decode()


def test_a_new_page_of_known_creators_runs_only_the_page_query(client, django_assert_num_queries):
    """Counts, menus and cards are cached under the listing version: a sort nobody asked for yet
    reads the page's rows and nothing else."""
    for i in range(3):
        PlatformLinkFactory(creator=CreatorFactory(slug=f"c{i}", name=f"Person {i}"))
    client.get(LIST_URL)
    with django_assert_num_queries(1):
        response = client.get(LIST_URL, {"ordering": "name"})
    assert response["X-Listing-Cache"] == "miss"
    html = response.content.decode()
    assert html.index("/creators/c0/") < html.index("/creators/c1/") < html.index("/creators/c2/")


def test_a_topic_renamed_in_the_admin_shows_at_once(client, django_capture_on_commit_callbacks):
    from django.test import Client

    from directory.models import Topic

    topic = Topic.objects.get(slug="grief")
    CreatorFactory(slug="alpha", topics=[topic])
    assert f">{topic.name}</li>" in client.get(LIST_URL).content.decode()
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:directory_topic_change", args=[topic.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"name": "Loss and grief", "slug": "grief"})
    assert response.status_code == 302, response.content[:300]
    assert ">Loss and grief</li>" in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("path", [LIST_URL, API_URL])
def test_a_page_built_on_a_miss_reads_the_listing_version_once(client, monkeypatch, path):
    from django.core.cache.backends.locmem import LocMemCache

    from directory.services.listing_cache import VERSION_KEY

    CreatorFactory(slug="shown", name="Shown Person")
    client.get(path, {"ordering": "name"})  # counts, menus and cards now cached
    reads = []
    real_get = LocMemCache.get  # get_many reads through it too

    def counting_get(self, key, *args, **kwargs):
        reads.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", counting_get)
    response = client.get(path, {"ordering": "name", "page": "1"})  # another key: a miss
    assert response.status_code == 200 and "Shown Person" in response.content.decode()
    # The count, the menus and the cards are read under the version the request saw first.
    assert reads.count(VERSION_KEY) == 1, reads


def test_a_pinned_version_is_only_for_that_request(client):
    from directory.services.listing_cache import (
        listing_changed,
        listing_version,
        listing_version_pinned,
    )

    before = listing_version()
    with listing_version_pinned(before):
        listing_changed()
        assert listing_version() == before
    assert listing_version() == before + 1


def test_an_api_page_reuses_the_items_other_pages_built(
    client, settings, django_assert_max_num_queries
):
    for i in range(3):
        creator = CreatorFactory(slug=f"c{i}", name=f"Person {i}")
        PlatformLinkFactory(creator=creator)
    first = client.get(API_URL, {"ordering": "name"}).json()
    with django_assert_max_num_queries(2):  # the new order's page and count; no topics or links
        reordered = client.get(API_URL, {"ordering": "followers"}).json()
    by_slug = {item["slug"]: item for item in first["results"]}
    assert all(item == by_slug[item["slug"]] for item in reordered["results"])
    settings.LISTING_CACHE_SECONDS = 0  # built from scratch: the same items
    assert client.get(API_URL, {"ordering": "name"}).json() == first


@pytest.mark.parametrize(
    "query",
    [
        {"utm_source": "x1"},  # a parameter the pages ignore
        {"q": "anything typed"},  # free text: endless keys
        {"page": "21"},  # past the first pages
        {"min_score": "abc"},  # an invalid value answers 400: not stored either
    ],
)
def test_requests_anyone_could_vary_without_end_are_served_but_never_stored(client, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CreatorFactory()
    first = client.get(LIST_URL, query)
    assert "X-Listing-Cache" not in first
    assert "X-Listing-Cache" not in client.get(LIST_URL, query)
    if "utm_source" in query:  # (a search with no match runs no query once its count is kept)
        client.get(API_URL, query)
        with CaptureQueriesContext(connection) as again:
            assert client.get(API_URL, query).status_code == 200
        assert len(again) > 0  # built again, not served from the cache


def test_known_filters_and_early_pages_are_stored(client):
    CreatorFactory()
    query = {"ordering": "name", "creator_type": "professional", "page": "1"}
    client.get(LIST_URL, query)
    assert client.get(LIST_URL, query)["X-Listing-Cache"] == "hit"


def test_a_lost_version_counter_starts_ahead_of_every_page_stored_before(client):
    from django.core.cache import cache

    from directory.services.listing_cache import VERSION_KEY, listing_version

    CreatorFactory(name="Shown Once")
    client.get(LIST_URL)
    before = listing_version()
    cache.delete(VERSION_KEY)  # what an eviction or a Redis restart without data does
    assert listing_version() > before
    assert client.get(LIST_URL)["X-Listing-Cache"] == "miss"


@pytest.mark.parametrize("bulk", [False, True])
def test_a_creator_deleted_in_the_admin_leaves_cached_pages_at_once(
    client, django_capture_on_commit_callbacks, bulk
):
    from django.test import Client

    creator = CreatorFactory(slug="to-delete", name="Deleted Person")
    assert "Deleted Person" in client.get(LIST_URL).content.decode()
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        if bulk:
            response = staff.post(
                reverse("admin:directory_creator_changelist"),
                {"action": "delete_selected", "_selected_action": [creator.pk], "post": "yes"},
            )
        else:
            response = staff.post(
                reverse("admin:directory_creator_delete", args=[creator.pk]), {"post": "yes"}
            )
    assert response.status_code == 302, response.content[:300]
    assert "Deleted Person" not in client.get(LIST_URL).content.decode()
