"""The feed adapters (blogs, podcasts) replayed on feeds real servers sent
(tests/fixtures/recorded/{blog,podcast}/SOURCES.md), compared with what was counted by hand."""

from __future__ import annotations

import pytest

from .recorded import cases, check, fetch_recorded, load_set, replay_ca

__all__ = ["replay_ca"]  # the session CA fixture, used by name

# Sets the adapter gets wrong today (issue #8); the fix removes the entry.
KNOWN_WRONG: dict[str, str] = {
    "blog/feedjira-samruby-atom-replies-count": (
        "#8 item 4: Atom comment counts (RFC 4685 rel=replies thr:count / thr:total) are not "
        "read, only slash:comments"
    ),
    "blog/feedjira-pauldix-feedburner-atom-replies-count": (
        "#8 item 4: Atom comment counts (RFC 4685 rel=replies thr:count / thr:total) are not "
        "read, only slash:comments"
    ),
    "blog/feedjira-hackernews-rss-as-text-xml": (
        "#8 item 5: a well-formed UTF-8 feed served as bare text/xml is called not well-formed "
        "(feedparser's CharacterEncodingOverride is not a parse failure)"
    ),
    "podcast/feedjira-cre-podcast-as-text-xml": (
        "#8 item 5: a well-formed UTF-8 feed served as bare text/xml is called not well-formed "
        "(feedparser's CharacterEncodingOverride is not a parse failure)"
    ),
}


@pytest.mark.parametrize("name", cases("blog", KNOWN_WRONG) + cases("podcast", KNOWN_WRONG))
def test_recorded_feed_set_measures_what_was_counted_by_hand(
    name, replay_ca, monkeypatch, settings
):
    recorded = load_set(name)
    outcome, server = fetch_recorded(recorded, replay_ca, monkeypatch, settings)
    check(recorded, outcome, server)
