"""Deciding an owner's proposed edit, or a claim, by hand: audited on the creator's trail, the
owner emailed (with the reason when not approved), and a second moderator deciding the same item
at once is told, never silently overwrites."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import ownership, services
from accounts.models import Claim, ClaimStatus, CreatorEdit, EditStatus
from directory.models import AuditAction, AuditEntry
from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db

EDITS = "admin:accounts_creatoredit_changelist"


@pytest.fixture
def moderator(client, db):
    user = make_user("mod@example.org", is_staff=True, first_name="Ana", last_name="Mod")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


@pytest.fixture
def edit(alice, alices_creator):
    return ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio="A new short bio",
        content_notes="",
        topics=[],
        languages=[],
        links=[(link.platform, link.url) for link in alices_creator.links.all()],
    )


def test_approving_publishes_audits_and_tells_the_owner(
    client, moderator, edit, alices_creator, django_capture_on_commit_callbacks
):
    old_bio = alices_creator.bio
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(EDITS), {"action": "approve", "_selected_action": [edit.pk]}, follow=True
        )
    assert "1 edit(s) published." in response.content.decode()
    alices_creator.refresh_from_db()
    assert alices_creator.bio == "A new short bio"
    entry = AuditEntry.objects.get(creator_ref=alices_creator.pk, action=AuditAction.EDITED)
    assert entry.actor == moderator
    assert entry.changes["bio"] == [old_bio, "A new short bio"]
    assert [m.subject for m in mail.outbox] == ["Your changes to River are live"]
    assert mail.outbox[0].to == ["alice@example.org"]
    history = client.get(reverse("admin:directory_creator_history", args=[alices_creator.pk]))
    assert "A new short bio" in history.content.decode()


def test_rejecting_asks_for_a_reason_first(client, moderator, edit):
    asked = client.post(reverse(EDITS), {"action": "reject", "_selected_action": [edit.pk]})
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    empty = client.post(
        reverse(EDITS),
        {"action": "reject", "_selected_action": [edit.pk], "confirm": "yes", "reason": ""},
    )
    assert "Write a short reason for the owner." in empty.content.decode()
    edit.refresh_from_db()
    assert edit.status == EditStatus.PENDING


def test_rejecting_keeps_the_profile_audits_and_emails_the_reason(
    client, moderator, edit, alices_creator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(EDITS),
            {
                "action": "reject",
                "_selected_action": [edit.pk],
                "confirm": "yes",
                "reason": "Please keep the bio about your own work.",
            },
        )
    edit.refresh_from_db()
    alices_creator.refresh_from_db()
    assert edit.status == EditStatus.REJECTED
    assert edit.decided_by == moderator
    assert alices_creator.bio != "A new short bio"
    entry = AuditEntry.objects.get(creator_ref=alices_creator.pk, action=AuditAction.EDIT_REJECTED)
    assert (entry.actor, entry.note) == (moderator, "Please keep the bio about your own work.")
    assert mail.outbox[0].subject == "Your changes to River were not approved"
    assert "Please keep the bio about your own work." in mail.outbox[0].body


def test_a_second_moderator_deciding_the_same_edit_is_told(moderator, edit):
    stale = CreatorEdit.objects.get(pk=edit.pk)  # the second moderator's page
    ownership.creator_edit_approve(edit=edit, moderator=moderator)
    other = make_user("other-mod@example.org", is_staff=True)
    with pytest.raises(ValidationError) as refused:
        ownership.creator_edit_reject(edit=stale, moderator=other, reason="No")
    assert refused.value.code == "decided"
    assert "already decided (approved and shown) by mod" in refused.value.messages[0]
    edit.refresh_from_db()
    assert edit.status == EditStatus.APPROVED and edit.reason == ""


def test_the_admin_says_so_when_an_edit_was_decided_meanwhile(client, moderator, edit):
    ownership.creator_edit_reject(edit=edit, moderator=moderator, reason="Not now")
    response = client.post(
        reverse(EDITS), {"action": "approve", "_selected_action": [edit.pk]}, follow=True
    )
    assert "already decided" in response.content.decode()
    edit.refresh_from_db()
    assert edit.status == EditStatus.REJECTED


def test_claims_decided_by_hand_are_audited_and_never_overwritten(
    client, moderator, alice, alices_creator
):
    alices_creator.claimed_by = None
    alices_creator.save()
    bob = make_user("bob2@example.org")
    claim = services.claim_start(
        user=bob, creator=alices_creator, link=alices_creator.links.first(), method="bio_code"
    )
    stale = Claim.objects.get(pk=claim.pk)
    response = client.post(
        reverse("admin:accounts_claim_changelist"),
        {"action": "approve_by_hand", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "1 approved." in response.content.decode()
    assert AuditEntry.objects.filter(
        creator_ref=alices_creator.pk, action=AuditAction.CLAIM_APPROVED, actor=moderator
    ).exists()
    assert services.claim_reject(claim=stale, moderator=moderator) is False
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    again = client.post(
        reverse("admin:accounts_claim_changelist"),
        {"action": "reject", "_selected_action": [claim.pk]},
        follow=True,
    )
    assert "already decided" in again.content.decode()


def test_me_shows_why_the_last_edit_was_not_approved(client, moderator, alice, edit):
    ownership.creator_edit_reject(edit=edit, moderator=moderator, reason="Keep it about your work.")
    client.force_login(alice)
    body = client.get(reverse("accounts:me")).content.decode()
    assert "were not approved: “Keep it about your work.”" in body


@pytest.mark.parametrize("reason", ["x" * 301, "   ", "\x00bad"])
def test_odd_reasons_are_answered_not_500(client, moderator, edit, reason):
    response = client.post(
        reverse(EDITS),
        {"action": "reject", "_selected_action": [edit.pk], "confirm": "yes", "reason": reason},
    )
    assert response.status_code in (200, 400)
    edit.refresh_from_db()
    assert edit.status == EditStatus.PENDING
