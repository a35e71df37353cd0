"""Visitors' "Report a problem": the form, its protections, urgent reports, and the admin side."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from directory.models import AuditAction, AuditEntry, Report, ReportStatus
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def creator():
    return CreatorFactory(name="River Stone", slug="river-stone")


def _report(client, creator, address="203.0.113.5", **data):
    payload = {"reason": "broken_link", "details": "", **data}
    return client.post(
        reverse("directory:report_create", args=[creator.slug]), payload, REMOTE_ADDR=address
    )


def test_every_public_profile_links_to_report_a_problem(client, creator):
    body = client.get(creator.get_absolute_url()).content.decode()
    assert reverse("directory:report_create", args=[creator.slug]) in body
    form = client.get(reverse("directory:report_create", args=[creator.slug]))
    assert form.status_code == 200
    for reason in ("self_harm", "unsafe", "impersonation", "not_mental_health", "broken_link"):
        assert f'value="{reason}"' in form.content.decode()


def test_a_report_is_stored_without_an_account(client, creator):
    response = _report(client, creator, reason="impersonation", details="Not really them.")
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reason, report.details, report.urgent) == (
        "impersonation",
        "Not really them.",
        False,
    )
    assert "a moderator will look at it" in client.get(response["Location"]).content.decode()


def test_only_listed_creators_can_be_reported(client):
    hidden = CreatorFactory(status="hidden")
    assert _report(client, hidden).status_code == 404
    assert not Report.objects.exists()


def test_the_honeypot_drops_the_report_silently(client, creator):
    response = _report(client, creator, website="http://spam.example")
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_the_form_needs_a_reason_and_a_csrf_token(creator):
    strict = Client(enforce_csrf_checks=True)
    assert _report(strict, creator).status_code == 403
    client = Client()
    response = _report(client, creator, reason="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "x" * 5000},
        {"reason": "other", "details": "x" * 2001},
        {"reason": ["other", "unsafe"], "details": "\x00"},
    ],
)
def test_odd_input_is_refused_not_a_500(client, creator, data):
    response = _report(client, creator, **data)
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_reports_are_rate_limited_per_address(client, creator, settings):
    settings.REPORT_RATE_LIMIT = "2/hour"
    assert _report(client, creator).status_code == 302
    assert _report(client, creator).status_code == 302
    blocked = _report(client, creator)
    assert blocked.status_code == 429
    assert "Please try again in" in blocked.content.decode()
    assert Report.objects.count() == 2
    assert _report(client, creator, address="198.51.100.7").status_code == 302  # another visitor


def test_a_self_harm_report_is_urgent_and_emails_moderators_at_once(
    client, creator, settings, django_capture_on_commit_callbacks, eager_tasks
):
    settings.MODERATOR_EMAILS = ["mods@mhvoices.example"]
    with django_capture_on_commit_callbacks(execute=True):
        _report(client, creator, reason="self_harm", details="A post worried me.")
    assert Report.objects.get().urgent is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mods@mhvoices.example"]
    assert "River Stone" in mail.outbox[0].subject
    assert "/directory/report/" in mail.outbox[0].body


def test_urgent_words_in_the_text_make_any_report_urgent(client, creator, settings):
    settings.MODERATOR_EMAILS = []
    _report(client, creator, reason="other", details="They talk about suicide in a worrying way")
    assert Report.objects.get().urgent is True


def test_an_ordinary_report_sends_no_email(
    client, creator, settings, django_capture_on_commit_callbacks
):
    settings.MODERATOR_EMAILS = ["mods@mhvoices.example"]
    with django_capture_on_commit_callbacks(execute=True):
        _report(client, creator, reason="broken_link")
    assert mail.outbox == []


# -- admin ----------------------------------------------------------------------------------


def test_reports_list_urgent_first_then_creators_with_several(client, volunteer):
    calm = CreatorFactory(name="Calm One")
    busy = CreatorFactory(name="Busy One")
    worrying = CreatorFactory(name="Worrying One")
    Report.objects.create(creator=calm, reason="broken_link")
    for _ in range(3):
        Report.objects.create(creator=busy, reason="unsafe")
    Report.objects.create(creator=worrying, reason="self_harm", urgent=True)
    body = client.get(reverse("admin:directory_report_changelist")).content.decode()
    assert body.index("Worrying One") < body.index("Busy One") < body.index("Calm One")
    creators = client.get(reverse("admin:directory_creator_changelist")).content.decode()
    assert creators.index("Busy One") < creators.index("Calm One")


def test_admin_home_counts_open_and_urgent_reports(client, volunteer):
    Report.objects.create(creator=CreatorFactory(), reason="self_harm", urgent=True)
    Report.objects.create(creator=CreatorFactory(), reason="other")
    body = client.get(reverse("admin:index")).content.decode()
    assert "Open reports from visitors" in body
    assert "1 urgent" in body


def test_a_moderator_resolves_a_report_with_an_outcome_that_is_kept(client, volunteer):
    report = Report.objects.create(creator=CreatorFactory(), reason="unsafe")
    url = reverse("admin:directory_report_change", args=[report.pk])
    refused = client.post(url, {"outcome": "", "resolution_note": "", "urgent": ""})
    assert "Choose an outcome" in refused.content.decode()
    response = client.post(url, {"outcome": "acted", "resolution_note": "Hid the post."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.outcome, report.resolved_by) == (
        ReportStatus.RESOLVED,
        "acted",
        volunteer,
    )
    entry = AuditEntry.objects.get(action=AuditAction.REPORT_RESOLVED)
    assert entry.note == "Hid the post." and entry.creator_ref == report.creator_id
    # Resolved is final: a later post cannot change the outcome.
    client.post(url, {"outcome": "no_action", "resolution_note": "changed"})
    report.refresh_from_db()
    assert report.outcome == "acted"


def test_a_moderator_cannot_add_or_delete_reports(client, volunteer):
    report = Report.objects.create(creator=CreatorFactory(), reason="unsafe")
    assert client.get(reverse("admin:directory_report_add")).status_code == 403
    delete = reverse("admin:directory_report_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_report_resolved_meanwhile_by_someone_else_is_not_overwritten(client, volunteer):
    from directory.services.reports import report_resolve

    report = Report.objects.create(creator=CreatorFactory(), reason="unsafe")
    url = reverse("admin:directory_report_change", args=[report.pk])
    client.get(url)
    other = UserFactory(username="ben", is_staff=True)
    report_resolve(report=Report.objects.get(pk=report.pk), moderator=other, outcome="acted")
    response = client.post(url, {"outcome": "no_action", "resolution_note": "mine"})
    assert (
        "ben@example.org resolved this report while you were looking at it."
        in response.content.decode()
    )
    report.refresh_from_db()
    assert report.outcome == "acted"
