"""What a directory is expected to have: sitemap.xml and Atom feeds of new creators."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from directory.models import Topic
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://voices.example")
def test_sitemap_lists_public_pages_and_listed_real_creators_only(client):
    CreatorFactory(slug="listed")
    CreatorFactory(slug="waiting", status="pending")
    CreatorFactory(slug="fiction", is_demo=True)
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://voices.example/creators/listed/</loc>" in xml
    assert "<loc>https://voices.example/about/scoring/</loc>" in xml
    assert "waiting" not in xml and "fiction" not in xml


@override_settings(SITE_URL="https://voices.example")
def test_robots_txt_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://voices.example/sitemap.xml" in body


@override_settings(SITE_URL="https://voices.example")
def test_atom_feed_of_new_creators_lists_only_listed_ones_newest_first(client):
    CreatorFactory(slug="older", name="Older Voice")
    CreatorFactory(slug="newer", name="Newer Voice")
    CreatorFactory(slug="waiting", name="Waiting Voice", status="pending")
    response = client.get(reverse("directory:feed_new"))
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.index("Newer Voice") < xml.index("Older Voice")
    assert "Waiting Voice" not in xml
    assert 'href="https://voices.example/creators/newer/"' in xml


def test_topic_feed_has_only_that_topics_creators_and_unknown_topics_are_404(client):
    grief = Topic.objects.get(slug="grief")
    CreatorFactory(name="Grief Writer", topics=[grief])
    CreatorFactory(name="Other Writer")
    xml = client.get(reverse("directory:feed_topic", args=["grief"])).content.decode()
    assert "Grief Writer" in xml and "Other Writer" not in xml
    assert client.get("/feeds/topics/no-such-topic/").status_code == 404


def test_every_page_advertises_the_feed_in_its_head(client):
    for path in ["/", "/help/", "/about/scoring/"]:
        html = client.get(path).content.decode()
        head = html.split("</head>")[0]
        assert 'rel="alternate" type="application/atom+xml"' in head, path


def test_a_topic_filter_advertises_that_topics_feed(client):
    CreatorFactory(topics=[Topic.objects.get(slug="grief")])
    head = client.get("/?topic=grief").content.decode().split("</head>")[0]
    assert 'href="/feeds/topics/grief/"' in head
    assert "/feeds/topics/" not in client.get("/?topic=nope").content.decode().split("</head>")[0]
