"""The Mastodon adapter replayed on responses real Mastodon servers sent
(tests/fixtures/recorded/mastodon/SOURCES.md), compared with what was counted by hand."""

from __future__ import annotations

import pytest

from .recorded import cases, check, fetch_recorded, load_set, replay_ca

__all__ = ["replay_ca"]  # the session CA fixture, used by name

# Sets the adapter gets wrong today (issue #8); the fix removes the entry.
KNOWN_WRONG: dict[str, str] = {}


@pytest.mark.parametrize("name", cases("mastodon", KNOWN_WRONG))
def test_recorded_mastodon_set_measures_what_was_counted_by_hand(
    name, replay_ca, monkeypatch, settings
):
    recorded = load_set(name)
    outcome, server = fetch_recorded(recorded, replay_ca, monkeypatch, settings)
    check(recorded, outcome, server)
