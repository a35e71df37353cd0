"""The admin: pages render, moderation actions call the services, snapshots stay append-only."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from directory.models import Creator, CreatorStatus, ScoreHistory, StatsSnapshot
from directory.services.moderation import creator_approve, creator_hide, creator_reject
from tests.factories import (
    CreatorFactory,
    PlatformLinkFactory,
    StatsSnapshotFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def moderator(client):
    """Staff with every directory permission, but not a superuser."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="mod", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    client.force_login(user)
    return user


# -- services --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "status"),
    [
        (creator_approve, CreatorStatus.APPROVED),
        (creator_reject, CreatorStatus.REJECTED),
        (creator_hide, CreatorStatus.HIDDEN),
    ],
)
def test_moderation_service_sets_the_status(service, status):
    start = CreatorStatus.PENDING if status != CreatorStatus.PENDING else CreatorStatus.HIDDEN
    creator = CreatorFactory(status=start, interactivity_score=42)
    assert service(creator=creator) is True
    creator.refresh_from_db()
    assert creator.status == status
    assert creator.interactivity_score == 42  # moderation keeps the score
    assert service(creator=creator) is False  # already there: nothing to do


def test_moderation_services_take_keyword_arguments_only():
    with pytest.raises(TypeError):
        creator_approve(CreatorFactory())  # type: ignore[misc]


# -- actions ---------------------------------------------------------------------------------


def _run_action(client, action: str, creators) -> None:
    response = client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": action, "_selected_action": [c.pk for c in creators]},
        follow=True,
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("action", "status", "verb", "confirmation"),
    [
        ("creator_approve_action", CreatorStatus.APPROVED, "Approved", {}),
        # Reject and hide ask first (issue #10): the confirmation page posts these back.
        (
            "creator_reject_action",
            CreatorStatus.REJECTED,
            "Rejected",
            {"confirm": "yes", "reason": "spam"},
        ),
        ("creator_hide_action", CreatorStatus.HIDDEN, "Hidden", {"confirm": "yes"}),
    ],
)
def test_admin_action_changes_selected_creators_only(
    client, moderator, action, status, verb, confirmation
):
    chosen = [CreatorFactory(status=CreatorStatus.PENDING) for _ in range(2)]
    other = CreatorFactory(status=CreatorStatus.PENDING)
    response = client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": action, "_selected_action": [c.pk for c in chosen], **confirmation},
        follow=True,
    )
    assert f"{verb} 2 creators." in response.content.decode()
    assert set(Creator.objects.filter(status=status)) == set(chosen)
    other.refresh_from_db()
    assert other.status == CreatorStatus.PENDING
    assert LogEntry.objects.filter(user=moderator, change_message=verb).count() == 2


def test_approving_an_approved_creator_reports_zero(client, superuser):
    creator = CreatorFactory(status=CreatorStatus.APPROVED)
    response = client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": "creator_approve_action", "_selected_action": [creator.pk]},
        follow=True,
    )
    assert "Approved 0 creators." in response.content.decode()


def test_approving_never_relists_a_creator_removed_at_their_request(client, moderator):
    removed = CreatorFactory(status=CreatorStatus.REMOVED)
    pending = CreatorFactory(status=CreatorStatus.PENDING)
    assert creator_approve(creator=removed) is False
    response = client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": "creator_approve_action", "_selected_action": [removed.pk, pending.pk]},
        follow=True,
    )
    assert "Approved 1 creator." in response.content.decode()
    removed.refresh_from_db()
    pending.refresh_from_db()
    assert (removed.status, pending.status) == (CreatorStatus.REMOVED, CreatorStatus.APPROVED)


# -- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["creator", "platformlink", "statssnapshot", "scorehistory", "topic", "language"]
)
def test_changelists_render(client, superuser, model):
    snapshot = StatsSnapshotFactory()
    ScoreHistory.objects.create(creator=snapshot.link.creator, date="2025-01-01", score=50)
    response = client.get(reverse(f"admin:directory_{model}_changelist"))
    assert response.status_code == 200


def test_creator_change_page_shows_links_with_read_only_stats(client, superuser):
    link = PlatformLinkFactory(url="https://inline.example.org/")
    StatsSnapshotFactory(link=link, followers=12345)
    response = client.get(reverse("admin:directory_creator_change", args=[link.creator.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "https://inline.example.org/" in body
    assert "12,345" in body


def test_creator_list_filters_and_search(client, superuser):
    CreatorFactory(name="Findable Exampleton", status=CreatorStatus.PENDING)
    CreatorFactory(name="Someone Else")
    url = reverse("admin:directory_creator_changelist")
    assert "Findable" in client.get(url, {"q": "Findable"}).content.decode()
    body = client.get(url, {"status__exact": "approved"}).content.decode()
    assert "Someone Else" in body and "Findable" not in body


def test_link_list_filters_by_fetch_state(client, superuser):
    PlatformLinkFactory(
        url="https://failing.example.org/",
        fetch_state="failing",
        last_error="HTTP 404: gone",
        consecutive_failures=3,
    )
    PlatformLinkFactory(url="https://fine.example.org/", fetch_state="ok")
    body = client.get(
        reverse("admin:directory_platformlink_changelist"), {"fetch_state__exact": "failing"}
    ).content.decode()
    assert "failing.example.org" in body and "fine.example.org" not in body
    assert "HTTP 404: gone" in body


# -- append-only snapshots and history ----------------------------------------------------------


def test_snapshots_cannot_be_added_or_changed_in_the_admin(client, superuser):
    snapshot = StatsSnapshotFactory(followers=10)
    assert client.get(reverse("admin:directory_statssnapshot_add")).status_code == 403
    url = reverse("admin:directory_statssnapshot_change", args=[snapshot.pk])
    assert client.get(url).status_code == 200  # viewable
    client.post(url, {"followers": 99})
    snapshot.refresh_from_db()
    assert snapshot.followers == 10


def test_only_a_superuser_may_delete_a_snapshot(client, moderator):
    snapshot = StatsSnapshotFactory()
    url = reverse("admin:directory_statssnapshot_delete", args=[snapshot.pk])
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="root2", is_staff=True, is_superuser=True))
    client.post(url, {"post": "yes"})
    assert not StatsSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_score_history_is_read_only_even_for_superusers(client, superuser):
    point = ScoreHistory.objects.create(creator=CreatorFactory(), date="2025-01-01", score=50)
    assert client.get(reverse("admin:directory_scorehistory_add")).status_code == 403
    delete = reverse("admin:directory_scorehistory_delete", args=[point.pk])
    assert client.get(delete).status_code == 403
