"""The Celery tasks: retry scheduling and failure recording (enqueueing: see test_services_*).

Tasks run through `Task.apply()` (eager, in-process), which also runs each retry at once; a
wrapper around `refresh_link.retry` records the countdown every retry asked for.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from directory import tasks
from directory.models import FetchState, StatsSnapshot
from directory.platforms.http import raise_for_status
from directory.tasks import refresh_link
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link, ok_result, server_error
from tests.factories import StatsSnapshotFactory

adapter = refresh_fakes.adapter
rate_wait = refresh_fakes.rate_wait
scores = refresh_fakes.scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_wait")]


@pytest.fixture
def retries(monkeypatch) -> list[dict]:
    """Every call to refresh_link.retry, with its arguments; the retry still happens."""
    seen: list[dict] = []
    original = refresh_link.retry

    def recording_retry(*args, **kwargs):
        seen.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(refresh_link, "retry", recording_retry)
    return seen


def rate_limited(seconds: str):
    """What an adapter raises for HTTP 429 with this Retry-After, via the shared client code."""

    def answer(ref):
        request = httpx.Request("GET", ref.url)
        raise_for_status(httpx.Response(429, headers={"Retry-After": seconds}, request=request))

    return answer


def test_429_with_retry_after_2_is_retried_no_sooner_than_2_seconds(
    monkeypatch, adapter, scores, retries
):
    # A tiny back-off, so only Retry-After can push the countdown to 2 s or more.
    monkeypatch.setattr(tasks, "RETRY_BASE_SECONDS", 0.01)
    link = fetchable_link()
    adapter.script = [rate_limited("2"), ok_result()]

    refresh_link.apply(args=(link.pk,))

    assert len(retries) == 1
    assert retries[0]["countdown"] >= 2
    link.refresh_from_db()
    assert link.fetch_state == FetchState.OK
    assert StatsSnapshot.objects.filter(link=link).count() == 1


def test_a_long_retry_after_is_honoured_too(adapter, scores, retries):
    link = fetchable_link()
    adapter.script = [rate_limited("900"), ok_result()]
    refresh_link.apply(args=(link.pk,))
    assert retries[0]["countdown"] >= 900


def test_a_retry_after_beyond_the_broker_limit_is_left_to_the_dispatcher(adapter, scores, retries):
    link = fetchable_link(enqueued_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    adapter.script = [rate_limited("7200")]

    result = refresh_link.apply(args=(link.pk,))

    assert result.get() == "deferred"
    assert retries == []
    link.refresh_from_db()
    assert link.enqueued_at is None
    assert link.fetch_state == FetchState.RETRYING
    assert link.next_fetch_at >= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=7100)


def test_5xx_is_retried_with_growing_delays_then_recorded_as_a_failure(adapter, scores, retries):
    link = fetchable_link()
    earlier = StatsSnapshotFactory(link=link, captured_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    creator = link.creator
    creator.interactivity_score = 71.5
    creator.save()
    adapter.script = [server_error(503)]

    result = refresh_link.apply(args=(link.pk,))

    assert result.get() == "failed"
    countdowns = [r["countdown"] for r in retries]
    assert len(countdowns) == tasks.MAX_RETRIES
    assert all(later >= sooner for sooner, later in zip(countdowns, countdowns[1:], strict=False))
    assert countdowns[-1] >= 8 * countdowns[0] / 2  # exponential, whatever the jitter
    assert countdowns[-1] <= tasks.MAX_COUNTDOWN_SECONDS
    assert len(adapter.calls) == tasks.MAX_RETRIES + 1
    link.refresh_from_db()
    assert link.fetch_state == FetchState.FAILING
    assert link.consecutive_failures == tasks.MAX_RETRIES + 1
    assert "503" in link.last_error
    assert list(StatsSnapshot.objects.filter(link=link)) == [earlier]
    assert link.latest_snapshot == earlier
    creator.refresh_from_db()
    assert creator.interactivity_score == 71.5
    assert scores.calls == []


def test_a_permanent_error_is_not_retried(adapter, scores, retries):
    link = fetchable_link()
    adapter.script = [refresh_fakes.FetchError("account suspended", permanent=True)]
    assert refresh_link.apply(args=(link.pk,)).get() == "failed"
    assert retries == []
    link.refresh_from_db()
    assert link.fetch_state == FetchState.FAILING
    assert link.last_error == "permanent: account suspended"


def test_waiting_for_our_rate_limit_is_a_deferral_that_uses_no_retries(
    adapter, scores, retries, rate_wait
):
    link = fetchable_link()
    rate_wait.extend([5.0, 5.0])

    assert refresh_link.apply(args=(link.pk,)).get() == "ok"

    assert [r["countdown"] >= 5 for r in retries] == [True, True]
    assert [r["kwargs"] for r in retries] == [{"deferrals": 1}, {"deferrals": 2}]
    link.refresh_from_db()
    assert link.consecutive_failures == 0
    assert len(adapter.calls) == 1


def test_deferrals_do_not_eat_into_the_error_retries(adapter, scores, retries, rate_wait):
    link = fetchable_link()
    rate_wait.extend([1.0] * 3)
    adapter.script = [server_error(500)]
    refresh_link.apply(args=(link.pk,))
    errors = [r for r in retries if "kwargs" not in r]
    assert len(errors) == tasks.MAX_RETRIES


def test_retry_countdown_grows_and_never_undercuts_retry_after():
    for attempt in range(6):
        backoff = tasks.RETRY_BASE_SECONDS * 2**attempt
        countdown = tasks.retry_countdown(attempt)
        assert backoff / 2 <= countdown <= backoff + 1
    assert tasks.retry_countdown(0, retry_after=600) >= 600


def test_refresh_link_survives_worker_loss_within_the_visibility_timeout(settings):
    assert refresh_link.acks_late is True
    assert refresh_link.reject_on_worker_lost is True
    visibility_timeout = 3600  # settings.CELERY_BROKER_TRANSPORT_OPTIONS with Redis
    assert refresh_link.soft_time_limit < refresh_link.time_limit
    limits = [refresh_link.time_limit, tasks.MAX_COUNTDOWN_SECONDS]
    assert all(limit < visibility_timeout for limit in limits)


def test_recompute_scores_task_recomputes_everyone(monkeypatch):
    from directory.services import scores as score_service

    calls = []
    monkeypatch.setattr(
        score_service, "creators_recompute_scores", lambda **kw: calls.append(kw) or 0
    )
    tasks.recompute_scores.apply()
    assert calls == [{}]
