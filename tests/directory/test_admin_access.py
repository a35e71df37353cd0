"""Who may do what in the admin: the Moderators group, staff only, superuser-only bulk delete,
the configurable admin path and the sign-in lockout."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.env import env_url_path
from directory.models import AuditEntry, Creator, CreatorStatus
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


def _codenames(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_moderators_group_has_the_daily_permissions_only():
    perms = _codenames(Group.objects.get(name="Moderators"))
    assert {
        "directory.view_creator",
        "directory.change_creator",
        "directory.change_platformlink",
        "directory.add_statssnapshot",
        "directory.view_auditentry",
        "directory.change_report",
    } <= perms
    assert "directory.delete_creator" not in perms
    assert not {p for p in perms if p.startswith("directory.") and "auditentry" in p} - {
        "directory.view_auditentry"
    }
    # Users, groups and lockouts are not a moderator's to manage (claims and edits are).
    assert not {p for p in perms if p.split(".")[0] in {"auth", "axes"} or p.endswith("_user")}
    assert not {p for p in perms if p.split(".")[1].startswith("delete_")}


def test_a_moderator_approves_without_being_a_superuser(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    response = client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": "creator_approve_action", "_selected_action": [creator.pk]},
        follow=True,
    )
    assert "Approved 1 creator." in response.content.decode()
    creator.refresh_from_db()
    assert creator.status == CreatorStatus.APPROVED


def test_a_moderator_cannot_delete_creators(client, volunteer):
    creator = CreatorFactory()
    response = client.get(reverse("admin:directory_creator_changelist"))
    assert 'value="delete_selected"' not in response.content.decode()
    delete = reverse("admin:directory_creator_delete", args=[creator.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": "delete_selected", "_selected_action": [creator.pk], "post": "yes"},
    )
    assert Creator.objects.filter(pk=creator.pk).exists()


def test_a_moderator_cannot_manage_users_or_groups(client, volunteer):
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_nobody_edits_or_deletes_the_audit_trail(client, volunteer):
    creator = CreatorFactory(status=CreatorStatus.PENDING)
    client.post(
        reverse("admin:directory_creator_changelist"),
        {"action": "creator_approve_action", "_selected_action": [creator.pk]},
    )
    entry = AuditEntry.objects.get(creator_ref=creator.pk)
    change = reverse("admin:directory_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # readable
    client.post(change, {"note": "rewritten"})
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    delete = reverse("admin:directory_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:directory_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_bulk_delete_is_for_superusers_and_comes_last(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    CreatorFactory()
    body = client.get(reverse("admin:directory_creator_changelist")).content.decode()
    assert 'value="delete_selected"' in body
    assert body.index('value="creator_approve_action"') < body.index('value="delete_selected"')


def test_staff_without_the_group_can_do_nothing(client):
    client.force_login(UserFactory(username="bare", is_staff=True))
    assert client.get(reverse("admin:directory_creator_changelist")).status_code == 403


# -- every admin URL is staff-only -----------------------------------------------------------


def _admin_paths() -> list[str]:
    """One concrete path for every admin URL pattern (object ids filled with 1)."""
    resolver = get_resolver()
    admin_prefix = "/" + settings.ADMIN_URL
    paths: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            route = (
                route.replace("<path:object_id>", "1")
                .replace("<int:content_type_id>", "1")
                .replace("<path:url>", "nowhere")
                .replace("<str:app_label>", "directory")
                .replace("<id>", "1")
            )
            route = route.lstrip("^").rstrip("$")
            if "(?P<app_label>" in route:
                route = "directory/"
            if "(?P<url>" in route:
                route = "nowhere/"
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                paths.add(prefix + route)

    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and str(entry.pattern) == settings.ADMIN_URL:
            walk(entry.url_patterns, admin_prefix)
    return sorted(paths)


def test_the_admin_url_list_is_not_empty():
    paths = _admin_paths()
    assert len(paths) > 40
    assert "/" + settings.ADMIN_URL + "directory/creator/1/history/" in paths


@pytest.mark.parametrize("who", ["anonymous", "signed-in visitor"])
def test_every_admin_url_sends_non_staff_to_the_login_page(client, who):
    CreatorFactory(pk=1)
    if who != "anonymous":
        client.force_login(UserFactory(username="visitor"))
    login = reverse("admin:login")
    for path in _admin_paths():
        if path in (login, reverse("admin:logout")):
            continue
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(login), path


def test_admin_url_setting_rejects_odd_paths(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("ADMIN_URL", "staff/moderation/")
    assert env_url_path("ADMIN_URL", "admin/") == "staff/moderation/"
    for bad in ("/admin/", "admin", "ad min/", "../admin/", "admin//"):
        monkeypatch.setenv("ADMIN_URL", bad)
        with pytest.raises(ImproperlyConfigured, match="ADMIN_URL"):
            env_url_path("ADMIN_URL", "admin/")


def test_the_admin_is_mounted_at_admin_url():
    assert reverse("admin:index") == "/" + settings.ADMIN_URL


# -- lockout ----------------------------------------------------------------------------------


def _login(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def staff_user():
    user = UserFactory(username="mod1", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_repeated_failures_lock_the_account_with_a_clear_message(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "mod1", "wrong").status_code == 200
    locked = _login(client, "mod1", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "too many failed sign-in attempts" in body
    assert "try again in 15 minutes" in body
    # Even the right password is refused now, from this address and from another.
    assert _login(client, "mod1", PASSWORD).status_code == 429
    assert _login(client, "mod1", PASSWORD, address="10.1.2.3").status_code == 429


def test_an_address_with_repeated_failures_is_locked_for_every_account(client, staff_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong", address="10.9.9.9")
    assert _login(client, "mod1", PASSWORD, address="10.9.9.9").status_code == 429


def test_a_few_failures_then_the_right_password_signs_in(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        _login(client, "mod1", "wrong")
    response = _login(client, "mod1", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_account_is_counted_whatever_the_case_or_sign_in_form(client, staff_user):
    from django.test import RequestFactory

    from directory.admin_site import lockout_username

    request = RequestFactory().post("/", {"login": " Ana@Example.org "})
    assert lockout_username(request, None) == "ana@example.org"
    assert lockout_username(request, {"email": "B@x.org"}) == "b@x.org"
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "MOD1" if n % 2 else "mod1", "wrong", address=f"10.0.0.{n + 1}")
    assert _login(client, "mod1", PASSWORD, address="10.0.9.9").status_code == 429
