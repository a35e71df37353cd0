"""Properties of the interactivity score that must hold for any input (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from directory.scoring import (
    DEFAULT_WEIGHTS,
    CreatorInput,
    LinkInput,
    SnapshotInput,
    score_creator,
)
from tests.directory.scoring_builders import NOW

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=500))
big_counts = st.one_of(st.none(), st.integers(min_value=0, max_value=5_000_000))


@st.composite
def snapshots(draw, platform: str = "wordpress") -> SnapshotInput:
    posts = draw(counts)
    commented = draw(st.one_of(st.none(), st.integers(0, posts or 0)))
    replied = draw(st.one_of(st.none(), st.integers(0, commented or 0)))
    return SnapshotInput(
        platform=platform,
        source=draw(st.sampled_from(["api", "moderator", "self_reported"])),
        captured_at=NOW - dt.timedelta(days=draw(st.integers(0, 200))),
        followers=draw(big_counts),
        following=draw(counts),
        window_days=draw(st.sampled_from([None, 30, 90])),
        posts_in_window=posts,
        comments_in_window=draw(counts),
        unique_commenters_in_window=draw(counts),
        posts_with_comments=commented,
        creator_replies_in_window=draw(counts),
        posts_with_creator_reply=replied,
        replies_to_others_in_window=draw(counts),
        likes_in_window=draw(big_counts),
        shares_in_window=draw(counts),
        last_post_at=draw(st.one_of(st.none(), st.just(NOW - dt.timedelta(days=3)))),
    )


@st.composite
def creators(draw) -> CreatorInput:
    platforms = draw(st.lists(st.sampled_from(["wordpress", "mastodon", "youtube"]), max_size=4))
    links = tuple(
        LinkInput(i + 1, p, tuple(draw(st.lists(snapshots(p), max_size=3))))
        for i, p in enumerate(platforms)
    )
    on_break = draw(st.one_of(st.none(), st.just(NOW + dt.timedelta(days=20))))
    previous = draw(st.one_of(st.none(), st.floats(0, 1)))
    return CreatorInput(links=links, on_break_until=on_break, previous_activity=previous)


medians = st.floats(min_value=0, max_value=100)


@given(creators(), medians)
def test_score_and_confidence_stay_in_range(creator, median):
    result = score_creator(creator, now=NOW, directory_median=median)
    assert 0 <= result.score <= 100
    assert 0 <= result.confidence <= 1
    json.dumps(result.breakdown)  # always JSON-serialisable


@given(creators(), medians)
def test_score_is_deterministic(creator, median):
    first = score_creator(creator, now=NOW, directory_median=median)
    second = score_creator(creator, now=NOW, directory_median=median)
    assert first == second


@given(creators(), medians, st.randoms(use_true_random=False))
def test_score_does_not_depend_on_the_order_of_links(creator, median, rnd):
    shuffled = list(creator.links)
    rnd.shuffle(shuffled)
    reordered = dataclasses.replace(creator, links=tuple(shuffled))
    assert score_creator(reordered, now=NOW, directory_median=median) == score_creator(
        creator, now=NOW, directory_median=median
    )


@given(snapshots(), medians, st.integers(1, 50))
def test_replying_in_more_threads_never_lowers_the_score(snap, median, extra):
    commented = max(snap.posts_with_comments or 0, 1) + extra
    before = dataclasses.replace(
        snap,
        posts_with_comments=commented,
        posts_with_creator_reply=min(snap.posts_with_creator_reply or 0, commented - extra),
    )
    after = dataclasses.replace(
        before, posts_with_creator_reply=before.posts_with_creator_reply + extra
    )
    low = score_creator(
        CreatorInput(links=(LinkInput(1, "wordpress", (before,)),)),
        now=NOW,
        directory_median=median,
    )
    high = score_creator(
        CreatorInput(links=(LinkInput(1, "wordpress", (after,)),)), now=NOW, directory_median=median
    )
    assert high.score >= low.score


@given(snapshots(), medians, st.integers(1, 10_000_000))
def test_more_followers_without_engagement_gain_at_most_the_reach_weight(snap, median, more):
    base = dataclasses.replace(snap, followers=max(snap.followers or 0, 1))
    grown = dataclasses.replace(base, followers=base.followers + more)
    before = score_creator(
        CreatorInput(links=(LinkInput(1, "wordpress", (base,)),)), now=NOW, directory_median=median
    )
    after = score_creator(
        CreatorInput(links=(LinkInput(1, "wordpress", (grown,)),)), now=NOW, directory_median=median
    )
    # 0.1 allows for rounding the score to one decimal.
    assert after.score - before.score <= DEFAULT_WEIGHTS["reach"] * 100 + 0.1


@settings(max_examples=200)
@given(snapshots(), medians)
def test_self_reported_numbers_never_outrank_the_same_numbers_fetched(snap, median):
    fetched = dataclasses.replace(snap, source="api")
    reported = dataclasses.replace(snap, source="self_reported")
    api = score_creator(
        CreatorInput(links=(LinkInput(1, "x", (fetched,)),)), now=NOW, directory_median=median
    )
    own = score_creator(
        CreatorInput(links=(LinkInput(1, "x", (reported,)),)), now=NOW, directory_median=median
    )
    assert own.score <= api.score


# The same properties for whole creators with several links and snapshots: pooling across links
# must not break them.
def _replace_snapshot(creator: CreatorInput, i: int, j: int, **changes) -> CreatorInput:
    snaps = list(creator.links[i].snapshots)
    snaps[j] = dataclasses.replace(snaps[j], **changes)
    links = list(creator.links)
    links[i] = dataclasses.replace(links[i], snapshots=tuple(snaps))
    return dataclasses.replace(creator, links=tuple(links))


@given(creators(), medians, st.randoms(use_true_random=False))
def test_score_does_not_depend_on_which_link_has_which_id(creator, median, rnd):
    ids = [ln.link_id for ln in creator.links]
    rnd.shuffle(ids)
    relabelled = dataclasses.replace(
        creator,
        links=tuple(
            dataclasses.replace(ln, link_id=i) for ln, i in zip(creator.links, ids, strict=True)
        ),
    )
    first = score_creator(creator, now=NOW, directory_median=median)
    second = score_creator(relabelled, now=NOW, directory_median=median)
    assert (first.score, first.confidence) == (second.score, second.confidence)


@given(creators(), medians, st.data())
def test_replying_in_more_threads_on_any_link_never_lowers_a_creators_score(creator, median, data):
    candidates = [
        (i, j)
        for i, ln in enumerate(creator.links)
        for j, s in enumerate(ln.snapshots)
        if s.posts_with_comments
        and s.posts_with_creator_reply is not None
        and s.posts_with_creator_reply < s.posts_with_comments
    ]
    assume(candidates)
    i, j = data.draw(st.sampled_from(candidates))
    s = creator.links[i].snapshots[j]
    extra = data.draw(st.integers(1, s.posts_with_comments - s.posts_with_creator_reply))
    after = _replace_snapshot(
        creator, i, j, posts_with_creator_reply=s.posts_with_creator_reply + extra
    )
    before_score = score_creator(creator, now=NOW, directory_median=median).score
    assert score_creator(after, now=NOW, directory_median=median).score >= before_score


@given(creators(), medians, st.data())
def test_more_followers_on_any_link_gain_a_creator_at_most_the_reach_weight(creator, median, data):
    candidates = [
        (i, j)
        for i, ln in enumerate(creator.links)
        for j, s in enumerate(ln.snapshots)
        if s.followers is not None
    ]
    assume(candidates)
    i, j = data.draw(st.sampled_from(candidates))
    more = data.draw(st.integers(1, 10_000_000))
    after = _replace_snapshot(
        creator, i, j, followers=creator.links[i].snapshots[j].followers + more
    )
    gain = (
        score_creator(after, now=NOW, directory_median=median).score
        - score_creator(creator, now=NOW, directory_median=median).score
    )
    assert gain <= DEFAULT_WEIGHTS["reach"] * 100 + 0.1


@given(creators(), medians)
def test_a_creator_self_reporting_everything_never_outranks_the_same_numbers_fetched(
    creator, median
):
    def every_snapshot_from(source: str) -> CreatorInput:
        return dataclasses.replace(
            creator,
            links=tuple(
                dataclasses.replace(
                    ln,
                    snapshots=tuple(dataclasses.replace(s, source=source) for s in ln.snapshots),
                )
                for ln in creator.links
            ),
        )

    own = score_creator(every_snapshot_from("self_reported"), now=NOW, directory_median=median)
    api = score_creator(every_snapshot_from("api"), now=NOW, directory_median=median)
    assert own.score <= api.score
