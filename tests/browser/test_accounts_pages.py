"""Account and /me/ pages in real Chromium at a phone and a desktop width: no axe violations
(WCAG 2.1 A/AA and best practice), no Content Security Policy violations, no sideways scroll,
and signing in works with the keyboard alone."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from accounts import services
from tests.browser.test_a11y import AXE_TAGS, WIDTHS, describe
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_csp import browser as browser  # noqa: F401 - the fixture, shared
from tests.browser.test_screens import chromium_path
from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-calm-passphrase-42"
SIGNED_OUT = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.fixture
def site(live_server, transactional_db) -> dict:
    chromium_path()
    alice = UserFactory(username="alice", email="alice@example.org")
    alice.set_password(PASSWORD)
    alice.save()
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    owned = CreatorFactory(name="River", slug="river", claimed_by=alice)
    PlatformLinkFactory(creator=owned, platform="blog", url="https://river.example.org/")
    other = CreatorFactory(name="Sky", slug="sky")
    link = PlatformLinkFactory(creator=other, platform="blog", url="https://sky.example.org/")
    claim = services.claim_start(user=alice, creator=other, link=link, method="bio_code")
    signed_in = [
        "/me/",
        f"/me/creators/{owned.pk}/edit/",
        f"/me/creators/{owned.pk}/stats/",
        f"/me/creators/{owned.pk}/break/",
        f"/me/creators/{owned.pk}/remove/",
        "/me/claim/sky/",
        f"/me/claims/{claim.pk}/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
        "/creators/river/",
    ]
    return {"url": live_server.url, "signed_in": signed_in}


def check_page(page, axe, base: str, path: str, width: int) -> list[str]:
    response = page.goto(base + path)
    assert response is not None and response.status == 200, path
    problems = [f"{path}: CSP {v}" for v in page.evaluate("window.__cspViolations")]
    if page.evaluate("document.documentElement.scrollWidth") > width:
        problems.append(f"{path}: scrolls sideways at {width}px")
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    for violation in results.response["violations"]:
        problems.extend(describe(path, violation))
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_account_pages_pass_axe_and_the_policy(browser, site, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    size = WIDTHS[width]
    page = browser.new_page(viewport=size)
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    problems: list[str] = []
    for path in SIGNED_OUT:
        problems += check_page(page, axe, site["url"], path, size["width"])

    # Signing in with the keyboard alone: type, Tab, type, Enter.
    page.goto(site["url"] + "/accounts/login/")
    page.focus("#id_login")
    page.keyboard.type("alice@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")

    for path in site["signed_in"]:
        problems += check_page(page, axe, site["url"], path, size["width"])
    assert not problems, "\n".join(problems)
    assert errors == []
