"""Two-factor sign-in for the admin: staff who have an authenticator app give a code once per
session before any admin page opens, and `ADMIN_REQUIRE_MFA` sends staff without one to set it
up. The whole path is allauth's own pages (set-up, re-authentication) driven as a person would."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    hotp_value,
)
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, 10, tzinfo=dt.UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(NOW.timestamp()) // 30))


@pytest.fixture(autouse=True)
def _frozen_clock():
    # A TOTP code belongs to a 30-second window: a test must not straddle two.
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def require_mfa(settings):
    settings.ADMIN_REQUIRE_MFA = True


@pytest.fixture
def moderator(db):
    user = make_user("mod@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_with_app(moderator):
    TOTP.activate(moderator, SECRET)
    return moderator


def admin_home(client):
    return client.get(reverse("admin:index"))


def test_staff_without_an_app_are_sent_to_set_one_up(client, require_mfa, moderator):
    client.force_login(moderator)
    response = admin_home(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Every admin page, not only the home page.
    changelist = client.get(reverse("admin:directory_creator_changelist"))
    assert changelist["Location"] == reverse("mfa_activate_totp")


# allauth announces a new app after commit, inside the request: only a real transaction shows
# that. (A superuser here: a transactional test cannot count on the Moderators group, which a
# migration made and an earlier transactional test's flush may have removed.)
@pytest.mark.django_db(transaction=True)
def test_setting_up_the_app_opens_the_admin_in_this_session(client, require_mfa):
    moderator = make_user("mod@example.org", is_staff=True, is_superuser=True)
    # The admin's own password sign-in, as a moderator would.
    signed = client.post(
        reverse("admin:login"), {"username": moderator.username, "password": PASSWORD}
    )
    assert signed.status_code == 302
    assert admin_home(client)["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before adding a second factor; the first page
    # shown says why.
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "moderation pages need two-factor sign-in" in setup.content.decode()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.exists()
    client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    assert admin_home(client).status_code == 200


def test_staff_with_an_app_give_a_code_once_per_session(client, require_mfa, moderator_with_app):
    client.force_login(moderator_with_app)
    page = reverse("admin:directory_creator_changelist")
    response = client.get(page)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2Fdirectory%2Fcreator%2F"
    )  # noqa: E501
    refused = client.post(reverse("mfa_reauthenticate"), {"code": "123456"})
    assert refused.status_code == 200  # the form again, with its error
    assert client.get(page).status_code == 302
    done = client.post(f"{reverse('mfa_reauthenticate')}?next={page}", {"code": code_for(SECRET)})
    assert done["Location"] == page
    assert client.get(page).status_code == 200
    assert admin_home(client).status_code == 200


def test_signing_out_forgets_the_code(client, require_mfa, moderator_with_app):
    client.force_login(moderator_with_app)
    client.post(reverse("mfa_reauthenticate"), {"code": code_for(SECRET)})
    assert admin_home(client).status_code == 200
    # Signing out is always possible without a code.
    assert client.post(reverse("admin:logout")).status_code == 200
    client.force_login(moderator_with_app)
    assert admin_home(client).status_code == 302


def test_a_code_given_by_someone_else_in_the_session_does_not_count(
    client, require_mfa, moderator_with_app
):
    other = make_user("other@example.org", is_staff=True)
    TOTP.activate(other, SECRET)
    client.force_login(other)
    client.post(reverse("mfa_reauthenticate"), {"code": code_for(SECRET)})
    assert admin_home(client).status_code == 200
    client.force_login(moderator_with_app)  # a different person in the same browser
    assert admin_home(client).status_code == 302


def test_without_the_setting_staff_may_skip_it(client, settings, moderator):
    settings.ADMIN_REQUIRE_MFA = False
    client.force_login(moderator)
    assert admin_home(client).status_code == 200


def test_without_the_setting_an_app_once_set_up_is_still_asked_for(
    client, settings, moderator_with_app
):
    # Otherwise the admin's password-only form would bypass the second factor a person chose.
    settings.ADMIN_REQUIRE_MFA = False
    client.force_login(moderator_with_app)
    assert reverse("mfa_reauthenticate") in admin_home(client)["Location"]


def test_people_who_are_not_staff_still_go_to_the_admin_sign_in(client, require_mfa):
    client.force_login(make_user("visitor@example.org"))
    response = admin_home(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_production_default_is_on(monkeypatch):
    from config.env import env_bool

    monkeypatch.delenv("ADMIN_REQUIRE_MFA", raising=False)
    # The same expression config/settings.py uses, for DEBUG off and on.
    assert env_bool("ADMIN_REQUIRE_MFA", default=not False) is True
    assert env_bool("ADMIN_REQUIRE_MFA", default=not True) is False


def test_signing_in_on_the_site_with_a_code_opens_the_admin_too(
    client, require_mfa, moderator_with_app
):
    signed = client.post(
        reverse("account_login"), {"login": moderator_with_app.email, "password": PASSWORD}
    )
    # allauth's own sign-in asks for the code as a second step.
    assert signed["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'class="wrap narrow account-page"' in page.content.decode()
    client.post(reverse("mfa_authenticate"), {"code": code_for(SECRET)})
    assert admin_home(client).status_code == 200


def test_the_admin_and_me_link_to_two_factor_set_up(client, moderator):
    client.force_login(moderator)
    assert reverse("mfa_index") in admin_home(client).content.decode()
    assert reverse("mfa_index") in client.get(reverse("accounts:me")).content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_index",
        "account_email",
        "account_change_password",
        "accounts:me",
    ],
)
def test_a_password_only_session_gives_the_code_before_any_account_page(
    client, moderator_with_app, name
):
    # The admin's own sign-in form takes the password alone. With it, the account pages would
    # let someone who knows the password remove the app (or read the recovery codes) and then
    # enrol an app of their own: so they ask for the code first.
    signed = client.post(
        reverse("admin:login"), {"username": moderator_with_app.username, "password": PASSWORD}
    )
    assert signed.status_code == 302
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused["Location"].startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(user=moderator_with_app, type="totp").exists()
    # With the code given, the same pages open as before.
    client.post(reverse("mfa_reauthenticate"), {"code": code_for(SECRET)})
    after = client.get(reverse(name))
    assert not after.get("Location", "").startswith(reverse("mfa_reauthenticate"))


def test_a_user_without_an_app_is_not_asked_for_a_code_on_account_pages(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("account_email")).status_code == 200
