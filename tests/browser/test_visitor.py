"""The visitor's experience in real Chromium (issue #12): results first on a 360×740 phone, the
filters working without JavaScript, the keyboard path from a filter to a profile, the dark theme
under axe, and every page light (under 150 KB on first load) and asking no other origin.
"""

from __future__ import annotations

import pytest

from tests.browser import test_a11y
from tests.browser.test_a11y import AXE_TAGS, PROFILE, WIDTHS, describe

pytestmark = [pytest.mark.browser]
# The same data and browser as the accessibility checks.
site = test_a11y.site
browser = test_a11y.browser
PHONE = {"width": 360, "height": 740}
MAX_FIRST_LOAD = 150 * 1024
LIGHT_PAGES = ["/", "/emerging/", PROFILE, "/help/", "/about/", "/about/scoring/",
               "/about/scoring/method/"]  # fmt: skip


@pytest.mark.parametrize("path", ["/", "/emerging/", "/?ordering=name&page=2"])
def test_first_result_is_on_the_first_screen_of_a_phone(browser, site, path):
    page = browser.new_page(viewport=PHONE)
    page.goto(site + path)
    card = page.locator(".card").first.bounding_box()
    assert card is not None and card["y"] + 40 < PHONE["height"], card


def test_pagination_lands_on_the_results(browser, site):
    page = browser.new_page(viewport=PHONE)
    page.goto(site + "/")
    page.click("a[rel=next]")
    assert page.url.endswith("#results")
    heading = page.locator(".card").first.bounding_box()
    assert heading is not None and 0 <= heading["y"] < PHONE["height"]


@pytest.mark.parametrize("path", LIGHT_PAGES)
def test_pages_are_light_and_ask_no_other_origin(browser, site, path):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    sizes: list[int] = []
    elsewhere: list[str] = []

    def record(response) -> None:
        if not response.url.startswith(site):
            elsewhere.append(response.url)
        sizes.append(len(response.body()))

    page.route(
        lambda u: not u.startswith(site + "/"),
        lambda r: (elsewhere.append(r.request.url), r.abort()),
    )
    page.on("response", record)
    page.goto(site + path, wait_until="networkidle")
    assert elsewhere == []
    assert sum(sizes) < MAX_FIRST_LOAD, f"{path}: {sum(sizes)} bytes"
    context.close()


def test_filters_work_without_javascript_and_share_short_urls(browser, site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.click(".filter-panel > summary")
    page.select_option("#id_language", "en")
    page.click("button[type=submit]")
    # Empty fields were redirected away by the server; the page lands on the results.
    assert "language=en" in page.url and "q=" not in page.url and "platform=" not in page.url
    assert page.url.endswith("#results")
    assert page.locator(".chip", has_text="Language").count() == 1
    page.locator(".chip", has_text="Language").click()
    assert "language=" not in page.url
    context.close()


def test_with_javascript_filters_update_the_results_in_place_with_a_short_url(browser, site):
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(site + "/")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#id_language", "en")
    page.wait_for_url(lambda url: "language=en" in url)
    page.locator(".chip", has_text="Language").wait_for()
    # No reload (the marker survives), and the address carries only what is set.
    assert page.evaluate("window.__sameDocument") is True
    assert "q=" not in page.url and "ordering=" not in page.url
    assert page.locator("#filter-count").inner_text().strip() == "· 1 active"


def test_with_javascript_a_value_to_fix_is_shown_in_place(browser, site):
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(site + "/")
    page.fill("#id_min_followers", "1000")
    page.fill("#id_max_followers", "10")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    assert "below the fewest" in page.locator(".error-summary").inner_text()


def test_keyboard_path_from_a_filter_to_a_profile_and_a_report(browser, site):
    page = browser.new_page(viewport=WIDTHS["desktop"])
    page.goto(site + "/")
    page.locator("#id_q").focus()
    page.keyboard.type("Bulk")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=Bulk" in url)
    page.locator(".chip").first.wait_for()
    # From the results, Tab reaches the first card's link; Enter opens the profile.
    page.locator(".chip").first.focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.card-title')"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/creators/" in page.url
    assert page.locator("#links-heading").count() == 1
    # The last step of the path: from the profile to "Report a problem", and the report sent.
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.profile-report')"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/report/"), page.url
    page.locator("input[name=reason]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "details"
    page.keyboard.type("The second link goes to someone else's channel.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/report/thanks/"), page.url


@pytest.mark.parametrize("width", WIDTHS)
def test_dark_theme_has_no_axe_violations(browser, site, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=WIDTHS[width], color_scheme="dark")
    page = context.new_page()
    problems: list[str] = []
    for path in ["/", "/?q=zzzz-no-match", PROFILE, "/help/", "/about/scoring/"]:
        page.goto(site + path)
        assert (
            page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            != "rgb(250, 248, 244)"
        )
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        problems += [
            line
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
            for line in describe(path, v)
        ]
    assert problems == [], "\n".join(problems)
    context.close()
