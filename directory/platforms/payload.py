"""Reading numbers and dates out of what platforms send: one parser for each, for every adapter.

Platforms disagree on spelling: YouTube sends counts as strings, feeds carry `slash:comments`
and `thr:total` as text, WordPress's `date_gmt` has no offset, Bluesky records carry more than
six fractional digits. Anything that cannot be read is None (unknown), never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_EXTRA_FRACTION = re.compile(r"(\.\d{6})\d+")


def to_int(value: Any) -> int | None:
    """A non-negative int from a JSON number or a string of ASCII digits; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def parse_datetime(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from an ISO-8601 string, or None when it cannot be read.

    "Z" or an offset, 0–9 fractional digits, or none at all (WordPress's `date_gmt` is UTC by
    definition, so a time without an offset is taken as UTC).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Python accepts at most 6 fractional digits; Bluesky records may carry more.
    text = _EXTRA_FRACTION.sub(r"\1", text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)
