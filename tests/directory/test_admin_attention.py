"""Failing links surface to moderators ("Needs attention") and can be retried at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from directory.models import CreatorStatus, FetchState, Platform, PlatformLink
from directory.services.attention import NEEDS_ATTENTION, RETRYING_ATTENTION_AFTER
from directory.tasks import refresh_link
from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:directory_platformlink_changelist"


@pytest.fixture
def moderator(client):
    user = UserFactory(username="mod", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    client.force_login(user)
    return user


def _link(state: str, failures: int = 0, **kwargs) -> PlatformLink:
    return PlatformLinkFactory(
        platform=Platform.BLOG,
        url=kwargs.pop("url", None) or f"https://{state}{failures}.blog.org/",
        fetch_state=state,
        consecutive_failures=failures,
        last_error="permanent (HTTP 404): the feed is gone" if failures else "",
        **kwargs,
    )


@pytest.fixture
def links():
    return {
        "disabled": _link(FetchState.DISABLED, 40),
        "failing": _link(FetchState.FAILING, 2),
        "retrying_long": _link(FetchState.RETRYING, RETRYING_ATTENTION_AFTER + 1),
        "retrying_short": _link(FetchState.RETRYING, 1),
        "ok": _link(FetchState.OK),
    }


def test_needs_attention_picks_disabled_failing_and_long_retrying(links):
    found = set(PlatformLink.objects.filter(NEEDS_ATTENTION))
    assert found == {links["disabled"], links["failing"], links["retrying_long"]}


def test_the_admin_filter_lists_them_with_the_last_error(client, moderator, links):
    response = client.get(reverse(CHANGELIST), {"attention": "yes"})
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == {links["disabled"], links["failing"], links["retrying_long"]}
    assert "the feed is gone" in response.content.decode()


@pytest.mark.parametrize("value", ["disabled", "failing", "retrying"])
def test_each_reason_filters_on_its_own(client, moderator, links, value):
    response = client.get(reverse(CHANGELIST), {"attention": value})
    expected = {"disabled": "disabled", "failing": "failing", "retrying": "retrying_long"}[value]
    assert list(response.context["cl"].result_list) == [links[expected]]


def _retry(client, links_to_retry):
    return client.post(
        reverse(CHANGELIST),
        {"action": "retry_now", "_selected_action": [link.pk for link in links_to_retry]},
        follow=True,
    )


def test_retry_now_makes_the_link_due_and_sends_it_at_once(client, moderator, links, sent):
    disabled = links["disabled"]
    disabled.first_failure_at = timezone.now() - dt.timedelta(days=40)
    disabled.save()
    response = _retry(client, [disabled])
    assert sent == [((disabled.pk,), 0)]
    assert "1 link was sent to the workers" in response.content.decode()
    disabled.refresh_from_db()
    assert disabled.fetch_state == FetchState.FAILING  # fetchable again
    assert disabled.next_fetch_at <= timezone.now()
    assert disabled.enqueued_at is not None
    assert disabled.consecutive_failures == 40  # history kept: a new failure re-surfaces it


def test_retry_now_says_so_when_the_broker_is_down_and_marks_nothing_in_flight(
    client, moderator, links, monkeypatch
):
    """It used to report "will be fetched shortly" and leave the link marked in flight."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(refresh_link, "apply_async", refuse)
    failing = links["failing"]
    response = _retry(client, [failing])
    html = response.content.decode()
    assert "1 link could not be sent: the task queue is not reachable." in html
    assert "sent to the workers" not in html
    failing.refresh_from_db()
    assert failing.enqueued_at is None
    assert failing.next_fetch_at is None  # due: the dispatcher's next run sends it


def test_retry_now_skips_links_we_never_fetch(
    client, moderator, sent, django_capture_on_commit_callbacks
):
    instagram = PlatformLinkFactory(
        platform=Platform.INSTAGRAM, url="https://www.instagram.com/someone"
    )
    demo = _link(FetchState.FAILING, 3, creator=CreatorFactory(is_demo=True))
    removed = _link(FetchState.FAILING, 4, creator=CreatorFactory(status=CreatorStatus.REMOVED))
    reserved = _link(FetchState.FAILING, 5, url="https://calm.example.org/feed")
    with django_capture_on_commit_callbacks(execute=True):
        response = _retry(client, [instagram, demo, removed, reserved])
    assert sent == []
    assert "4 links were skipped" in response.content.decode()
    demo.refresh_from_db()
    assert demo.fetch_state == FetchState.FAILING
