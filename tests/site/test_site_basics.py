"""What a visitor, a crawler or a link preview expects: robots.txt, a favicon, page metadata."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import override_settings

from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


def head_tag(html: str, pattern: str) -> str:
    """The content/href of the single head tag matching pattern (an attribute=value pair)."""
    head = html.split("</head>", 1)[0]
    found = re.findall(rf"<(?:meta|link) {pattern} (?:content|href)=\"([^\"]*)\"", head)
    assert len(found) == 1, f"{pattern}: {found}"
    return unescape(found[0])


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_api_docs_only(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ")[1] for line in lines if line.startswith("Disallow:")}
    assert disallowed == {"/admin/", "/api/schema/", "/api/docs/"}
    assert "Allow: /api/creators/" in lines


def test_robots_txt_refuses_writes(client):
    assert client.post("/robots.txt").status_code == 405


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_every_page_links_the_svg_icon(client):
    html = client.get("/help/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html


@override_settings(SITE_URL="https://voices.example")
@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/", "Mental health voices, ranked by conversation", "A directory of people who speak"),
        ("/emerging/", "Emerging voices", "Smaller creators who talk with their community"),
        ("/help/", "Need help now? Crisis resources", "Free, confidential helplines"),
        ("/about/", "About Mental Health Voices", "Why this directory exists"),
        ("/about/scoring/", "How ranking works", "How creators are ranked"),
        ("/about/scoring/method/", "The scoring method in full", "The full interactivity scoring"),
    ],
)
def test_pages_have_their_own_description_canonical_and_open_graph(
    client, path, title, description
):
    html = client.get(path + "?ordering=name").content.decode()
    assert head_tag(html, 'name="description"').startswith(description)
    assert head_tag(html, 'property="og:description"') == head_tag(html, 'name="description"')
    assert head_tag(html, 'property="og:title"') == title
    # The canonical URL uses SITE_URL (not the request's Host) and drops the query string.
    assert head_tag(html, 'rel="canonical"') == "https://voices.example" + path
    assert head_tag(html, 'property="og:url"') == "https://voices.example" + path
    assert 'name="robots"' not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?page=3&ordering=name&q=anxiety", "https://voices.example/?page=3"),
        ("?page=1", "https://voices.example/"),
        ("?page=abc", "https://voices.example/"),
        ("?ordering=followers", "https://voices.example/"),
        ("?page=" + "9" * 5000, "https://voices.example/"),  # int() refuses > 4300 digits
    ],
)
def test_canonical_keeps_only_a_page_number_above_one(rf, settings, query, expected):
    from directory.context_processors import canonical_url

    settings.SITE_URL = "https://voices.example"
    assert canonical_url(rf.get("/" + query)) == expected


def test_canonical_ignores_a_forged_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://voices.example"
    html = client.get("/about/", headers={"host": "evil.example"}).content.decode()
    assert head_tag(html, 'rel="canonical"') == "https://voices.example/about/"


def test_profile_description_is_the_creators_bio(client):
    CreatorFactory(slug="sam", name="Sam Rivers", bio="Talks about <b>grief</b> & recovery.")
    html = client.get("/creators/sam/").content.decode()
    assert head_tag(html, 'name="description"') == "Talks about grief & recovery."
    assert head_tag(html, 'property="og:title"') == "Sam Rivers"
    assert 'name="robots"' not in html


def test_a_long_bio_is_shortened_for_the_description(client):
    CreatorFactory(slug="long", bio="word " * 60)  # 300, the field's maximum
    description = head_tag(client.get("/creators/long/").content.decode(), 'name="description"')
    assert len(description) <= 200 and description.endswith("…")


def test_profile_without_a_bio_falls_back_to_the_site_description(client):
    CreatorFactory(slug="quiet", bio="")
    html = client.get("/creators/quiet/").content.decode()
    assert head_tag(html, 'name="description"').startswith("A directory of people who speak")


def test_demo_creators_are_not_indexed(client):
    CreatorFactory(slug="demo-person", is_demo=True)
    html = client.get("/creators/demo-person/").content.decode()
    assert head_tag(html, 'name="robots"') == "noindex"
