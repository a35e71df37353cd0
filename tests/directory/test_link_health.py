"""Link health for moderators: demo links never need attention, failing links filter by platform
and error type, "mark unsupported", and creators whose every link has failed for 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import AuditAction, AuditEntry, FetchState, Platform, PlatformLink
from directory.services.attention import NEEDS_ATTENTION
from directory.services.link_health import creators_all_links_failing
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db

LINKS = "admin:directory_platformlink_changelist"


def _failing(creator=None, *, error="permanent (HTTP 404): gone", days=1, **kwargs):
    return PlatformLinkFactory(
        creator=creator or CreatorFactory(),
        fetch_state=kwargs.pop("fetch_state", FetchState.FAILING),
        consecutive_failures=5,
        first_failure_at=timezone.now() - dt.timedelta(days=days),
        last_error=error,
        **kwargs,
    )


def test_demo_links_never_need_attention(client, volunteer):
    demo = _failing(CreatorFactory(is_demo=True), fetch_state=FetchState.DISABLED)
    real = _failing()
    assert set(PlatformLink.objects.filter(NEEDS_ATTENTION)) == {real}
    for value in ("yes", "disabled", "failing"):
        shown = client.get(reverse(LINKS), {"attention": value}).context["cl"].result_list
        assert demo not in shown


@pytest.mark.parametrize(
    ("error_type", "matching"),
    [
        ("gone", "permanent (HTTP 404): gone"),
        ("refused", "permanent (HTTP 403): private"),
        ("rate_limited", "temporary (HTTP 429): slow down"),
        ("server", "temporary (HTTP 503): unavailable"),
        ("network", "temporary: timed out"),
        ("permanent", "permanent (HTTP 410): removed"),
    ],
)
def test_failing_links_filter_by_error_type(client, volunteer, error_type, matching):
    wanted = _failing(error=matching)
    other = _failing(error="temporary (HTTP 500): oops" if error_type != "server" else "x")
    shown = client.get(reverse(LINKS), {"error": error_type}).context["cl"].result_list
    assert wanted in shown and other not in shown


def test_failing_links_filter_by_platform(client, volunteer):
    blog = _failing(platform=Platform.BLOG)
    mastodon = _failing(platform=Platform.MASTODON, url="https://social.example/@someone")
    shown = client.get(reverse(LINKS), {"platform__exact": "mastodon"}).context["cl"].result_list
    assert list(shown) == [mastodon] and blog not in shown


def test_mark_unsupported_stops_fetching_and_is_audited(client, volunteer):
    link = _failing()
    response = client.post(
        reverse(LINKS),
        {"action": "mark_unsupported", "_selected_action": [link.pk]},
        follow=True,
    )
    assert "1 link will no longer be fetched" in response.content.decode()
    link.refresh_from_db()
    assert link.fetch_state == FetchState.MANUAL
    entry = AuditEntry.objects.get(action=AuditAction.LINK_UNSUPPORTED)
    assert entry.creator_ref == link.creator_id and entry.actor == volunteer


def test_retry_now_is_offered_to_moderators(client, volunteer):
    _failing()
    body = client.get(reverse(LINKS)).content.decode()
    assert 'value="retry_now"' in body and 'value="mark_unsupported"' in body


def test_creators_whose_every_link_failed_for_30_days_surface(client, volunteer):
    lost = CreatorFactory(name="All Links Lost")
    _failing(lost, days=31)
    _failing(lost, fetch_state=FetchState.DISABLED, days=40)
    partly = CreatorFactory(name="One Link Fine")
    _failing(partly, days=31)
    PlatformLinkFactory(creator=partly, fetch_state=FetchState.OK)
    recent = CreatorFactory(name="Failing Recently")
    _failing(recent, days=3)
    demo = CreatorFactory(name="Demo Lost", is_demo=True)
    _failing(demo, days=60)
    assert list(creators_all_links_failing()) == [lost]
    body = client.get(
        reverse("admin:directory_creator_changelist"), {"links_failing": "yes"}
    ).content.decode()
    assert "All Links Lost" in body and "One Link Fine" not in body
    home = client.get(reverse("admin:index")).content.decode()
    assert "every link has failed for 30 days" in home
