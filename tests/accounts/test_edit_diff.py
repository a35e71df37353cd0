"""An owner's proposed edit shows in the moderators' queue as old → new for each field it
changes (and only those), on the edit's own page, in the edits list and on the creator's review
screen."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import ownership
from accounts.edit_diff import creator_edit_changes
from tests.accounts.conftest import make_user
from tests.factories import LanguageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client, db):
    user = make_user("mod@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user


@pytest.fixture
def edit(alice, alices_creator):
    alices_creator.bio = "Old bio words"
    alices_creator.content_notes = "Talks about grief"
    alices_creator.save()
    alices_creator.topics.set([TopicFactory(name="Anxiety", slug="anxiety")])
    depression = TopicFactory(name="Depression", slug="depression")
    return ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio="New bio words",
        content_notes="Talks about grief",  # unchanged
        topics=[depression],
        languages=[],
        links=[
            (None, "https://river.example.org/"),
            (None, "https://bsky.app/profile/river.bsky.social"),
        ],
    )


def test_only_changed_fields_are_listed_with_old_and_new(edit):
    changes = {change.label: change for change in creator_edit_changes(edit)}
    assert set(changes) == {"Short bio", "Topics", "Links"}
    assert (changes["Short bio"].before, changes["Short bio"].after) == (
        "Old bio words",
        "New bio words",
    )
    assert changes["Topics"].removed == ("Anxiety",)
    assert changes["Topics"].added == ("Depression",)
    assert changes["Links"].removed == ("https://mastodon.social/@trwnh (Mastodon)",)
    assert changes["Links"].added == ("https://bsky.app/profile/river.bsky.social (Bluesky)",)


def test_languages_added_show_as_added(alice, alices_creator):
    welsh = LanguageFactory(code="cy", name="Welsh")
    edit = ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio=alices_creator.bio,
        content_notes=alices_creator.content_notes,
        topics=list(alices_creator.topics.all()),
        languages=[*alices_creator.languages.all(), welsh],
        links=[(link.platform, link.url) for link in alices_creator.links.all()],
    )
    changes = creator_edit_changes(edit)
    assert [(c.label, c.removed, c.added) for c in changes] == [("Languages", (), ("Welsh",))]


def test_the_edit_page_shows_the_diff(client, moderator, edit):
    body = client.get(reverse("admin:accounts_creatoredit_change", args=[edit.pk]))
    body = body.content.decode()
    assert '<del class="diff-del">Old bio words</del>' in body
    assert '<ins class="diff-ins">New bio words</ins>' in body
    assert '<del class="diff-del">− https://mastodon.social/@trwnh (Mastodon)</del>' in body
    assert '<ins class="diff-ins">+ Depression</ins>' in body
    assert "Talks about grief" not in body.split('class="edit-diff"')[1].split("</table>")[0]


def test_the_edits_list_names_the_changed_fields(
    client, moderator, edit, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        body = client.get(reverse("admin:accounts_creatoredit_changelist")).content.decode()
    assert "Short bio, Topics, Links" in body


def test_the_creator_review_screen_shows_the_waiting_edit(client, moderator, edit):
    body = client.get(reverse("admin:directory_creator_change", args=[edit.creator_id]))
    body = body.content.decode()
    assert '<ins class="diff-ins">New bio words</ins>' in body
    assert reverse("admin:accounts_creatoredit_change", args=[edit.pk]) in body


def test_an_edit_that_changes_nothing_says_so(client, moderator, alice, alices_creator):
    edit = ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio=alices_creator.bio,
        content_notes=alices_creator.content_notes,
        topics=[],
        languages=[],
        links=[(link.platform, link.url) for link in alices_creator.links.all()],
    )
    body = client.get(reverse("admin:accounts_creatoredit_change", args=[edit.pk]))
    assert "This edit changes nothing that is public." in body.content.decode()


def test_a_platform_corrected_on_the_same_link_is_a_change(alice, alices_creator):
    edit = ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio=alices_creator.bio,
        content_notes=alices_creator.content_notes,
        topics=list(alices_creator.topics.all()),
        languages=list(alices_creator.languages.all()),
        links=[(link.platform, link.url) for link in alices_creator.links.all()],
    )
    edit.links = [
        {**entry, "platform": "other"} if entry["platform"] == "blog" else entry
        for entry in edit.links
    ]
    edit.save()
    (change,) = creator_edit_changes(edit)
    assert change.removed == ("https://river.example.org/ (Blog / RSS)",)
    assert change.added == ("https://river.example.org/ (Other)",)
