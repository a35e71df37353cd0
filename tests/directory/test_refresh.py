"""The refresh service: what one fetch records on the link and in the snapshots."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.db import connection

from directory.models import CreatorStatus, FetchState, Platform, StatsSnapshot
from directory.platforms.base import FetchError
from directory.services import refresh
from directory.services.refresh import link_refresh
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import MEASURED, fetchable_link, ok_result, server_error
from tests.factories import CreatorFactory, StatsSnapshotFactory

# Fixtures shared with the task and command tests.
adapter = refresh_fakes.adapter
rate_wait = refresh_fakes.rate_wait
scores = refresh_fakes.scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_wait")]

NOW = dt.datetime(2026, 3, 10, 14, 37, 12, tzinfo=dt.UTC)


def test_success_records_a_snapshot_at_the_start_of_its_bucket(adapter, scores):
    link = fetchable_link()

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "ok"
    snapshot = StatsSnapshot.objects.get(link=link)
    assert snapshot.captured_at == dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
    assert snapshot.source == "api"
    assert snapshot.followers == MEASURED.followers
    assert snapshot.creator_replies_in_window == MEASURED.creator_replies_in_window
    assert snapshot.shares_in_window is None  # unknown stays unknown
    assert snapshot.last_post_at == MEASURED.last_post_at
    assert outcome.snapshot_id == snapshot.pk


def test_success_updates_the_link(adapter, scores):
    link = fetchable_link(
        fetch_state=FetchState.RETRYING,
        consecutive_failures=2,
        first_failure_at=NOW - dt.timedelta(days=1),
        last_error="temporary: timeout",
        enqueued_at=NOW - dt.timedelta(minutes=5),
    )
    adapter.script = [ok_result(is_public=False, etag='W/"abc"', last_modified="Mon, 09 Mar")]

    link_refresh(link_id=link.pk, now=NOW)

    link.refresh_from_db()
    assert link.fetch_state == FetchState.OK
    assert link.last_fetched_at == NOW
    assert link.next_fetch_at == NOW + dt.timedelta(hours=24)
    assert link.enqueued_at is None
    assert (link.consecutive_failures, link.first_failure_at, link.last_error) == (0, None, "")
    assert (link.handle, link.external_id) == ("@calm.voice", "ext-1")
    assert link.is_public is False
    assert (link.etag, link.last_modified) == ('W/"abc"', "Mon, 09 Mar")
    assert link.latest_snapshot == StatsSnapshot.objects.get(link=link)


def test_a_fetch_never_makes_a_hidden_link_public_again(adapter, scores):
    # A moderator (or an import) hid this link; the platform itself does not ask for noindex.
    link = fetchable_link(is_public=False)
    adapter.script = [ok_result(is_public=True)]

    link_refresh(link_id=link.pk, now=NOW)

    link.refresh_from_db()
    assert link.fetch_state == FetchState.OK
    assert link.is_public is False


def test_success_recomputes_the_creators_score(adapter, scores):
    link = fetchable_link()
    link_refresh(link_id=link.pk, now=NOW)
    assert scores.calls == [(link.creator_id,)]


def test_adapter_receives_what_the_link_knows(adapter, scores):
    link = fetchable_link(handle="@me", external_id="42", etag='"e1"', last_modified="Tue")
    StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(hours=3))
    link_refresh(link_id=link.pk, now=NOW)
    (ref,) = adapter.calls
    assert (ref.url, ref.handle, ref.external_id, ref.etag, ref.last_modified) == (
        link.url,
        "@me",
        "42",
        '"e1"',
        "Tue",
    )


def test_a_second_run_in_the_same_bucket_creates_nothing_and_spares_the_host(adapter, scores):
    link = fetchable_link()
    first = link_refresh(link_id=link.pk, now=NOW)
    second = link_refresh(link_id=link.pk, now=NOW + dt.timedelta(minutes=20))

    assert second.status == "unchanged"
    assert second.snapshot_id == first.snapshot_id
    assert StatsSnapshot.objects.filter(link=link).count() == 1
    assert len(adapter.calls) == 1


def test_a_concurrent_run_that_won_the_bucket_leaves_one_snapshot(adapter, scores):
    link = fetchable_link()

    def other_worker_finishes_first(ref):
        StatsSnapshotFactory(link=link, captured_at=refresh.bucket_start(NOW), followers=5)
        return ok_result()

    adapter.script = [other_worker_finishes_first]
    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "unchanged"
    assert StatsSnapshot.objects.filter(link=link).count() == 1
    assert StatsSnapshot.objects.get(link=link).followers == 5  # never updated in place
    link.refresh_from_db()
    assert link.fetch_state == FetchState.OK


def test_the_next_bucket_gets_its_own_snapshot(adapter, scores):
    link = fetchable_link()
    link_refresh(link_id=link.pk, now=NOW)
    link_refresh(link_id=link.pk, now=NOW + dt.timedelta(hours=1))
    assert StatsSnapshot.objects.filter(link=link).count() == 2
    link.refresh_from_db()
    assert link.latest_snapshot.captured_at == dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


def test_permanent_error_is_recorded_and_keeps_snapshots_and_score(adapter, scores):
    link = fetchable_link()
    earlier = StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=1))
    creator = link.creator
    creator.interactivity_score = 63.0
    creator.save()
    adapter.script = [
        FetchError("the account was not found (404)", permanent=True, status_code=404)
    ]

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "failed"
    link.refresh_from_db()
    assert link.fetch_state == FetchState.FAILING
    assert link.consecutive_failures == 1
    assert link.first_failure_at == NOW
    assert link.last_error == "permanent (HTTP 404): the account was not found (404)"
    assert link.next_fetch_at == NOW + dt.timedelta(hours=24)
    assert list(StatsSnapshot.objects.filter(link=link)) == [earlier]
    assert link.latest_snapshot == earlier
    creator.refresh_from_db()
    assert creator.interactivity_score == 63.0
    assert scores.calls == []


def test_failing_links_wait_longer_each_time_up_to_a_week(adapter, scores):
    link = fetchable_link()
    adapter.script = [FetchError("gone", permanent=True)]
    waits = []
    for day in range(6):
        now = NOW + dt.timedelta(days=day)
        link_refresh(link_id=link.pk, now=now)
        link.refresh_from_db()
        waits.append(link.next_fetch_at - now)
    hours = [w.total_seconds() / 3600 for w in waits]
    assert hours == [24, 48, 96, 168, 168, 168]


def test_a_link_failing_for_30_days_is_disabled_for_moderators(adapter, scores):
    link = fetchable_link(
        fetch_state=FetchState.FAILING,
        consecutive_failures=9,
        first_failure_at=NOW - dt.timedelta(days=30),
    )
    adapter.script = [FetchError("the channel was removed", permanent=True, status_code=410)]

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "disabled"
    link.refresh_from_db()
    assert link.fetch_state == FetchState.DISABLED
    assert link.next_fetch_at is None
    assert "removed" in link.last_error
    assert link.consecutive_failures == 10


def test_a_link_failing_for_29_days_is_still_tried(adapter, scores):
    link = fetchable_link(first_failure_at=NOW - dt.timedelta(days=29), consecutive_failures=5)
    adapter.script = [FetchError("gone", permanent=True)]
    assert link_refresh(link_id=link.pk, now=NOW).status == "failed"


def test_temporary_error_before_the_last_attempt_asks_for_a_retry(adapter, scores):
    link = fetchable_link(enqueued_at=NOW)
    adapter.script = [FetchError("rate limited", permanent=False, retry_after=2, status_code=429)]

    outcome = link_refresh(link_id=link.pk, now=NOW, final_attempt=False)

    assert outcome.status == "retry"
    assert outcome.retry_after == 2
    link.refresh_from_db()
    assert link.fetch_state == FetchState.RETRYING
    assert link.consecutive_failures == 1
    assert link.enqueued_at == NOW  # still in flight: the dispatcher leaves it alone
    assert link.next_fetch_at > NOW + dt.timedelta(seconds=2)
    assert scores.calls == []


def test_temporary_error_on_the_last_attempt_is_recorded_as_a_failure(adapter, scores):
    link = fetchable_link()
    adapter.script = [server_error(502)]
    outcome = link_refresh(link_id=link.pk, now=NOW, final_attempt=True)
    assert outcome.status == "failed"
    link.refresh_from_db()
    assert link.fetch_state == FetchState.FAILING
    assert link.last_error.startswith("temporary (HTTP 502)")


def test_network_exceptions_from_an_adapter_are_temporary(adapter, scores):
    link = fetchable_link()
    adapter.script = [httpx.ConnectTimeout("timed out")]
    outcome = link_refresh(link_id=link.pk, now=NOW, final_attempt=False)
    assert outcome.status == "retry"
    assert "network problem" in outcome.error


def test_waiting_for_the_rate_limit_defers_without_counting_a_failure(adapter, scores, rate_wait):
    link = fetchable_link()
    rate_wait.append(7.5)

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert (outcome.status, outcome.retry_after) == ("deferred", 7.5)
    assert adapter.calls == []
    link.refresh_from_db()
    assert (link.fetch_state, link.consecutive_failures) == (FetchState.NEW, 0)


def test_not_modified_keeps_the_snapshots_and_the_validators(adapter, scores):
    link = fetchable_link(etag='"v1"', last_modified="Sun")
    earlier = StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=1))
    adapter.script = [ok_result(not_modified=True)]

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "not_modified"
    assert outcome.snapshot_id == earlier.pk
    assert StatsSnapshot.objects.filter(link=link).count() == 1
    link.refresh_from_db()
    assert (link.fetch_state, link.last_fetched_at) == (FetchState.OK, NOW)
    assert (link.etag, link.last_modified) == ('"v1"', "Sun")
    assert scores.calls == [(link.creator_id,)]  # activity still decays with time


@pytest.mark.parametrize(
    "latest",
    [
        pytest.param({"captured_at": NOW - dt.timedelta(days=2)}, id="older-than-the-interval"),
        pytest.param(
            {"captured_at": NOW - dt.timedelta(hours=3), "source": "self_reported"},
            id="not-fetched",
        ),
        pytest.param(None, id="no-snapshot"),
    ],
)
def test_no_conditional_request_without_a_recent_fetched_snapshot(adapter, scores, latest):
    # "Posts in the last 90 days" changes daily while a feed does not: a 304 must not stand in
    # for a measurement older than one refresh interval.
    link = fetchable_link(etag='"v1"', last_modified="Sun")
    if latest is not None:
        StatsSnapshotFactory(link=link, **latest)

    link_refresh(link_id=link.pk, now=NOW)

    (ref,) = adapter.calls
    assert (ref.etag, ref.last_modified) == ("", "")


def test_an_unchanged_feed_still_yields_a_fresh_measurement_after_the_interval(adapter, scores):
    link = fetchable_link(etag='"v1"', last_modified="Sun")
    StatsSnapshotFactory(link=link, captured_at=NOW - dt.timedelta(days=2))

    def server(ref):  # answers 304 whenever the validators are sent, like a real feed host
        return ok_result(not_modified=True) if ref.etag else ok_result(etag='"v1"')

    adapter.script = [server]

    outcome = link_refresh(link_id=link.pk, now=NOW)

    assert outcome.status == "ok"
    link.refresh_from_db()
    assert link.latest_snapshot.captured_at == refresh.bucket_start(NOW)
    assert StatsSnapshot.objects.filter(link=link).count() == 2


def test_a_scoring_failure_does_not_lose_the_snapshot(adapter, scores):
    scores.fail = True
    link = fetchable_link()
    assert link_refresh(link_id=link.pk, now=NOW).status == "ok"
    assert StatsSnapshot.objects.filter(link=link).count() == 1


def test_a_database_error_while_scoring_keeps_the_snapshot_and_the_link_update(
    adapter, monkeypatch
):
    def broken(creator_id):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM directory_creator")

    monkeypatch.setattr(refresh, "creator_recompute_score", broken)
    link = fetchable_link()
    assert link_refresh(link_id=link.pk, now=NOW).status == "ok"
    link.refresh_from_db()
    assert link.fetch_state == FetchState.OK and link.latest_snapshot is not None
    assert StatsSnapshot.objects.filter(link=link).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_score_is_written_in_the_snapshots_transaction(adapter, monkeypatch):
    """One commit per refresh (a commit is a disk flush), not one for the snapshot and one for
    the score."""
    seen = []
    monkeypatch.setattr(
        refresh,
        "creator_recompute_score",
        lambda creator_id: seen.append(
            (
                connection.in_atomic_block,
                StatsSnapshot.objects.filter(link__creator_id=creator_id).exists(),
            )
        ),
    )
    link = fetchable_link()
    assert link_refresh(link_id=link.pk, now=NOW).status == "ok"
    assert seen == [(True, True)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "https://calm.example.org/feed"},
        {"url": "https://demo.example/"},
        {"creator": "demo"},
        {"platform": Platform.INSTAGRAM, "url": "https://www.instagram.com/calm/"},
        {"fetch_state": FetchState.DISABLED},
        {"fetch_state": FetchState.MANUAL},
        {"creator": "removed"},
    ],
    ids=["example.org", "dot-example", "demo-creator", "no-api", "disabled", "manual", "removed"],
)
def test_links_we_never_fetch_are_skipped(adapter, scores, overrides):
    if overrides.get("creator") == "demo":
        overrides["creator"] = CreatorFactory(is_demo=True)
    if overrides.get("creator") == "removed":
        # Removed at their own request: a task queued before the removal must not fetch.
        overrides["creator"] = CreatorFactory(status=CreatorStatus.REMOVED)
    link = fetchable_link(**overrides)
    outcome = link_refresh(link_id=link.pk, now=NOW)
    assert outcome.status == "skipped"
    assert adapter.calls == []
    assert not StatsSnapshot.objects.filter(link=link).exists()


def test_a_deleted_link_is_skipped_quietly(adapter, scores):
    assert link_refresh(link_id=987654, now=NOW).status == "skipped"


def test_a_platform_without_an_adapter_fails_permanently(monkeypatch, scores):
    def missing(platform):
        raise LookupError(platform)

    monkeypatch.setattr(refresh, "get_adapter", missing)
    link = fetchable_link()
    outcome = link_refresh(link_id=link.pk, now=NOW)
    assert outcome.status == "failed"
    link.refresh_from_db()
    assert link.last_error.startswith("permanent: no fetcher for blog links")


def test_link_defer_hands_the_link_back_to_the_dispatcher():
    link = fetchable_link(enqueued_at=NOW)
    refresh.link_defer(link_id=link.pk, seconds=7200, now=NOW)
    link.refresh_from_db()
    assert link.enqueued_at is None
    assert link.next_fetch_at == NOW + dt.timedelta(hours=2)


def test_bucket_start_truncates_to_the_hour_in_utc():
    local = dt.datetime(2026, 3, 10, 16, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert refresh.bucket_start(local) == dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
