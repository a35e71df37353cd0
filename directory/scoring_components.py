"""The seven score components of one snapshot (pure; see directory/scoring.py for the rules).

Each function returns a value in 0-1, or None when the measurement is unknown or does not apply
(comments closed, no posts): unknown is never read as zero.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from directory.scoring import SnapshotInput

COMPONENT_KEYS = (
    "responsiveness",
    "reply_depth",
    "conversation",
    "outreach",
    "reciprocity",
    "activity",
    "reach",
)
# One-sided 95% lower confidence bound: the bound itself already discounts small samples, and
# the creator-level shrinkage discounts them again, so the two-sided z (1.96) double-counted.
WILSON_Z = 1.645
REPLY_DEPTH_PRIOR, REPLY_DEPTH_PRIOR_COMMENTS = 0.25, 10.0
COMMENTS_PER_COMMENTER_CAP = 5
CONVERSATION_PRIOR_POSTS = 5.0
DEFAULT_CONVERSATION_PRIOR = 0.3
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


def comment_part(s: SnapshotInput) -> float | None:
    """Unshrunk conversation value of a snapshot (None when it cannot be measured)."""
    if s.comments_in_window is None or not s.posts_in_window:
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
    weeks = (s.window_days or window_days) / 7.0
    out: dict[str, float | None] = dict.fromkeys(COMPONENT_KEYS)
    if s.posts_with_comments and s.posts_with_creator_reply is not None:
        out["responsiveness"] = wilson_lower_bound(
            s.posts_with_creator_reply, s.posts_with_comments
        )
    if s.comments_in_window and s.creator_replies_in_window is not None:
        out["reply_depth"] = reply_depth(s.creator_replies_in_window, s.comments_in_window)
    part = comment_part(s)
    if part is not None and s.posts_in_window:
        n = s.posts_in_window
        prior_share = CONVERSATION_PRIOR_POSTS / (n + CONVERSATION_PRIOR_POSTS)
        out["conversation"] = (1 - prior_share) * part + prior_share * conversation_prior
    # On a break, not joining other people's threads is expected: unknown, not zero.
    if s.replies_to_others_in_window is not None and not on_break:
        out["outreach"] = saturate(s.replies_to_others_in_window / weeks, OUTREACH_HALF_PER_WEEK)
    if s.following is not None and s.followers:
        out["reciprocity"] = min(1.0, s.following / s.followers)
    if s.posts_in_window is not None:
        out["activity"] = saturate(s.posts_in_window / weeks, ACTIVITY_HALF_PER_WEEK)
    if s.followers is not None:
        out["reach"] = min(1.0, math.log10(s.followers + 1) / REACH_LOG_FULL)
    return out


def snapshot_evidence(s: SnapshotInput) -> float:
    """Posts and conversations in the window: how much a snapshot tells us."""
    return float((s.posts_in_window or 0) + (s.posts_with_comments or 0))
