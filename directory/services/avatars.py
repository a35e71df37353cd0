"""Creators' pictures: fetched once from the URL a platform adapter reported, resized to a small
square PNG and stored (`CreatorAvatar`), so pages never hot-link a platform's image.

`avatar_refresh` never raises: a missing or odd picture must not fail a statistics refresh.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

import httpx
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from directory.models_avatars import CreatorAvatar
from directory.platforms.base import FetchError
from directory.platforms.http import build_client

logger = logging.getLogger(__name__)
SIDE = 128
MAX_BYTES = 2 * 1024 * 1024
REFETCH_AFTER = dt.timedelta(days=30)
# Decompression bombs: a small file that expands to a huge bitmap is refused.
Image.MAX_IMAGE_PIXELS = 40_000_000


def avatar_resize(*, data: bytes) -> bytes:
    """A centred square crop, SIDE×SIDE, as PNG. Raises ValueError for data that is no image."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = img.convert("RGB")
            side = min(img.size)
            left, top = (img.width - side) // 2, (img.height - side) // 2
            img = img.crop((left, top, left + side, top + side)).resize((SIDE, SIDE))
            out = io.BytesIO()
            img.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not an image: {exc}") from exc


def avatar_refresh(*, creator_id: int, url: str, client: httpx.Client | None = None) -> bool:
    """Store the picture at `url` for the creator unless the same one is recent. True if stored."""
    if not url.startswith("https://"):
        return False
    current = CreatorAvatar.objects.filter(creator_id=creator_id).first()
    recent = current and timezone.now() - current.updated_at < REFETCH_AFTER
    if recent and current.source_url == url:
        return False
    try:
        if client is None:
            # The picture's host gets the same per-host politeness as every other request; an
            # empty bucket skips the picture until the next refresh.
            with build_client(max_bytes=MAX_BYTES, rate_limit=True) as own:
                data = own.get(url).raise_for_status().content
        else:
            data = client.get(url).raise_for_status().content
        image = avatar_resize(data=data)
    except (httpx.HTTPError, FetchError, ValueError) as exc:
        logger.info("avatar for creator %s not stored: %s", creator_id, exc)
        return False
    CreatorAvatar.objects.update_or_create(
        creator_id=creator_id,
        defaults={"image": image, "source_url": url[:1000], "updated_at": timezone.now()},
    )
    return True
