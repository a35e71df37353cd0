"""directory.pagination: later pages read from the end give exactly the rows OFFSET would, and
counts are kept per filter set until the listing changes; directory.search's two ways of reading
matches agree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory import search
from directory.filters import ORDERINGS, CreatorFilter
from directory.models import Creator
from directory.pagination import ListingPaginator
from directory.services.listing_cache import listing_changed
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")


@pytest.fixture
def crowd():
    # Ties and unknowns in every sort key, so that the reversed order must break them the same way.
    for i in range(23):
        CreatorFactory(
            slug=f"c{i:02d}",
            name=f"Name {i % 5}",
            interactivity_score=None if i % 7 == 0 else float(i % 4),
            followers_total=None if i % 6 == 0 else i % 3,
            bio="burnout notes" if i % 2 else "other",
        )


@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_pages_read_from_the_end_hold_the_rows_offset_would(crowd, ordering):
    queryset = CreatorFilter({"ordering": ordering}, queryset=Creator.objects.listed()).qs
    expected = [c.slug for c in queryset]
    paginator = ListingPaginator(queryset, 4, orphans=0)
    pages = [[c.slug for c in paginator.page(n).object_list] for n in paginator.page_range]
    assert [slug for page in pages for slug in page] == expected


def test_a_count_is_kept_until_the_listing_changes(
    crowd, client, settings, own_cache, django_assert_max_num_queries
):
    settings.LISTING_CACHE_SECONDS = 300
    queryset = CreatorFilter({}, queryset=Creator.objects.listed()).qs
    assert ListingPaginator(queryset, 4).count == 23
    CreatorFactory(slug="late")  # written directly: the listing did not say it changed
    with django_assert_max_num_queries(0):
        assert ListingPaginator(queryset, 4).count == 23
    listing_changed()
    assert ListingPaginator(queryset, 4).count == 24


def test_search_finds_the_start_of_a_word(crowd, client):
    response = client.get(LIST_URL, {"q": "burn"})
    assert response.context["paginator"].count == 11


@pytest.mark.parametrize("query", ["!!!", "50%_off", "a", "o'brien", "tab\tbed"])
def test_odd_search_text_answers_calmly(crowd, client, query):
    assert client.get(LIST_URL, {"q": query}).status_code == 200


def test_many_matches_read_as_a_set_give_the_same_results(crowd, monkeypatch):
    def slugs() -> list[str]:
        data = {"q": "burnout notes", "ordering": "followers"}
        return [c.slug for c in CreatorFilter(data, queryset=Creator.objects.listed()).qs]

    few = slugs()
    monkeypatch.setattr(search, "FEW_MATCHES", 1)
    assert slugs() == few and len(few) == 11


@pytest.mark.parametrize("few_below", [0, 5])  # 5: "care" (3 matches) is few, "other" (6) not
@pytest.mark.parametrize("query", ["anxiety", "kingdom", "mastodon", "care other", "person"])
def test_many_matches_tested_row_by_row_find_topic_country_and_platform_names(
    monkeypatch, query, few_below
):
    from tests.factories import PlatformLinkFactory, TopicFactory

    topic = TopicFactory(name="Anxiety care", slug="anxiety-care")
    for i in range(12):
        creator = CreatorFactory(
            slug=f"m{i:02d}",
            name=f"Person {i}",
            bio="burnout notes" if i % 2 else "other",
            country="GB" if i % 3 == 0 else "FR",
        )
        if i % 4 == 0:
            creator.topics.add(topic)
        if i % 5 == 0:
            PlatformLinkFactory(creator=creator, platform="mastodon")

    def slugs() -> list[str]:
        data = {"q": query, "ordering": "interactivity"}
        return [c.slug for c in CreatorFilter(data, queryset=Creator.objects.listed()).qs]

    few = slugs()
    monkeypatch.setattr(search, "FEW_MATCHES", few_below)  # 0: every word read row by row
    assert slugs() == few and few
