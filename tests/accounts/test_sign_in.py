"""Sign-up with email, confirmation, sign-in and out, password reset and change (django-allauth)
in the site's own templates, and allauth's rate limits on sign-in, sign-up and reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-calm-passphrase-77"


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Emails leave only after the transaction commits: run those callbacks."""
    return django_capture_on_commit_callbacks


def test_no_email_leaves_before_the_transaction_commits(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert mail.outbox == []
    assert callbacks


def test_emails_have_a_plain_text_and_an_html_part(client, alice, after_commit):
    with after_commit(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    message = mail.outbox[0]
    assert message.subject.startswith("[Mental Health Voices] ")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/accounts/password/reset/key/" in html


def _link(message, path_start: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}[^\s]+)", message.body)
    assert match, message.body
    return match.group(1)


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_sends_a_confirmation_and_confirming_signs_in(client, after_commit):
    with after_commit(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="new@example.org").exists()
    assert len(mail.outbox) == 1
    confirm_path = _link(mail.outbox[0], "/accounts/confirm-email/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"Please confirm that" in page.content
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert client.get(reverse("accounts:me")).status_code == 200


def test_sign_in_is_refused_until_the_email_is_confirmed(client):
    make_user("waiting@example.org", verified=False)
    response = _sign_in(client, "waiting@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:me"))["Location"].startswith(reverse("account_login"))


def test_sign_in_and_sign_out(client, alice):
    response = _sign_in(client, "alice@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:me")
    me = client.get(reverse("accounts:me"))
    assert b"alice@example.org" in me.content
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:me")).status_code == 302


def test_wrong_password_says_so_without_a_500(client, alice):
    response = _sign_in(client, "alice@example.org", "not-the-password")
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_password_reset_by_email_link(client, alice, after_commit):
    with after_commit(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    key_path = _link(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(key_path, follow=True)
    assert b"Choose a new password" in form_page.content
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else key_path
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    client.logout()
    assert _sign_in(client, "alice@example.org", NEW_PASSWORD)["Location"] == reverse("accounts:me")


def test_password_reset_for_an_unknown_address_looks_the_same(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_password_change(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_failed_sign_ins_are_limited_per_address_typed(client, alice):
    for _ in range(5):
        _sign_in(client, "alice@example.org", "wrong")
    response = _sign_in(client, "alice@example.org")  # even the right password now waits
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_ups_are_limited_per_visitor_address(client, db):
    for number in range(5):
        client.post(
            reverse("account_signup"),
            {"email": f"n{number}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    response = client.post(
        reverse("account_signup"),
        {"email": "n9@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 429
    assert b"Please wait a little" in response.content
    assert not User.objects.filter(email="n9@example.org").exists()


def test_password_reset_requests_are_limited_per_address(client, alice, after_commit):
    with after_commit(execute=True):
        for _ in range(5):
            client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
        response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_account_pages_use_the_site_layout_with_labels(client, db):
    for name in ("account_login", "account_signup", "account_reset_password"):
        html = client.get(reverse(name)).content.decode()
        assert "crisis-line" in html
        assert 'for="id_email"' in html or 'for="id_login"' in html
        assert "<script" not in html and "style=" not in html


@pytest.mark.parametrize(
    "data",
    [
        {"email": "x" * 5000 + "@example.org", "password1": "a", "password2": "b"},
        {"email": "\x00", "password1": PASSWORD, "password2": PASSWORD},
        {"email": ["a@example.org", "b@example.org"], "password1": "", "password2": ""},
        {},
    ],
)
def test_bad_sign_up_input_is_answered_not_a_500(client, db, data):
    assert client.post(reverse("account_signup"), data).status_code in (200, 400)
