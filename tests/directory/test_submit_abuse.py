"""/submit/ under abuse: honeypot, rate limit, double POST, CSRF, odd input, a dead broker."""

from __future__ import annotations

import socket
import time

import pytest
from celery import current_app
from django.test import Client

from directory.models import Creator, OutgoingEmail, PlatformLink, Submission
from directory.services.dispatch import links_dispatch
from tests.directory.submit_helpers import submit_data
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]
URL = "/submit/"


def test_a_filled_honeypot_is_dropped_silently_with_the_same_answer(client):
    real = client.post(URL, submit_data())
    bot = client.post(URL, submit_data(website="http://spam.example", name="Bot"))
    assert bot.status_code == real.status_code == 302
    assert bot["Location"].startswith("/submit/status/") and bot["Location"].endswith("?sent=1")
    assert Creator.objects.count() == 1
    assert client.get(bot["Location"]).status_code == 404


def test_the_rate_limit_blocks_with_no_rows_and_says_when_to_retry(client, settings):
    settings.SUBMISSION_RATE_LIMIT = "2/hour"
    for n in range(2):
        rows = [{"url": f"https://voice{n}.org/"}]
        assert client.post(URL, submit_data(links=rows)).status_code == 302
    response = client.post(URL, submit_data(links=[{"url": "https://voice9.org/"}]))
    assert response.status_code == 429
    html = response.content.decode()
    assert "nothing was saved" in html and "try again in about" in html
    assert 'value="https://voice9.org/"' in html  # what they typed is still there
    assert Creator.objects.count() == 2 and Submission.objects.count() == 2


def test_the_rate_limit_counts_per_account_across_addresses(settings):
    settings.SUBMISSION_RATE_LIMIT = "1/hour"
    user = UserFactory()
    first, second = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    first.force_login(user)
    second.force_login(user)
    assert first.post(URL, submit_data()).status_code == 302
    rows = [{"url": "https://other-voice.org/"}]
    assert second.post(URL, submit_data(links=rows)).status_code == 429
    assert Creator.objects.count() == 1


def test_a_double_post_creates_one_submission(client):
    data = submit_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1 and Creator.objects.count() == 1


def test_a_forged_form_token_is_refused_without_losing_the_form(client):
    html = client.post(URL, submit_data(form_token="made-up")).content.decode()
    assert "open for a long time" in html
    assert 'value="Sam Rivers"' in html
    assert not Creator.objects.exists()


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, submit_data()).status_code == 403
    assert not Creator.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"links-TOTAL_FORMS": "x"},
        {"links-TOTAL_FORMS": "99999999999999999999"},
        {"links-TOTAL_FORMS": "-1", "add_link": "1"},
        {"remove_link": "zz"},
        {"remove_link": "500"},
        {"name": "\x00", "links-0-url": "\x00", "why": "\x00"},
        {"topics": "abc", "languages": ["en"] * 500},
        {"links-0-url": "https://" + "a" * 70 + ".org/"},
        {"links-0-url": "https://xn--.org/"},
        {"links-0-url": "http://[::1"},
        {"links-0-url": "https://calm-voice.org:99999/"},
    ],
)
def test_no_input_gives_a_500(client, data):
    response = client.post(URL, {**submit_data(), **data})
    assert response.status_code in (200, 302, 400)


def test_submitting_with_the_broker_down_is_saved_and_confirmed_quickly(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker points at a port nothing listens on: the request must not wait for it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    conf = current_app.conf
    saved = conf.broker_url
    # Only broker_url: broker_write_url falls back to it (setting that too would outlive us).
    conf.broker_url = f"redis://127.0.0.1:{dead_port}/0"
    try:
        # A first submission pays for one-time imports (kombu's Redis transport, templates);
        # the second one shows what every later visitor waits.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(URL, submit_data(links=[{"url": "https://first-voice.org/"}]))
        start = time.monotonic()
        # The after-commit sends (the first fetch, the confirmation email) are part of the wait.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(URL, submit_data())
        elapsed = time.monotonic() - start
    finally:
        conf.broker_url = saved
    assert response.status_code == 302
    assert len(callbacks) == 2  # the fetch and the email were attempted
    assert elapsed < 1.0, f"took {elapsed:.2f}s"
    link = PlatformLink.objects.get(url="https://calm-voice.org/")
    # Not sent, so not marked in flight: the dispatcher picks it up once the broker is back.
    assert link.enqueued_at is None
    # Both confirmation emails wait in the outbox for the periodic resend.
    assert OutgoingEmail.objects.count() == 2
    sent: list[int] = []
    monkeypatch.setattr(
        "directory.services.dispatch.links_send", lambda plan: sent.extend(i for i, _ in plan)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert links_dispatch() == 2
    assert link.pk in sent
