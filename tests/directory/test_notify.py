"""Email: rendered in the request, delivered by a Celery task, and only after commit."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from celery import current_app
from django.core import mail
from django.db import transaction
from django.utils import timezone

from directory.models import OutgoingEmail
from directory.services.notify import email_send, emails_resend
from directory.services.submissions import submission_decided
from directory.tasks import email_deliver
from tests.directory.submit_helpers import submit_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


def _send(**overrides):
    email_send(
        to=overrides.get("to", ["a@example.org"]),
        subject_template="emails/contact_message_subject.txt",
        text_template="emails/contact_message.txt",
        html_template="emails/contact_message.html",
        context={"contact": {"name": "Jo & Co", "email": "jo@example.org", "message": "Hi <b>"}},
    )


def test_email_is_sent_only_after_the_transaction_commits(
    eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _send()
            assert mail.outbox == []
        assert mail.outbox == []  # still inside the test's outer transaction
    assert len(mail.outbox) == 1


def test_no_email_when_the_transaction_rolls_back(eager_tasks, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send()
        raise RuntimeError("the form failed after all")
    assert callbacks == [] and mail.outbox == []


def test_email_has_plain_text_and_html_and_a_one_line_subject(
    eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    message = mail.outbox[0]
    assert message.subject == "Contact form: message from Jo & Co"
    assert "Jo & Co" in message.body and "Hi <b>" in message.body  # plain text is not escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Hi &lt;b&gt;" in html


def test_nobody_to_tell_sends_nothing(eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(to=[])
    assert callbacks == [] and mail.outbox == []


def test_a_failing_mail_server_is_retried_and_the_message_kept(
    monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _send()
    email = OutgoingEmail.objects.get()

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    retried = {}

    def fake_retry(*, exc, countdown):
        retried.update(exc=exc, countdown=countdown)
        return RuntimeError("retry")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    monkeypatch.setattr(email_deliver, "retry", fake_retry)
    with pytest.raises(RuntimeError, match="retry"):
        email_deliver.run(email_id=email.pk)
    assert isinstance(retried["exc"], smtplib.SMTPServerDisconnected)
    assert retried["countdown"] >= 30
    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (1, "gone")
    assert mail.outbox == []


def test_a_delivered_message_leaves_the_outbox_and_is_not_sent_twice(
    eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    assert len(mail.outbox) == 1
    assert not OutgoingEmail.objects.exists()
    email_deliver.run(email_id=1)  # a duplicate message finds nothing to send
    assert len(mail.outbox) == 1


def test_with_the_broker_down_the_email_waits_in_the_outbox_then_is_resent(
    monkeypatch, eager_tasks, django_capture_on_commit_callbacks
):
    def broker_down(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("directory.services.notify.task_publish", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    assert mail.outbox == [] and OutgoingEmail.objects.count() == 1
    monkeypatch.undo()
    current_app.conf.task_always_eager = True
    later = timezone.now() + dt.timedelta(minutes=11)
    assert emails_resend(now=timezone.now()) == 0  # too recent: its own task may still come
    assert emails_resend(now=later) == 1
    assert len(mail.outbox) == 1 and not OutgoingEmail.objects.exists()


def test_a_submission_emails_its_private_status_link_after_commit(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/submit/", submit_data())
        assert mail.outbox == []
    (message,) = mail.outbox
    assert message.to == ["friend@example.org"]
    assert response["Location"].removesuffix("?sent=1") in message.body


def test_a_decision_emails_the_submitter_once_with_the_reason(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    from directory.models import Submission

    client.post("/submit/", submit_data())
    creator = Submission.objects.get().creator
    with django_capture_on_commit_callbacks(execute=True):
        submission_decided(creator=creator, approved=False, reason="spam", note="Thanks anyway.")
        submission_decided(creator=creator, approved=False, reason="spam", note="Thanks anyway.")
    (message,) = mail.outbox
    assert "Looks like spam or advertising" in message.body and "Thanks anyway." in message.body
    submission = Submission.objects.get()
    assert (submission.status, submission.rejection_reason) == ("rejected", "spam")


def test_an_approval_records_it_and_links_the_profile(
    client, eager_tasks, django_capture_on_commit_callbacks
):
    from directory.models import Submission

    client.post("/submit/", submit_data())
    creator = Submission.objects.get().creator
    with django_capture_on_commit_callbacks(execute=True):
        submission_decided(creator=creator, approved=True)
    assert Submission.objects.get().status == "approved"
    assert creator.get_absolute_url() in mail.outbox[0].body


def test_a_rejection_needs_a_known_reason(client):
    from django.core.exceptions import ValidationError

    from directory.models import Submission

    client.post("/submit/", submit_data())
    with pytest.raises(ValidationError):
        submission_decided(creator=Submission.objects.get().creator, approved=False, reason="meh")
