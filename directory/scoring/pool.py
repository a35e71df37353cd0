"""Pooling a creator's links into one sample (pure; see directory/scoring/ for the rules).

A creator's conversations on three platforms are one sample, not three: the small-sample
discounts (Wilson bound, Bayesian priors) are applied once to the pooled counts, and rates of
the creator's own behaviour (posting, outreach) add up over the platforms. Each link's own
components, computed in components.py, stay as they are for the link's score.
"""

from __future__ import annotations

from operator import attrgetter

from .components import (
    ACTIVITY_HALF_PER_WEEK,
    BY_KEY,
    CONVERSATION_PRIOR_POSTS,
    OUTREACH_HALF_PER_WEEK,
    reply_depth,
    saturate,
    wilson_lower_bound,
)
from .inputs import LinkEvidence

# (key, hits, trials) of the two ratios pooled by counts; (key, rate field, half) of the rates.
_RATIOS = tuple(
    (key, attrgetter(BY_KEY[key].needs[0]), attrgetter(BY_KEY[key].needs[1]))
    for key in ("responsiveness", "reply_depth")
)
_RATES = tuple(
    (key, attrgetter(BY_KEY[key].needs[0]), half)
    for key, half in (("outreach", OUTREACH_HALF_PER_WEEK), ("activity", ACTIVITY_HALF_PER_WEEK))
)


def pooled_components(links: list[LinkEvidence]) -> dict[str, float | None]:
    """Responsiveness, reply depth and conversation from counts pooled over the links.

    Three links with 12 conversations each are one sample of 36, not three samples of 12: the
    Wilson bound and the reply-depth prior are applied once, to the pooled counts. A link's
    counts are weighted by its source trust relative to the most trusted link (so self-reported
    counts sway a mix with fetched ones less, and a single link keeps its own counts), and the
    pooled value counts at the trust-weighted mean trust, like every component of such a link."""
    # Sums over lists, not generators: the same numbers added in the same order (sum() of
    # floats is compensated, so a hand-written loop would not give the same bits), only faster.
    out: dict[str, float | None] = {}
    top = max([ln.trust for ln in links], default=1.0)
    for key, hits, trials in _RATIOS:
        rows = [
            (ln.trust, hits(ln.snapshot), trials(ln.snapshot))
            for ln in links
            if ln.components[key] is not None
        ]
        if not rows:
            out[key] = None
            continue
        n = sum([t / top * c for t, _, c in rows])
        k = sum([t / top * min(h, c) for t, h, c in rows])
        trust = sum([t / top * c * t for t, _, c in rows]) / n
        out[key] = trust * (
            wilson_lower_bound(k, n) if key == "responsiveness" else reply_depth(k, n)
        )
    # Conversation is relative to each link's audience, so the links' unshrunk values are
    # averaged by posts, and the 5-post prior toward the platform median is applied once to the
    # pooled posts.
    rows_c = [
        (
            ln.trust,
            ln.snapshot.posts_in_window or 0,
            ln.conversation_part,
            ln.conversation_prior,
        )
        for ln in links
        if ln.components["conversation"] is not None
    ]
    for key, rate_of, half in _RATES:
        # Rates of the creator's own behaviour add up over platforms: two posts a week on each
        # of three platforms is six a week, not an average of two.
        measured = [ln for ln in links if ln.components[key] is not None]
        rates = [
            (ln.trust, rate_of(ln.snapshot) / ln.weeks)
            for ln in measured
            if not (key == "activity" and ln.activity_held)
        ]
        if rates and len(rates) == len(measured):
            rate = sum([t / top * r for t, r in rates])
            trust = (
                sum([t / top * r * t for t, r in rates]) / rate
                if rate > 0
                else sum([t for t, _ in rates]) / len(rates)
            )
            out[key] = trust * saturate(rate, half)
    if not rows_c:
        out["conversation"] = None
        return out
    n = sum([t / top * p for t, p, _, _ in rows_c])
    part = sum([t / top * p * (v or 0.0) for t, p, v, _ in rows_c]) / n
    prior = sum([t / top * p * m for t, p, _, m in rows_c]) / n
    trust = sum([t / top * p * t for t, p, _, _ in rows_c]) / n
    prior_share = CONVERSATION_PRIOR_POSTS / (n + CONVERSATION_PRIOR_POSTS)
    out["conversation"] = trust * ((1 - prior_share) * part + prior_share * prior)
    return out
