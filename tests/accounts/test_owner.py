"""What a verified owner does from /me/: see their profiles and submissions, propose edits that
wait for moderation, enter self-reported figures, take a bounded break, and leave."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import ownership
from accounts.models import CreatorEdit, EditStatus, OwnerRemoval
from directory.models import CreatorStatus, SnapshotSource, StatsSnapshot
from tests.accounts.conftest import make_user, run_admin_action
from tests.factories import CreatorFactory, PlatformLinkFactory, TopicFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def url(name: str, creator) -> str:
    return reverse(f"accounts:{name}", args=[creator.pk])


def test_me_lists_owned_profiles_and_submissions_with_status(signed_in, alice, alices_creator):
    from directory.models import Submission

    suggested = CreatorFactory(
        name="Someone I suggested", submitted_by=alice, status=CreatorStatus.PENDING
    )
    Submission.objects.create(
        creator=suggested,
        submitted_by=alice,
        submitter_email=alice.email,
        relationship="nominating",
        why="Answers every comment.",
        form_token="owner-test",
    )
    html = signed_in.get(reverse("accounts:me")).content.decode()
    assert "River" in html
    assert url("creator_edit", alices_creator) in html
    assert "Someone I suggested" in html
    assert "Waiting for review" in html  # the submission's own status


# --- Edits ----------------------------------------------------------------------------------


def edit_data(**overrides) -> dict:
    data = {
        "bio": "Writing about recovery, slowly.",
        "content_notes": "Mentions hospital stays",
        "links": "https://mastodon.social/@trwnh\nhttps://river.example.org/",
    }
    data.update(overrides)
    return data


def test_an_edit_waits_for_moderation_while_the_old_version_stays_public(
    signed_in, client, alices_creator
):
    old_bio = alices_creator.bio
    response = signed_in.post(url("creator_edit", alices_creator), edit_data())
    assert response.status_code == 302
    edit = CreatorEdit.objects.get(creator=alices_creator)
    assert edit.status == EditStatus.PENDING

    public = client.get(alices_creator.get_absolute_url()).content.decode()
    assert old_bio in public
    assert "Writing about recovery, slowly." not in public
    assert "waiting for a moderator" in signed_in.get(reverse("accounts:me")).content.decode()

    moderator = make_user("mod@example.org", is_staff=True)
    ownership.creator_edit_approve(edit=edit, moderator=moderator)
    public = client.get(alices_creator.get_absolute_url()).content.decode()
    assert "Writing about recovery, slowly." in public
    assert "Mentions hospital stays" in public


def test_approved_links_are_normalised_added_and_removed(signed_in, alices_creator, alice):
    topic = TopicFactory(slug="grief", name="Grief")
    signed_in.post(
        url("creator_edit", alices_creator),
        edit_data(
            links="https://mastodon.social/@trwnh\nhttps://www.youtube.com/@calmriver?utm_source=x",
            topics=[topic.pk],
        ),
    )
    edit = CreatorEdit.objects.get(creator=alices_creator)
    assert {"platform": "youtube", "url": "https://www.youtube.com/@calmriver"} in edit.links
    ownership.creator_edit_approve(edit=edit, moderator=alice)
    urls = set(alices_creator.links.values_list("url", flat=True))
    assert urls == {"https://mastodon.social/@trwnh", "https://www.youtube.com/@calmriver"}
    assert list(alices_creator.topics.all()) == [topic]


def test_a_rejected_edit_changes_nothing(signed_in, alices_creator, alice):
    signed_in.post(url("creator_edit", alices_creator), edit_data(bio="New words"))
    edit = CreatorEdit.objects.get(creator=alices_creator)
    ownership.creator_edit_reject(edit=edit, moderator=alice, reason="Please keep it shorter")
    alices_creator.refresh_from_db()
    assert alices_creator.bio != "New words"
    assert CreatorEdit.objects.get(pk=edit.pk).status == EditStatus.REJECTED


def test_a_second_edit_replaces_the_one_waiting(signed_in, alices_creator):
    signed_in.post(url("creator_edit", alices_creator), edit_data(bio="First"))
    signed_in.post(url("creator_edit", alices_creator), edit_data(bio="Second"))
    statuses = dict(CreatorEdit.objects.values_list("bio", "status"))
    assert statuses == {"First": EditStatus.SUPERSEDED, "Second": EditStatus.PENDING}


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("http://127.0.0.1/admin", "127.0.0.1"),
        ("https://other.example.org/", "already listed on another profile"),
    ],
)
def test_bad_or_taken_links_are_refused_with_a_message(signed_in, alices_creator, links, message):
    PlatformLinkFactory(url="https://other.example.org/")
    response = signed_in.post(url("creator_edit", alices_creator), edit_data(links=links))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CreatorEdit.objects.exists()


# --- Self-reported figures ------------------------------------------------------------------


def test_self_reported_figures_are_recorded_as_such(signed_in, alices_creator):
    link = alices_creator.links.get(platform="blog")
    response = signed_in.post(
        url("creator_stats", alices_creator),
        {"link": link.pk, "followers": "1200", "comments_in_window": "40"},
    )
    assert response.status_code == 302
    snapshot = StatsSnapshot.objects.get(link=link)
    assert snapshot.source == SnapshotSource.SELF_REPORTED
    assert (snapshot.followers, snapshot.comments_in_window, snapshot.window_days) == (1200, 40, 30)


@pytest.mark.parametrize(
    "data",
    [{}, {"followers": "-3"}, {"followers": "1e400"}, {"followers": str(10**30)}],
)
def test_bad_figures_are_answered_with_a_message(signed_in, alices_creator, data):
    link = alices_creator.links.get(platform="blog")
    response = signed_in.post(url("creator_stats", alices_creator), {"link": link.pk, **data})
    assert response.status_code == 200
    assert b"error-text" in response.content or b"error-summary" in response.content
    assert not StatsSnapshot.objects.exists()


def test_figures_for_another_creators_link_are_refused(signed_in, alices_creator):
    stranger = PlatformLinkFactory()
    response = signed_in.post(
        url("creator_stats", alices_creator), {"link": stranger.pk, "followers": "10"}
    )
    assert response.status_code == 200
    assert not StatsSnapshot.objects.exists()


# --- A break --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_break_is_set_until_the_end_of_the_chosen_day(signed_in, alices_creator):
    response = signed_in.post(url("creator_break", alices_creator), {"until": "2026-07-15"})
    assert response.status_code == 302
    alices_creator.refresh_from_db()
    assert alices_creator.on_break_until == dt.datetime(2026, 7, 16, tzinfo=dt.UTC)
    assert (
        "Taking a break until 16 July 2026"
        in signed_in.get(reverse("accounts:me")).content.decode()
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-12-02", "up to six months"),  # 184 days
        ("2026-06-01", "after today"),
        ("2025-01-01", "after today"),
        ("2026-02-31", "Enter a valid date"),
        ("not a date", "Enter a valid date"),
    ],
)
def test_a_break_is_bounded(signed_in, alices_creator, until, message):
    response = signed_in.post(url("creator_break", alices_creator), {"until": until})
    assert response.status_code == 200
    assert message in response.content.decode()
    alices_creator.refresh_from_db()
    assert alices_creator.on_break_until is None


@time_machine.travel(NOW, tick=False)
def test_six_months_is_allowed_and_an_empty_date_ends_the_break(signed_in, alices_creator):
    signed_in.post(url("creator_break", alices_creator), {"until": "2026-12-01"})
    alices_creator.refresh_from_db()
    assert alices_creator.is_on_break
    signed_in.post(url("creator_break", alices_creator), {"until": ""})
    alices_creator.refresh_from_db()
    assert alices_creator.on_break_until is None


# --- Leaving ----------------------------------------------------------------------------------


def test_removal_hides_at_once_and_emails_a_confirmation_link(
    signed_in, client, alices_creator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url("creator_remove", alices_creator), {"confirm": "on"})
    assert response.status_code == 302
    alices_creator.refresh_from_db()
    assert alices_creator.status == CreatorStatus.HIDDEN
    assert client.get(alices_creator.get_absolute_url()).status_code == 404
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "/me/remove/confirm/" in mail.outbox[0].body


def test_removal_needs_the_box_ticked(signed_in, alices_creator):
    response = signed_in.post(url("creator_remove", alices_creator), {})
    assert b"Tick the box" in response.content
    alices_creator.refresh_from_db()
    assert alices_creator.status == CreatorStatus.APPROVED


@pytest.mark.parametrize("token", ["nonsense", "a" * 3000, "eyJ9:abc:def"])
def test_a_bad_confirmation_link_says_so(client, db, token):
    assert b"not valid" in client.get(reverse("accounts:removal_confirm", args=[token])).content
    assert client.post(reverse("accounts:removal_confirm", args=[token])).status_code == 400


def test_an_expired_confirmation_link_says_so(client, alice, alices_creator):
    ownership.creator_removal_request(creator=alices_creator, user=alice)
    token = ownership.signing.dumps(
        {"creator": alices_creator.pk, "user": alice.pk}, salt=ownership.REMOVAL_SALT
    )
    later = timezone.now() + dt.timedelta(days=ownership.REMOVAL_LINK_DAYS + 1)
    with time_machine.travel(later):
        response = client.post(reverse("accounts:removal_confirm", args=[token]))
    assert b"expired" in response.content


def test_cancelling_before_confirming_restores_the_profile(signed_in, alice, alices_creator):
    ownership.creator_removal_request(creator=alices_creator, user=alice)
    signed_in.post(url("creator_remove_cancel", alices_creator))
    alices_creator.refresh_from_db()
    assert alices_creator.status == CreatorStatus.APPROVED
    assert not OwnerRemoval.objects.exists()


def test_me_needs_the_same_queries_for_one_or_many_profiles(
    signed_in, alice, django_assert_max_num_queries
):
    for number in range(6):
        creator = CreatorFactory(slug=f"owned-{number}", claimed_by=alice)
        CreatorEdit.objects.create(creator=creator, proposed_by=alice, bio="waiting")
        CreatorFactory(slug=f"sent-{number}", submitted_by=alice, status=CreatorStatus.PENDING)
    with django_assert_max_num_queries(8):
        response = signed_in.get(reverse("accounts:me"))
    assert response.content.decode().count("waiting for a moderator") == 6


def test_the_admin_publishes_a_proposed_edit(client, alice, alices_creator):
    edit = ownership.creator_edit_propose(
        creator=alices_creator,
        user=alice,
        bio="Approved words",
        content_notes="",
        topics=[],
        languages=[],
        links=[(None, "https://river.example.org/")],
    )
    run_admin_action(client, CreatorEdit, "approve", [edit])
    alices_creator.refresh_from_db()
    assert alices_creator.bio == "Approved words"
    assert list(alices_creator.links.values_list("url", flat=True)) == [
        "https://river.example.org/"
    ]
    assert (
        client.get(reverse("admin:accounts_creatoredit_change", args=[edit.pk])).status_code == 200
    )


def test_an_edit_keeps_existing_links_and_their_history(signed_in, alice, alices_creator):
    blog = alices_creator.links.get(url="https://river.example.org/")
    blog.platform = "other"  # corrected by a moderator
    blog.save()
    signed_in.post(url("creator_edit", alices_creator), edit_data(bio="Kept links"))
    ownership.creator_edit_approve(edit=CreatorEdit.objects.get(), moderator=alice)
    assert alices_creator.links.get(url="https://river.example.org/").pk == blog.pk


def test_cancelling_removal_of_a_profile_already_hidden_records_no_restore(alice, alices_creator):
    from directory.models import AuditAction, AuditEntry, Creator

    Creator.objects.filter(pk=alices_creator.pk).update(status=CreatorStatus.HIDDEN)
    alices_creator.refresh_from_db()
    ownership.creator_removal_request(creator=alices_creator, user=alice)
    ownership.creator_removal_cancel(creator=alices_creator)
    alices_creator.refresh_from_db()
    assert alices_creator.status == CreatorStatus.HIDDEN
    assert not AuditEntry.objects.filter(action=AuditAction.RESTORED).exists()
