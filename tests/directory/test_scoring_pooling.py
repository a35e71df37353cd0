"""Pooling a creator's links: one sample of all their conversations, not an average of samples.

Also the top of the scale (a solid month of near-complete replying lands high) and a silent
window counting as strong evidence of inactivity, however many links the creator has.
"""

from __future__ import annotations

import datetime as dt

import pytest

from directory.scoring import CreatorInput, LinkInput, link_evidence, score_creator
from directory.scoring.components import reply_depth, wilson_lower_bound
from tests.directory.scoring_builders import NOW, creator, snap


def score(c: CreatorInput, **kwargs):
    kwargs.setdefault("directory_median", 50.0)
    return score_creator(c, now=NOW, **kwargs)


def value(result, key: str) -> float | None:
    return next(c["value"] for c in result.breakdown["components"] if c["key"] == key)


def month(platform: str = "wordpress", **overrides) -> object:
    """A solid month on one platform: 12 posts, all commented, a reply in 11 of them."""
    values = {
        "platform": platform,
        "window_days": 30,
        "followers": 3_000,
        "following": 400,
        "posts_in_window": 12,
        "comments_in_window": 60,
        "unique_commenters_in_window": 30,
        "posts_with_comments": 12,
        "creator_replies_in_window": 40,
        "posts_with_creator_reply": 11,
        "replies_to_others_in_window": 12,
        "last_post_at": NOW - dt.timedelta(days=1),
    }
    values.update(overrides)
    return snap(**values)


SILENT = {
    "posts_in_window": 0,
    "posts_with_comments": 0,
    "comments_in_window": 0,
    "posts_with_creator_reply": 0,
    "creator_replies_in_window": 0,
    "replies_to_others_in_window": 0,
}


def test_reply_counts_are_pooled_across_links_before_the_wilson_bound():
    three = score(creator(month(), month("mastodon"), month("bluesky")))
    one = score(creator(month()))
    assert value(three, "responsiveness") == round(wilson_lower_bound(33, 36), 3)
    assert value(one, "responsiveness") == round(wilson_lower_bound(11, 12), 3)
    assert value(three, "responsiveness") > value(one, "responsiveness")
    assert value(three, "reply_depth") == round(reply_depth(120, 180), 3)


def test_self_reported_counts_weigh_less_in_the_pool_and_discount_once():
    fetched = month(posts_with_creator_reply=12)
    reported = month("instagram", source="self_reported", posts_with_creator_reply=0)
    mixed = score(creator(fetched, reported))
    # The self-reported link's 12 conversations count as 0.85 x 12; the pooled bound counts at
    # the conversation-weighted trust (12 x 1 + 10.2 x 0.85) / 22.2.
    trust = (12 + 10.2 * 0.85) / 22.2
    assert value(mixed, "responsiveness") == round(trust * wilson_lower_bound(12, 22.2), 3)
    # Alone, a self-reported link keeps its own counts and counts at 85%.
    alone = score(creator(month(source="self_reported")))
    assert value(alone, "responsiveness") == round(0.85 * wilson_lower_bound(11, 12), 3)


def test_rates_of_posting_and_outreach_add_up_over_platforms():
    one = score(creator(month()))
    three = score(creator(month(), month("mastodon"), month("bluesky")))
    assert value(three, "activity") > value(one, "activity")
    assert value(three, "outreach") > value(one, "outreach")
    # A silent second account does not dilute the active one's rate.
    quiet = month("mastodon", **SILENT)
    with_quiet = score(creator(month(), quiet))
    assert value(with_quiet, "activity") == value(one, "activity")


def test_a_solid_month_replying_in_nearly_every_conversation_lands_high():
    # Three platforms with 12 conversations each, a reply in 34 of the 36, answering two
    # thirds of all comments: one month of strong evidence, scored on its own numbers.
    solid = creator(month(), month("mastodon", posts_with_creator_reply=12), month("bluesky"))
    two = score(solid, directory_median=40)
    assert 75 <= two.score <= 90
    assert two.confidence > 0.9
    # The same behaviour with a handful of posts stays near the median.
    thin = score(
        creator(month(posts_in_window=2, posts_with_comments=2, posts_with_creator_reply=2))
    )
    assert thin.score < two.score - 10


def test_each_link_keeps_its_own_score_on_its_own_counts():
    strong, weak = month(), month("mastodon", posts_with_creator_reply=2)
    result = score(creator(strong, weak))
    alone = [score(creator(s)).breakdown["raw_score"] for s in (strong, weak)]
    assert [ln["score"] for ln in result.breakdown["links"]] == alone
    assert alone[1] < result.breakdown["raw_score"] < alone[0]


@pytest.mark.parametrize("links", [1, 2, 3])
def test_a_silent_window_scores_low_with_high_confidence_on_any_number_of_links(links):
    quiet = [month(p, **SILENT, following=50) for p in ("wordpress", "mastodon", "bluesky")[:links]]
    result = score(creator(*quiet))
    assert result.score < 20
    assert result.confidence >= 0.9
    assert result.breakdown["why"] == "No posts in the measured period"


def test_pooled_values_do_not_depend_on_link_ids():
    a, b = month(), month("mastodon", posts_with_creator_reply=3, source="self_reported")
    forward = CreatorInput(links=(LinkInput(1, "wordpress", (a,)), LinkInput(2, "mastodon", (b,))))
    backward = CreatorInput(links=(LinkInput(2, "wordpress", (a,)), LinkInput(1, "mastodon", (b,))))
    assert score(forward).score == score(backward).score
    assert len(link_evidence(forward, now=NOW)) == 2
