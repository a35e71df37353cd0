"""The claimant is emailed how their claim ended, since the worker checks after they left the
page: verified, or could not verify and why (where we looked), or a moderator's decision. Sent
through the outbox after commit."""

from __future__ import annotations

import pytest
import respx
from django.core import mail

from accounts import services
from accounts.models import Claim, ClaimStatus
from directory.models import OutgoingEmail
from tests.accounts.conftest import make_user, run_admin_action
from tests.accounts.test_claims import LOOKUP, check, fixture, start
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(db):
    return make_user("carol@example.org")


@pytest.fixture
def creator(db):
    creator = CreatorFactory(name="infinite love", slug="trwnh")
    PlatformLinkFactory(creator=creator, platform="mastodon", url="https://mastodon.social/@trwnh")
    PlatformLinkFactory(creator=creator, platform="blog", url="https://river.example.org/")
    return creator


@respx.mock
def test_a_verified_claim_is_emailed(
    respx_mock, carol, creator, django_capture_on_commit_callbacks
):
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    account["note"] += f"<p>{claim.code}</p>"
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    with django_capture_on_commit_callbacks(execute=True):
        assert check(claim).status == ClaimStatus.VERIFIED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.org"]
    assert message.subject == "You now look after infinite love on Mental Health Voices"
    assert "/me/" in message.body
    assert "/me/" in message.alternatives[0][0]


@respx.mock
def test_a_failed_check_is_emailed_with_why_and_where(
    respx_mock, carol, creator, django_capture_on_commit_callbacks
):
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    with django_capture_on_commit_callbacks(execute=True):
        claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    message = mail.outbox[0]
    assert message.subject == "We could not verify your claim on infinite love yet"
    assert claim.message in message.body  # the check's own words: what was missing and where
    assert "@trwnh@mastodon.social" in message.body
    assert "We looked at: https://mastodon.social/@trwnh" in message.body
    assert f"/me/claims/{claim.pk}/" in message.body


def test_an_expired_code_is_emailed(carol, creator, django_capture_on_commit_callbacks):
    claim = start(carol, creator, "mastodon")
    Claim.objects.filter(pk=claim.pk).update(expires_at=claim.created_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert check(claim).status == ClaimStatus.FAILED
    assert "This code has expired" in mail.outbox[0].body


def test_a_moderators_approval_is_emailed(
    client, carol, creator, django_capture_on_commit_callbacks
):
    claim = start(carol, creator, "blog")
    with django_capture_on_commit_callbacks(execute=True):
        run_admin_action(client, Claim, "approve_by_hand", [claim])
    assert mail.outbox[-1].subject == "You now look after infinite love on Mental Health Voices"
    assert "Approved by a moderator." in mail.outbox[-1].body


def test_a_moderators_rejection_is_emailed(
    client, carol, creator, django_capture_on_commit_callbacks
):
    claim = start(carol, creator, "blog")
    with django_capture_on_commit_callbacks(execute=True):
        run_admin_action(client, Claim, "reject", [claim])
    assert mail.outbox[-1].subject == "Your claim on infinite love was not approved"
    assert "Not approved by a moderator." in mail.outbox[-1].body


def test_nothing_is_emailed_when_the_check_rolls_back(carol, creator, monkeypatch):
    claim = start(carol, creator, "mastodon")
    Claim.objects.filter(pk=claim.pk).update(expires_at=claim.created_at)

    real_email = services.claim_result_email

    def email_then_fail(*, claim):
        real_email(claim=claim)
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "claim_result_email", email_then_fail)
    with pytest.raises(RuntimeError):
        services.claim_check(claim_id=claim.pk)
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []
    assert Claim.objects.get(pk=claim.pk).status != ClaimStatus.FAILED  # rolled back too
