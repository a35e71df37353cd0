"""Fixtures for the accounts tests: people with confirmed email addresses and an owned creator."""

from __future__ import annotations

import uuid

import pytest
from allauth.account.models import EmailAddress
from celery import current_app
from django.urls import reverse

from tests.factories import CreatorFactory, PlatformLinkFactory, UserFactory

PASSWORD = "a-long-calm-passphrase-42"


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """allauth's rate limits count in the cache: a fresh one per test, never the shared Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks sent after commit (email delivery) run at once, so mail lands in mail.outbox."""
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


def make_user(email: str, *, verified: bool = True, **extra):
    user = UserFactory(username=email.split("@")[0], email=email, **extra)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def alice(db):
    return make_user("alice@example.org")


@pytest.fixture
def bob(db):
    return make_user("bob@example.org")


@pytest.fixture
def alices_creator(alice):
    creator = CreatorFactory(name="River", slug="river", claimed_by=alice)
    PlatformLinkFactory(creator=creator, platform="mastodon", url="https://mastodon.social/@trwnh")
    PlatformLinkFactory(creator=creator, platform="blog", url="https://river.example.org/")
    return creator


def run_admin_action(client, model, action: str, objects) -> object:
    """A moderator runs `action` on `objects` from the model's admin list; returns them."""
    moderator = make_user("mod@example.org", is_staff=True, is_superuser=True)
    client.force_login(moderator)
    meta = model._meta
    response = client.post(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )
    assert response.status_code == 302, response.content[:500]
    return moderator
