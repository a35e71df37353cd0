"""Only the verified owner or staff can change a creator: anyone else gets 404 on every route
and every id, and no input gives a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import CreatorEdit
from directory.models import CreatorStatus, StatsSnapshot
from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db

OWNER_ROUTES = ["creator_edit", "creator_stats", "creator_break", "creator_remove"]
POST_ONLY = ["creator_remove_cancel"]


def routes(creator_id: int) -> list[str]:
    return [reverse(f"accounts:{name}", args=[creator_id]) for name in OWNER_ROUTES + POST_ONLY]


def test_another_user_gets_404_on_every_route(client, bob, alices_creator):
    client.force_login(bob)
    link = alices_creator.links.first()
    data = {
        "bio": "taken over",
        "links": "https://evil.example.org/",
        "link": link.pk,
        "followers": "1",
        "until": "2030-01-01",
        "confirm": "on",
    }
    for path in routes(alices_creator.pk):
        if not path.endswith("/cancel/"):
            assert client.get(path).status_code == 404, path
        assert client.post(path, data).status_code == 404, path
    alices_creator.refresh_from_db()
    assert alices_creator.status == CreatorStatus.APPROVED
    assert alices_creator.on_break_until is None
    assert not CreatorEdit.objects.exists()
    assert not StatsSnapshot.objects.exists()


@pytest.mark.parametrize("creator_id", [0, 999_999, 2**31])
def test_ids_that_do_not_exist_are_404(client, bob, creator_id):
    client.force_login(bob)
    for path in routes(creator_id):
        assert client.post(path).status_code == 404, path


def test_an_unclaimed_or_removed_creator_is_404_even_for_its_submitter(client, bob, alices_creator):
    alices_creator.claimed_by = None
    alices_creator.submitted_by = bob
    alices_creator.save()
    client.force_login(bob)
    for path in routes(alices_creator.pk):
        assert client.post(path).status_code == 404, path


def test_the_owner_and_staff_may(client, alice, alices_creator):
    staff = make_user("staff@example.org", is_staff=True)
    for user in (alice, staff):
        client.force_login(user)
        for name in OWNER_ROUTES:
            path = reverse(f"accounts:{name}", args=[alices_creator.pk])
            assert client.get(path).status_code == 200, (user, path)


def test_signed_out_visitors_are_sent_to_sign_in(client, alices_creator):
    for path in [reverse("accounts:me"), *routes(alices_creator.pk)]:
        response = client.post(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


NASTY = ["", "\x00", "x" * 20_000, "-1", "1e999", "９", "<script>", "' OR 1=1 --", "%00"]


@pytest.mark.parametrize("value", NASTY)
def test_no_input_gives_a_500(client, alice, alices_creator, value):
    client.force_login(alice)
    fields = ["bio", "content_notes", "links", "topics", "languages", "link", "followers"]
    fields += ["following", "posts_in_window", "comments_in_window", "until", "reason", "confirm"]
    data = dict.fromkeys(fields, value)
    for name in OWNER_ROUTES:
        path = reverse(f"accounts:{name}", args=[alices_creator.pk])
        assert client.post(path, data).status_code < 500, (path, value)
        assert client.post(path, {name: [value, value] for name in fields}).status_code < 500
    claim = reverse("accounts:claim_start", args=[alices_creator.slug])
    assert client.post(claim, {"link": value, "method": value}).status_code < 500
