"""One rule for "taking a break", used alike by the score, the cards, the profile and the API.

A break lasts until the date the creator set, and at most six months after their last post:
a break left set long after someone stopped posting must not hold them up, on any page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import Creator
from directory.services.scores import creators_recompute_scores
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:creator_list")


def long_silent_on_break(**kwargs) -> Creator:
    """A break set until next year by someone whose last post was seven months ago."""
    now = timezone.now()
    kwargs.setdefault("slug", "silent")
    return CreatorFactory(
        on_break_until=now + dt.timedelta(days=300),
        last_active_at=now - dt.timedelta(days=210),
        **kwargs,
    )


def test_a_break_ends_six_months_after_the_last_post():
    assert long_silent_on_break().is_on_break is False


def test_a_break_holds_while_the_last_post_is_recent():
    now = timezone.now()
    creator = CreatorFactory(
        on_break_until=now + dt.timedelta(days=30), last_active_at=now - dt.timedelta(days=20)
    )
    assert creator.is_on_break is True


def test_a_break_without_any_post_seen_lasts_until_its_date():
    creator = CreatorFactory(on_break_until=timezone.now() + dt.timedelta(days=3))
    assert creator.last_active_at is None
    assert creator.is_on_break is True


def test_card_does_not_show_a_break_that_ended_six_months_after_the_last_post(client):
    long_silent_on_break()
    assert "Taking a break" not in client.get(LIST_URL).content.decode()


def test_profile_does_not_show_a_break_that_ended_six_months_after_the_last_post(client):
    long_silent_on_break()
    html = client.get(reverse("directory:creator_detail", kwargs={"slug": "silent"}))
    assert "Taking a break" not in html.content.decode()


def test_profile_gives_the_day_the_break_really_ends(client):
    now = timezone.now()
    last_post = now - dt.timedelta(days=150)
    CreatorFactory(
        slug="resting", on_break_until=now + dt.timedelta(days=100), last_active_at=last_post
    )
    html = client.get(reverse("directory:creator_detail", kwargs={"slug": "resting"}))
    ends = last_post + dt.timedelta(days=183)
    assert f"Taking a break until {ends:%-d %B %Y}" in html.content.decode()


def test_api_says_whether_a_creator_is_on_a_break():
    now = timezone.now()
    long_silent_on_break(slug="ended")
    CreatorFactory(slug="resting", on_break_until=now + dt.timedelta(days=30))
    CreatorFactory(slug="working")
    items = APIClient().get("/api/creators/").json()["results"]
    assert {item["slug"]: item["on_break"] for item in items} == {
        "ended": False,
        "resting": True,
        "working": False,
    }


@pytest.mark.parametrize("days_since_last_post", [150, 200])
def test_score_and_pages_agree_on_the_break(days_since_last_post):
    now = timezone.now()
    creator = CreatorFactory(on_break_until=now + dt.timedelta(days=300))
    link = PlatformLinkFactory(creator=creator)
    StatsSnapshotFactory(
        link=link,
        captured_at=now - dt.timedelta(days=1),
        posts_in_window=0,
        last_post_at=now - dt.timedelta(days=days_since_last_post),
    )
    creators_recompute_scores(now=now)
    creator.refresh_from_db()
    assert creator.score_breakdown["on_break"] is creator.is_on_break
    assert creator.is_on_break is (days_since_last_post < 183)
