"""The static pages and what every public page must carry: the crisis line and the
not-medical-advice statement, in accessible markup."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from directory import views
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

CRISIS_LINE = "<strong>Need help now?</strong>"
NOT_ADVICE = "This directory is not medical advice."


@pytest.fixture
def public_pages(db) -> dict[str, tuple[str, int]]:
    CreatorFactory(slug="visible")
    return {
        "list": (reverse("directory:creator_list"), 200),
        "emerging": (reverse("directory:emerging"), 200),
        "detail": (reverse("directory:creator_detail", kwargs={"slug": "visible"}), 200),
        "help": (reverse("directory:help"), 200),
        "about": (reverse("directory:about"), 200),
        "scoring": (reverse("directory:scoring"), 200),
        "404": ("/no-such-page/", 404),
        "bad-filter": (reverse("directory:creator_list") + "?min_score=abc", 400),
    }


@pytest.mark.parametrize(
    "page", ["list", "emerging", "detail", "help", "about", "scoring", "404", "bad-filter"]
)
def test_every_public_page_has_crisis_line_and_not_advice(client, public_pages, page):
    url, status = public_pages[page]
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert CRISIS_LINE in html
    assert f'<a href="{reverse("directory:help")}">' in html
    assert NOT_ADVICE in html


@pytest.mark.parametrize(
    "page", ["list", "emerging", "detail", "help", "about", "scoring", "404", "bad-filter"]
)
def test_every_public_page_has_accessible_structure(client, public_pages, page):
    html = client.get(public_pages[page][0]).content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and '<nav aria-label="Main">' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_help_page_lists_international_directories_and_national_lines(client):
    html = client.get(reverse("directory:help")).content.decode()
    assert "https://findahelpline.com/" in html
    assert "https://www.iasp.info/" in html
    assert "988 Suicide &amp; Crisis Lifeline" in html and 'href="tel:988"' in html
    assert "Samaritans" in html and 'href="tel:116123">call 116 123<' in html
    assert "Lifeline" in html and 'href="tel:131114">call 13 11 14<' in html
    assert "Canada" in html
    for emergency in ("112", "911", "999"):
        assert f'href="tel:{emergency}">Call {emergency}</a>' in html


def test_about_page_explains_ranking_advice_and_removal(client):
    html = client.get(reverse("directory:about")).content.decode()
    assert "Not medical advice" in html
    assert "How ranking works" in html
    assert 'id="removal"' in html and "How to ask to be removed" in html
    assert reverse("directory:scoring") in html


@override_settings(CONTACT_URL="mailto:moderators@example.org")
def test_about_page_links_the_configured_contact(client):
    html = client.get(reverse("directory:about")).content.decode()
    assert 'href="mailto:moderators@example.org"' in html


def test_scoring_page_renders_the_markdown_document(client, tmp_path, monkeypatch):
    doc = tmp_path / "scoring.md"
    doc.write_text(
        "# Scoring method\n\nThe score is **open**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(views, "SCORING_DOC", doc)
    monkeypatch.setattr(views.scoring_method_html, "__defaults__", (doc,))
    html = client.get(reverse("directory:scoring_method")).content.decode()
    assert "<strong>open</strong>" in html
    assert "<table>" in html
    # The document's title becomes the page's only <h1>.
    assert "<h1>Scoring method</h1>" in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1


def test_scoring_document_with_several_top_headings_keeps_one_h1(tmp_path):
    doc = tmp_path / "scoring.md"
    doc.write_text("# Title\n\nIntro\n\n# Another top heading\n\nText\n", encoding="utf-8")
    rendered = views.scoring_method_html(doc)
    assert rendered.title == "Title"
    assert "<h1" not in rendered.html
    assert '<h2 id="another-top-heading">Another top heading</h2>' in rendered.html


def test_scoring_page_rerenders_when_the_document_changes(tmp_path):
    doc = tmp_path / "scoring.md"
    doc.write_text("First", encoding="utf-8")
    assert "First" in views.scoring_method_html(doc).html
    doc.write_text("Second version", encoding="utf-8")
    os.utime(doc, (1, 2_000_000_000))
    assert "Second version" in views.scoring_method_html(doc).html


def test_scoring_page_without_the_document_still_explains(client, monkeypatch):
    missing = Path("/nonexistent/scoring.md")
    monkeypatch.setattr(views.scoring_method_html, "__defaults__", (missing,))
    response = client.get(reverse("directory:scoring_method"))
    assert response.status_code == 200
    assert "rewards replying" in response.content.decode()


def test_500_page_is_standalone_and_keeps_the_crisis_line():
    html = (Path(__file__).resolve().parents[2] / "templates" / "500.html").read_text()
    # Django renders 500.html without a request context, so it uses no tags or variables.
    assert "{%" not in html and "{{" not in html
    assert CRISIS_LINE in html and 'href="/help/"' in html
    assert '<html lang="en">' in html


def test_server_error_renders_the_500_page(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(views.HelpView, "get", boom)
    client.raise_request_exception = False
    response = client.get(reverse("directory:help"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_crisis_page_numbers_can_be_called_texted_and_emailed(client):
    # Issue #12 item 8: on a phone every number is a link, and the page says when they were checked.
    html = client.get(reverse("directory:help")).content.decode()
    hrefs = ["tel:112", "tel:911", "tel:999", "tel:000", "tel:988", "sms:988", "tel:116123"]
    hrefs += ["mailto:jo@samaritans.org", "tel:131114", "sms:0477131114", "sms:1737"]
    for href in hrefs:
        assert f'href="{href}"' in html, href
    assert "Numbers last checked on <time" in html


def test_how_ranking_works_is_plain_language_with_the_method_one_link_deeper(client):
    # Issue #12 item 3: for visitors; the window comes from the one setting.
    CreatorFactory(followers_total=120, interactivity_score=70)
    CreatorFactory(followers_total=90_000, interactivity_score=30)
    html = client.get(reverse("directory:scoring")).content.decode()
    for heading in ("What counts", "What does not count", "Why followers barely matter",
                    "How to read confidence", "How to be listed, and how to appeal"):  # fmt: skip
        assert heading in html
    assert f'href="{reverse("directory:scoring_method")}"' in html
    assert "SCORING_WINDOW_DAYS" not in html and "directory/" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="thesis-chart" role="img"' in html
    assert "2 creators." in html


@pytest.mark.parametrize("days", [30, 120])
def test_the_window_shown_to_visitors_is_the_setting(client, settings, days):
    settings.SCORING_WINDOW_DAYS = days
    html = client.get(reverse("directory:scoring")).content.decode()
    assert f"over the last <strong>{days} days</strong>" in html
