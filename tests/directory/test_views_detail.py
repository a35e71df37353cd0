"""The creator profile at `/creators/<slug>/`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from directory.models import (
    CreatorStatus,
    Language,
    Platform,
    ScoreHistory,
    SnapshotSource,
    Topic,
)
from directory.scoring.explain import breakdown_for_display
from tests.directory.browse_data import breakdown, build_directory
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db


def detail(client, slug: str):
    return client.get(reverse("directory:creator_detail", kwargs={"slug": slug}))


@pytest.mark.parametrize(
    "status",
    [CreatorStatus.PENDING, CreatorStatus.REJECTED, CreatorStatus.HIDDEN, CreatorStatus.REMOVED],
)
def test_non_approved_creator_page_is_404(client, status):
    CreatorFactory(slug="private", name="Private Person", status=status)
    response = detail(client, "private")
    assert response.status_code == 404
    assert "Private Person" not in response.content.decode()


def test_unknown_slug_is_404(client):
    assert detail(client, "nobody-here").status_code == 404


def test_profile_shows_bio_about_topics_languages_country_and_type(client):
    CreatorFactory(
        slug="ana",
        name="Ana Example",
        bio="Writes about recovery.",
        about="Longer story.\n\nSecond paragraph.",
        topics=[Topic.objects.get(slug="grief")],
        languages=[Language.objects.create(code="pt", name="Portuguese")],
        country="PT",
    )
    html = detail(client, "ana").content.decode()
    assert '<h1 id="profile-name">Ana Example</h1>' in html
    assert html.count("<h1") == 1
    assert "Writes about recovery." in html
    assert "<p>Second paragraph.</p>" in html
    assert "Grief" in html and "?topic=grief" in html
    assert "Portuguese" in html
    assert "Portugal" in html
    assert "Lived experience" in html


def test_content_note_comes_before_the_content(client):
    CreatorFactory(slug="cn", content_notes="Discusses grief", bio="The bio", about="The about")
    html = detail(client, "cn").content.decode()
    html = html[html.index("<main") :]  # the <head> description repeats the bio
    note = html.index("Discusses grief")
    assert note < html.index("The bio") < html.index("The about")


def test_link_stats_show_unknown_as_not_available_never_zero(client):
    creator = CreatorFactory(slug="stats")
    link = PlatformLinkFactory(creator=creator, platform=Platform.WORDPRESS)
    StatsSnapshotFactory(
        link=link,
        followers=40_000,
        comments_in_window=None,
        likes_in_window=0,
        shares_in_window=None,
    )
    html = detail(client, "stats").content.decode()
    assert "<dt>Followers</dt><dd>40,000</dd>" in html
    assert "<dt>Likes</dt><dd>0</dd>" in html
    unknown = '<span class="unknown">—<span class="visually-hidden"> not available</span></span>'
    assert f"<dt>Comments received</dt><dd>{unknown}</dd>" in html
    assert f"<dt>Shares</dt><dd>{unknown}</dd>" in html


@pytest.mark.parametrize("source", [SnapshotSource.SELF_REPORTED, SnapshotSource.MODERATOR])
def test_self_reported_and_moderator_stats_are_labelled_unverified(client, source):
    creator = CreatorFactory(slug="manual")
    link = PlatformLinkFactory(creator=creator, platform=Platform.INSTAGRAM)
    StatsSnapshotFactory(link=link, source=source)
    html = detail(client, "manual").content.decode()
    assert '<span class="tag tag-unverified">Unverified</span>' in html


def test_fetched_stats_are_not_labelled_unverified(client):
    link = PlatformLinkFactory(creator=CreatorFactory(slug="api"), platform=Platform.MASTODON)
    StatsSnapshotFactory(link=link, source=SnapshotSource.API)
    html = detail(client, "api").content.decode()
    assert "Unverified" not in html
    assert "Fetched from Mastodon’s public data on" in html


def test_last_fetched_time_is_shown(client):
    fetched = dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
    PlatformLinkFactory(creator=CreatorFactory(slug="f"), last_fetched_at=fetched)
    PlatformLinkFactory(creator=CreatorFactory(slug="never"))
    assert "Last checked" in detail(client, "f").content.decode()
    assert "4 March 2026, 09:30 UTC" in detail(client, "f").content.decode()
    assert "Not fetched yet" in detail(client, "never").content.decode()


def test_links_hidden_from_indexing_are_not_shown(client):
    creator = CreatorFactory(slug="optout")
    PlatformLinkFactory(creator=creator, url="https://visible.example.org/")
    PlatformLinkFactory(creator=creator, url="https://noindex.example.org/", is_public=False)
    html = detail(client, "optout").content.decode()
    assert "visible.example.org" in html
    assert "noindex.example.org" not in html


def test_score_confidence_and_each_component_are_shown(client):
    creator = CreatorFactory(
        slug="scored",
        interactivity_score=72.4,
        score_confidence=0.81,
        score_breakdown=breakdown(72.4, why="Replies in most conversations"),
    )
    html = detail(client, creator.slug).content.decode()
    assert '<span class="score-number">72</span>' in html
    assert "high confidence" in html
    assert "Confidence 81%" in html
    assert "Replies in most conversations" in html
    assert "Responsiveness" in html
    assert "Replied in 11 of 12 conversations in the last 90 days" in html
    assert ">91<" in html  # value 0.91 on the 0-100 scale
    assert "30%" in html and "33% after unknowns left out" in html
    assert "Reciprocity" in html and "not measured" in html
    assert reverse("directory:scoring") in html


def test_unscored_creator_with_empty_breakdown_renders(client):
    CreatorFactory(slug="new", interactivity_score=None, score_confidence=None, score_breakdown={})
    response = detail(client, "new")
    assert response.status_code == 200
    assert "Not scored yet" in response.content.decode()


@pytest.mark.parametrize(
    "junk",
    [
        {"components": "oops"},
        {"components": [None, 3, {"label": "no key"}, {"key": "x", "value": "high"}]},
        {"links": [{"link_id": "3"}], "why": None},
        [],
    ],
)
def test_malformed_breakdown_never_breaks_the_page(client, junk):
    CreatorFactory(slug="odd", interactivity_score=50, score_breakdown=junk)
    assert detail(client, "odd").status_code == 200


_HUGE = 10**400  # JSON holds it; float() cannot


@pytest.mark.parametrize("number", [1e308, -1e308, _HUGE, 1e7])
def test_out_of_range_breakdown_numbers_show_as_not_available(client, number):
    """1e308 * 100 overflowed to inf in the display filters and the profile answered 500."""
    creator = CreatorFactory(slug="huge", interactivity_score=50)
    link = PlatformLinkFactory(creator=creator)
    numbers = {"value": number, "weight": number, "effective_weight": number}
    creator.score_breakdown = {
        "raw_score": number,
        "components": [{"key": "reach", "label": "Reach", **numbers}],
        "links": [{"link_id": link.pk, "score": number, "evidence_weight": number}],
    }
    creator.save()
    response = detail(client, "huge")
    assert response.status_code == 200
    shown = response.context["breakdown"]
    assert shown["raw_score"] is None
    assert shown["components"][0]["value"] is None
    assert shown["links"][link.pk]["score"] is None


def test_breakdown_for_display_keeps_documented_fields_only():
    shown = breakdown_for_display(
        {
            "why": "Because",
            "components": [{"key": "reach", "value": True, "weight": 0.15}],
            "links": [{"link_id": 3, "score": 80.1, "evidence_weight": 0.6, "source": "api"}],
        }
    )
    assert shown["why"] == "Because"
    assert shown["components"][0]["label"] == "reach"
    assert shown["components"][0]["value"] is None  # a bool is not a measurement
    assert shown["links"] == {3: {"score": 80.1, "evidence_weight": 0.6, "source": "api"}}


def test_per_link_score_from_the_breakdown_is_shown(client):
    creator = CreatorFactory(slug="per-link", interactivity_score=60)
    link = PlatformLinkFactory(creator=creator)
    StatsSnapshotFactory(link=link)
    creator.score_breakdown = {
        **breakdown(60),
        "links": [{"link_id": link.pk, "platform": "blog", "score": 80.1, "source": "api"}],
    }
    creator.save()
    assert "Score on this platform: 80 out of 100." in detail(client, "per-link").content.decode()


def test_stale_and_break_notices(client):
    CreatorFactory(
        slug="resting",
        interactivity_score=50,
        stats_stale=True,
        on_break_until=timezone.now() + dt.timedelta(days=20),
    )
    html = detail(client, "resting").content.decode()
    assert "Stats out of date" in html
    assert "Taking a break until" in html


def test_score_history_chart_is_an_accessible_svg(client):
    creator = CreatorFactory(slug="hist", interactivity_score=60)
    today = timezone.now().date()
    for days_ago, score in [(20, 40.0), (10, 55.0), (0, 60.0)]:
        ScoreHistory.objects.create(
            creator=creator, date=today - dt.timedelta(days=days_ago), score=score
        )
    html = detail(client, "hist").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="score-chart" role="img"' in html
    assert '<title id="score-history-title">Interactivity score over time</title>' in html
    assert "3 points from" in html and "(40) to" in html and "(60)" in html
    chart = html.split('class="score-chart"')[1].split("</svg>")[0]
    assert "<script" not in chart  # the page's only script is the JSON-LD data block


def test_no_history_means_no_chart(client):
    CreatorFactory(slug="nohist")
    assert "<svg" not in detail(client, "nohist").content.decode()


def test_demo_creator_shows_the_demo_banner(client):
    CreatorFactory(slug="demo", is_demo=True)
    CreatorFactory(slug="real")
    assert "Demo data — fictional creators" in detail(client, "demo").content.decode()
    assert "Demo data — fictional creators" not in detail(client, "real").content.decode()


def test_demo_links_say_their_figures_are_made_up_and_nothing_else(client):
    demo = CreatorFactory(slug="demo", is_demo=True)
    StatsSnapshotFactory(link=PlatformLinkFactory(creator=demo, fetch_state="disabled"))
    real = CreatorFactory(slug="real")
    StatsSnapshotFactory(link=PlatformLinkFactory(creator=real))
    # One honest line per link (issue #12 item 7): never "fetched" and "never fetched" at once.
    demo_page = detail(client, "demo").content.decode()
    assert "Made-up demo figures, dated" in demo_page
    assert "Fetched from" not in demo_page
    page = detail(client, "real").content.decode()
    assert "Made-up demo figures" not in page
    assert "public data on" in page


def test_history_caption_names_the_period_it_covers(client):
    creator = CreatorFactory(slug="hist")
    for day in (dt.date(2026, 9, 3), dt.date(2026, 10, 1), dt.date(2026, 11, 26)):
        ScoreHistory.objects.create(creator=creator, date=day, score=50)
    page = detail(client, "hist").content.decode()
    assert "Score from 3 Sep 2026 to 26 Nov 2026, 3 recorded days (0–100 scale)." in page


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    build_directory(30, links_each=4, snapshots_each=3)
    with django_assert_max_num_queries(10):
        response = detail(client, "bulk-005")
    assert response.status_code == 200
    assert response.content.decode().count('class="link-card"') == 4


def test_components_are_a_list_that_says_what_was_left_out(client):
    # Issue #12 item 5: no three-column table squeezing words; an unknown says so in one place.
    creator = CreatorFactory(slug="parts", interactivity_score=60, score_breakdown=breakdown(60))
    html = detail(client, creator.slug).content.decode()
    assert '<table class="components">' not in html
    assert '<ul class="components">' in html
    assert "not measured" in html
    assert "Weight 10%, left out because it was not measured" in html


def test_demo_links_are_never_shown_as_verified(client):
    demo = CreatorFactory(slug="demo-v", is_demo=True)
    PlatformLinkFactory(creator=demo, verified=True)
    real = CreatorFactory(slug="real-v")
    PlatformLinkFactory(creator=real, verified=True)
    assert ">Verified<" not in detail(client, "demo-v").content.decode()
    assert ">Verified<" in detail(client, "real-v").content.decode()


def test_profile_carries_schema_org_json_ld_that_cannot_break_out(client):
    import json
    import re

    creator = CreatorFactory(slug="ld", name="Ada </script><b>", bio="Talks & listens")
    PlatformLinkFactory(creator=creator, url="https://ld.example.org/")
    html = detail(client, "ld").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block and "</script><b>" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["@type"] == "ProfilePage"
    assert data["mainEntity"]["name"] == "Ada </script><b>"
    assert "https://ld.example.org/" in data["mainEntity"]["sameAs"]


def test_demo_profiles_have_no_json_ld(client):
    CreatorFactory(slug="demo-ld", is_demo=True)
    assert "application/ld+json" not in detail(client, "demo-ld").content.decode()


@override_settings(SITE_URL="https://voices.example")
def test_profile_has_an_og_image_share_card_we_draw(client):
    from io import BytesIO

    from PIL import Image

    CreatorFactory(slug="card-me", name="Card Person", interactivity_score=64)
    html = detail(client, "card-me").content.decode()
    card = "https://voices.example/creators/card-me/card.png"
    assert f'<meta property="og:image" content="{card}">' in html
    response = client.get("/creators/card-me/card.png")
    assert response["Content-Type"] == "image/png"
    assert Image.open(BytesIO(response.content)).size == (1200, 630)
    assert client.get("/creators/nobody/card.png").status_code == 404
