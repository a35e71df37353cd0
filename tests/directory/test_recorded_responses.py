"""Every adapter replayed on responses real servers sent (tests/fixtures/recorded/, credited in
each platform's SOURCES.md) through the real HTTP client, compared with what was counted by hand
in each set's expected.json. How the replay works: tests/directory/recorded.py."""

from __future__ import annotations

import pytest

from .recorded import RECORDED, cases, check, fetch_recorded, load_set, replay_ca

__all__ = ["replay_ca"]  # the session CA fixture, used by name

PLATFORMS = ("mastodon", "bluesky", "youtube", "wordpress", "blog", "podcast")

# Sets the adapters get wrong today (issue #8); the fix removes the entry, and the strict xfail
# turns any unannounced change into a failure.
KNOWN_WRONG: dict[str, str] = {}


@pytest.mark.parametrize(
    "name", [case for platform in PLATFORMS for case in cases(platform, KNOWN_WRONG)]
)
def test_recorded_set_measures_what_was_counted_by_hand(name, replay_ca, monkeypatch, settings):
    # YouTube's quota counter lives in the cache: a private one, so the shared Redis of a
    # parallel run (and the quota tests using it) is never touched.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    recorded = load_set(name)
    outcome, server = fetch_recorded(recorded, replay_ca, monkeypatch, settings)
    check(recorded, outcome, server)


def test_every_recorded_platform_has_sources_and_sets():
    for platform in PLATFORMS:
        assert cases(platform, {}), f"no recorded sets for {platform}"
        assert (RECORDED / platform / "SOURCES.md").is_file(), f"{platform} has no SOURCES.md"
