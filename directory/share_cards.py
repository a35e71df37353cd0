"""Open Graph share cards drawn by us (`/creators/<slug>/card.png`, 1200×630 PNG): the creator's
name, type and country, and their score in words. Generated per request from the database and
cached by the browser and any proxy for a day; no third party is involved, so sharing a
profile leaks nothing about its visitors.
"""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from .models import Creator

SIZE = (1200, 630)
BACKGROUND = (250, 248, 244)
TEXT = (31, 42, 48)
MUTED = (79, 93, 99)
ACCENT = (15, 94, 99)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: no font file to ship or find on the server.
    return ImageFont.load_default(size=size)


def share_card_png(creator: Creator) -> bytes:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], 18), fill=ACCENT)
    draw.text((72, 70), "Mental Health Voices", font=_font(34), fill=ACCENT)
    y = 150
    for line in textwrap.wrap(creator.name, width=26)[:2]:
        draw.text((72, y), line, font=_font(78), fill=TEXT)
        y += 92
    meta = creator.get_creator_type_display()
    if creator.country:
        meta += f" · {creator.country.name}"
    draw.text((72, y + 10), meta, font=_font(36), fill=MUTED)
    if creator.interactivity_score is not None:
        score = f"{round(creator.interactivity_score)}"
        draw.text((72, 440), score, font=_font(110), fill=ACCENT)
        offset = 72 + draw.textlength(score, font=_font(110)) + 24
        draw.text((offset, 490), "out of 100 for conversation", font=_font(40), fill=TEXT)
    draw.text(
        (72, 570),
        "Ranked by conversation with their community, not by followers.",
        font=_font(28),
        fill=MUTED,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
