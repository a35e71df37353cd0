"""Fixtures shared by the directory tests."""

from __future__ import annotations

import pytest

from directory.tasks import refresh_link


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
