"""Automated accessibility checks of the public pages with axe-core in real Chromium.

axe-core comes bundled inside the `axe-playwright-python` wheel and is injected into each page,
so the checks run offline. Every public page, including the empty-result, error and 404 states,
is checked at a desktop and a phone width against the WCAG 2.0/2.1 level A and AA rules plus
axe's best-practice rules (landmarks, heading order, unique ids), which catch the structural
problems screen-reader users meet first. A failure lists every violation with its rule id,
impact, the selector of each offending element and axe's one-line help.

Keyboard checks that axe cannot do (tab order, visible focus) live at the end of this module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django.utils.text import slugify

from directory.models import Creator
from tests.browser.test_screens import ARGS, chromium_path
from tests.directory.browse_data import build_directory
from tests.factories import TopicFactory

pytestmark = [pytest.mark.browser]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 360, "height": 740}}
PROFILE = "/creators/bulk-000/"
DEMO_PROFILE = "/creators/bulk-001/"
PAGES = [
    "/",
    "/?q=zzzz-no-match",
    "/?min_score=abc",
    "/emerging/",
    PROFILE,
    DEMO_PROFILE,
    "/creators/bulk-002/",
    PROFILE + "report/",
    PROFILE + "report/thanks/",
    "/help/",
    "/about/",
    "/about/scoring/",
    "/about/scoring/method/",
    "/no-such-page/",
    "/submit/",
    "/removal/",
    PROFILE + "removal/",
]


@pytest.fixture
def site(live_server, transactional_db) -> str:
    chromium_path()
    # 30 creators fill more than one page (pagination) and, with followers from 1,000 up in
    # steps of 500, some fall under the emerging cap; each has links, snapshots and history.
    for name in ("Anxiety", "Depression", "Recovery", "Peer support"):
        TopicFactory(slug=slugify(name), name=name)
    creators = build_directory(30, links_each=3, snapshots_each=2)
    # Every optional part of a card and a profile, so each is checked at least once: long
    # text, a content note, status tags, the demo banner and a creator without a score.
    first, second, third = creators[:3]
    first.about = "Started writing after a long stretch of low mood.\n\nReplies to most comments."
    first.content_notes = "Talks about grief and hospital stays"
    first.stats_stale = True
    first.save()
    Creator.objects.filter(pk=second.pk).update(
        is_demo=True, on_break_until=timezone.now() + dt.timedelta(days=20)
    )
    Creator.objects.filter(pk=third.pk).update(interactivity_score=None, score_confidence=None)
    return live_server.url


@pytest.fixture
def browser(site):
    # Built after `site`: Django refuses ORM calls from a thread running Playwright's loop.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield browser
        browser.close()


def describe(path: str, violation: dict[str, Any]) -> list[str]:
    """One line per offending element: page, rule, impact, selector, help."""
    return [
        f"{path}: {violation['id']} ({violation['impact']}) at "
        f"{' > '.join(str(t) for t in node['target'])}: {violation['help']}"
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_have_no_axe_violations(browser, site, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport=WIDTHS[width])
    problems: list[str] = []
    for path in PAGES:
        response = page.goto(site + path)
        assert response is not None
        expected = 404 if path == "/no-such-page/" else (400 if "abc" in path else 200)
        assert response.status == expected, path
        # Only the page with a form error says so in its title (WCAG 3.3.1, 2.4.2).
        assert page.title().startswith("Error: ") == (expected == 400), path
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        for violation in results.response["violations"]:
            problems.extend(describe(path, violation))
    assert not problems, f"{len(problems)} accessibility problems at {width} width:\n" + "\n".join(
        problems
    )


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName,
    id: el.id,
    href: el.getAttribute('href') || '',
    rel: el.getAttribute('rel') || '',
    card: !!el.closest('.card'),
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
  };
}"""


def tab_through(page, limit: int = 200) -> list[dict[str, Any]]:
    """Every element Tab reaches, in order, from the top of the page until focus leaves it."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["tag"] == "BODY" or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


def test_tab_reaches_filters_then_results_then_pagination_with_visible_focus(browser, site):
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(site + "/")
    stops = tab_through(page)
    order = [s["id"] or s["href"] for s in stops]
    first_filter = next(i for i, s in enumerate(stops) if s["id"] == "id_q")
    submit = next(i for i, s in enumerate(stops) if s["tag"] == "BUTTON")
    cards = [i for i, s in enumerate(stops) if s["card"]]
    next_page = next(i for i, s in enumerate(stops) if s["rel"] == "next")
    assert first_filter < submit < cards[0], order
    # Every card on the page is reachable, and pagination follows the last of them.
    assert len(cards) >= 24, order
    assert cards[-1] < next_page, order
    invisible = [s for s in stops if s["outline"] < 2]
    assert invisible == [], "focus is not visible on these stops"


def test_on_a_phone_the_filters_are_one_control_and_the_next_stop_is_a_result(browser, site):
    # Issue #12 item 1: results first; the whole form sits behind "Filter and sort".
    page = browser.new_page(viewport=WIDTHS["mobile"])
    page.goto(site + "/")
    page.locator(".filter-panel > summary").focus()
    assert page.evaluate(FOCUSED)["outline"] >= 2
    assert not page.locator("#id_q").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["card"]


def test_error_summary_link_moves_focus_to_the_bad_field(browser, site):
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(site + "/?min_score=abc")
    # The title is the first thing a screen reader reads after the page loads.
    assert page.title().startswith("Error: ")
    page.locator(".error-summary a[href='#id_min_score']").click()
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "id_min_score"
    field = page.locator("#id_min_score")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby") or ""
    assert "id_min_score_error" in described.split()
    assert "Enter a number" in page.locator("#id_min_score_error").inner_text()


def test_wide_scoring_tables_scroll_with_the_keyboard_on_a_phone(browser, site):
    page = browser.new_page(viewport=WIDTHS["mobile"])
    page.goto(site + "/about/scoring/method/")
    box = page.locator(".table-scroll").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "table fits: test proves nothing"
    box.focus()
    assert page.evaluate(FOCUSED)["outline"] >= 2
    page.keyboard.press("ArrowRight")
    # Arrow-key scrolling is animated: wait for it instead of reading scrollLeft at once.
    page.wait_for_function(
        "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=3000
    )


def test_every_page_reflows_at_320_css_pixels(browser, site):
    # WCAG 1.4.10: content fits 320 CSS px (400% zoom of a 1280px window) without sideways
    # scrolling. Data tables are exempt and scroll inside their own box, which this ignores.
    page = browser.new_page(viewport={"width": 320, "height": 640})
    too_wide = {}
    for path in PAGES:
        page.goto(site + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
    assert too_wide == {}, "pages wider than the screen (px)"
