"""The interactivity score: pure functions over frozen dataclasses (no ORM, no I/O).

Modules, each importing only those before it: `inputs` (the dataclasses), `breaks` (the break
rule), `stats` (median, rank correlation), `components` (the table of the seven components and
their per-link values), `pool` (pooling a creator's links), `explain` (the breakdown's wording,
its writer and its reader) and `score` (one creator, end to end).

The score ranks creators by how much they *converse* with their community, not by audience size.
`docs/scoring.md` explains the method in prose with a worked example; the rules are:

Per platform link
    1. Only snapshots captured within the window (default 90 days) count. Of those, the link uses
       the latest snapshot of the strongest source (fetched "api" beats "moderator" beats
       "self_reported"); while the creator is on a break it uses the one with the most evidence.
       With no fresh snapshot at all, the creator is *stale*: the latest older snapshot is used,
       but its evidence halves every 20 days past the window, so the score slides to the median.
    2. Seven components, each 0-1 or None (unknown: not measured, or not applicable such as
       comments closed - never read as zero):
       - responsiveness = Wilson lower bound (95%) of posts_with_creator_reply out of
         posts_with_comments, so 2 of 2 ranks below 95 of 100;
       - reply_depth = (creator replies + 0.25 x 10) / (comments received + 10), capped at 1: a
         Bayesian average, answering everyone is the ceiling;
       - conversation = comments per post relative to the comments expected for the audience
         (1 + sqrt(followers) / 20), each commenter counting for at most 5 comments when unique
         commenters are known, saturating 1 - 0.5^r; likes and shares make up at most 10% of
         it; shrunk toward the platform's median with a prior of 5 posts;
       - outreach = replies on other people's posts per week, saturating 1 - 0.5^(w/2);
       - reciprocity = following / followers, capped at 1, where "following" exists;
       - activity = posts per week, saturating 1 - 0.5^w; on a break, the last stored value;
       - reach = log10(followers + 1) / 6, capped at 1 (a million followers).
    3. Self-reported and moderator-entered numbers are weaker evidence: each component of such a
       link counts at 85% or 90% of its value, so the same numbers fetched always rank higher.

Per creator
    4. Links are pooled, not averaged: responsiveness and reply depth take the Wilson bound and
       the prior once over the reply counts summed across links, conversation takes its prior
       once over the summed posts, and outreach and activity rates add up over the links. In
       the pool a link's counts weigh its trust relative to the most trusted link, and the
       pooled value counts at the count-weighted mean trust. Each link's own components (and
       its breakdown score) still use only its own counts. Reciprocity and reach are means
       weighted by evidence, not followers: (posts + commented posts + 1) x trust x decay.
    5. Unknown components drop out and the remaining weights are renormalised, except reach,
       which never counts for more than its own weight (at most 15%). With no engagement
       component known, there is no measured score.
    6. Evidence amount = N^2 / (N^2 + 10^2) with N = posts + commented posts in the window over
       all links (a link with no posts at all in the window, outside a break, counts 30, a solid
       month: silence is evidence of inactivity, and with one link it must not sit half-way to
       the median); shrinkage = amount x sqrt(share of the weight that is known; 1 when every
       link is silent).
       The score is shrinkage x measured + (1 - shrinkage) x directory median; confidence =
       shrinkage x source trust.
    7. A break lasts until `on_break_until`, and at most 6 months after the last post seen: then
       it ends by itself.

Weights live in `DEFAULT_WEIGHTS` (score.py) and may be overridden with
`settings.SCORING_WEIGHTS` through `merge_weights`. Change `SCORING_VERSION` (and the changelog
in docs/scoring.md) whenever the method changes.
"""

from .breaks import MAX_BREAK, break_active, break_ends_at
from .components import COMPONENT_KEYS, COMPONENTS, wilson_lower_bound
from .inputs import CreatorInput, LinkEvidence, LinkInput, ScoreResult, SnapshotInput
from .score import (
    DEFAULT_MEDIAN,
    DEFAULT_WEIGHTS,
    SCORING_VERSION,
    conversation_priors,
    conversation_priors_of,
    link_evidence,
    merge_weights,
    score_creator,
)

__all__ = [
    "COMPONENTS",
    "COMPONENT_KEYS",
    "DEFAULT_MEDIAN",
    "DEFAULT_WEIGHTS",
    "MAX_BREAK",
    "SCORING_VERSION",
    "CreatorInput",
    "LinkEvidence",
    "LinkInput",
    "ScoreResult",
    "SnapshotInput",
    "break_active",
    "break_ends_at",
    "conversation_priors",
    "conversation_priors_of",
    "link_evidence",
    "merge_weights",
    "score_creator",
    "wilson_lower_bound",
]
