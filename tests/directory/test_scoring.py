"""The interactivity score's rules, one behaviour per test (pure: no database)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from directory.scoring import (
    DEFAULT_WEIGHTS,
    CreatorInput,
    LinkInput,
    conversation_priors,
    link_evidence,
    merge_weights,
    score_creator,
    wilson_lower_bound,
)
from tests.directory.scoring_builders import (
    NOW,
    big_rarely_replies,
    creator,
    engaged_blogger,
    snap,
)


def score(c: CreatorInput, **kwargs):
    kwargs.setdefault("directory_median", 50.0)
    return score_creator(c, now=NOW, **kwargs)


def component(result, key: str) -> dict:
    return next(c for c in result.breakdown["components"] if c["key"] == key)


# --- The founding scenarios ------------------------------------------------------------------


def test_engaged_40k_blogger_ranks_above_100k_account_that_rarely_replies():
    engaged = score(creator(engaged_blogger()))
    big = score(creator(big_rarely_replies()))
    assert engaged.score > big.score + 10


def test_450_follower_blogger_with_regulars_ranks_above_100k_account_without_conversation():
    small = snap(
        followers=450,
        following=300,
        posts_in_window=8,
        comments_in_window=40,
        unique_commenters_in_window=6,
        posts_with_comments=8,
        creator_replies_in_window=35,
        posts_with_creator_reply=8,
        replies_to_others_in_window=15,
    )
    silent_big = snap(
        followers=100_000,
        following=50,
        posts_in_window=30,
        comments_in_window=0,
        posts_with_comments=0,
        creator_replies_in_window=0,
        posts_with_creator_reply=0,
        replies_to_others_in_window=0,
        likes_in_window=30_000,
    )
    assert score(creator(small)).score > score(creator(silent_big)).score


# --- Thin evidence ---------------------------------------------------------------------------


def test_wilson_bound_ranks_2_of_2_below_95_of_100():
    assert wilson_lower_bound(2, 2) < wilson_lower_bound(95, 100)
    assert wilson_lower_bound(0, 5) == 0.0
    with pytest.raises(ValueError, match="trials"):
        wilson_lower_bound(1, 0)


def test_2_of_2_replied_ranks_below_95_of_100_on_responsiveness_and_overall():
    few = snap(
        posts_in_window=2,
        posts_with_comments=2,
        posts_with_creator_reply=2,
        comments_in_window=6,
        creator_replies_in_window=3,
    )
    many = snap(
        posts_in_window=100,
        posts_with_comments=100,
        posts_with_creator_reply=95,
        comments_in_window=300,
        creator_replies_in_window=150,
    )
    few_result, many_result = score(creator(few)), score(creator(many))
    assert (
        component(few_result, "responsiveness")["value"]
        < (component(many_result, "responsiveness")["value"])
    )
    assert few_result.score < many_result.score


def test_one_snapshot_with_three_posts_has_low_confidence():
    thin = score(
        creator(
            engaged_blogger(posts_in_window=3, posts_with_comments=3, posts_with_creator_reply=3)
        )
    )
    full = score(creator(engaged_blogger()))
    assert thin.confidence < 0.35
    assert thin.confidence < full.confidence
    assert "early estimate" in thin.breakdown["why"]


def test_little_evidence_is_shrunk_toward_the_directory_median():
    thin = creator(
        engaged_blogger(posts_in_window=3, posts_with_comments=3, posts_with_creator_reply=3)
    )
    low_median, high_median = score(thin, directory_median=20), score(thin, directory_median=80)
    raw = low_median.breakdown["raw_score"]
    # With little evidence the median moves the score a lot; with much, only a little.
    assert high_median.score - low_median.score > 30
    full = creator(engaged_blogger())
    assert score(full, directory_median=80).score - score(full, directory_median=20).score < 20
    assert low_median.breakdown["raw_score"] == raw


# --- Self-reported vs fetched ----------------------------------------------------------------


@pytest.mark.parametrize("factory", [engaged_blogger, big_rarely_replies])
def test_same_numbers_fetched_rank_above_moderator_above_self_reported(factory):
    fetched = score(creator(factory(source="api")), directory_median=70)
    moderator = score(creator(factory(source="moderator")), directory_median=70)
    reported = score(creator(factory(source="self_reported")), directory_median=70)
    assert fetched.score > moderator.score > reported.score
    assert fetched.confidence > reported.confidence
    assert "; unverified" in component(reported, "responsiveness")["explanation"]


def test_link_prefers_a_fresh_fetched_snapshot_over_a_later_self_reported_one():
    fetched = engaged_blogger(captured_at=NOW - dt.timedelta(days=5), posts_with_creator_reply=5)
    reported = engaged_blogger(source="self_reported", captured_at=NOW - dt.timedelta(days=1))
    both = CreatorInput(links=(LinkInput(1, "wordpress", (reported, fetched)),))
    [evidence] = link_evidence(both, now=NOW)
    assert evidence.snapshot is fetched


# --- Breaks ----------------------------------------------------------------------------------


def quiet_snapshot(**overrides):
    values = {
        "followers": 2_000,
        "following": 400,
        "posts_in_window": 0,
        "comments_in_window": 0,
        "posts_with_comments": 0,
        "posts_with_creator_reply": 0,
        "creator_replies_in_window": 0,
        "replies_to_others_in_window": 0,
        "last_post_at": NOW - dt.timedelta(days=40),
    }
    values.update(overrides)
    return snap(**values)


def test_break_holds_the_previous_activity_instead_of_decaying():
    on_break = score(
        creator(quiet_snapshot(), on_break_until=NOW + dt.timedelta(days=30), previous_activity=0.6)
    )
    not_on_break = score(creator(quiet_snapshot(), previous_activity=0.6))
    assert component(on_break, "activity")["value"] == 0.6
    assert component(not_on_break, "activity")["value"] == 0.0
    assert on_break.breakdown["on_break"] is True
    assert component(on_break, "activity")["explanation"].startswith("Taking a break")
    assert on_break.breakdown["raw_score"] > not_on_break.breakdown["raw_score"]


def test_a_window_without_posts_counts_as_evidence_of_inactivity():
    quiet = score(creator(quiet_snapshot()), directory_median=50)
    assert quiet.score < 45 and quiet.confidence > 0
    resting = score(
        creator(quiet_snapshot(), on_break_until=NOW + dt.timedelta(days=30), previous_activity=0.6)
    )
    assert resting.score > quiet.score


def test_break_does_not_count_missing_outreach_as_zero():
    on_break = score(creator(quiet_snapshot(), on_break_until=NOW + dt.timedelta(days=30)))
    assert component(on_break, "outreach")["value"] is None


def test_break_ends_on_its_date():
    ended = score(
        creator(quiet_snapshot(), on_break_until=NOW - dt.timedelta(days=1), previous_activity=0.6)
    )
    assert component(ended, "activity")["value"] == 0.0
    assert ended.breakdown["on_break"] is False


def test_break_ends_by_itself_six_months_after_the_last_post():
    long_ago = quiet_snapshot(last_post_at=NOW - dt.timedelta(days=200))
    far_future = NOW + dt.timedelta(days=400)
    result = score(creator(long_ago, on_break_until=far_future, previous_activity=0.6))
    assert result.breakdown["on_break"] is False
    assert component(result, "activity")["value"] == 0.0
    recent = quiet_snapshot(last_post_at=NOW - dt.timedelta(days=150))
    assert score(creator(recent, on_break_until=far_future)).breakdown["on_break"] is True


# --- Staleness -------------------------------------------------------------------------------


def test_snapshots_older_than_the_window_mark_stale_and_decay_toward_the_median():
    fresh = score(creator(engaged_blogger()), directory_median=40)
    older = score(
        creator(engaged_blogger(captured_at=NOW - dt.timedelta(days=100))), directory_median=40
    )
    oldest = score(
        creator(engaged_blogger(captured_at=NOW - dt.timedelta(days=200))), directory_median=40
    )
    assert not fresh.stale and older.stale and oldest.stale
    assert fresh.score > older.score > oldest.score > 40
    assert oldest.score - 40 < 2
    assert older.breakdown["why"].startswith("Stats out of date")


def test_a_stale_link_is_ignored_when_another_link_is_fresh():
    fresh_link = LinkInput(1, "wordpress", (engaged_blogger(),))
    stale_link = LinkInput(
        2,
        "mastodon",
        (big_rarely_replies(platform="mastodon", captured_at=NOW - dt.timedelta(days=120)),),
    )
    alone = score(CreatorInput(links=(fresh_link,)))
    with_stale = score(CreatorInput(links=(fresh_link, stale_link)))
    assert with_stale.score == alone.score
    assert not with_stale.stale


def test_creator_without_snapshots_sits_at_the_median_with_no_confidence():
    result = score(CreatorInput(links=(LinkInput(1, "blog", ()),)), directory_median=42)
    assert (result.score, result.confidence, result.stale) == (42, 0, False)
    assert result.breakdown["why"] == "No statistics yet"
    assert result.breakdown["raw_score"] is None


# --- Unknowns, weights and combination -------------------------------------------------------


def test_unknown_components_drop_out_renormalise_and_lower_confidence():
    full = engaged_blogger()
    feed_only = snap(posts_in_window=20, comments_in_window=300, followers=None)
    full_result, feed_result = score(creator(full)), score(creator(feed_only))
    effective = [c["effective_weight"] for c in feed_result.breakdown["components"]]
    assert sum(effective) == pytest.approx(1.0, abs=0.01)
    assert component(feed_result, "responsiveness")["value"] is None
    assert component(feed_result, "responsiveness")["effective_weight"] == 0
    assert feed_result.confidence < full_result.confidence


def test_reach_never_counts_for_more_than_its_weight_when_others_are_unknown():
    result = score(creator(snap(followers=900_000, posts_in_window=10)))
    assert component(result, "reach")["effective_weight"] == DEFAULT_WEIGHTS["reach"]


def test_followers_alone_give_no_measured_score():
    result = score(creator(snap(followers=1_000_000)), directory_median=50)
    assert result.score == 50 and result.confidence == 0
    assert result.breakdown["raw_score"] is None


def test_comments_closed_is_not_applicable_rather_than_zero():
    closed = score(
        creator(
            engaged_blogger(posts_with_comments=0, comments_in_window=0, posts_with_creator_reply=0)
        )
    )
    assert component(closed, "responsiveness")["value"] is None
    assert "No comments on posts" in component(closed, "responsiveness")["explanation"]


def test_links_combine_by_evidence_not_by_followers():
    busy = engaged_blogger(followers=300)
    famous = big_rarely_replies(
        platform="youtube",
        followers=5_000_000,
        posts_in_window=2,
        posts_with_comments=2,
        posts_with_creator_reply=0,
    )
    result = score(creator(busy, famous))
    weights = {ln["platform"]: ln["evidence_weight"] for ln in result.breakdown["links"]}
    assert weights["wordpress"] > 0.8 > weights["youtube"]
    assert result.followers_total == 5_000_300


def test_unique_commenters_cap_comment_pods():
    varied = score(creator(engaged_blogger(unique_commenters_in_window=150)))
    pod = score(creator(engaged_blogger(unique_commenters_in_window=3)))
    assert component(pod, "conversation")["value"] < component(varied, "conversation")["value"]


def test_likes_and_shares_count_far_less_than_comments():
    base = score(creator(engaged_blogger(likes_in_window=0, shares_in_window=0)))
    flooded = score(creator(engaged_blogger(likes_in_window=10**9, shares_in_window=10**8)))
    more_comments = score(
        creator(engaged_blogger(comments_in_window=1_200, unique_commenters_in_window=600))
    )
    like_gain = (
        component(flooded, "conversation")["value"] - component(base, "conversation")["value"]
    )
    comment_gain = (
        component(more_comments, "conversation")["value"] - component(base, "conversation")["value"]
    )
    assert 0 < like_gain <= 0.1
    assert comment_gain > like_gain


def test_weights_can_be_overridden_and_are_validated():
    heavy_reach = score(creator(engaged_blogger()), weights={"reach": 0.12, "outreach": 0.0})
    assert component(heavy_reach, "outreach")["weight"] == 0
    # Seven weights, each rounded to three decimals in the breakdown.
    weights = [c["weight"] for c in heavy_reach.breakdown["components"]]
    assert sum(weights) == pytest.approx(1.0, abs=7 * 0.0005)
    with pytest.raises(ValueError, match="at most 15%"):
        merge_weights({"reach": 0.5})
    with pytest.raises(ValueError, match="unknown scoring weight"):
        merge_weights({"likes": 0.1})
    with pytest.raises(ValueError, match="non-negative"):
        merge_weights({"activity": -1})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reach": True}, "'reach' must be a non-negative number, not True"),
        ({"activity": "0.1"}, "must be a non-negative number"),
        ({"activity": float("nan")}, "must be a non-negative number"),
        ([("reach", 0.05)], "must be a mapping"),
        ("reach", "must be a mapping"),
    ],
)
def test_malformed_weight_overrides_are_refused_clearly(overrides, message):
    with pytest.raises(ValueError, match=message):
        merge_weights(overrides)


def test_snapshot_input_rejects_bad_values():
    with pytest.raises(ValueError, match="source"):
        snap(source="scraped")
    with pytest.raises(ValueError, match="negative"):
        snap(followers=-1)


def test_platform_conversation_prior_is_the_median_of_measured_links():
    creators = [
        creator(snap(posts_in_window=10, comments_in_window=c, followers=400))
        for c in (0, 10, 20, 40, 80)
    ]
    priors = conversation_priors(creators, now=NOW)
    assert set(priors) == {"wordpress"}
    middle = score(creators[2])  # the median link
    assert priors["wordpress"] == pytest.approx(
        score(creators[2], conversation_priors=priors).breakdown["components"][2]["value"],
        abs=0.001,
    )
    assert middle.score >= 0
    assert conversation_priors(creators[:4], now=NOW) == {}


# --- The breakdown contract ------------------------------------------------------------------


def test_breakdown_has_the_documented_shape_and_real_numbers():
    result = score(creator(engaged_blogger()))
    breakdown = json.loads(json.dumps(result.breakdown))
    assert breakdown["version"] == "1"
    assert breakdown["score"] == result.score and breakdown["confidence"] == result.confidence
    assert [c["key"] for c in breakdown["components"]] == list(DEFAULT_WEIGHTS)
    for item in breakdown["components"]:
        assert set(item) == {"key", "label", "value", "weight", "effective_weight", "explanation"}
    assert component(result, "responsiveness")["explanation"] == (
        "Replied in 19 of 20 conversations in the last 90 days"
    )
    assert breakdown["links"][0] | {"captured_at": None} == {
        "link_id": 1,
        "platform": "wordpress",
        "evidence_weight": 1.0,
        "score": breakdown["raw_score"],
        "source": "api",
        "captured_at": None,
        "fresh": True,
    }
    assert breakdown["why"] == "Replies in most conversations; answers commenters"
    assert result.last_active_at == NOW - dt.timedelta(days=2)


def test_the_worked_example_in_docs_matches_the_code():
    """docs/scoring.md walks through this creator; keep the published numbers true."""
    wordpress = snap(
        followers=2_400,
        posts_in_window=12,
        comments_in_window=96,
        unique_commenters_in_window=31,
        posts_with_comments=12,
        creator_replies_in_window=70,
        posts_with_creator_reply=11,
        replies_to_others_in_window=26,
        likes_in_window=410,
    )
    instagram = snap(
        platform="instagram",
        source="self_reported",
        captured_at=NOW - dt.timedelta(days=20),
        followers=5_200,
        following=610,
        posts_in_window=18,
        comments_in_window=140,
        posts_with_comments=15,
        creator_replies_in_window=45,
        posts_with_creator_reply=9,
        likes_in_window=6_300,
    )
    example = CreatorInput(
        links=(LinkInput(3, "wordpress", (wordpress,)), LinkInput(7, "instagram", (instagram,)))
    )
    result = score(example, directory_median=48.0)
    published = {
        "responsiveness": 0.545,
        "reply_depth": 0.643,
        "conversation": 0.617,
        "outreach": 0.504,
        "reciprocity": 0.1,
        "activity": 0.706,
        "reach": 0.544,
    }
    assert {c["key"]: c["value"] for c in result.breakdown["components"]} == published
    assert (result.breakdown["raw_score"], result.score, result.confidence) == (55.6, 55.4, 0.89)
    assert [(ln["evidence_weight"], ln["score"]) for ln in result.breakdown["links"]] == [
        (0.46, 65.7),
        (0.54, 41.5),
    ]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text()
    assert "**55.4**" in docs and "**0.89**" in docs and "**55.6**" in docs


def test_explanations_name_the_period_the_counts_cover():
    result = score(creator(engaged_blogger(window_days=30)))
    assert component(result, "responsiveness")["explanation"] == (
        "Replied in 19 of 20 conversations in the last 30 days"
    )
    assert component(result, "activity")["explanation"] == (
        "20 posts in the last 30 days (about 4.7 a week)"
    )


def test_why_line_says_when_nothing_was_posted():
    assert score(creator(quiet_snapshot())).breakdown["why"] == "No posts in the measured period"


def test_why_line_says_plainly_when_a_large_account_rarely_replies():
    # 4 of 30 conversations: the comments on its posts are not praised as lively conversation.
    why = score(creator(big_rarely_replies())).breakdown["why"]
    assert why.startswith("Rarely replies to comments")
    assert "conversation" not in why.lower() and "answers" not in why.lower()
    # Too few conversations to say "rarely": 0 of 2 is not a pattern.
    thin = big_rarely_replies(posts_with_comments=2, posts_with_creator_reply=0)
    assert "Rarely" not in score(creator(thin)).breakdown["why"]
    assert "Rarely" not in score(creator(engaged_blogger())).breakdown["why"]
