"""Issue #8: a number that is a lower bound is stored as such and shown as "at least N" on the
profile and in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from directory.models import StatsSnapshot
from directory.services.refresh import link_refresh
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link, ok_result
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

adapter = refresh_fakes.adapter
scores = refresh_fakes.scores

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def test_the_refresh_stores_which_measurements_are_lower_bounds(adapter, scores):
    link = fetchable_link()
    adapter.script = [ok_result(lower_bounds=("comments_in_window", "posts_in_window"))]

    link_refresh(link_id=link.pk, now=NOW)

    snapshot = StatsSnapshot.objects.get(link=link)
    assert snapshot.lower_bounds == ["comments_in_window", "posts_in_window"]


def _creator_with_partial_counts():
    creator = CreatorFactory(slug="partial")
    link = PlatformLinkFactory(creator=creator, url="https://partial.example.org/")
    StatsSnapshotFactory(
        link=link, comments_in_window=52, posts_in_window=15, lower_bounds=["comments_in_window"]
    )
    return creator


def test_the_profile_says_at_least(client):
    _creator_with_partial_counts()
    html = client.get(reverse("directory:creator_detail", kwargs={"slug": "partial"})).content
    html = html.decode()
    assert "<dt>Comments received</dt><dd>at least 52</dd>" in html
    assert "<dt>Posts in period</dt><dd>15</dd>" in html


def test_the_api_names_the_lower_bounds(client):
    _creator_with_partial_counts()
    data = client.get("/api/creators/partial/").json()
    snapshot = data["platforms"][0]["latest_snapshot"]
    assert (snapshot["comments_in_window"], snapshot["lower_bounds"]) == (
        52,
        ["comments_in_window"],
    )
