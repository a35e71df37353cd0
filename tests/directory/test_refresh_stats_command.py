"""`manage.py refresh_stats`: --sync reports a line per link; otherwise links are enqueued."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from kombu.exceptions import OperationalError

from directory import tasks
from directory.models import CreatorStatus, FetchState, Platform, StatsSnapshot
from directory.platforms.base import FetchError, Measurements
from tests.directory import refresh_fakes
from tests.directory.refresh_fakes import fetchable_link, ok_result
from tests.factories import CreatorFactory

adapter = refresh_fakes.adapter
rate_wait = refresh_fakes.rate_wait
scores = refresh_fakes.scores

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_wait", "scores")]


def run(*args: str) -> str:
    out = StringIO()
    call_command("refresh_stats", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(
        tasks.refresh_link, "apply_async", lambda args, countdown=None, **kw: ids.append(args[0])
    )
    return ids


def test_sync_prints_platform_outcome_and_key_numbers(adapter):
    link = fetchable_link(creator=CreatorFactory(slug="river-notes"), platform=Platform.BLOG)

    output = run("--sync")

    line = output.splitlines()[0]
    assert line.split()[:3] == ["blog", "ok", "river-notes"]
    assert link.url in line
    assert "followers=1200 posts=14 comments=52 creator_replies=24 replies_to_others=7" in line
    assert "1 link(s) refreshed, 0 with problems." in output
    assert StatsSnapshot.objects.filter(link=link).count() == 1


def test_sync_says_unknown_rather_than_zero(adapter):
    fetchable_link()
    adapter.script = [ok_result(measurements=Measurements(followers=None, posts_in_window=0))]
    assert "followers=unknown posts=0 comments=unknown" in run("--sync")


def test_sync_reports_failures_with_their_reason(adapter):
    link = fetchable_link()
    adapter.script = [FetchError("the feed was not found (404)", permanent=True, status_code=404)]

    output = run("--sync")

    assert "failed" in output.splitlines()[0]
    assert "the feed was not found (404)" in output
    assert "1 with problems" in output
    link.refresh_from_db()
    assert link.fetch_state == FetchState.FAILING


def test_sync_leaves_temporary_failures_for_the_schedule(adapter):
    link = fetchable_link()
    adapter.script = [refresh_fakes.server_error(503)]
    assert "retry" in run("--sync").splitlines()[0]
    link.refresh_from_db()
    assert link.fetch_state == FetchState.RETRYING
    assert link.next_fetch_at is not None


def test_creator_and_platform_narrow_the_links(adapter):
    mine = CreatorFactory(slug="mine")
    wanted = fetchable_link(creator=mine, platform=Platform.MASTODON)
    fetchable_link(creator=mine, platform=Platform.BLOG)
    fetchable_link(platform=Platform.MASTODON)

    output = run("--sync", "--creator", "mine", "--platform", "mastodon")

    assert [ref.url for ref in adapter.calls] == [wanted.url]
    assert "1 link(s) refreshed" in output


def test_demo_and_no_api_links_are_never_fetched(adapter):
    fetchable_link(creator=CreatorFactory(is_demo=True))
    fetchable_link(platform=Platform.INSTAGRAM, url="https://www.instagram.com/calm/")
    assert "No links to refresh" in run("--sync")
    assert adapter.calls == []


def test_a_creator_removed_at_their_request_is_never_fetched(adapter):
    removed = CreatorFactory(slug="gone-quiet", status=CreatorStatus.REMOVED)
    fetchable_link(creator=removed)
    assert "No links to refresh" in run("--sync", "--creator", "gone-quiet")
    assert adapter.calls == []


def test_unknown_creator_is_a_clear_error():
    with pytest.raises(CommandError, match="No creator with the slug 'nobody'"):
        run("--creator", "nobody")


def test_unknown_platform_is_a_clear_error():
    with pytest.raises(CommandError, match="Unknown platform 'myspace'; choose one of: blog"):
        run("--platform", "myspace")


def test_without_sync_the_links_are_enqueued(adapter, sent):
    first, second = fetchable_link(), fetchable_link()
    output = run()
    assert sorted(sent) == sorted([first.pk, second.pk])
    assert "Enqueued 2 link(s)" in output
    assert adapter.calls == []
    first.refresh_from_db()
    assert first.enqueued_at is not None


def test_without_sync_a_broker_outage_is_reported(monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.refresh_link, "apply_async", broker_down)
    fetchable_link()
    with pytest.raises(CommandError, match="broker is not reachable"):
        run()
