"""The seven score components: one table, and the value of each for one snapshot (pure).

`COMPONENTS` says, once, what each component is called and which measurements it needs; the
per-link values here, the pooling (pool.py) and the explanations (explain.py) all read it.
Each value is in 0-1, or None when the measurement is unknown or does not apply (comments
closed, no posts): unknown is never read as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Protocol

from .inputs import DEFAULT_CONVERSATION_PRIOR, SnapshotInput


@dataclass(frozen=True, slots=True)
class Component:
    key: str
    label: str
    needs: tuple[str, ...]  # the measurements that must be known (for a ratio: hits, trials)
    positive: str | None = None  # a measurement that must also be above 0 (a ratio's trials)
    why: tuple[str, float] | None = None  # the "why" line's phrase, and the value that earns it


COMPONENTS = (
    Component(
        "responsiveness",
        "Responsiveness",
        ("posts_with_creator_reply", "posts_with_comments"),
        positive="posts_with_comments",
        why=("Replies in most conversations", 0.5),
    ),
    Component(
        "reply_depth",
        "Reply depth",
        ("creator_replies_in_window", "comments_in_window"),
        positive="comments_in_window",
        why=("Answers commenters", 0.5),
    ),
    Component(
        "conversation",
        "Community conversation",
        ("comments_in_window", "posts_in_window"),
        positive="posts_in_window",
        # 0.75: twice the comments expected for the audience size, not merely the expected amount.
        why=("Lively conversations on posts", 0.75),
    ),
    Component(
        "outreach",
        "Outreach",
        ("replies_to_others_in_window",),
        why=("Comments on others' posts", 0.4),
    ),
    Component(
        "reciprocity",
        "Reciprocity",
        ("following", "followers"),
        positive="followers",
        why=("Follows back", 0.5),
    ),
    Component("activity", "Activity", ("posts_in_window",), why=("Posts regularly", 0.5)),
    Component("reach", "Reach", ("followers",)),
)
BY_KEY = MappingProxyType({c.key: c for c in COMPONENTS})
COMPONENT_KEYS = tuple(c.key for c in COMPONENTS)


def _known_check(c: Component) -> Callable[[Any], bool]:
    # One attrgetter per component, built once: the recompute asks this a million times.
    get = attrgetter(*c.needs)
    if len(c.needs) == 1:
        return lambda s: get(s) is not None
    return lambda s: None not in get(s)


def _applies_check(c: Component) -> Callable[[Any], bool]:
    is_known = _known_check(c)
    if c.positive is None:
        return is_known
    positive = attrgetter(c.positive)
    return lambda s: is_known(s) and positive(s) > 0


KNOWN = MappingProxyType({c.key: _known_check(c) for c in COMPONENTS})
APPLIES = MappingProxyType({c.key: _applies_check(c) for c in COMPONENTS})


def known(key: str, s: SnapshotInput) -> bool:
    """Whether every measurement the component needs is known in this snapshot."""
    return KNOWN[key](s)


def applies(key: str, s: SnapshotInput) -> bool:
    """Known, and its ratio has something to divide by (no comments: no responsiveness)."""
    return APPLIES[key](s)


# One-sided 95% lower confidence bound: the bound itself already discounts small samples, and
# the creator-level shrinkage discounts them again, so the two-sided z (1.96) double-counted.
WILSON_Z = 1.645
REPLY_DEPTH_PRIOR, REPLY_DEPTH_PRIOR_COMMENTS = 0.25, 10.0
COMMENTS_PER_COMMENTER_CAP = 5
CONVERSATION_PRIOR_POSTS = 5.0
MIN_LINKS_FOR_PLATFORM_MEDIAN = 5
PASSIVE_SHARE = 0.10  # likes and shares: at most this share of the conversation component
SHARE_WEIGHT = 2.0  # a share counts as two likes
OUTREACH_HALF_PER_WEEK = 2.0
ACTIVITY_HALF_PER_WEEK = 1.0
REACH_LOG_FULL = 6.0  # log10 of a million followers


def wilson_lower_bound(successes: float, trials: float, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval: a proportion ranked honestly for small n.

    Counts may be fractional: pooled counts of less trusted sources are weighted down."""
    if trials <= 0:
        raise ValueError("trials must be positive")
    successes = max(0, min(successes, trials))
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - margin) / (1 + z2 / trials))


def reply_depth(replies: float, comments: float) -> float:
    """Replies relative to comments received: a Bayesian average, capped at answering everyone.

    Square root: diminishing returns. Answering a third of all comments is already a lot of
    conversation (0.6); answering everyone stays the ceiling (1)."""
    replies = min(replies, comments)
    share = (replies + REPLY_DEPTH_PRIOR * REPLY_DEPTH_PRIOR_COMMENTS) / (
        comments + REPLY_DEPTH_PRIOR_COMMENTS
    )
    return math.sqrt(share)


def expected_comments_per_post(followers: int | None) -> float:
    """Comments a post typically draws at this audience size (grows slower than the audience)."""
    if followers is None:
        return 3.0
    return 1.0 + math.sqrt(followers) / 20.0


def saturate(x: float, half: float) -> float:
    """0 at 0, 0.5 at `half`, 0.75 at twice it, 0.9 at 3.3 times it, approaching 1.

    Exponential rather than x / (x + half), which needs nine times `half` to reach 0.9 and so
    kept excellent behaviour near the middle of the scale."""
    return 1.0 - 0.5 ** (x / half)


class ConversationCounts(Protocol):
    """What `comment_part` reads: a SnapshotInput, or a lighter row with the same names (the
    recompute's platform priors read a directory's worth of them)."""

    @property
    def followers(self) -> int | None: ...
    @property
    def posts_in_window(self) -> int | None: ...
    @property
    def comments_in_window(self) -> int | None: ...
    @property
    def unique_commenters_in_window(self) -> int | None: ...
    @property
    def likes_in_window(self) -> int | None: ...
    @property
    def shares_in_window(self) -> int | None: ...


class PlatformConversationCounts(ConversationCounts, Protocol):
    @property
    def platform(self) -> str: ...


def comment_part(s: ConversationCounts) -> float | None:
    """Unshrunk conversation value of a snapshot (None when it cannot be measured)."""
    if not APPLIES["conversation"](s):
        return None
    comments = s.comments_in_window
    if s.unique_commenters_in_window is not None:
        # A few accounts posting many comments ("comment pods") cannot inflate the value.
        comments = min(comments, s.unique_commenters_in_window * COMMENTS_PER_COMMENTER_CAP)
    ratio = comments / s.posts_in_window / expected_comments_per_post(s.followers)
    value = saturate(ratio, 1.0)
    if s.likes_in_window is not None or s.shares_in_window is not None:
        passive = (s.likes_in_window or 0) + SHARE_WEIGHT * (s.shares_in_window or 0)
        passive_ratio = passive / s.posts_in_window / (10 * expected_comments_per_post(s.followers))
        value = (1 - PASSIVE_SHARE) * value + PASSIVE_SHARE * saturate(passive_ratio, 1.0)
    return value


def snapshot_components(
    s: SnapshotInput,
    *,
    window_days: int,
    conversation_prior: float = DEFAULT_CONVERSATION_PRIOR,
    on_break: bool = False,
) -> dict[str, float | None]:
    """The seven component values of one snapshot, before source trust is applied."""
    return components_with_part(
        s,
        comment_part(s),
        window_days=window_days,
        conversation_prior=conversation_prior,
        on_break=on_break,
    )


def components_with_part(
    s: SnapshotInput,
    part: float | None,
    *,
    window_days: int,
    conversation_prior: float,
    on_break: bool,
) -> dict[str, float | None]:
    """`snapshot_components` given the snapshot's `comment_part`, which the caller needs too."""
    weeks = (s.window_days or window_days) / 7.0
    out: dict[str, float | None] = dict.fromkeys(COMPONENT_KEYS)
    if APPLIES["responsiveness"](s):
        out["responsiveness"] = wilson_lower_bound(
            s.posts_with_creator_reply, s.posts_with_comments
        )
    if APPLIES["reply_depth"](s):
        out["reply_depth"] = reply_depth(s.creator_replies_in_window, s.comments_in_window)
    if part is not None:
        n = s.posts_in_window
        prior_share = CONVERSATION_PRIOR_POSTS / (n + CONVERSATION_PRIOR_POSTS)
        out["conversation"] = (1 - prior_share) * part + prior_share * conversation_prior
    # On a break, not joining other people's threads is expected: unknown, not zero.
    if APPLIES["outreach"](s) and not on_break:
        out["outreach"] = saturate(s.replies_to_others_in_window / weeks, OUTREACH_HALF_PER_WEEK)
    if APPLIES["reciprocity"](s):
        out["reciprocity"] = min(1.0, s.following / s.followers)
    if APPLIES["activity"](s):
        out["activity"] = saturate(s.posts_in_window / weeks, ACTIVITY_HALF_PER_WEEK)
    if APPLIES["reach"](s):
        out["reach"] = min(1.0, math.log10(s.followers + 1) / REACH_LOG_FULL)
    return out


def snapshot_evidence(s: SnapshotInput) -> float:
    """Posts and conversations in the window: how much a snapshot tells us."""
    return float((s.posts_in_window or 0) + (s.posts_with_comments or 0))
