"""Fixtures shared by the directory's admin tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def volunteer(client):
    """A signed-in staff member of the Moderators group (made by a migration), not a superuser."""
    user = UserFactory(username="ana", first_name="Ana", last_name="Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return user
