"""The moderators' screens this work added, in Chromium at 1280 px, signed in as a member of the
Moderators group (not a superuser) through the admin's own sign-in form: the admin home's queues,
an owner's edit as a diff, the edits list, the reason page for a rejection, a creator's review
screen with the waiting edit, and the two-factor set-up page that `ADMIN_REQUIRE_MFA` sends staff
to. Each fits the width (nothing scrolls sideways).

Screenshots go to $SCREENSHOT_DIR when it is set, for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import ownership, services
from accounts.models import Claim
from directory.models import CreatorStatus, Submission
from tests.browser.test_screens import ARGS, chromium_path
from tests.factories import CreatorFactory, PlatformLinkFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser]
PASSWORD = "a-long-calm-passphrase-42"
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def data(live_server, transactional_db, own_cache) -> dict:
    chromium_path()
    moderator = UserFactory(username="ana", first_name="Ana", is_staff=True)
    moderator.set_password(PASSWORD)
    moderator.save()
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    # A transactional test flushes data migrations' rows: give the group its permissions again.
    from django.contrib.auth.models import Permission

    group = moderator.groups.get()
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_creator",
                "change_creator",
                "view_creatoredit",
                "change_creatoredit",
                "view_submission",
                "view_claim",
                "change_claim",
                "view_ownerremoval",
            ]
        )
    )
    owner = UserFactory(username="river-owner", email="river@example.org")
    creator = CreatorFactory(name="River Calm", slug="river-calm", claimed_by=owner)
    creator.bio = "Talks about anxiety at work and what helped."
    creator.save()
    creator.topics.add(TopicFactory(name="Anxiety", slug="anxiety"))
    PlatformLinkFactory(creator=creator, platform="blog", url="https://river-calm.example.org/")
    PlatformLinkFactory(creator=creator, platform="mastodon", url="https://mastodon.social/@rc")
    edit = ownership.creator_edit_propose(
        creator=creator,
        user=owner,
        bio="Talks about anxiety at work, burnout, and the small routines that helped me back.",
        content_notes="Mentions panic attacks.",
        topics=[TopicFactory(name="Burnout", slug="burnout")],
        languages=[],
        links=[
            ("blog", "https://river-calm.example.org/"),
            (None, "https://bsky.app/profile/rivercalm.bsky.social"),
        ],
    )
    claimant = UserFactory(username="jo", email="jo@example.org")
    unclaimed = CreatorFactory(name="Jo Pages", slug="jo-pages")
    blog = PlatformLinkFactory(creator=unclaimed, platform="blog", url="https://jo.example.org/")
    claim = services.claim_start(user=claimant, creator=unclaimed, link=blog, method="rel_me")
    Claim.objects.filter(pk=claim.pk).update(
        status="failed",
        message='We could not find a rel="me" link to this profile on https://jo.example.org/.',
    )
    pending = CreatorFactory(name="Sam Rivers", slug="sam-rivers", status=CreatorStatus.PENDING)
    Submission.objects.create(
        creator=pending,
        form_token="t-1",
        submitter_email="friend@example.org",
        relationship="nominating",
        why="Answers almost every comment kindly.",
    )
    return {"url": live_server.url, "edit": edit.pk, "creator": creator.pk, "claim": claim.pk}


@pytest.fixture
def page(data):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(data["url"] + reverse("admin:login"))
        page.fill("#id_username", "ana")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(data["url"] + reverse("admin:index"))
        yield page
        browser.close()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


def test_moderator_screens_at_1280(page, data):
    base = data["url"]
    queues = page.locator("#waiting-module")
    assert queues.get_by_text("Owner edits").count() == 1
    _fits(page)
    _shot(page, "admin-home-1280")

    page.goto(base + reverse("admin:accounts_creatoredit_change", args=[data["edit"]]))
    diff = page.locator("table.edit-diff")
    assert diff.is_visible()
    assert diff.locator("tbody tr th").all_inner_texts() == [
        "Short bio",
        "Content notes",
        "Topics",
        "Links",
    ]
    _fits(page)
    _shot(page, "admin-edit-diff-1280")

    page.goto(base + reverse("admin:accounts_creatoredit_changelist"))
    assert "Short bio, Content notes, Topics, Links" in page.locator("#result_list").inner_text()
    _fits(page)
    _shot(page, "admin-edits-list-1280")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "reject")
    page.get_by_role("button", name="Run").click()
    assert page.get_by_label("Why (the owner is emailed this)").is_visible()
    _fits(page)
    _shot(page, "admin-edit-reject-1280")

    page.goto(base + reverse("admin:accounts_claim_changelist"))
    assert "Jo Pages" in page.locator("#result_list").inner_text()
    _fits(page)
    _shot(page, "admin-claims-1280")
    page.goto(base + reverse("admin:accounts_claim_change", args=[data["claim"]]))
    actions = page.locator("select[name$=action] option").all_inner_texts()
    assert any("Approve the selected claims by hand" in a for a in actions)
    look = page.locator(".field-what_to_look_for").inner_text()
    assert 'rel="me"' in look and "/creators/jo-pages/" in look
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.locator("form input[name=code]").count() == 0  # nothing here is editable
    _fits(page)
    _shot(page, "admin-claim-1280")

    page.goto(base + reverse("admin:directory_creator_change", args=[data["creator"]]))
    assert page.locator(".field-review_owner_edit table.edit-diff").is_visible()
    _fits(page)
    _shot(page, "admin-creator-review-1280")


def test_staff_without_two_factor_are_sent_to_set_it_up(page, data, settings):
    settings.ADMIN_REQUIRE_MFA = True
    base = data["url"]
    page.goto(base + reverse("admin:index"))
    # allauth asks for the password again, saying why, then shows the set-up page.
    assert "moderation pages need two-factor sign-in" in page.content()
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").get_by_role("button").first.click()
    page.wait_for_url("**/2fa/totp/activate/")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    _fits(page)
    _shot(page, "mfa-setup-1280")
