"""Fixtures shared by the directory tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from directory.tasks import refresh_link
from tests.factories import UserFactory


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    """Messages refresh_link.apply_async would have sent: (args, countdown)."""
    messages: list[tuple] = []
    monkeypatch.setattr(
        refresh_link,
        "apply_async",
        lambda args, countdown=None, **kw: messages.append((tuple(args), countdown)),
    )
    return messages


@pytest.fixture
def volunteer(client):
    """A signed-in staff member of the Moderators group (made by a migration), not a superuser."""
    user = UserFactory(username="ana", first_name="Ana", last_name="Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user
