"""The browse pages in a real browser (Debian's Chromium driven by Playwright).

Checks what markup tests cannot: the skip link appears on keyboard focus, focus is visible,
nothing overflows sideways on a phone-sized screen, and every form control has a label.
Skipped locally when Chromium is not installed (`apt-get install chromium`); with CI=true a
missing Chromium fails instead, as missing services do (tests/conftest.py), so CI can never pass
by skipping these.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import _missing_service
from tests.directory.browse_data import build_directory

pytestmark = [pytest.mark.browser]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """The Chromium executable; skips locally, fails under CI=true, when there is none."""
    path = shutil.which("chromium")
    if not path:
        _missing_service("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def chromium() -> str:
    return chromium_path()


@pytest.fixture
def site(chromium, live_server, transactional_db):
    build_directory(30, links_each=2, snapshots_each=1)
    return live_server.url


@pytest.fixture
def browser(site, chromium):
    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop: so the data is built (site) before the browser starts
    # and cleaned up after it stops.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield browser
        browser.close()


PAGES = [
    "/",
    "/emerging/",
    "/creators/bulk-001/",
    "/help/",
    "/about/",
    "/about/scoring/",
    "/about/scoring/method/",
    "/submit/",
    "/removal/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_on_a_phone(browser, site, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(site + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"


def test_skip_link_is_first_in_tab_order_and_visible_on_focus(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_every_form_control_has_a_label(browser, site):
    page = browser.new_page()
    page.goto(site + "/")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select')]
             .filter(el => el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabelled == []


def test_filter_form_submits_and_pagination_keeps_filters(browser, site):
    page = browser.new_page()
    page.goto(site + "/")
    page.select_option("#id_language", "en")
    page.select_option("#id_ordering", "name")
    page.click("button[type=submit]")
    # With JavaScript the results are replaced in place (htmx): wait for the new address.
    page.wait_for_url(lambda url: "language=en" in url and "ordering=name" in url)
    page.locator("a[rel=next][href*='ordering=name']").wait_for()
    page.click("a[rel=next]")
    assert "language=en" in page.url and "ordering=name" in page.url and "page=2" in page.url
    assert page.locator(".card").count() == 6
