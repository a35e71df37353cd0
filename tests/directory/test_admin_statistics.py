"""The admin's "Enter statistics" page: a staff moderator adds a snapshot through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from directory.models import Platform, SnapshotSource, StatsSnapshot
from tests.factories import PlatformLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client):
    user = UserFactory(username="mod", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    client.force_login(user)
    return user


@pytest.fixture
def link():
    return PlatformLinkFactory(platform=Platform.TIKTOK, url="https://www.tiktok.com/@calm.voice")


def _url(link) -> str:
    return reverse("admin:directory_platformlink_enter_statistics", args=[link.pk])


def _form(**overrides) -> dict[str, str]:
    captured = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "source": "moderator",
        "captured_at": captured.strftime("%Y-%m-%d %H:%M:%S"),
        "notes": "profile page",
        "followers": "5400",
        "window_days": "30",
        "posts_in_window": "12",
        "comments_in_window": "",
    }
    data.update(overrides)
    return data


def test_the_link_page_offers_enter_statistics(client, moderator, link):
    response = client.get(reverse("admin:directory_platformlink_change", args=[link.pk]))
    assert response.status_code == 200
    assert _url(link) in response.content.decode()


def test_the_form_explains_blank_is_not_zero_and_defaults_to_moderator(client, moderator, link):
    response = client.get(_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "blank is not zero" in page
    assert "Comments or replies by others on those posts." in page
    assert response.context["form"]["source"].value() == SnapshotSource.MODERATOR


def test_posting_records_a_snapshot_with_blanks_unknown(client, moderator, link):
    response = client.post(_url(link), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:directory_platformlink_change", args=[link.pk])
    snapshot = StatsSnapshot.objects.get(link=link)
    assert snapshot.source == "moderator"
    assert snapshot.followers == 5400
    assert snapshot.comments_in_window is None
    link.refresh_from_db()
    assert link.latest_snapshot == snapshot
    link.creator.refresh_from_db()
    assert link.creator.score_updated_at is not None


def test_negative_counts_are_shown_on_the_form(client, moderator, link):
    response = client.post(_url(link), _form(followers="-5"))
    assert response.status_code == 200
    assert "followers" in response.context["form"].errors
    assert not StatsSnapshot.objects.exists()


def test_a_second_entry_for_the_same_time_is_refused_on_the_form(client, moderator, link):
    data = _form()
    assert client.post(_url(link), data).status_code == 302
    response = client.post(_url(link), {**data, "followers": "1"})
    assert response.status_code == 200
    assert "never changed" in str(response.context["form"].errors["captured_at"])
    assert list(StatsSnapshot.objects.values_list("followers", flat=True)) == [5400]


def test_an_empty_entry_is_refused(client, moderator, link):
    response = client.post(_url(link), _form(followers="", window_days="", posts_in_window=""))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not StatsSnapshot.objects.exists()


def test_staff_without_the_add_permission_is_refused(client, link):
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_platformlink"))
    client.force_login(user)
    assert client.post(_url(link), _form()).status_code == 403
    assert not StatsSnapshot.objects.exists()
