"""The HTML list at `/`: ranking, every filter and sort, pagination, cards and the demo banner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import CreatorStatus, CreatorType, Language, Platform, Topic
from tests.directory.browse_data import breakdown, build_directory
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("directory:creator_list")


def listed_slugs(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [c.slug for c in response.context["creators"]]


def test_approved_creators_are_ranked_by_interactivity_unscored_last(client):
    CreatorFactory(slug="low", interactivity_score=20)
    CreatorFactory(slug="none", interactivity_score=None)
    CreatorFactory(slug="high", interactivity_score=80)
    response = client.get(LIST_URL)
    assert listed_slugs(response) == ["high", "low", "none"]
    html = response.content.decode()
    assert html.index("/creators/high/") < html.index("/creators/low/")


@pytest.mark.parametrize(
    "status",
    [CreatorStatus.PENDING, CreatorStatus.REJECTED, CreatorStatus.HIDDEN, CreatorStatus.REMOVED],
)
def test_non_approved_creators_never_appear_in_list_search_or_emerging(client, status):
    CreatorFactory(slug="secret", name="Secretive Sam", status=status, followers_total=10)
    CreatorFactory(slug="public", name="Public Pat", followers_total=10)
    for params in ({}, {"q": "Secretive"}, {"q": "Sam"}, {"emerging": "on"}):
        response = client.get(LIST_URL, params)
        assert "secret" not in listed_slugs(response)
        assert "/creators/secret/" not in response.content.decode()
        assert "Secretive Sam</a>" not in response.content.decode()
    assert "secret" not in listed_slugs(client.get(reverse("directory:emerging")))


def test_search_matches_name_bio_and_topic_name(client):
    grief = Topic.objects.get(slug="grief")
    CreatorFactory(slug="by-name", name="Harbour Voices", bio="")
    CreatorFactory(slug="by-bio", bio="Notes on harbour walks and panic")
    CreatorFactory(slug="by-topic", bio="", topics=[grief])
    CreatorFactory(slug="other", bio="Nothing relevant")
    assert sorted(listed_slugs(client.get(LIST_URL, {"q": "harbour"}))) == ["by-bio", "by-name"]
    assert listed_slugs(client.get(LIST_URL, {"q": "grief"})) == ["by-topic"]


def test_platform_filter_counts_only_public_links(client):
    PlatformLinkFactory(creator=CreatorFactory(slug="masto"), platform=Platform.MASTODON)
    PlatformLinkFactory(
        creator=CreatorFactory(slug="private-masto"), platform=Platform.MASTODON, is_public=False
    )
    PlatformLinkFactory(creator=CreatorFactory(slug="blog"), platform=Platform.BLOG)
    assert listed_slugs(client.get(LIST_URL, {"platform": "mastodon"})) == ["masto"]


def test_topic_filter(client):
    ocd = Topic.objects.get(slug="ocd")
    CreatorFactory(slug="ocd-writer", topics=[ocd])
    CreatorFactory(slug="other")
    assert listed_slugs(client.get(LIST_URL, {"topic": "ocd"})) == ["ocd-writer"]


def test_creator_type_filter(client):
    CreatorFactory(slug="pro", creator_type=CreatorType.PROFESSIONAL)
    CreatorFactory(slug="peer", creator_type=CreatorType.PEER_SUPPORTER)
    assert listed_slugs(client.get(LIST_URL, {"creator_type": "professional"})) == ["pro"]


def test_language_filter(client):
    welsh = Language.objects.create(code="cy", name="Welsh")
    CreatorFactory(slug="cymraeg", languages=[welsh])
    CreatorFactory(slug="other")
    assert listed_slugs(client.get(LIST_URL, {"language": "cy"})) == ["cymraeg"]


def test_country_filter(client):
    CreatorFactory(slug="nz", country="NZ")
    CreatorFactory(slug="gb", country="GB")
    assert listed_slugs(client.get(LIST_URL, {"country": "NZ"})) == ["nz"]


def test_country_and_language_codes_are_case_insensitive(client):
    welsh = Language.objects.create(code="cy", name="Welsh")
    CreatorFactory(slug="nz", country="NZ", languages=[welsh])
    CreatorFactory(slug="gb", country="GB")
    response = client.get(LIST_URL, {"country": "nz", "language": "CY"})
    assert listed_slugs(response) == ["nz"]
    # The form shows the value it understood, so the visitor sees the filter applied.
    assert '<option value="NZ" selected>' in response.content.decode()


def test_follower_range_filters(client):
    for n in (100, 1000, 10_000):
        CreatorFactory(slug=f"f{n}", followers_total=n, interactivity_score=n / 1000)
    assert listed_slugs(client.get(LIST_URL, {"min_followers": 1000})) == ["f10000", "f1000"]
    assert listed_slugs(client.get(LIST_URL, {"max_followers": 1000})) == ["f1000", "f100"]
    both = client.get(LIST_URL, {"min_followers": 500, "max_followers": 5000})
    assert listed_slugs(both) == ["f1000"]


def test_min_score_filter(client):
    CreatorFactory(slug="s70", interactivity_score=70)
    CreatorFactory(slug="s40", interactivity_score=40)
    CreatorFactory(slug="unscored", interactivity_score=None)
    assert listed_slugs(client.get(LIST_URL, {"min_score": "50"})) == ["s70"]


def test_active_within_days_filter(client):
    now = timezone.now()
    CreatorFactory(slug="recent", last_active_at=now - dt.timedelta(days=3))
    CreatorFactory(slug="old", last_active_at=now - dt.timedelta(days=40))
    CreatorFactory(slug="never", last_active_at=None)
    assert listed_slugs(client.get(LIST_URL, {"active_within_days": 7})) == ["recent"]


def test_emerging_filter_on_the_main_list(client):
    CreatorFactory(slug="small", followers_total=4999)
    CreatorFactory(slug="big", followers_total=5000)
    assert listed_slugs(client.get(LIST_URL, {"emerging": "on"})) == ["small"]


def test_emerging_page_ranks_small_creators_by_score_and_explains_itself(client):
    CreatorFactory(slug="small-low", followers_total=300, interactivity_score=30)
    CreatorFactory(slug="small-high", followers_total=4000, interactivity_score=75)
    CreatorFactory(slug="big", followers_total=90_000, interactivity_score=99)
    CreatorFactory(slug="unknown-size", followers_total=None, interactivity_score=90)
    response = client.get(reverse("directory:emerging"))
    assert listed_slugs(response) == ["small-high", "small-low"]
    html = response.content.decode()
    assert "<h1>Emerging voices</h1>" in html
    assert "under 5,000 followers" in html


def test_emerging_page_combines_with_other_filters(client):
    pro = CreatorType.PROFESSIONAL
    CreatorFactory(slug="small-pro", followers_total=300, creator_type=pro)
    CreatorFactory(slug="small-peer", followers_total=300)
    CreatorFactory(slug="big-pro", followers_total=90_000, creator_type=pro)
    response = client.get(reverse("directory:emerging"), {"creator_type": "professional"})
    assert listed_slugs(response) == ["small-pro"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("interactivity", ["b", "c", "a"]),
        ("followers", ["c", "a", "b"]),
        ("recent", ["a", "b", "c"]),
        ("newest", ["c", "b", "a"]),
        ("name", ["a", "b", "c"]),
    ],
)
def test_each_sort_option(client, ordering, expected):
    now = timezone.now()
    CreatorFactory(
        slug="a", name="Alder", interactivity_score=10, followers_total=500,
        last_active_at=now, created_at=now - dt.timedelta(days=3),
    )  # fmt: skip
    CreatorFactory(
        slug="b", name="Birch", interactivity_score=90, followers_total=50,
        last_active_at=now - dt.timedelta(days=5), created_at=now - dt.timedelta(days=2),
    )  # fmt: skip
    CreatorFactory(
        slug="c", name="Cedar", interactivity_score=50, followers_total=5000,
        last_active_at=now - dt.timedelta(days=9), created_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    response = client.get(LIST_URL, {"ordering": ordering})
    assert listed_slugs(response) == expected
    assert f'<option value="{ordering}" selected>' in response.content.decode()


def test_list_shows_24_per_page_and_a_result_count(client):
    build_directory(30, links_each=1, snapshots_each=1)
    response = client.get(LIST_URL)
    assert len(listed_slugs(response)) == 24
    assert "30 creators · showing 1–24" in response.content.decode()
    last = client.get(LIST_URL, {"page": 2})
    assert len(listed_slugs(last)) == 6
    assert "showing 25–30" in last.content.decode()


def test_filters_combine_and_survive_pagination(client):
    anxiety = Topic.objects.get(slug="anxiety")
    pro = CreatorType.PROFESSIONAL
    for i in range(30):
        CreatorFactory(
            slug=f"match-{i:02d}", name=f"Match {i:02d}", topics=[anxiety], creator_type=pro
        )
    CreatorFactory(slug="wrong-type", topics=[anxiety])
    CreatorFactory(slug="wrong-topic", creator_type=pro)
    params = {"topic": "anxiety", "creator_type": "professional", "ordering": "name"}
    first = client.get(LIST_URL, params)
    assert listed_slugs(first) == [f"match-{i:02d}" for i in range(24)]
    html = first.content.decode()
    next_link = "?topic=anxiety&amp;creator_type=professional&amp;ordering=name&amp;page=2#results"
    assert f'href="{next_link}"' in html
    second = client.get(LIST_URL, {**params, "page": 2})
    assert listed_slugs(second) == [f"match-{i:02d}" for i in range(24, 30)]
    # The form keeps showing the chosen values on the next page.
    html2 = second.content.decode()
    assert '<option value="anxiety" selected>' in html2
    assert '<option value="professional" selected>' in html2


def test_page_past_the_end_shows_the_last_page(client):
    build_directory(26, links_each=1, snapshots_each=1)
    for page in ("3", "99999999999999999999"):
        response = client.get(LIST_URL, {"page": page})
        assert response.context["page_obj"].number == 2
        assert len(listed_slugs(response)) == 2


@pytest.mark.parametrize("page", ["0", "-4"])
def test_page_below_one_shows_the_first_page(client, page):
    CreatorFactory(slug="only")
    response = client.get(LIST_URL, {"page": page})
    assert listed_slugs(response) == ["only"]


@pytest.mark.parametrize("page", ["abc", "1.5", "9" * 5000, "last!"])
def test_page_that_is_not_a_number_is_explained_like_other_bad_values(client, page):
    CreatorFactory(slug="only")
    response = client.get(LIST_URL, {"page": page, "country": "XX"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters need changing" in html
    # Listed with the other problems; not a link, as there is no page field to jump to.
    assert "<li>Page: Page numbers are whole numbers, like page=2.</li>" in html
    assert '<a href="#id_country">' in html
    assert list(response.context["creators"]) == []
    assert "Need help now?" in html


def test_card_shows_score_confidence_movement_and_why(client):
    CreatorFactory(
        slug="card",
        interactivity_score=72.4,
        score_confidence=0.81,
        score_week_delta=3.2,
        score_breakdown=breakdown(72.4, why="Replies in most conversations"),
    )
    CreatorFactory(
        slug="falling", interactivity_score=40, score_confidence=0.2, score_week_delta=-2
    )
    html = client.get(LIST_URL).content.decode()
    assert '<span class="score-number">72</span>' in html
    assert "high confidence" in html and "low confidence" in html
    assert '<span class="score-scale"> out of 100</span>' in html
    assert "up 3 since last week" in html
    assert "down 2 since last week" in html
    assert "↑" not in html and "↓" not in html
    # The why line names what is distinctive, with a number (issue #12 item 2).
    assert "Strongest: replies to comments 91/100" in html


def test_card_shows_type_topics_platforms_and_status_tags(client):
    creator = CreatorFactory(
        slug="tags",
        creator_type=CreatorType.PEER_SUPPORTER,
        topics=[Topic.objects.get(slug="adhd")],
        stats_stale=True,
        on_break_until=timezone.now() + dt.timedelta(days=30),
    )
    PlatformLinkFactory(creator=creator, platform=Platform.BLUESKY)
    PlatformLinkFactory(creator=creator, platform=Platform.SUBSTACK, is_public=False)
    html = client.get(LIST_URL).content.decode()
    assert "Peer supporter" in html
    assert "<li>ADHD</li>" in html
    assert '<li class="platform platform-bluesky">Bluesky</li>' in html
    assert "platform-substack" not in html
    assert "Stats out of date" in html
    assert "Taking a break" in html


def test_break_that_has_ended_is_not_shown(client):
    CreatorFactory(on_break_until=timezone.now() - dt.timedelta(days=1))
    assert "Taking a break" not in client.get(LIST_URL).content.decode()


def test_unscored_creator_card_says_so(client):
    CreatorFactory(interactivity_score=None, score_breakdown={})
    html = client.get(LIST_URL).content.decode()
    assert "Not scored yet" in html


def test_demo_banner_only_when_a_listed_creator_is_demo(client):
    CreatorFactory(slug="real")
    assert "Demo data — fictional creators" not in client.get(LIST_URL).content.decode()
    CreatorFactory(slug="fake", is_demo=True)
    assert "Demo data — fictional creators" in client.get(LIST_URL).content.decode()


def test_hidden_demo_creator_does_not_trigger_the_banner(client):
    CreatorFactory(slug="real")
    CreatorFactory(slug="fake", is_demo=True, status=CreatorStatus.HIDDEN)
    assert "Demo data" not in client.get(LIST_URL).content.decode()


def test_empty_result_offers_to_clear_filters(client):
    CreatorFactory(country="GB")
    response = client.get(LIST_URL, {"country": "FR"})
    html = response.content.decode()
    assert "No creators match all of these filters." in html
    assert 'href="/#results">Clear all filters</a> to see everyone' in html


def test_every_filter_field_has_a_label(client):
    html = client.get(LIST_URL).content.decode()
    for name in (
        "q",
        "platform",
        "topic",
        "creator_type",
        "language",
        "country",
        "min_followers",
        "max_followers",
        "min_score",
        "active_within_days",
        "emerging",
        "ordering",
    ):
        assert f'<label for="id_{name}">' in html, name
        assert f'id="id_{name}"' in html


def test_list_query_count_is_constant_with_24_results(client, django_assert_max_num_queries):
    build_directory(36)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    assert len(listed_slugs(response)) == 24


def test_list_query_count_is_constant_with_many_filters(client, django_assert_max_num_queries):
    build_directory(36)
    params = {
        "q": "Bulk creator",
        "platform": "wordpress",
        "topic": Topic.objects.order_by("pk").first().slug,
        "creator_type": "lived_experience",
        "language": "en",
        "country": "GB",
        "min_followers": "0",
        "max_followers": "1000000",
        "min_score": "1",
        "active_within_days": "365",
        "ordering": "followers",
        "page": "1",
    }
    # 8 for the page, plus the one query that counts (up to a bound) what the search words match
    # on PostgreSQL, which decides how the page query reads them (directory.search).
    with django_assert_max_num_queries(9):
        response = client.get(LIST_URL, params)
    assert len(listed_slugs(response)) > 0
    with django_assert_max_num_queries(8):
        emerging = client.get(reverse("directory:emerging"), {"language": "es", "topic": "anxiety"})
    assert emerging.status_code == 200
