"""A creator who is not approved (pending review, rejected, hidden, removed) is never public: not
on the list or its search, not on "emerging", not in the sitemap, not in either Atom feed, not in
the API (list, search or detail), and every per-profile address (page, report and removal forms,
avatar, share card, claim) answers 404. The ranking page names no one who is not listed.

One listed creator with the same words sits beside each one, so an empty page cannot pass."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from directory.models import CreatorAvatar, CreatorStatus
from tests.accounts.conftest import make_user
from tests.factories import CreatorFactory, PlatformLinkFactory, TopicFactory

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
NOT_PUBLIC = [
    CreatorStatus.PENDING,
    CreatorStatus.REJECTED,
    CreatorStatus.HIDDEN,
    CreatorStatus.REMOVED,
]


@pytest.fixture
def pair(request):
    topic = TopicFactory(name="Recovery", slug="recovery")
    listed = CreatorFactory(name="Listed Quietwater", slug="listed-quietwater", is_demo=False)
    secret = CreatorFactory(
        name="Secret Quietwater", slug="secret-quietwater", status=request.param, is_demo=False
    )
    for creator in (listed, secret):
        creator.topics.add(topic)
        CreatorAvatar.objects.create(
            creator=creator, image=PNG, source_url="https://example.org/a.png"
        )
        PlatformLinkFactory(
            creator=creator, platform="blog", url=f"https://{creator.slug}.example.org/"
        )
    return listed, secret


def assert_only_listed(body: str, *, listed_shown: bool = True) -> None:
    if listed_shown:
        assert "Listed Quietwater" in body or "listed-quietwater" in body
    assert "Secret Quietwater" not in body
    assert "/creators/secret-quietwater/" not in body  # page links, feed and sitemap entries
    assert '"secret-quietwater"' not in body  # the API's slug
    assert "secret-quietwater.example.org/" not in body  # its link (a search box echoes the term)


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=Quietwater",
        "/?topic=recovery",
        "/feeds/new/",
        "/feeds/topics/recovery/",
        "/api/creators/",
        "/api/creators/?q=Quietwater",
        "/api/creators/?topic=recovery",
    ],
)
def test_lists_search_feeds_and_api_show_only_the_listed_one(client, pair, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_only_listed(response.content.decode())


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
@pytest.mark.parametrize(
    "path",
    [
        "/emerging/",
        "/?q=secret-quietwater.example.org",
        "/api/creators/?q=secret-quietwater.example.org",
    ],
)
def test_searching_for_it_by_its_link_or_on_emerging_finds_nothing(client, pair, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_only_listed(response.content.decode(), listed_shown=False)


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
@override_settings(SITE_URL="https://voices.example")
def test_the_sitemap_names_only_the_listed_one(client, pair):
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://voices.example/creators/listed-quietwater/</loc>" in xml
    assert "secret-quietwater" not in xml


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
def test_every_address_of_the_profile_is_404(client, pair):
    listed, secret = pair
    names = [
        "directory:creator_detail",
        "directory:report_create",
        "directory:report_thanks",
        "directory:creator_removal_request",
        "directory:creator_avatar",
        "directory:creator_card",
        "api:creator-detail",
    ]
    for name in names:
        assert client.get(reverse(name, args=[listed.slug])).status_code != 404, name
        assert client.get(reverse(name, args=[secret.slug])).status_code == 404, name


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
def test_the_ranking_page_names_only_listed_creators(client, pair):
    body = client.get(reverse("directory:scoring")).content.decode()
    assert "Secret Quietwater" not in body


@pytest.mark.parametrize("pair", NOT_PUBLIC, indirect=True)
def test_a_signed_in_stranger_cannot_open_its_claim_page(client, pair):
    _listed, secret = pair
    client.force_login(make_user("stranger@example.org"))
    assert client.get(reverse("accounts:claim_start", args=[secret.slug])).status_code == 404


def test_the_person_who_submitted_a_pending_profile_may_claim_it(client):
    submitter = make_user("me@example.org")
    mine = CreatorFactory(slug="mine", status=CreatorStatus.PENDING, submitted_by=submitter)
    PlatformLinkFactory(creator=mine, platform="blog", url="https://mine.example.org/")
    client.force_login(submitter)
    assert client.get(reverse("accounts:claim_start", args=[mine.slug])).status_code == 200


def test_me_offers_the_claim_for_a_this_is_me_submission(client):
    from directory.models import Submission

    submitter = make_user("me@example.org")
    mine = CreatorFactory(slug="mine", status=CreatorStatus.PENDING, submitted_by=submitter)
    Submission.objects.create(
        creator=mine, form_token="t", submitted_by=submitter, relationship="self", why="Me."
    )
    client.force_login(submitter)
    body = client.get(reverse("accounts:me")).content.decode()
    assert reverse("accounts:claim_start", args=["mine"]) in body


def test_a_suggestion_sent_before_signing_up_is_theirs_by_its_confirmed_address(client):
    mine = CreatorFactory(slug="mine", status=CreatorStatus.PENDING)
    PlatformLinkFactory(creator=mine, platform="blog", url="https://mine.example.org/")
    from directory.models import Submission

    Submission.objects.create(
        creator=mine,
        form_token="t",
        submitter_email="Me@Example.org",
        relationship="self",
        why="Me.",
    )
    client.force_login(make_user("me@example.org"))
    assert client.get(reverse("accounts:claim_start", args=["mine"])).status_code == 200
    body = client.get(reverse("accounts:me")).content.decode()
    assert reverse("accounts:claim_start", args=["mine"]) in body
    client.force_login(make_user("other@example.org"))
    assert client.get(reverse("accounts:claim_start", args=["mine"])).status_code == 404
