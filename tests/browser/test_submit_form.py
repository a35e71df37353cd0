"""/submit/ in a real browser: rows added and removed without JavaScript, Enter sends the form,
the honeypot is invisible, and the whole flow ends on the private status page.

Screenshots at 360 and 1280 px are written to $SCREENSHOT_DIR when it is set (for a person to
look at); the assertions do not depend on them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_screens import ARGS, chromium_path

pytestmark = [pytest.mark.browser]
WIDTHS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, transactional_db, own_cache) -> str:
    chromium_path()
    return live_server.url


@pytest.fixture
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield browser
        browser.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_suggesting_a_creator_without_javascript(browser, site, width):
    context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/submit/")
    assert page.locator(".hp").is_hidden() or page.locator(".hp").bounding_box()["x"] < 0
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    _shot(page, f"submit-empty-{width}")

    page.get_by_label("I am nominating someone").check()
    page.get_by_label("Name", exact=True).fill("Sam Rivers")
    page.get_by_label("Short bio").fill("Writes about recovery and what helps.")
    page.get_by_label("Link", exact=True).fill("https://www.YouTube.com/@SamRivers?si=x")
    page.get_by_role("button", name="Add another link").click()
    # The page came back with a second row and everything typed still there.
    assert page.get_by_label("Name", exact=True).input_value() == "Sam Rivers"
    assert page.locator("#id_links-0-url").input_value() == "https://www.youtube.com/@samrivers"
    assert page.locator("#id_links-0-platform").input_value() == "youtube"
    page.locator("#id_links-1-url").fill("https://sam-rivers.org/")
    page.get_by_role("button", name="Add another link").click()
    page.get_by_role("button", name="Remove link 3").click()
    assert page.locator("#id_links-2-url").count() == 0
    page.get_by_label("Why are they worth listing?").fill("Replies kindly to nearly everyone.")
    page.get_by_label("Your email address").fill("bad-address")
    page.get_by_role("button", name="Send suggestion", exact=True).last.click()
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    _shot(page, f"submit-errors-{width}")

    # Enter in a text field sends the form (not "Remove link 1").
    page.get_by_label("Your email address").fill("friend@example.org")
    page.get_by_label("Your email address").press("Enter")
    page.wait_for_url("**/submit/status/**")
    assert "Thank you" in page.locator("h1").inner_text()
    _shot(page, f"submit-status-{width}")
    # (No ORM here: Playwright's event loop runs in this thread; the page shows what was stored.)
    platforms = page.locator(".status-links .platform").all_inner_texts()
    assert sorted(platforms) == ["Blog / RSS", "YouTube"]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contact_form_on_about(browser, site, width):
    context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/about/")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
    _shot(page, f"about-{width}")
    page.locator("#contact_email").fill("jo@example.org")
    page.locator("#contact_message").fill("Hello, a question about the scores.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/about/?sent=contact#contact")
    assert "your message has reached the moderators" in page.locator("#contact").inner_text()
    context.close()


def _console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize("width", WIDTHS)
def test_link_rows_are_added_and_removed_in_place_with_javascript(browser, site, width):
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    errors = _console_errors(page)  # a CSP refusal of the script would show here
    page.goto(site + "/submit/")
    page.evaluate("window.stillTheSamePage = true")
    total = page.locator("input[name='links-TOTAL_FORMS']")

    page.get_by_label("I am nominating someone").check()
    page.get_by_label("Name", exact=True).fill("Sam Rivers")
    page.get_by_label("Short bio").fill("Writes about recovery and what helps.")
    page.locator("#id_links-0-url").fill("https://www.youtube.com/@samrivers")
    page.get_by_role("button", name="Add another link").click()
    # Nothing was sent: the same page, a second empty row with the cursor in it.
    assert page.evaluate("window.stillTheSamePage") is True
    assert total.input_value() == "2"
    assert page.evaluate("document.activeElement.id") == "id_links-1-url"
    assert page.locator("#id_links-1-url").input_value() == ""
    assert page.get_by_label("Name", exact=True).input_value() == "Sam Rivers"
    page.keyboard.type("https://sam-rivers.org/")
    page.get_by_role("button", name="Add another link").click()
    page.locator("#id_links-2-url").fill("https://mastodon.social/@samrivers")
    page.locator("#id_links-2-platform").select_option("mastodon")
    _shot(page, f"submit-js-three-links-{width}")

    # Removing the second row moves the third up, renumbered, with what was typed in it.
    page.get_by_role("button", name="Remove link 2").click()
    assert page.evaluate("window.stillTheSamePage") is True
    assert total.input_value() == "2"
    assert page.locator("#id_links-1-url").input_value() == "https://mastodon.social/@samrivers"
    assert page.locator("#id_links-1-platform").input_value() == "mastodon"
    assert page.locator("#id_links-2-url").count() == 0
    assert page.locator("fieldset.link-row legend").all_inner_texts() == ["Link 1", "Link 2"]
    assert page.locator("label[for='id_links-1-url']").count() == 1
    assert page.get_by_role("status").filter(has_text="Link 2 removed.").count() == 1
    assert page.evaluate("document.activeElement.id") == "id_links-1-url"

    # At the limit (10 rows) the add button goes away; removing one brings it back.
    for _ in range(8):
        page.get_by_role("button", name="Add another link").click()
    assert total.input_value() == "10"
    assert page.get_by_role("button", name="Add another link").count() == 0
    page.get_by_role("button", name="Remove link 10").click()
    assert page.get_by_role("button", name="Add another link").count() == 1
    for number in range(9, 2, -1):
        page.get_by_role("button", name=f"Remove link {number}").click()
    assert total.input_value() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]

    page.get_by_label("Why are they worth listing?").fill("Replies kindly to nearly everyone.")
    page.get_by_label("Your email address").fill("friend@example.org")
    page.get_by_role("button", name="Send suggestion", exact=True).last.click()
    page.wait_for_url("**/submit/status/**")
    platforms = page.locator(".status-links .platform").all_inner_texts()
    assert sorted(platforms) == ["Mastodon", "YouTube"]
    assert errors == []
    context.close()
