"""/submit/: the form, its messages, its links, and the pending creator it creates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import (
    Creator,
    CreatorStatus,
    PlatformLink,
    SnapshotSource,
    StatsSnapshot,
    Submission,
)
from directory.services.submissions import status_token
from tests.directory.submit_helpers import submit_data
from tests.factories import CreatorFactory, PlatformLinkFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]
URL = "/submit/"


def test_the_form_renders_with_one_link_row_and_a_hidden_honeypot(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="links-0-url"' in html and 'name="links-1-url"' not in html
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert "crisis-line" in html


def test_a_valid_submission_creates_a_pending_creator_and_redirects_to_its_status(client):
    topic = TopicFactory(slug="anxiety")
    response = client.post(URL, submit_data(topics=[topic.pk], languages=["en", "fr"]))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (
        response["Location"]
        == reverse("directory:submission_status", kwargs={"token": status_token(submission)})
        + "?sent=1"
    )
    creator = submission.creator
    assert creator.status == CreatorStatus.PENDING
    assert creator.slug == "sam-rivers"
    assert list(creator.topics.all()) == [topic]
    assert sorted(creator.languages.values_list("code", flat=True)) == ["en", "fr"]
    assert submission.submitter_email == "friend@example.org"
    assert creator.links.get().url == "https://calm-voice.org/"
    page = client.get(response["Location"])
    assert "Thank you" in page.content.decode()
    assert "Waiting for review" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the name they publish under."),
        ("name", "x" * 121, "Keep this under 120 characters (it has 121)."),
        ("bio", "", "Write a sentence or two about what they share."),
        ("bio", "x" * 301, "Keep this under 300 characters (it has 301)."),
        ("creator_type", "", "Choose the kind of creator."),
        ("creator_type", "wizard", "Select a valid choice."),
        ("topics", "999999", "Choose topics from the list."),
        ("languages", "xx", "Choose languages from the list."),
        ("country", "ZZ", "Choose a country from the list."),
        ("content_notes", "x" * 301, "Keep this under 300 characters (it has 301)."),
        ("relationship", "", "Say whether this is you or someone you are nominating."),
        ("relationship", "both", "Select a valid choice."),
        ("why", "", "Tell the moderators why they are worth listing."),
        ("why", "x" * 1001, "Keep this under 1000 characters (it has 1001)."),
        ("email", "", "Enter your email address so we can tell you what was decided."),
        ("email", "not-an-address", "Enter an email address like name@example.org."),
        ("email", "a" * 250 + "@x.org", "Keep this under 254 characters"),
    ],
)
def test_each_field_explains_what_is_wrong(client, field, value, message):
    response = client.post(URL, submit_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Creator.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"url": "x" * 501}, "This address is too long (501 characters)."),
        (
            {"url": "https://calm-voice.org/", "platform": "nope"},
            "Choose a platform from the list.",
        ),
        ({"url": "https://www.instagram.com/calm", "followers": "many"}, "Enter a whole number"),
        ({"url": "https://www.instagram.com/calm", "followers": "-1"}, "Enter 0 or more."),
        ({"url": "https://www.instagram.com/calm", "following": "1" * 12}, "too large"),
        ({"url": "", "followers": "10"}, "Add the link these numbers belong to."),
        ({"url": ""}, "Add at least one link to their profile"),
    ],
)
def test_each_link_field_explains_what_is_wrong(client, row, message):
    response = client.post(URL, submit_data(links=[row]))
    assert message in response.content.decode()
    assert not Creator.objects.exists()


DANGEROUS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)  ",
    "java\tscript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "file:///etc/passwd",
    "FILE://localhost/etc/passwd",
    "ftp://calm-voice.org/",
    "https://user:secret@calm-voice.org/",
    "https://user@calm-voice.org/",
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://10.0.0.5/",
    "http://192.168.1.1/admin",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost/",
    "http://LOCALHOST:8000/",
    "http://intranet.local/",
    "http://%6c%6f%63%61%6c%68%6f%73%74/",
    "http://１２７.０.０.１/",
    "http://8.8.8.8/",
    "//calm-voice.org/",
    "calm-voice.org",
    "https://calm-voice.org:8443/",
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_dangerous_or_private_addresses_are_refused_with_a_clear_message(client, url):
    response = client.post(URL, submit_data(links=[{"url": url}]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "http(s)" in html or "private or local address" in html or "IP address" in html
    assert not Creator.objects.exists()
    assert not PlatformLink.objects.exists()


def test_an_already_listed_link_points_to_that_profile(client):
    link = PlatformLinkFactory(url="https://calm-voice.org/", creator__name="Ana Calm")
    response = client.post(
        URL, submit_data(links=[{"url": "https://CALM-voice.org/?utm_source=x"}])
    )
    html = response.content.decode()
    assert "already listed" in html
    assert f'href="{link.creator.get_absolute_url()}"' in html
    assert Creator.objects.count() == 1


def test_a_link_awaiting_review_says_so(client):
    PlatformLinkFactory(url="https://calm-voice.org/", creator__status=CreatorStatus.PENDING)
    response = client.post(URL, submit_data())
    assert "waiting for a moderator" in response.content.decode()
    assert Creator.objects.count() == 1


def test_a_link_on_a_hidden_profile_is_not_added_twice_and_not_revealed(client):
    PlatformLinkFactory(
        url="https://calm-voice.org/", creator__status=CreatorStatus.HIDDEN, creator__name="Zed"
    )
    html = client.post(URL, submit_data()).content.decode()
    assert "already known to us" in html
    assert "Zed" not in html


def test_the_same_link_twice_in_one_form_is_refused(client):
    rows = [{"url": "https://calm-voice.org/"}, {"url": "https://calm-voice.org/?utm_source=a"}]
    response = client.post(URL, submit_data(links=rows))
    assert "The same link is entered twice." in response.content.decode()
    assert not Creator.objects.exists()


def test_adding_a_row_keeps_what_was_typed(client):
    data = submit_data(name="Typed Name", add_link="1")
    response = client.post(URL, data)
    html = response.content.decode()
    assert 'name="links-1-url"' in html
    assert 'value="Typed Name"' in html
    assert 'value="https://calm-voice.org/"' in html
    assert not Creator.objects.exists()
    # No validation message is shown for a form that was not sent yet.
    assert "Please check a few things" not in html


def test_removing_a_row_keeps_the_others(client):
    rows = [{"url": "https://one.org/"}, {"url": "https://two.org/"}, {"url": "https://three.org/"}]
    html = client.post(URL, submit_data(links=rows, remove_link="1")).content.decode()
    assert 'value="https://one.org/"' in html and 'value="https://three.org/"' in html
    assert "https://two.org/" not in html
    assert 'name="links-2-url"' not in html


def test_checking_links_shows_the_detected_platform_and_normalised_url(client):
    rows = [{"url": " https://www.YouTube.com/@Calm?si=abc "}]
    html = client.post(URL, submit_data(links=rows, check_links="1")).content.decode()
    assert 'value="https://www.youtube.com/@calm"' in html
    assert '<option value="youtube" selected>' in html


def test_the_platform_can_be_corrected(client):
    rows = [{"url": "https://calm-voice.org/", "platform": "wordpress"}]
    client.post(URL, submit_data(links=rows))
    assert PlatformLink.objects.get().platform == "wordpress"


def test_self_reported_numbers_are_stored_as_unverified_snapshots(client):
    rows = [
        {"url": "https://www.instagram.com/calmvoice", "followers": "1200", "posts_30d": "8"},
        {"url": "https://calm-voice.org/", "followers": "99"},
    ]
    assert client.post(URL, submit_data(links=rows)).status_code == 302
    snapshot = StatsSnapshot.objects.get()
    assert snapshot.link.platform == "instagram"
    assert snapshot.source == SnapshotSource.SELF_REPORTED
    assert (snapshot.followers, snapshot.posts_in_window, snapshot.window_days) == (1200, 8, 30)
    # A platform we read ourselves: typed numbers are not kept.
    assert not StatsSnapshot.objects.filter(link__platform="blog").exists()
    token = status_token(Submission.objects.get())
    html = client.get(reverse("directory:submission_status", kwargs={"token": token})).content
    assert "unverified" in html.decode()


def test_signed_in_submissions_are_tied_to_the_user_and_email_is_optional(client):
    user = UserFactory(email="me@example.org")
    client.force_login(user)
    assert client.post(URL, submit_data(email="", relationship="self")).status_code == 302
    creator = Creator.objects.get()
    assert creator.submitted_by == user
    assert creator.submissions.get().submitter_email == "me@example.org"


def test_pending_submissions_are_never_public(client):
    client.post(URL, submit_data())
    creator = Creator.objects.get()
    assert "Sam Rivers" not in client.get("/").content.decode()
    assert client.get(creator.get_absolute_url()).status_code == 404
    assert client.get(f"/api/creators/{creator.slug}/").status_code == 404
    assert "Sam Rivers" not in client.get("/api/creators/").content.decode()


def test_the_status_page_shows_a_rejection_and_its_reason(client):
    from directory.services.submissions import submission_decided

    client.post(URL, submit_data())
    submission = Submission.objects.get()
    submission_decided(creator=submission.creator, approved=False, reason="unverifiable", note="")
    url = reverse("directory:submission_status", kwargs={"token": status_token(submission)})
    response = client.get(url)
    html = response.content.decode()
    assert "Not approved" in html and "We could not verify the profile" in html
    assert "no-store" in response["Cache-Control"]


def test_a_status_link_we_did_not_sign_is_not_found(client):
    assert client.get("/submit/status/forged-token/").status_code == 404


def test_a_link_that_asks_not_to_be_indexed_is_explained_on_the_status_page(client):
    client.post(URL, submit_data())
    submission = Submission.objects.get()
    PlatformLink.objects.update(is_public=False)
    url = reverse("directory:submission_status", kwargs={"token": status_token(submission)})
    assert "asks directories not to list it" in client.get(url).content.decode()


def test_an_existing_slug_gets_a_number(client):
    CreatorFactory(slug="sam-rivers")
    client.post(URL, submit_data())
    assert Creator.objects.filter(slug="sam-rivers-2").exists()


def test_the_same_address_under_another_platform_is_still_a_duplicate(client):
    PlatformLinkFactory(url="https://calm-voice.org/", platform="blog")
    rows = [{"url": "https://calm-voice.org/", "platform": "wordpress"}]
    assert "already listed" in client.post(URL, submit_data(links=rows)).content.decode()


def test_the_form_and_status_page_take_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    TopicFactory.create_batch(5)
    with django_assert_max_num_queries(3):
        client.get(URL)
    client.post(URL, submit_data(links=[{"url": f"https://v{n}.org/"} for n in range(5)]))
    url = reverse(
        "directory:submission_status", kwargs={"token": status_token(Submission.objects.get())}
    )
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/submit/status/%00/",
        "/submit/status/" + "a" * 5000 + "/",
        "/submit/status/..%2F..%2F/",
        "/submit/status/e30:1abc:xyz/",
        "/creators/%E2%80%AE/removal/",
    ],
)
def test_odd_addresses_are_not_found_never_a_500(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("javascript:alert(1)", "We cannot use this link: it is not a valid http(s) URL."),
        ("http://127.0.0.1/", "We cannot use this link: it points at a private or local address."),
        ("http://8.8.8.8/", "is an IP address: enter the site&#x27;s name instead."),
    ],
)
def test_a_refused_link_is_explained_in_a_sentence(client, url, sentence):
    html = client.post(URL, submit_data(links=[{"url": url}])).content.decode()
    assert sentence in html
