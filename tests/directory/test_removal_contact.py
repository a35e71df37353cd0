"""Removal at a creator's request (tombstones, 410) and the contact and removal-request forms."""

from __future__ import annotations

import pytest
from django.core import mail

from directory.models import (
    ContactMessage,
    Creator,
    PlatformLink,
    RemovalRequest,
    ScoreHistory,
    StatsSnapshot,
    Submission,
    Tombstone,
)
from directory.services.removal import creator_remove, link_is_tombstoned, slug_is_tombstoned
from tests.directory.submit_helpers import submit_data
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


@pytest.fixture
def removed() -> Creator:
    creator = CreatorFactory(slug="ana-calm", name="Ana Calm")
    snapshot = StatsSnapshotFactory(link__creator=creator, link__url="https://ana-calm.org/")
    ScoreHistory.objects.create(creator=creator, date="2026-01-01", score=50)
    creator_remove(creator_id=creator.pk, reason="asked by email")
    assert not StatsSnapshot.objects.filter(pk=snapshot.pk).exists()
    return creator


def test_removal_deletes_the_creator_and_everything_about_them(removed):
    assert not Creator.objects.filter(pk=removed.pk).exists()
    assert not PlatformLink.objects.exists()
    assert not StatsSnapshot.objects.exists()
    assert not ScoreHistory.objects.exists()


def test_removal_keeps_only_hashes(removed):
    stored = " ".join(Tombstone.objects.values_list("digest", flat=True))
    assert Tombstone.objects.count() == 2
    assert "ana" not in stored
    assert link_is_tombstoned("https://ana-calm.org/")
    assert link_is_tombstoned("HTTPS://Ana-Calm.org/?utm_source=newsletter")
    assert slug_is_tombstoned("ana-calm")
    assert not link_is_tombstoned("https://someone-else.org/")


def test_the_removed_profile_answers_410_gone(client, removed):
    response = client.get("/creators/ana-calm/")
    assert response.status_code == 410
    assert "asked to be removed" in response.content.decode()
    assert client.get("/creators/never-existed/").status_code == 404


def test_removing_twice_does_nothing(removed):
    creator_remove(creator_id=removed.pk)
    assert Tombstone.objects.count() == 2


def test_a_removed_link_is_refused_kindly_without_saying_who(client, removed):
    response = client.post("/submit/", submit_data(links=[{"url": "https://ana-calm.org/"}]))
    html = response.content.decode()
    assert "asked not to be listed here" in html
    assert "Ana Calm" not in html and "ana-calm" not in html.replace("https://ana-calm.org/", "")
    assert not Creator.objects.exists()


def test_a_new_creator_never_gets_a_removed_slug(client, removed):
    client.post("/submit/", submit_data(name="Ana Calm"))
    assert Creator.objects.get().slug == "ana-calm-2"


def test_removal_also_deletes_the_submission(client):
    client.post("/submit/", submit_data())
    creator_remove(creator_id=Creator.objects.get().pk)
    assert not Submission.objects.exists()


def test_every_profile_links_to_the_removal_request_form(client):
    creator = CreatorFactory()
    html = client.get(creator.get_absolute_url()).content.decode()
    assert f'href="/creators/{creator.slug}/removal/"' in html


def test_a_removal_request_from_a_profile_is_stored_and_moderators_emailed(
    client, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["mods@example.org"]
    creator = CreatorFactory()
    url = f"/creators/{creator.slug}/removal/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"is_owner": "on", "message": "Please remove me.", "email": ""})
    assert response.status_code == 302
    request = RemovalRequest.objects.get()
    assert (request.creator, request.is_owner) == (creator, True)
    assert mail.outbox[0].to == ["mods@example.org"]
    assert "Please remove me." in mail.outbox[0].body
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_a_removal_request_from_about_needs_the_profile(client):
    response = client.post("/removal/", {"profile_url": "", "email": ""})
    assert "Tell us which profile you mean." in response.content.decode()
    response = client.post("/removal/", {"profile_url": "/creators/x/", "email": "bad"})
    assert "Enter an email address like name@example.org." in response.content.decode()
    assert not RemovalRequest.objects.exists()
    assert client.post("/removal/", {"profile_url": "/creators/x/"}).status_code == 302
    assert RemovalRequest.objects.get().profile_url == "/creators/x/"


def test_removal_request_for_an_unlisted_profile_is_not_found(client):
    creator = CreatorFactory(status="pending")
    assert client.get(f"/creators/{creator.slug}/removal/").status_code == 404


def test_about_names_who_runs_it_and_shows_the_contact_email(client, settings):
    settings.CONTACT_EMAIL = "hello@mhv.example"
    settings.SITE_OPERATOR = "the Calm Collective"
    html = client.get("/about/").content.decode()
    assert "run by the Calm Collective" in html
    assert 'href="mailto:hello@mhv.example"' in html
    assert 'action="/about/contact/"' in html and 'action="/removal/"' in html


def test_the_contact_form_stores_the_message_and_emails_moderators(
    client, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["mods@example.org", "lead@example.org"]
    data = {"name": "Jo", "email": "jo@example.org", "message": "A question."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/about/contact/", data)
    assert response.status_code == 302
    assert ContactMessage.objects.get().message == "A question."
    assert mail.outbox[0].to == ["mods@example.org", "lead@example.org"]
    assert "your message has reached" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "message": "x"}, "Enter your email address so we can reply."),
        ({"email": "nope", "message": "x"}, "Enter an email address like name@example.org."),
        ({"email": "jo@example.org", "message": ""}, "Write your message."),
        ({"email": "jo@example.org", "message": "x" * 3001}, "Keep your message under 3000"),
        ({"email": "jo@example.org", "message": "x", "name": "n" * 121}, "Keep this under 120"),
    ],
)
def test_the_contact_form_explains_what_is_wrong(client, data, message):
    response = client.post("/about/contact/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_contact_and_removal_honeypots_store_nothing(client):
    data = {"email": "jo@example.org", "message": "x", "website": "spam", "profile_url": "x"}
    assert client.post("/about/contact/", data).status_code == 302
    assert client.post("/removal/", data).status_code == 302
    assert not ContactMessage.objects.exists() and not RemovalRequest.objects.exists()


def test_contact_is_rate_limited(client, settings):
    settings.SUBMISSION_RATE_LIMIT = "1/hour"
    data = {"email": "jo@example.org", "message": "x"}
    assert client.post("/about/contact/", data).status_code == 302
    response = client.post("/about/contact/", data)
    assert response.status_code == 429
    assert "try again in about" in response.content.decode()
    assert ContactMessage.objects.count() == 1


def test_the_admin_lists_contact_messages_and_removal_requests(admin_client):
    ContactMessage.objects.create(email="jo@example.org", message="Hello there")
    RemovalRequest.objects.create(profile_url="/creators/x/")
    assert "jo@example.org" in admin_client.get("/admin/directory/contactmessage/").content.decode()
    assert "/creators/x/" in admin_client.get("/admin/directory/removalrequest/").content.decode()
    assert admin_client.get("/admin/directory/submission/").status_code == 200


def test_export_keeps_pending_submissions(client):
    from directory.services.imports import creators_export

    client.post("/submit/", submit_data())
    exported = creators_export()
    assert [c["status"] for c in exported["creators"]] == ["pending"]


def test_a_removed_slug_is_also_gone_from_the_api(client, removed):
    assert client.get("/api/creators/ana-calm/").status_code in (404, 410)
    assert PlatformLinkFactory  # factories stay importable for the shared helpers
