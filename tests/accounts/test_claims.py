"""Claiming a profile: a code in the bio/description or a rel="me" link back, read from recorded
or documented platform responses (tests/fixtures/claims/SOURCES.md) replayed with respx."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import respx
import time_machine
from celery import current_app
from django.urls import reverse
from django.utils import timezone

import accounts.tasks  # noqa: F401 - registers the check task with the Celery app
from accounts import services
from accounts.models import Claim, ClaimMethod, ClaimStatus
from directory.models import CreatorStatus, PlatformLink
from tests.accounts.conftest import make_user, run_admin_action
from tests.factories import CreatorFactory, PlatformLinkFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
LOOKUP = "https://mastodon.social/api/v1/accounts/lookup"
BSKY = "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile"
YOUTUBE = "https://www.googleapis.com/youtube/v3/channels"


def fixture(name: str):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


@pytest.fixture
def carol(db):
    return make_user("carol@example.org")


@pytest.fixture
def creator(db):
    creator = CreatorFactory(name="infinite love", slug="trwnh")
    PlatformLinkFactory(creator=creator, platform="mastodon", url="https://mastodon.social/@trwnh")
    PlatformLinkFactory(
        creator=creator, platform="bluesky", url="https://bsky.app/profile/bsky.app"
    )
    PlatformLinkFactory(
        creator=creator,
        platform="youtube",
        url="https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        external_id="UC_x5XG1OV2P6uZZ5FSM9Ttw",
    )
    PlatformLinkFactory(creator=creator, platform="blog", url="https://river.example.org/")
    return creator


def link(creator, platform: str) -> PlatformLink:
    return creator.links.get(platform=platform)


def start(carol, creator, platform: str, method: str = ClaimMethod.BIO_CODE) -> Claim:
    return services.claim_start(
        user=carol, creator=creator, link=link(creator, platform), method=method
    )


def check(claim: Claim) -> Claim:
    services.claim_check(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


def assert_owned_by(creator, user) -> None:
    creator.refresh_from_db()
    assert creator.claimed_by == user


@respx.mock
def test_code_in_the_mastodon_bio_proves_the_claim(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    account["note"] += f"<p>Listed on Mental Health Voices: {claim.code}</p>"
    route = respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)

    assert check(claim).status == ClaimStatus.VERIFIED
    assert route.called
    assert_owned_by(creator, carol)
    assert link(creator, "mastodon").verified


@respx.mock
def test_code_in_a_mastodon_profile_field_proves_the_claim(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    account["fields"][3]["value"] = claim.code
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    assert check(claim).status == ClaimStatus.VERIFIED


@respx.mock
def test_wrong_code_fails_and_says_where_it_looked(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    account["note"] += "<p>mhv-AAAAAAAA</p>"
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)

    claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    assert "the bio and profile fields of @trwnh@mastodon.social on Mastodon" in claim.message
    assert claim.code in claim.message
    creator.refresh_from_db()
    assert creator.claimed_by is None


@respx.mock
def test_rel_me_in_a_mastodon_profile_field_proves_the_claim(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon", ClaimMethod.REL_ME)
    account = fixture("mastodon_account_trwnh.json")
    back = services.creator_back_url(creator)
    account["fields"][0]["value"] = account["fields"][0]["value"].replace("https://trwnh.com", back)
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    assert check(claim).status == ClaimStatus.VERIFIED


@respx.mock
def test_a_plain_link_in_the_bio_is_not_rel_me(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon", ClaimMethod.REL_ME)
    account = fixture("mastodon_account_trwnh.json")
    back = services.creator_back_url(creator)
    # Links in the note are rel="nofollow noopener noreferrer": not a claim of identity.
    account["note"] = account["note"].replace("https://trwnh.com", back)
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    assert f'no rel="me" link to {back}' in claim.message


@respx.mock
def test_rel_me_link_on_the_blog_front_page_proves_the_claim(respx_mock, carol, creator):
    claim = start(carol, creator, "blog", ClaimMethod.REL_ME)
    page = fixture("blog_front_page.html").replace(
        '<link rel="me" href="https://mastodon.social/@riverwrites">',
        f'<link rel="me" href="{services.creator_back_url(creator)}">',
    )
    respx_mock.get("https://river.example.org/").respond(
        text=page, headers={"Content-Type": "text/html"}
    )
    assert check(claim).status == ClaimStatus.VERIFIED
    assert_owned_by(creator, carol)


@respx.mock
def test_missing_code_on_the_blog_names_the_page(respx_mock, carol, creator):
    claim = start(carol, creator, "blog")
    respx_mock.get("https://river.example.org/").respond(
        text=fixture("blog_front_page.html"), headers={"Content-Type": "text/html"}
    )
    claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    assert "the page at https://river.example.org/" in claim.message


@respx.mock
def test_code_in_the_bluesky_description_proves_the_claim(respx_mock, carol, creator):
    claim = start(carol, creator, "bluesky")
    profile = fixture("bluesky_profile_bsky_app.json")
    profile["description"] += f"\n{claim.code.lower()}"
    respx_mock.get(BSKY, params={"actor": "bsky.app"}).respond(json=profile)
    assert check(claim).status == ClaimStatus.VERIFIED


@respx.mock
def test_code_in_the_youtube_channel_description_proves_the_claim(
    respx_mock, carol, creator, settings
):
    settings.YOUTUBE_API_KEY = "test-key"
    claim = start(carol, creator, "youtube")
    body = fixture("youtube_channels_snippet.json")
    body["items"][0]["snippet"]["description"] += f" {claim.code}"
    route = respx_mock.get(
        YOUTUBE, params={"part": "snippet", "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw", "key": "test-key"}
    ).respond(json=body)
    claim = check(claim)
    assert claim.status == ClaimStatus.VERIFIED
    assert "Google for Developers" in claim.message
    assert route.called


def test_youtube_without_an_api_key_says_so(carol, creator, settings):
    settings.YOUTUBE_API_KEY = ""
    claim = check(start(carol, creator, "youtube"))
    assert claim.status == ClaimStatus.FAILED
    assert "YOUTUBE_API_KEY" in claim.message


@respx.mock
def test_an_account_the_server_does_not_know_fails_with_a_message(respx_mock, carol, creator):
    claim = start(carol, creator, "mastodon")
    respx_mock.get(LOOKUP).respond(404, json=fixture("mastodon_lookup_404.json"))
    claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    assert "could not read https://mastodon.social/@trwnh" in claim.message


def test_an_expired_code_is_not_checked(carol, creator):
    claim = start(carol, creator, "mastodon")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=services.CLAIM_CODE_HOURS + 1)):
        claim = check(claim)
    assert claim.status == ClaimStatus.FAILED
    assert "expired" in claim.message


def test_bluesky_cannot_carry_rel_me(carol, creator):
    with pytest.raises(services.ValidationError) as error:
        start(carol, creator, "bluesky", ClaimMethod.REL_ME)
    assert error.value.code == "unsupported"


def test_a_profile_someone_owns_cannot_be_claimed(carol, creator, alice):
    creator.claimed_by = alice
    creator.save()
    with pytest.raises(services.ValidationError) as error:
        start(carol, creator, "mastodon")
    assert error.value.code == "claimed"


@pytest.mark.parametrize("status", [CreatorStatus.HIDDEN, CreatorStatus.REJECTED])
def test_only_listed_or_pending_profiles_can_be_claimed(client, carol, creator, status):
    creator.status = status
    creator.save()
    client.force_login(carol)
    assert client.get(reverse("accounts:claim_start", args=[creator.slug])).status_code == 404


def test_starting_again_renews_the_same_claim_with_a_new_code(carol, creator):
    first = start(carol, creator, "mastodon")
    again = start(carol, creator, "blog")
    assert again.pk == first.pk
    assert again.code != first.code
    assert Claim.objects.filter(user=carol).count() == 1


@respx.mock
def test_claim_through_the_pages_checked_by_the_worker(
    respx_mock, client, carol, creator, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    response = client.post(
        reverse("accounts:claim_start", args=[creator.slug]),
        {"link": link(creator, "mastodon").pk, "method": ClaimMethod.BIO_CODE},
    )
    claim = Claim.objects.get(user=carol)
    assert response["Location"] == reverse("accounts:claim_detail", args=[claim.pk])
    assert claim.code.encode() in client.get(response["Location"]).content

    account = copy.deepcopy(fixture("mastodon_account_trwnh.json"))
    account["note"] += claim.code
    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).respond(json=account)
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:claim_detail", args=[claim.pk]))
    finally:
        current_app.conf.task_always_eager = False
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    assert b"Verified" in client.get(reverse("accounts:claim_detail", args=[claim.pk])).content


def test_broker_down_leaves_the_claim_waiting_with_a_message(
    client, carol, creator, monkeypatch, django_capture_on_commit_callbacks
):
    claim = start(carol, creator, "mastodon")

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(current_app.tasks[services.CHECK_TASK], "apply_async", refuse)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:claim_detail", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WAITING
    assert "not available right now" in claim.message


def test_someone_elses_claim_is_404(client, carol, bob, creator):
    claim = start(carol, creator, "mastodon")
    client.force_login(bob)
    assert client.get(reverse("accounts:claim_detail", args=[claim.pk])).status_code == 404
    assert client.post(reverse("accounts:claim_detail", args=[claim.pk])).status_code == 404


def test_a_moderator_approves_a_claim_by_hand(client, carol, creator):
    claim = start(carol, creator, "blog")
    moderator = run_admin_action(client, Claim, "approve_by_hand", [claim])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    assert claim.decided_by == moderator
    assert_owned_by(creator, carol)


def test_checks_are_limited_per_person(client, carol, creator, monkeypatch):
    monkeypatch.setattr(current_app.tasks[services.CHECK_TASK], "apply_async", lambda *a, **k: None)
    claim = start(carol, creator, "mastodon")
    client.force_login(carol)
    for _ in range(10):
        client.post(reverse("accounts:claim_detail", args=[claim.pk]))
    response = client.post(reverse("accounts:claim_detail", args=[claim.pk]), follow=True)
    assert "many checks in a short time" in response.content.decode()


def test_the_admin_lists_claims_edits_and_removal_requests(client, carol, creator):
    claim = start(carol, creator, "blog")
    run_admin_action(client, Claim, "reject", [claim])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    for name in ("claim", "creatoredit", "ownerremoval"):
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_claim_change", args=[claim.pk])).status_code == 200


@pytest.mark.parametrize("body", [[], "not json", {"items": "x"}, {"description": 5}])
def test_an_odd_answer_fails_the_check_with_a_message(respx_mock, carol, creator, body, settings):
    settings.YOUTUBE_API_KEY = "test-key"
    for platform, pattern in (("bluesky", BSKY), ("youtube", YOUTUBE), ("mastodon", LOOKUP)):
        claim = start(carol, creator, platform)
        if isinstance(body, str):
            respx_mock.get(pattern).respond(text=body)
        else:
            respx_mock.get(pattern).respond(json=body)
        claim = check(claim)
        assert claim.status == ClaimStatus.FAILED, (platform, claim.message)
        assert claim.message


@pytest.mark.parametrize("passes", [True, False])
def test_a_moderators_decision_during_the_check_is_never_overwritten(
    respx_mock, carol, creator, passes, django_capture_on_commit_callbacks, mailoutbox
):
    moderator = make_user("mod@example.org", is_staff=True)
    claim = start(carol, creator, "mastodon")
    account = fixture("mastodon_account_trwnh.json")
    if passes:
        account["note"] += f"<p>Listed on Mental Health Voices: {claim.code}</p>"

    def answer(request):
        # The moderator rejects the claim while the worker waits for the platform.
        services.claim_reject(claim=Claim.objects.get(pk=claim.pk), moderator=moderator)
        return respx.MockResponse(json=account)

    respx_mock.get(LOOKUP, params={"acct": "trwnh"}).mock(side_effect=answer)
    with django_capture_on_commit_callbacks(execute=True):
        result = check(claim)
    assert result.status == ClaimStatus.REJECTED
    creator.refresh_from_db()
    assert creator.claimed_by is None
    assert not link(creator, "mastodon").verified
    # One email: the moderator's decision, never a contradicting "verified" or "could not verify".
    from directory.models import OutgoingEmail

    waiting = [mail for mail in OutgoingEmail.objects.all() if "carol@example.org" in mail.to]
    sent = [mail for mail in mailoutbox if "carol@example.org" in mail.to]
    assert len(waiting) + len(sent) == 1
