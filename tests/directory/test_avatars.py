"""Avatars: fetched from the URL a platform reports, resized, stored and served by us; initials
otherwise; a bad picture never fails a refresh."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from directory.models_avatars import CreatorAvatar
from directory.platforms import ratelimit
from directory.services.avatars import SIDE, avatar_refresh, avatar_resize
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db
PICTURE_URL = "https://media.example/avatars/1.jpg"


def jpeg(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def client_answering(body: bytes, status: int = 200) -> httpx.Client:
    return httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    )


def test_resize_makes_a_small_square_png():
    image = Image.open(io.BytesIO(avatar_resize(data=jpeg())))
    assert image.format == "PNG" and image.size == (SIDE, SIDE)


def test_refresh_stores_the_picture_and_skips_an_unchanged_one():
    creator = CreatorFactory()
    assert avatar_refresh(creator_id=creator.pk, url=PICTURE_URL, client=client_answering(jpeg()))
    assert CreatorAvatar.objects.get(creator=creator).source_url == PICTURE_URL
    assert not avatar_refresh(
        creator_id=creator.pk, url=PICTURE_URL, client=client_answering(jpeg())
    )


@pytest.mark.parametrize(("body", "status"), [(b"not an image", 200), (b"", 404)])
def test_a_bad_picture_is_skipped_without_raising(body, status):
    creator = CreatorFactory()
    assert not avatar_refresh(
        creator_id=creator.pk, url=PICTURE_URL, client=client_answering(body, status)
    )
    assert not CreatorAvatar.objects.exists()


def test_the_picture_host_gets_a_rate_limit_token_and_waits_like_any_other():
    class Empty:
        def __init__(self) -> None:
            self.hosts: list[str] = []

        def acquire(self, host, rate):
            self.hosts.append(host)
            return 30.0  # the bucket is empty: nothing may be sent

    limiter = Empty()
    ratelimit.set_limiter(limiter)
    try:
        creator = CreatorFactory()
        assert not avatar_refresh(creator_id=creator.pk, url=PICTURE_URL)
    finally:
        ratelimit.set_limiter(None)
    assert limiter.hosts == ["media.example"]
    assert not CreatorAvatar.objects.filter(creator=creator).exists()


def test_only_https_pictures_are_fetched():
    creator = CreatorFactory()
    assert not avatar_refresh(creator_id=creator.pk, url="http://media.example/a.jpg")


def test_pages_show_our_copy_never_the_platforms_url_and_initials_otherwise(client):
    with_picture = CreatorFactory(slug="pic", name="Pic Person")
    avatar_refresh(creator_id=with_picture.pk, url=PICTURE_URL, client=client_answering(jpeg()))
    CreatorFactory(slug="none", name="Nora Initial")
    html = client.get("/").content.decode()
    assert 'src="/creators/pic/avatar.png"' in html
    assert "media.example" not in html
    assert ">NI</span>" in html
    response = client.get("/creators/pic/avatar.png")
    assert response["Content-Type"] == "image/png"
    assert client.get("/creators/none/avatar.png").status_code == 404
