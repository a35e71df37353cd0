"""The Content Security Policy in a real browser: every page works with zero violations.

Markup tests check the header; only a browser shows whether a page still works under it (an
inline script or style attribute we forgot, a library injecting <style> elements, the API docs'
inline scripts). Violations are collected three ways: the page's `securitypolicyviolation`
events, console messages and uncaught page errors.
"""

from __future__ import annotations

import pytest

from tests.browser.test_screens import ARGS, chromium_path
from tests.directory.browse_data import build_directory

pytestmark = [pytest.mark.browser]

# Records every violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def site(live_server, transactional_db) -> str:
    chromium_path()
    build_directory(3, links_each=2, snapshots_each=2)
    return live_server.url


@pytest.fixture
def browser(site):
    # The data is built (site) before Playwright starts its event loop in this thread.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, ready: str, site: str):
    """Load url and wait for the `ready` selector.

    Returns the page, every problem it reported, and the other origins' URLs it asked for (the
    requests are aborted: tests stay offline, and whatever the policy lets through shows here).
    """
    page = browser.new_page()
    problems: list[str] = []
    elsewhere: list[str] = []

    def leave_site(route) -> None:
        elsewhere.append(route.request.url)
        route.abort()

    def on_console(msg) -> None:
        # An aborted request to another origin is reported in `elsewhere`, not as a problem.
        aborted = (
            msg.text.startswith("Failed to load resource") and msg.location.get("url") in elsewhere
        )
        if msg.type in {"error", "warning"} and not aborted:
            problems.append(f"console {msg.type}: {msg.text}")

    page.route(lambda u: not u.startswith(site + "/"), leave_site)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(ready, timeout=15_000)
    problems += page.evaluate("window.__cspViolations")
    return page, problems, elsewhere


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", ".card"),
        ("/creators/bulk-000/", ".score-chart"),
        ("/help/", "main h1"),
        ("/about/", "main h1"),
        ("/submit/", "main h1"),
        ("/about/scoring/", ".thesis-chart"),
        ("/about/scoring/method/", "main h1"),
        ("/?q=zzzz-no-match", ".empty-state"),
    ],
)
def test_site_pages_have_no_csp_violations(browser, site, path, ready):
    page, problems, elsewhere = open_page(browser, site + path, ready, site)
    assert problems == []
    assert elsewhere == []
    policy = page.request.get(site + path).headers["content-security-policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy


def test_score_bars_are_drawn_without_a_style_attribute(browser, site):
    # The breakdown's bars were <span style="width: ..%">, which style-src 'self' blocks.
    page, problems, _ = open_page(browser, site + "/creators/bulk-000/", ".bar rect", site)
    assert problems == []
    widths = page.evaluate(
        "[...document.querySelectorAll('.bar rect')].map(r => r.getBBox().width)"
    )
    assert widths and all(0 <= w <= 100 for w in widths) and any(w > 0 for w in widths)
    fill = page.evaluate("getComputedStyle(document.querySelector('.bar rect')).fill")
    assert fill == "rgb(15, 94, 99)"  # --accent, not the black default of an unresolved var()


def test_swagger_ui_renders_the_operations_under_the_policy(browser, site):
    page, problems, elsewhere = open_page(browser, site + "/api/docs/", ".opblock", site)
    assert problems == []
    assert elsewhere == []
    assert page.locator(".opblock-summary-path", has_text="/api/creators/").count() >= 1


def test_redoc_renders_the_operations_under_the_policy(browser, site):
    page, problems, elsewhere = open_page(
        browser, site + "/api/docs/redoc/", "[data-section-id^='operation']", site
    )
    assert problems == []
    # No Google Fonts (our template drops them); only the logo settings.REDOC_CSP allows.
    assert set(elsewhere) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
    assert page.locator("h2", has_text="creators").count() >= 1


def test_browsable_api_works_under_the_policy(browser, site):
    """DRF's own template had a style="" attribute and a <style> element the policy blocks."""
    page, problems, elsewhere = open_page(browser, site + "/api/creators/", ".response-info", site)
    assert problems == []
    assert elsewhere == []
    assert page.locator(".navbar-brand", has_text="Mental Health Voices").count() == 1
