"""No input to any admin form gives a 500: odd values posted to every add and change form, to
the actions and their confirmation pages, and to the custom admin pages."""

from __future__ import annotations

import contextlib

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from directory.models import Report
from tests.factories import CreatorFactory, PlatformLinkFactory, StatsSnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "\x00", "x" * 5000, "-1", "99999999999999999999999", "<script>", "１２", "nan"]
# Every model's forms are slow to post to: a few of the oddest values there.
FORM_VALUES = ["", "\x00", "99999999999999999999999", "x" * 5000]


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def objects():
    link = PlatformLinkFactory(url="https://odd.example.net/")
    StatsSnapshotFactory(link=link)
    Report.objects.create(creator=link.creator, reason="other")
    return link


def _form_fields(client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or response.context is None:
        return []
    form = response.context.get("adminform")
    return list(form.form.fields) if form is not None else []


@pytest.mark.parametrize("odd", FORM_VALUES)
def test_every_add_and_change_form_survives_odd_input(client, superuser, objects, odd):
    for model in admin.site._registry:
        opts = model._meta
        urls = []
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
        for url in urls:
            fields = _form_fields(client, url) or ["name"]
            data = dict.fromkeys(fields, odd)
            # A huge TOTAL_FORMS is capped by Django at 2,000 forms: correct, but slow to test.
            total = odd if not odd.isdigit() else "1"
            data.update({"seen_version": odd, "links-TOTAL_FORMS": total, "_save": "Save"})
            response = client.post(url, data)
            assert response.status_code < 500, (url, odd)


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_creator_actions_survive_odd_input(client, superuser, odd):
    creators = [CreatorFactory(status="pending"), CreatorFactory(status="approved")]
    url = reverse("admin:directory_creator_changelist")
    actions = [
        "creator_approve_action",
        "creator_reject_action",
        "creator_hide_action",
        "creator_restore_action",
        "creator_remove_action",
        "creators_merge_action",
        "creators_refresh_action",
        "creator_licence_action",
        odd,
    ]
    for action in actions:
        data = {
            "action": action,
            "_selected_action": [c.pk for c in creators] + [odd],
            "confirm": "yes",
            "reason": odd,
            "note": odd,
            "survivor": odd,
            f"seen_version_{creators[0].pk}": odd,
            f"seen_version_{odd}": "1",
        }
        assert client.post(url, data).status_code < 500, (action, odd)
        change = reverse("admin:directory_creator_change", args=[creators[0].pk])
        data = {"CHANGE_FORM-action": action, "_selected_action": [odd], "seen_version": odd}
        assert client.post(change, data).status_code < 500, (action, odd)


@pytest.mark.parametrize("odd", ODD_VALUES)
def test_link_statistics_page_and_filters_survive_odd_input(client, superuser, objects, odd):
    url = reverse("admin:directory_platformlink_enter_statistics", args=[objects.pk])
    assert client.post(url, {"captured_at": odd, "followers": odd, "source": odd}).status_code < 500
    for path, params in [
        ("admin:directory_platformlink_changelist", {"attention": odd, "error": odd}),
        ("admin:directory_creator_changelist", {"links_failing": odd, "status__exact": odd}),
        ("admin:directory_report_changelist", {"status__exact": odd, "o": odd}),
    ]:
        assert client.get(reverse(path), params).status_code < 500, (path, odd)
    assert client.get(f"/admin/directory/creator/{odd}/history/").status_code < 500
