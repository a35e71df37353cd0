"""Per-visitor limits on the pictures we serve: a share card is drawn on every cache miss and an
avatar is read from the database, so one address cannot ask for thousands of them."""

from __future__ import annotations

import pytest

from directory.models_avatars import CreatorAvatar
from tests.factories import CreatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]


@pytest.fixture
def pictured():
    creator = CreatorFactory(slug="pictured", name="Pictured Person")
    CreatorAvatar.objects.create(
        creator=creator, image=b"\x89PNG fake", source_url="https://a.example/1.png"
    )
    return creator


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("SHARE_CARD_RATE_LIMIT", "/creators/pictured/card.png"),
        ("AVATAR_RATE_LIMIT", "/creators/pictured/avatar.png"),
    ],
)
def test_past_the_limit_an_address_gets_429_with_retry_after(
    client, settings, pictured, setting, path
):
    setattr(settings, setting, "2/min")
    for _ in range(2):
        assert client.get(path, REMOTE_ADDR="203.0.113.9").status_code == 200
    refused = client.get(path, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert "try again in" in refused.content.decode()
    # Another visitor is not affected by the first one's requests.
    assert client.get(path, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_avatars_and_cards_are_counted_separately(client, settings, pictured):
    settings.SHARE_CARD_RATE_LIMIT = "1/min"
    settings.AVATAR_RATE_LIMIT = "1/min"
    assert client.get("/creators/pictured/card.png", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get("/creators/pictured/avatar.png", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_a_cache_outage_lets_pictures_through(client, settings, pictured):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.SHARE_CARD_RATE_LIMIT = "1/min"
    for _ in range(3):
        assert client.get("/creators/pictured/card.png").status_code == 200
