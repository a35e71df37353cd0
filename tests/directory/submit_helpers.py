"""Building /submit/ POSTs in tests."""

from __future__ import annotations

from typing import Any

from directory.services.submissions import form_token_new


def submit_data(links: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
    """A valid submission's POST data; override any field, or give the link rows."""
    links = links if links is not None else [{"url": "https://calm-voice.org/"}]
    data: dict[str, Any] = {
        "name": "Sam Rivers",
        "bio": "Writes about recovery and the small things that help.",
        "creator_type": "lived_experience",
        "relationship": "nominating",
        "why": "Answers almost every comment kindly.",
        "email": "friend@example.org",
        "country": "GB",
        "content_notes": "",
        "form_token": form_token_new(),
        "website": "",
        "links-TOTAL_FORMS": str(len(links)),
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(links):
        for key, value in row.items():
            data[f"links-{index}-{key}"] = value
    data.update(fields)
    return data
