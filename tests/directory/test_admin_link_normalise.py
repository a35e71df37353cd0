"""Links typed into the admin are stored like imported ones: normalised, one account one URL.

Both the link admin and the links inline on the creator page go through `link_normalise`; a
duplicate or an address we cannot fetch is a form error a moderator can act on, never a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import Platform, PlatformLink
from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

PASTED = "https://www.YouTube.com/@CalmVoice?si=tracking123"
CANONICAL = "https://www.youtube.com/@calmvoice"


@pytest.fixture
def moderator(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def add_link(client, **data):
    values = {"platform": Platform.YOUTUBE, "url": PASTED, "handle": "", "external_id": ""}
    values.update(data)
    return client.post(reverse("admin:directory_platformlink_add"), values)


def inline_post(client, creator, rows: list[dict[str, str]]):
    """Save the creator page with these new links in its inline."""
    data = {
        "name": creator.name,
        "slug": creator.slug,
        "status": creator.status,
        "creator_type": creator.creator_type,
        "bio": creator.bio,
        "about": "",
        "content_notes": "",
        "country": "GB",
        "on_break_until_0": "",
        "on_break_until_1": "",
        "links-TOTAL_FORMS": str(len(rows)),
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"links-{index}-{key}": value for key, value in row.items()})
        data[f"links-{index}-is_public"] = "on"
    return client.post(reverse("admin:directory_creator_change", args=[creator.pk]), data)


def test_link_admin_stores_the_normalised_url(client, moderator):
    creator = CreatorFactory()
    response = add_link(client, creator=creator.pk)
    assert response.status_code == 302
    assert PlatformLink.objects.get().url == CANONICAL


def test_link_admin_refuses_an_account_already_listed(client, moderator):
    PlatformLinkFactory(platform=Platform.YOUTUBE, url=CANONICAL)
    response = add_link(client, creator=CreatorFactory().pk)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert PlatformLink.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "platform", "message"),
    [
        ("http://10.0.0.1/blog", Platform.BLOG, "Points at a private or local address"),
        (PASTED, Platform.BLOG, "This looks like a YouTube address, not Blog / RSS"),
    ],
)
def test_link_admin_explains_an_address_it_cannot_store(client, moderator, url, platform, message):
    response = add_link(client, creator=CreatorFactory().pk, url=url, platform=platform)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlatformLink.objects.exists()


def test_link_admin_edit_normalises_too(client, moderator):
    link = PlatformLinkFactory(platform=Platform.YOUTUBE, url=CANONICAL)
    response = client.post(
        reverse("admin:directory_platformlink_change", args=[link.pk]),
        {
            "creator": link.creator_id,
            "platform": Platform.YOUTUBE,
            "url": "https://m.youtube.com/@OtherVoice/videos?si=x",
            "handle": "",
            "external_id": "",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.url == "https://www.youtube.com/@othervoice"


def test_creator_inline_stores_the_normalised_url(client, moderator):
    creator = CreatorFactory()
    response = inline_post(client, creator, [{"platform": Platform.YOUTUBE, "url": PASTED}])
    assert response.status_code == 302
    assert list(creator.links.values_list("url", flat=True)) == [CANONICAL]


def test_creator_inline_refuses_two_rows_for_one_account(client, moderator):
    creator = CreatorFactory()
    rows = [
        {"platform": Platform.YOUTUBE, "url": PASTED},
        {"platform": Platform.YOUTUBE, "url": CANONICAL},
    ]
    response = inline_post(client, creator, rows)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not PlatformLink.objects.exists()


def test_creator_inline_refuses_an_account_listed_for_someone_else(client, moderator):
    PlatformLinkFactory(platform=Platform.YOUTUBE, url=CANONICAL)
    creator = CreatorFactory()
    response = inline_post(client, creator, [{"platform": Platform.YOUTUBE, "url": PASTED}])
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not creator.links.exists()


def test_link_admin_refuses_a_stable_id_another_link_has(client, moderator):
    PlatformLinkFactory(platform=Platform.YOUTUBE, url=CANONICAL, external_id="UC123")
    response = add_link(
        client,
        creator=CreatorFactory().pk,
        url="https://www.youtube.com/@anothername",
        external_id="UC123",
    )
    assert response.status_code == 200
    assert "Another link is already this account" in response.content.decode()
    assert PlatformLink.objects.count() == 1
