""" "May this link be fetched now?" is one rule, `PlatformLink.objects.fetchable()`: the refresh,
the dispatcher, a moderator's "retry now" and the import all give the same answer."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.models import CreatorStatus, FetchState, Platform, PlatformLink
from directory.services.attention import links_retry_now
from directory.services.dispatch import links_dispatch
from directory.services.refresh import link_refresh
from tests.directory.refresh_fakes import FakeAdapter, fetchable_link, ok_result
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)

NEVER = {
    "reserved domain": {"url": "https://calm.example.org/feed"},
    "reserved domain, any case, port": {"url": "https://Calm.EXAMPLE.net:8080/"},
    "reserved top-level domain": {"url": "https://podcast.someone.test/feed.xml"},
    "no public API": {"platform": Platform.INSTAGRAM, "url": "https://www.instagram.com/someone"},
    "manual": {"fetch_state": FetchState.MANUAL},
    "disabled": {"fetch_state": FetchState.DISABLED},
    "demo creator": {"creator": lambda: CreatorFactory(is_demo=True)},
    "removed creator": {"creator": lambda: CreatorFactory(status=CreatorStatus.REMOVED)},
}


def make(kind: str) -> PlatformLink:
    values = {k: v() if callable(v) else v for k, v in NEVER.get(kind, {}).items()}
    return fetchable_link(**values)


@pytest.mark.parametrize("kind", list(NEVER))
def test_a_link_we_never_fetch_is_skipped_everywhere(kind, monkeypatch):
    link = make(kind)
    fake = FakeAdapter(script=[ok_result()])
    sent: list = []

    def record(plan) -> int:
        plan = list(plan)
        sent.extend(plan)
        return len(plan)

    monkeypatch.setattr("directory.services.enqueue.links_send", record)
    monkeypatch.setattr("directory.services.dispatch.links_send", sent.append)

    assert link_refresh(link_id=link.pk, now=NOW, adapter=fake).status == "skipped"
    assert fake.calls == []
    assert links_dispatch(now=NOW) == 0
    outcome = links_retry_now(links=PlatformLink.objects.filter(pk=link.pk))
    retried, skipped = outcome.sent + outcome.unsent, outcome.skipped
    if kind == "disabled":  # what "retry now" is for
        assert (retried, skipped) == (1, 0)
    else:
        assert (retried, skipped) == (0, 1)


def test_a_link_we_fetch_is_fetched_everywhere(monkeypatch, django_capture_on_commit_callbacks):
    link = fetchable_link()
    sent: list = []
    monkeypatch.setattr("directory.services.dispatch.links_send", lambda plan: sent.extend(plan))
    assert set(PlatformLink.objects.fetchable()) == {link}
    with django_capture_on_commit_callbacks(execute=True):
        assert links_dispatch(now=NOW) == 1
    assert [link_id for link_id, _ in sent] == [link.pk]
    outcome = links_retry_now(links=PlatformLink.objects.filter(pk=link.pk))
    assert (outcome.sent + outcome.unsent, outcome.skipped) == (1, 0)
