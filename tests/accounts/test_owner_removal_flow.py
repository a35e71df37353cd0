"""Owner removal end to end, through the real services and pages: the owner signs in, asks for
removal (the profile is hidden at once, everywhere), confirms by the emailed link, and the
profile is deleted with hashed tombstones: its old address answers 410 and its links, pasted
again in any form, are refused kindly without saying who they were."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import OwnerRemoval
from directory.models import (
    AuditAction,
    AuditEntry,
    Creator,
    PlatformLink,
    StatsSnapshot,
    Submission,
    Tombstone,
)
from directory.services.removal import link_is_tombstoned, slug_is_tombstoned
from tests.accounts.conftest import PASSWORD
from tests.directory.submit_helpers import submit_data
from tests.factories import StatsSnapshotFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://\S+/me/remove/confirm/[^/\s]+/")


def public_answers(client, creator) -> dict[str, int]:
    return {
        "profile": client.get(creator.get_absolute_url()).status_code,
        "api": client.get(reverse("api:creator-detail", args=[creator.slug])).status_code,
    }


def test_owner_removal_from_sign_in_to_tombstone(
    client, alice, alices_creator, django_capture_on_commit_callbacks
):
    slug, creator_id = alices_creator.slug, alices_creator.pk
    link_ids = list(alices_creator.links.values_list("pk", flat=True))
    StatsSnapshotFactory(link=alices_creator.links.first())
    assert public_answers(client, alices_creator) == {"profile": 200, "api": 200}

    # The owner signs in through the real sign-in page.
    signed = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert signed.status_code == 302
    me = client.get(reverse("accounts:me")).content.decode()
    assert reverse("accounts:creator_remove", args=[creator_id]) in me

    # Asking hides the profile at once, everywhere, and emails a confirmation link.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("accounts:creator_remove", args=[creator_id]),
            {"confirm": "on", "reason": "Time to step back."},
        )
    assert asked.status_code == 302
    client.logout()  # what a visitor sees now
    assert public_answers(client, alices_creator) == {"profile": 404, "api": 404}
    assert alices_creator.name not in client.get(reverse("directory:creator_list")).content.decode()
    hidden = AuditEntry.objects.get(creator_ref=creator_id, action=AuditAction.HIDDEN)
    assert hidden.actor == alice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [alice.email]
    confirm_url = CONFIRM_LINK.search(mail.outbox[0].body).group(0)
    confirm_path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    confirm_path = "/" + confirm_path

    # The link opens a page with a button (no account needed: it is in the owner's inbox).
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert Creator.objects.filter(pk=creator_id).exists()
    done = client.post(confirm_path)
    assert done.status_code == 200
    assert "Your profile is removed" in done.content.decode()

    # Deleted with everything about it; only hashes remain.
    assert not Creator.objects.filter(pk=creator_id).exists()
    assert not PlatformLink.objects.filter(pk__in=link_ids).exists()
    assert not StatsSnapshot.objects.filter(link_id__in=link_ids).exists()
    assert not OwnerRemoval.objects.exists()
    assert Tombstone.objects.count() == len(link_ids) + 1
    assert slug_is_tombstoned(slug)
    assert link_is_tombstoned("https://river.example.org/")
    removed = AuditEntry.objects.get(creator_ref=creator_id, action=AuditAction.REMOVED)
    assert removed.actor == alice
    assert not AuditEntry.objects.filter(creator_ref=creator_id, creator_name="River").exists()

    # The old page answers 410 Gone; the API no longer knows it.
    assert client.get(f"/creators/{slug}/").status_code == 410
    assert client.get(reverse("api:creator-detail", args=[slug])).status_code == 404

    # The same link again refuses itself kindly (nothing stored, no name given).
    again = client.post(
        reverse("directory:submit"),
        submit_data(links=[{"url": "HTTPS://River.Example.org/?utm_source=newsletter"}]),
    )
    body = again.content.decode()
    assert again.status_code == 200
    assert "asked not to be listed here" in body
    assert f"/creators/{slug}/" not in body  # nothing points at who it was
    assert not Submission.objects.exists()

    # The emailed link, used twice, says there is nothing left to do.
    twice = client.post(confirm_path)
    assert twice.status_code == 400
    assert "no removal waiting for this link" in twice.content.decode()


def test_cancelling_is_audited_and_puts_the_profile_back(
    client, alice, alices_creator, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:creator_remove", args=[alices_creator.pk]), {"confirm": "on"})
    client.post(reverse("accounts:creator_remove_cancel", args=[alices_creator.pk]))
    client.logout()
    assert public_answers(client, alices_creator) == {"profile": 200, "api": 200}
    restored = AuditEntry.objects.get(creator_ref=alices_creator.pk, action=AuditAction.RESTORED)
    assert restored.actor == alice
