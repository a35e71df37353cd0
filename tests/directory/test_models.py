"""Database-level guarantees of the data model: they hold even when a form or import forgets."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import Creator, CreatorStatus, PlatformLink, Topic
from directory.topics import TOPICS
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db


def test_seeded_topics_exist():
    assert set(Topic.objects.values_list("slug", flat=True)) >= {slug for slug, _ in TOPICS}


@pytest.mark.parametrize(
    "status",
    [CreatorStatus.PENDING, CreatorStatus.REJECTED, CreatorStatus.HIDDEN, CreatorStatus.REMOVED],
)
def test_only_approved_creators_are_listed(status):
    CreatorFactory(slug="visible", status=CreatorStatus.APPROVED)
    CreatorFactory(slug="invisible", status=status)
    assert list(Creator.objects.listed().values_list("slug", flat=True)) == ["visible"]


def test_slug_is_unique():
    CreatorFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Creator.objects.create(name="Other", slug="same")


def test_same_url_cannot_be_listed_twice_on_one_platform():
    PlatformLinkFactory(platform="youtube", url="https://www.youtube.com/channel/UCabc")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformLinkFactory(platform="youtube", url="https://www.youtube.com/channel/UCabc")


def test_score_outside_0_100_is_refused_by_the_database():
    creator = CreatorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Creator.objects.filter(pk=creator.pk).update(interactivity_score=101)


@pytest.mark.parametrize("field", ["followers", "comments_in_window", "posts_with_creator_reply"])
def test_negative_counts_are_refused_by_the_database(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatsSnapshotFactory(**{field: -1})


def test_unknown_measurement_is_stored_as_null_not_zero():
    snapshot = StatsSnapshotFactory(followers=None, comments_in_window=None)
    snapshot.refresh_from_db()
    assert snapshot.followers is None
    assert snapshot.comments_in_window is None


def test_one_snapshot_per_link_and_time():
    first = StatsSnapshotFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatsSnapshotFactory(link=first.link, captured_at=first.captured_at)


def test_snapshots_are_append_only():
    snapshot = StatsSnapshotFactory()
    snapshot.followers = 5
    with pytest.raises(ValueError, match="append-only"):
        snapshot.save()


def test_public_links_exclude_accounts_that_opted_out():
    creator = CreatorFactory()
    PlatformLinkFactory(creator=creator, url="https://a.example.org/")
    PlatformLinkFactory(creator=creator, url="https://b.example.org/", is_public=False)
    assert [link.url for link in PlatformLink.objects.public()] == ["https://a.example.org/"]


def test_on_break_is_true_only_until_the_date():
    creator = CreatorFactory(on_break_until=timezone.now() + dt.timedelta(days=3))
    assert creator.is_on_break
    creator.on_break_until = timezone.now() - dt.timedelta(days=1)
    assert not creator.is_on_break
