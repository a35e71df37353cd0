"""The dispatcher beat runs every 15 minutes: which links it enqueues, when, and how safely."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from config.celery import app
from directory import tasks
from directory.models import STALE_ENQUEUE, CreatorStatus, FetchState, Platform, PlatformLink
from directory.services.dispatch import DISPATCH_PERIOD, links_dispatch
from tests.directory.refresh_fakes import fetchable_link
from tests.factories import CreatorFactory

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def sent(monkeypatch) -> list[tuple[int, int]]:
    """(link_id, countdown) of every refresh_link message sent."""
    messages: list[tuple[int, int]] = []
    monkeypatch.setattr(
        tasks.refresh_link,
        "apply_async",
        lambda args, countdown=None, **kw: messages.append((args[0], countdown)),
    )
    return messages


def dispatch(callbacks_fixture, **kwargs) -> int:
    with callbacks_fixture(execute=True):
        return links_dispatch(now=NOW, **kwargs)


@pytest.mark.django_db
def test_only_due_links_are_dispatched(sent, django_capture_on_commit_callbacks):
    overdue = fetchable_link(next_fetch_at=NOW - HOUR)
    due_now = fetchable_link(next_fetch_at=NOW)
    never_fetched = fetchable_link(next_fetch_at=None)
    fetchable_link(next_fetch_at=NOW + HOUR)  # not yet

    assert dispatch(django_capture_on_commit_callbacks) == 3
    assert sorted(link_id for link_id, _ in sent) == sorted(
        [overdue.pk, due_now.pk, never_fetched.pk]
    )


@pytest.mark.django_db
def test_links_we_never_fetch_are_not_dispatched(sent, django_capture_on_commit_callbacks):
    fetchable_link(fetch_state=FetchState.DISABLED)
    fetchable_link(fetch_state=FetchState.MANUAL)
    fetchable_link(creator=CreatorFactory(is_demo=True))
    fetchable_link(creator=CreatorFactory(status=CreatorStatus.REMOVED))
    fetchable_link(url="https://calm.example.org/")
    fetchable_link(url="https://sub.demo.example/feed")
    fetchable_link(url="https://www.example.com:8443/blog")
    fetchable_link(platform=Platform.TIKTOK, url="https://www.tiktok.com/@calm")
    wanted = fetchable_link(url="https://notexample.com/")

    assert dispatch(django_capture_on_commit_callbacks) == 1
    assert sent == [(wanted.pk, 0)]


@pytest.mark.django_db
def test_links_in_flight_are_left_alone(sent, django_capture_on_commit_callbacks):
    fetchable_link(next_fetch_at=None, enqueued_at=NOW - dt.timedelta(minutes=10))
    assert dispatch(django_capture_on_commit_callbacks) == 0


@pytest.mark.django_db
def test_links_enqueued_long_ago_but_never_finished_are_enqueued_again(
    sent, django_capture_on_commit_callbacks
):
    lost = fetchable_link(
        enqueued_at=NOW - STALE_ENQUEUE - dt.timedelta(minutes=1),
        next_fetch_at=NOW + dt.timedelta(hours=20),  # the lease the lost dispatch set
    )
    assert dispatch(django_capture_on_commit_callbacks) == 1
    assert sent == [(lost.pk, 0)]


@pytest.mark.django_db
def test_dispatch_marks_links_enqueued_and_sets_the_next_due_time(
    sent, django_capture_on_commit_callbacks
):
    link = fetchable_link(next_fetch_at=None)
    dispatch(django_capture_on_commit_callbacks)
    link.refresh_from_db()
    assert link.enqueued_at == NOW
    assert link.next_fetch_at == NOW + dt.timedelta(hours=24)
    sent.clear()
    assert dispatch(django_capture_on_commit_callbacks) == 0  # not twice


@pytest.mark.django_db
def test_dispatch_spreads_the_links_over_the_period(sent, django_capture_on_commit_callbacks):
    for _ in range(4):
        fetchable_link(next_fetch_at=None)
    dispatch(django_capture_on_commit_callbacks)
    countdowns = [countdown for _, countdown in sent]
    period = int(DISPATCH_PERIOD.total_seconds())
    assert countdowns == [0, period // 4, period // 2, 3 * period // 4]


@pytest.mark.django_db
def test_dispatch_takes_the_most_overdue_first_up_to_the_limit(
    sent, django_capture_on_commit_callbacks
):
    fetchable_link(next_fetch_at=NOW - HOUR)
    oldest = fetchable_link(next_fetch_at=NOW - 5 * HOUR)
    new = fetchable_link(next_fetch_at=None)
    assert dispatch(django_capture_on_commit_callbacks, limit=2) == 2
    assert [link_id for link_id, _ in sent] == [new.pk, oldest.pk]


@pytest.mark.django_db
def test_nothing_is_sent_before_the_claim_commits(sent, django_capture_on_commit_callbacks):
    fetchable_link(next_fetch_at=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        links_dispatch(now=NOW)
    assert sent == []
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_when_the_broker_is_down_the_links_stay_due(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.refresh_link, "apply_async", broker_down)
    link = fetchable_link(next_fetch_at=NOW - HOUR)
    dispatch(django_capture_on_commit_callbacks)
    link.refresh_from_db()
    assert (link.enqueued_at, link.next_fetch_at) == (None, None)


@pytest.mark.django_db
def test_the_beat_task_dispatches(sent, django_capture_on_commit_callbacks):
    link = fetchable_link(next_fetch_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.dispatch_due_links.apply().get() == 1
    assert sent == [(link.pk, 0)]


@pytest.mark.django_db
def test_migrate_installs_the_beat_schedule():
    dispatcher = PeriodicTask.objects.get(task="directory.tasks.dispatch_due_links")
    assert (dispatcher.interval.every, dispatcher.interval.period) == (15, "minutes")
    daily = PeriodicTask.objects.get(task="directory.tasks.recompute_scores")
    assert (daily.crontab.minute, daily.crontab.hour) == ("17", "3")
    for task in (dispatcher, daily):
        assert task.enabled
        assert task.task in app.tasks  # the names match registered tasks


@pytest.mark.django_db
def test_beat_loads_the_schedule_and_can_tell_what_is_due(monkeypatch):
    """Beat's scheduler reads both entries (interval and crontab) without crashing on ZoneInfo."""
    from django_celery_beat import schedulers

    from config.beat import DatabaseScheduler

    # Beat closes "obsolete" connections between ticks; inside the test's transaction that would
    # close the test's own connection on PostgreSQL.
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)

    scheduler = DatabaseScheduler(app=app, lazy=False)
    entries = {entry.task: entry for entry in scheduler.schedule.values()}
    for name in ("directory.tasks.dispatch_due_links", "directory.tasks.recompute_scores"):
        due, next_check = entries[name].is_due()
        assert next_check >= 0


# --- PostgreSQL: SKIP LOCKED ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_rows_locked_by_another_dispatcher_are_skipped(
    postgres_db, sent, django_capture_on_commit_callbacks
):
    locked = fetchable_link(next_fetch_at=None)
    free = fetchable_link(next_fetch_at=None)
    holding, release = threading.Event(), threading.Event()

    def other_dispatcher() -> None:
        try:
            with transaction.atomic():
                PlatformLink.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_dispatcher)
    thread.start()
    try:
        assert holding.wait(10)
        with CaptureQueriesContext(connection) as queries:
            count = dispatch(django_capture_on_commit_callbacks)
    finally:
        release.set()
        thread.join()

    assert count == 1
    assert sent == [(free.pk, 0)]
    assert any("FOR UPDATE" in q["sql"] and "SKIP LOCKED" in q["sql"] for q in queries)
