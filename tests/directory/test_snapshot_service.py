"""snapshot_record(): validation, append-only, the latest pointer and the score recompute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Platform, SnapshotSource, StatsSnapshot
from directory.services.snapshots import snapshot_record
from tests.factories import PlatformLinkFactory, StatsSnapshotFactory

pytestmark = pytest.mark.django_db

FIGURES = {
    "followers": 1200,
    "window_days": 30,
    "posts_in_window": 10,
    "comments_in_window": 80,
    "creator_replies_in_window": 30,
    "posts_with_creator_reply": 8,
}


@pytest.fixture
def link():
    return PlatformLinkFactory(
        platform=Platform.INSTAGRAM, url="https://www.instagram.com/calm.voice"
    )


def _codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def test_records_a_moderator_snapshot_and_points_the_link_at_it(link):
    snapshot = snapshot_record(
        link=link, source=SnapshotSource.MODERATOR, measurements=FIGURES, notes="from a screenshot"
    )
    link.refresh_from_db()
    assert link.latest_snapshot == snapshot
    assert snapshot.source == "moderator"
    assert snapshot.followers == 1200
    assert snapshot.following is None  # blank stays unknown, never 0
    assert snapshot.notes == "from a screenshot"


def test_recomputes_the_creators_score(link):
    assert link.creator.score_updated_at is None
    snapshot_record(link=link, source=SnapshotSource.MODERATOR, measurements=FIGURES)
    link.creator.refresh_from_db()
    assert link.creator.score_updated_at is not None
    assert link.creator.interactivity_score is not None


@pytest.mark.parametrize(
    ("measurements", "code"),
    [
        ({"followers": -1}, "negative"),
        ({"followers": "many"}, "invalid"),
        ({"followers": True}, "invalid"),
        ({"window_days": 0}, "invalid"),
        ({"karma": 5}, "unknown_field"),
        ({"followers": None}, "empty"),
        ({}, "empty"),
        ({"last_post_at": dt.datetime(2026, 1, 1)}, "invalid"),  # naive
    ],
)
def test_bad_figures_are_refused_with_a_code_and_nothing_is_stored(link, measurements, code):
    with pytest.raises(ValidationError) as info:
        snapshot_record(link=link, source=SnapshotSource.MODERATOR, measurements=measurements)
    assert code in _codes(info.value)
    assert not StatsSnapshot.objects.exists()


def test_unknown_source_and_future_time_are_refused(link):
    with pytest.raises(ValidationError) as info:
        snapshot_record(link=link, source="guess", measurements=FIGURES)
    assert _codes(info.value) == {"invalid_source"}
    with pytest.raises(ValidationError) as info:
        snapshot_record(
            link=link,
            source=SnapshotSource.MODERATOR,
            captured_at=timezone.now() + dt.timedelta(days=1),
            measurements=FIGURES,
        )
    assert _codes(info.value) == {"future"}


def test_last_post_after_the_capture_time_is_refused(link):
    captured = timezone.now() - dt.timedelta(days=3)
    with pytest.raises(ValidationError) as info:
        snapshot_record(
            link=link,
            source=SnapshotSource.SELF_REPORTED,
            captured_at=captured,
            measurements={**FIGURES, "last_post_at": captured + dt.timedelta(days=1)},
        )
    assert _codes(info.value) == {"after_capture"}


def test_a_second_entry_for_the_same_time_is_refused_and_the_first_kept(link):
    captured = timezone.now() - dt.timedelta(hours=2)
    first = snapshot_record(
        link=link, source=SnapshotSource.MODERATOR, captured_at=captured, measurements=FIGURES
    )
    with pytest.raises(ValidationError) as info:
        snapshot_record(
            link=link,
            source=SnapshotSource.MODERATOR,
            captured_at=captured,
            measurements={"followers": 99},
        )
    assert _codes(info.value) == {"duplicate"}
    assert "never changed" in info.value.messages[0]
    assert list(StatsSnapshot.objects.values_list("pk", "followers")) == [(first.pk, 1200)]


def test_an_older_entry_is_stored_but_does_not_move_the_latest_pointer(link):
    newest = StatsSnapshotFactory(link=link, captured_at=timezone.now() - dt.timedelta(days=1))
    link.refresh_from_db()
    assert link.latest_snapshot == newest
    older = snapshot_record(
        link=link,
        source=SnapshotSource.MODERATOR,
        captured_at=timezone.now() - dt.timedelta(days=20),
        measurements=FIGURES,
    )
    link.refresh_from_db()
    assert link.latest_snapshot == newest
    assert StatsSnapshot.objects.filter(pk=older.pk).exists()


def test_a_failing_score_recompute_keeps_nothing(link, monkeypatch):
    def boom(creator_id: int) -> None:
        raise RuntimeError("scoring down")

    monkeypatch.setattr("directory.services.snapshots.creator_recompute_score", boom)
    with pytest.raises(RuntimeError):
        snapshot_record(link=link, source=SnapshotSource.MODERATOR, measurements=FIGURES)
    link.refresh_from_db()
    assert link.latest_snapshot is None
    assert not StatsSnapshot.objects.exists()
