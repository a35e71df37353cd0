"""Moderation decisions, single (from a creator's page) and bulk (from the list): each changes
what the public sees and writes the audit trail; a decision on a stale page is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import AuditAction, AuditEntry, Creator, CreatorStatus, StatsSnapshot
from directory.services import moderation
from tests.factories import (
    CreatorFactory,
    PlatformLinkFactory,
    StatsSnapshotFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:directory_creator_changelist"


def _public(client, creator: Creator) -> dict[str, bool]:
    """Where the public can see this creator: list, profile, API."""
    listing = client.get(reverse("directory:creator_list")).content.decode()
    profile = client.get(reverse("directory:creator_detail", args=[creator.slug]))
    api = client.get(f"/api/creators/{creator.slug}/")
    return {
        "list": creator.name in listing,
        "profile": profile.status_code == 200,
        "api": api.status_code == 200,
    }


VISIBLE = {"list": True, "profile": True, "api": True}
INVISIBLE = {"list": False, "profile": False, "api": False}

# (action, start status, extra POST data of the confirmation page, public after, audit action)
DECISIONS = [
    ("creator_approve_action", CreatorStatus.PENDING, {}, VISIBLE, AuditAction.APPROVED),
    (
        "creator_reject_action",
        CreatorStatus.PENDING,
        {"confirm": "yes", "reason": "not_about_mental_health", "note": "Fitness tips only."},
        INVISIBLE,
        AuditAction.REJECTED,
    ),
    (
        "creator_hide_action",
        CreatorStatus.APPROVED,
        {"confirm": "yes", "note": "Checking a report."},
        INVISIBLE,
        AuditAction.HIDDEN,
    ),
    (
        "creator_restore_action",
        CreatorStatus.HIDDEN,
        {"confirm": "yes"},
        VISIBLE,
        AuditAction.RESTORED,
    ),
    (
        "creator_remove_action",
        CreatorStatus.APPROVED,
        {"confirm": "yes", "note": "Email from the creator."},
        INVISIBLE,
        AuditAction.REMOVED,
    ),
]


def _decide_in_bulk(client, action: str, creators, extra: dict) -> str:
    data = {"action": action, "_selected_action": [c.pk for c in creators], **extra}
    for creator in creators:
        data[f"seen_version_{creator.pk}"] = creator.version
    return client.post(reverse(CHANGELIST), data, follow=True).content.decode()


def _change_form_data(client, url: str, creator: Creator, **changes) -> dict:
    """What the creator's change page posts back, with `changes` typed in and no link rows."""
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"seen_version": creator.version, "links-TOTAL_FORMS": 0, "links-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def _decide_on_its_page(client, action: str, creator: Creator, extra: dict) -> str:
    data = {
        "CHANGE_FORM-action": action,
        "_selected_action": [creator.pk],
        "seen_version": creator.version,
        **extra,
    }
    url = reverse("admin:directory_creator_change", args=[creator.pk])
    return client.post(url, data, follow=True).content.decode()


@pytest.mark.parametrize(("action", "start", "extra", "after", "audit"), DECISIONS)
def test_bulk_decision_changes_what_the_public_sees_and_is_audited(
    client, volunteer, action, start, extra, after, audit
):
    creators = [CreatorFactory(status=start) for _ in range(2)]
    assert _public(client, creators[0]) == (VISIBLE if start == "approved" else INVISIBLE)
    body = _decide_in_bulk(client, action, creators, extra)
    assert "2 creators." in body
    for creator in creators:
        assert _public(client, creator) == after
        entry = AuditEntry.objects.get(creator_ref=creator.pk, action=audit)
        assert entry.actor == volunteer
        assert entry.changes["status"][0] == start
        assert entry.note == extra.get("note", "")


@pytest.mark.parametrize(("action", "start", "extra", "after", "audit"), DECISIONS)
def test_single_decision_from_the_creators_page(
    client, volunteer, action, start, extra, after, audit
):
    creator = CreatorFactory(status=start)
    body = _decide_on_its_page(client, action, creator, extra)
    assert "1 creator." in body
    assert _public(client, creator) == after
    assert AuditEntry.objects.filter(creator_ref=creator.pk, action=audit).count() == 1


def test_actions_that_hide_or_remove_ask_first(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.APPROVED)
    for action in ("creator_hide_action", "creator_remove_action", "creator_reject_action"):
        body = _decide_in_bulk(client, action, [creator], {})
        assert "No, take me back" in body
        creator.refresh_from_db()
        assert creator.status == CreatorStatus.APPROVED


def test_the_decision_and_reason_reach_the_submission(client, volunteer, monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(
        "directory.services.moderation.submission_decided", lambda **kw: calls.append(kw)
    )
    approved, rejected = CreatorFactory(status="pending"), CreatorFactory(status="pending")
    _decide_in_bulk(client, "creator_approve_action", [approved], {})
    extra = {"confirm": "yes", "reason": "unverifiable", "note": "We could not find them."}
    _decide_in_bulk(client, "creator_reject_action", [rejected], extra)
    assert [(c["creator"].pk, c["approved"], c.get("reason", "")) for c in calls] == [
        (approved.pk, True, ""),
        (rejected.pk, False, "unverifiable"),
    ]
    assert calls[1]["note"] == "We could not find them."


def test_reject_needs_a_reason(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    body = _decide_in_bulk(client, "creator_reject_action", [creator], {"confirm": "yes"})
    assert "This field is required." in body
    creator.refresh_from_db()
    assert creator.status == CreatorStatus.PENDING


def test_reject_with_an_unknown_reason_is_refused_not_a_500(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    extra = {"confirm": "yes", "reason": "<script>"}
    body = _decide_in_bulk(client, "creator_reject_action", [creator], extra)
    assert "Select a valid choice." in body


def test_history_page_shows_moderator_reason_and_before_after(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    extra = {"confirm": "yes", "reason": "spam", "note": "Sells supplements."}
    _decide_in_bulk(client, "creator_reject_action", [creator], extra)
    body = client.get(reverse("admin:directory_creator_history", args=[creator.pk])).content
    body = body.decode()
    assert "Ana Moderator" in body
    assert "spam" in body and "Sells supplements." in body
    assert "pending → rejected" in body


# -- concurrency -----------------------------------------------------------------------------


def test_a_second_moderator_deciding_on_a_stale_list_is_refused(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    seen = creator.version
    other = UserFactory(username="ben", is_staff=True)
    moderation.creator_approve(creator=Creator.objects.get(pk=creator.pk), moderator=other)
    creator.version = seen  # what the first moderator's page still shows
    extra = {"confirm": "yes", "reason": "spam"}
    body = _decide_in_bulk(client, "creator_reject_action", [creator], extra)
    assert "was changed by ben (Approved) while you were deciding" in body
    creator.refresh_from_db()
    assert creator.status == CreatorStatus.APPROVED
    assert not AuditEntry.objects.filter(action=AuditAction.REJECTED).exists()


def test_saving_a_stale_change_form_is_refused(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    creator = CreatorFactory(status=CreatorStatus.APPROVED, bio="Old bio")
    url = reverse("admin:directory_creator_change", args=[creator.pk])
    data = _change_form_data(client, url, creator, bio="My edit")
    moderation.creator_hide(creator=creator)  # someone else, meanwhile
    response = client.post(url, data)
    assert response.status_code == 200
    assert "while you were deciding" in response.content.decode()
    creator.refresh_from_db()
    assert creator.bio == "Old bio"


def test_editing_public_fields_is_audited_before_and_after(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    creator = CreatorFactory(status=CreatorStatus.APPROVED, bio="Old bio")
    url = reverse("admin:directory_creator_change", args=[creator.pk])
    data = _change_form_data(client, url, creator, bio="New bio")
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(creator_ref=creator.pk, action=AuditAction.EDITED)
    assert entry.changes == {"bio": ["Old bio", "New bio"]}
    assert entry.actor == user
    creator.refresh_from_db()
    assert creator.version == 1


# -- merge ------------------------------------------------------------------------------------


def test_merge_moves_links_and_keeps_every_snapshot(client, volunteer):
    survivor = CreatorFactory(name="Sam Rivers", status=CreatorStatus.APPROVED)
    duplicate = CreatorFactory(name="Sam Rivers (blog)", status=CreatorStatus.APPROVED)
    duplicate.topics.add(TopicFactory(slug="grief"))
    link = PlatformLinkFactory(creator=duplicate)
    StatsSnapshotFactory(link=link, followers=10)
    StatsSnapshotFactory(link=link, followers=20, captured_at=link.created_at)
    snapshots = set(StatsSnapshot.objects.values_list("pk", flat=True))
    body = _decide_in_bulk(
        client,
        "creators_merge_action",
        [survivor, duplicate],
        {"confirm": "yes", "survivor": survivor.pk},
    )
    assert "Merged 1 creator." in body
    link.refresh_from_db()
    duplicate.refresh_from_db()
    assert link.creator == survivor
    assert set(StatsSnapshot.objects.values_list("pk", flat=True)) == snapshots
    assert set(survivor.topics.values_list("slug", flat=True)) == {"grief"}
    assert (duplicate.status, duplicate.merged_into) == (CreatorStatus.HIDDEN, survivor)
    assert _public(client, duplicate)["list"] is False
    old = client.get(reverse("directory:creator_detail", args=[duplicate.slug]))
    assert (old.status_code, old["Location"]) == (301, survivor.get_absolute_url())
    assert AuditEntry.objects.filter(creator_ref=survivor.pk, action=AuditAction.MERGED).exists()
    assert AuditEntry.objects.filter(
        creator_ref=duplicate.pk, action=AuditAction.MERGED_AWAY
    ).exists()


def test_merge_recomputes_the_survivors_score(django_capture_on_commit_callbacks):
    survivor = CreatorFactory(status=CreatorStatus.APPROVED)
    duplicate = CreatorFactory(status=CreatorStatus.APPROVED)
    StatsSnapshotFactory(link=PlatformLinkFactory(creator=duplicate))
    with django_capture_on_commit_callbacks(execute=True):
        moderation.creators_merge(survivor=survivor, duplicates=[duplicate])
    survivor.refresh_from_db()
    assert survivor.interactivity_score is not None


def test_merge_needs_two_creators(client, volunteer):
    creator = CreatorFactory()
    body = _decide_in_bulk(client, "creators_merge_action", [creator], {})
    assert "Select at least two creators to merge." in body


# -- refresh, licence -------------------------------------------------------------------------


def test_refresh_now_makes_fetchable_links_due_and_skips_the_others(client, volunteer):
    creator = CreatorFactory()
    fetchable = PlatformLinkFactory(creator=creator, url="https://blog.mhv-tests.net/")
    reserved = PlatformLinkFactory(creator=creator, url="https://demo.example.org/")  # never
    _decide_in_bulk(client, "creators_refresh_action", [creator], {})
    fetchable.refresh_from_db()
    reserved.refresh_from_db()
    assert fetchable.next_fetch_at is not None
    assert reserved.next_fetch_at is None


def test_licence_verified_shows_a_badge_on_the_profile(client, volunteer):
    creator = CreatorFactory(creator_type="professional")
    body = _decide_in_bulk(client, "creator_licence_action", [creator], {})
    assert "1 creator." in body
    profile = client.get(creator.get_absolute_url()).content.decode()
    assert "Licence checked by a moderator" in profile
    assert AuditEntry.objects.filter(action=AuditAction.LICENCE_VERIFIED).count() == 1


def test_licence_verified_is_refused_for_non_professionals(client, volunteer):
    creator = CreatorFactory(creator_type="lived_experience")
    body = _decide_in_bulk(client, "creator_licence_action", [creator], {})
    assert "is not listed as a licensed professional" in body


# -- review queue ------------------------------------------------------------------------------


def test_review_queue_lists_pending_oldest_first(client, volunteer):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    newer = CreatorFactory(name="Newer Person", status="pending", created_at=now)
    older = CreatorFactory(
        name="Older Person", status="pending", created_at=now - dt.timedelta(days=3)
    )
    body = client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()
    assert body.index(older.name) < body.index(newer.name)


def test_review_page_shows_links_duplicates_and_submitter_history(client, volunteer):
    submitter = UserFactory(username="kind-friend")
    CreatorFactory(name="Earlier Pick", submitted_by=submitter, status="approved")
    CreatorFactory(name="Alex Morgan", slug="alex-morgan", status="approved")
    creator = CreatorFactory(name="Alex Morgan.", status="pending", submitted_by=submitter)
    PlatformLinkFactory(
        creator=creator,
        url="https://alex.example.net/",
        fetch_state="failing",
        last_error="permanent (HTTP 404): not found",
    )
    body = client.get(reverse("admin:directory_creator_change", args=[creator.pk]))
    body = body.content.decode()
    assert 'href="https://alex.example.net/"' in body
    assert "permanent (HTTP 404): not found" in body
    assert "similar name" in body
    assert "kind-friend: 1 approved, 0 rejected" in body


def test_admin_home_shows_what_is_waiting(client, volunteer):
    CreatorFactory(status="pending")
    CreatorFactory(status="pending")
    body = client.get(reverse("admin:index")).content.decode()
    assert "Creators waiting for review" in body
    assert "?status__exact=pending" in body


def test_hiding_a_listed_creator_rescores_it_at_once_and_sends_everyone_to_the_worker(
    monkeypatch, django_capture_on_commit_callbacks, own_cache
):
    rescored: list[object] = []
    sent: list[str] = []
    monkeypatch.setattr(
        "directory.services.moderation.creators_rescore",
        lambda *, creator_ids, refresh_stats: rescored.append((creator_ids, refresh_stats)),
    )
    monkeypatch.setattr(
        "directory.services.enqueue.task_publish", lambda *, name, kwargs: sent.append(name)
    )
    creator = CreatorFactory(status=CreatorStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.creator_hide(creator=creator)
    # The hidden creator at once, with the stored statistics (a cost that does not grow with
    # the directory); every other score moves with the median, recomputed by a worker.
    assert rescored == [([creator.pk], False)]
    assert sent == ["directory.tasks.recompute_scores"]


def test_a_burst_of_decisions_asks_the_worker_for_one_recompute(monkeypatch, own_cache):
    from directory.services.enqueue import scores_recompute_send

    sent: list[str] = []
    monkeypatch.setattr(
        "directory.services.enqueue.task_publish", lambda *, name, kwargs: sent.append(name)
    )
    assert scores_recompute_send() and scores_recompute_send()
    assert sent == ["directory.tasks.recompute_scores"]


def test_a_broker_outage_leaves_the_recompute_to_the_daily_run(monkeypatch, own_cache):
    from directory.services.enqueue import scores_recompute_send

    def down(*, name, kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("directory.services.enqueue.task_publish", down)
    creator = CreatorFactory(status=CreatorStatus.APPROVED)
    assert moderation.creator_hide(creator=creator)
    assert scores_recompute_send() is False
    # Not coalesced away: the next decision tries again.
    sent: list[str] = []
    monkeypatch.setattr(
        "directory.services.enqueue.task_publish", lambda *, name, kwargs: sent.append(name)
    )
    assert scores_recompute_send() and sent == ["directory.tasks.recompute_scores"]


def test_the_creator_list_needs_a_constant_number_of_queries(
    client, volunteer, django_assert_max_num_queries
):
    for _ in range(30):
        creator = CreatorFactory()
        PlatformLinkFactory(creator=creator)
        PlatformLinkFactory(creator=creator, fetch_state="failing")
    with django_assert_max_num_queries(15):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert response.content.decode().count('name="seen_version_') == 30


def test_a_merged_duplicate_cannot_be_listed_again(client, volunteer):
    survivor, duplicate = CreatorFactory(), CreatorFactory()
    moderation.creators_merge(survivor=survivor, duplicates=[duplicate])
    duplicate.refresh_from_db()
    body = _decide_in_bulk(client, "creator_restore_action", [duplicate], {"confirm": "yes"})
    assert "was merged into another creator" in body
    duplicate.refresh_from_db()
    assert duplicate.status == CreatorStatus.HIDDEN


def test_a_moderator_edits_a_profile_but_not_its_status(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING, bio="Old bio")
    link = PlatformLinkFactory(creator=creator, url="https://edit.example.net/")
    url = reverse("admin:directory_creator_change", args=[creator.pk])
    data = _change_form_data(
        client,
        url,
        creator,
        bio="Checked and corrected",
        status="approved",  # read-only for moderators: decisions go through actions
        **{
            "links-TOTAL_FORMS": 1,
            "links-INITIAL_FORMS": 1,
            "links-0-id": link.pk,
            "links-0-creator": creator.pk,
            "links-0-platform": link.platform,
            "links-0-url": link.url,
            "links-0-is_public": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    creator.refresh_from_db()
    assert (creator.bio, creator.status) == ("Checked and corrected", CreatorStatus.PENDING)
    entry = AuditEntry.objects.get(creator_ref=creator.pk, action=AuditAction.EDITED)
    assert entry.changes == {"bio": ["Old bio", "Checked and corrected"]}


def test_removal_keeps_who_decided_but_forgets_the_creators_data(volunteer):
    creator = CreatorFactory(name="Private Person", bio="Personal story", status="pending")
    moderation.creator_approve(creator=creator, moderator=volunteer)
    AuditEntry.objects.create(
        creator=creator,
        creator_ref=creator.pk,
        creator_name=creator.name,
        action=AuditAction.EDITED,
        changes={"bio": ["Personal story", "Another story"]},
    )
    moderation.creator_remove_at_request(creator=creator, moderator=volunteer, note="Asked")
    entries = AuditEntry.objects.filter(creator_ref=creator.pk)
    assert entries.count() == 3
    assert "Private Person" not in str(list(entries.values()))
    assert "Personal story" not in str(list(entries.values()))
    removal = entries.get(action=AuditAction.REMOVED)
    assert (removal.actor, removal.note) == (volunteer, "Asked")
