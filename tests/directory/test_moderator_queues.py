"""A moderator (Moderators group, not a superuser) works through every joining queue: submissions,
claims, owner edits, owners' removals, visitors' removal requests and contact messages. Each list
and each item opens; nothing can be deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Claim, CreatorEdit, OwnerRemoval
from directory.models import ContactMessage, CreatorStatus, RemovalRequest, Submission
from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(db) -> dict:
    owner = UserFactory(username="owner", email="owner@example.org")
    creator = CreatorFactory(name="River", slug="river", claimed_by=owner)
    link = PlatformLinkFactory(creator=creator, url="https://mastodon.social/@river")
    pending = CreatorFactory(name="Sam", slug="sam", status=CreatorStatus.PENDING)
    return {
        "submission": Submission.objects.create(
            creator=pending, form_token="t-1", relationship="nominating", why="Kind replies."
        ),
        "claim": Claim.objects.create(
            creator=creator,
            user=owner,
            link=link,
            code="mhv-ABCDEFGH",
            expires_at=timezone.now() + dt.timedelta(hours=1),
        ),
        "creatoredit": CreatorEdit.objects.create(creator=creator, proposed_by=owner, bio="New"),
        "ownerremoval": OwnerRemoval.objects.create(
            creator=creator, requested_by=owner, previous_status=CreatorStatus.APPROVED
        ),
        "removalrequest": RemovalRequest.objects.create(creator=creator, message="Please."),
        "contactmessage": ContactMessage.objects.create(email="jo@example.org", message="Hi"),
    }


QUEUES = ["submission", "claim", "creatoredit", "ownerremoval", "removalrequest", "contactmessage"]


def _admin_name(obj, view: str) -> str:
    meta = obj._meta
    return f"admin:{meta.app_label}_{meta.model_name}_{view}"


@pytest.mark.parametrize("queue", QUEUES)
def test_a_moderator_opens_each_queue_and_its_items(client, volunteer, items, queue):
    obj = items[queue]
    listing = client.get(reverse(_admin_name(obj, "changelist")))
    assert listing.status_code == 200
    assert 'value="delete_selected"' not in listing.content.decode()
    assert client.get(reverse(_admin_name(obj, "change"), args=[obj.pk])).status_code == 200


@pytest.mark.parametrize("queue", QUEUES)
def test_a_moderator_cannot_delete_from_any_queue(client, volunteer, items, queue):
    obj = items[queue]
    delete = reverse(_admin_name(obj, "delete"), args=[obj.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse(_admin_name(obj, "changelist")),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_moderator_marks_a_contact_message_handled(client, volunteer, items):
    message = items["contactmessage"]
    change = reverse(_admin_name(message, "change"), args=[message.pk])
    response = client.post(change, {"handled": "on"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.handled


def test_the_admin_home_links_every_waiting_queue_for_a_moderator(client, volunteer, items):
    queues = {str(q.label): q for q in client.get(reverse("admin:index")).context["waiting"]}
    assert queues["Removals asked by owners"].count == 1
    assert queues["Owner edits"].count == 1
    assert queues["Claims to check"].count == 1
    assert queues["Contact messages"].count == 1
    assert queues["Removal requests from visitors"].count == 1
    assert queues["Creators waiting for review (oldest first)"].count == 1
