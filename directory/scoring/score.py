"""Scoring one creator: choosing snapshots, weighing links, shrinking toward the median.

The rules are in the package docstring (directory/scoring/__init__.py) and docs/scoring.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from .breaks import break_active
from .components import (
    COMPONENT_KEYS,
    MIN_LINKS_FOR_PLATFORM_MEDIAN,
    PlatformConversationCounts,
    comment_part,
    components_with_part,
    snapshot_evidence,
)
from .explain import build_breakdown
from .inputs import (
    DEFAULT_CONVERSATION_PRIOR,
    DEFAULT_WINDOW_DAYS,
    SOURCE_TRUST,
    CreatorInput,
    LinkEvidence,
    LinkInput,
    ScoreResult,
    SnapshotInput,
)
from .pool import pooled_components
from .stats import median

SCORING_VERSION = "1"

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "responsiveness": 0.34,
        "reply_depth": 0.18,
        "conversation": 0.14,
        "outreach": 0.14,
        "reciprocity": 0.05,
        "activity": 0.07,
        "reach": 0.08,
    }
)
MAX_REACH_WEIGHT = 0.15
DEFAULT_MEDIAN = 50.0
EVIDENCE_HALF = 10.0  # posts + commented posts at which the evidence amount reaches 0.5
QUIET_WINDOW_EVIDENCE = 30.0  # evidence of a window with no posts (outside a break)
STALE_HALF_LIFE_DAYS = 20.0


def merge_weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """DEFAULT_WEIGHTS with `overrides` applied, normalised to sum to 1; bad input raises."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ValueError(
            "scoring weights must be a mapping of component to weight, e.g. {'reach': 0.05}, "
            f"not {type(overrides).__name__}"
        )
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(f"unknown scoring weight {key!r}; expected one of {COMPONENT_KEYS}")
        # bool is an int subclass: True would silently mean a weight of 1.
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(f"scoring weight {key!r} must be a non-negative number, not {value!r}")
        weights[key] = float(value)
    total = sum(weights.values())
    if total <= weights["reach"]:
        raise ValueError("scoring weights must give some weight to engagement, not only reach")
    weights = {key: value / total for key, value in weights.items()}
    if weights["reach"] > MAX_REACH_WEIGHT + 1e-9:
        raise ValueError(f"reach may carry at most {MAX_REACH_WEIGHT:.0%} of the score")
    return weights


def _pick_snapshot(
    link: LinkInput, *, now: dt.datetime, window: dt.timedelta, on_break: bool
) -> tuple[SnapshotInput, bool] | None:
    usable = [s for s in link.snapshots if s.captured_at <= now]
    if not usable:
        return None
    fresh = [s for s in usable if now - s.captured_at <= window]
    if not fresh:
        return max(usable, key=lambda s: (s.captured_at, SOURCE_TRUST[s.source])), False
    best_trust = max(SOURCE_TRUST[s.source] for s in fresh)
    strongest = [s for s in fresh if SOURCE_TRUST[s.source] == best_trust]
    if on_break:
        # A break thins the latest window; use the window's best evidence instead.
        return max(strongest, key=lambda s: (snapshot_evidence(s), s.captured_at)), True
    return max(strongest, key=lambda s: (s.captured_at, snapshot_evidence(s))), True


def evidence_amount(evidence: float) -> float:
    """How much the evidence counts, 0-1: N^2 / (N^2 + 10^2), a half at 10 posts + conversations.

    Squared so that thin evidence (a few posts) stays near the median while a solid month of
    posting and conversations (N of 30 or more) is scored almost entirely on its own numbers."""
    return evidence**2 / (evidence**2 + EVIDENCE_HALF**2)


def last_active(creator: CreatorInput) -> dt.datetime | None:
    dates = [s.last_post_at for ln in creator.links for s in ln.snapshots if s.last_post_at]
    dates += [ln.last_post_at for ln in creator.links if ln.last_post_at]
    return max(dates) if dates else None


def is_on_break(creator: CreatorInput, *, now: dt.datetime) -> bool:
    """`break_active` for a scoring input: the last post is the newest one in its snapshots."""
    return break_active(until=creator.on_break_until, last_post_at=last_active(creator), now=now)


def link_evidence(
    creator: CreatorInput,
    *,
    now: dt.datetime,
    window_days: int = DEFAULT_WINDOW_DAYS,
    conversation_priors: Mapping[str, float] | None = None,
) -> list[LinkEvidence]:
    """Each link's chosen snapshot, weight and (trust-adjusted) components, sorted by link id."""
    return _link_evidence(
        creator,
        now=now,
        window_days=window_days,
        priors=conversation_priors or {},
        on_break=is_on_break(creator, now=now),
    )


def _link_evidence(
    creator: CreatorInput,
    *,
    now: dt.datetime,
    window_days: int,
    priors: Mapping[str, float],
    on_break: bool,
) -> list[LinkEvidence]:
    window = dt.timedelta(days=window_days)
    out = []
    for link in sorted(creator.links, key=lambda ln: (ln.link_id, ln.platform)):
        picked = _pick_snapshot(link, now=now, window=window, on_break=on_break)
        if picked is None:
            continue
        snap, fresh = picked
        trust = SOURCE_TRUST[snap.source]
        decay = 1.0
        if not fresh:
            beyond = (now - snap.captured_at - window).total_seconds() / 86400
            decay = 0.5 ** (beyond / STALE_HALF_LIFE_DAYS)
        observed = snapshot_evidence(snap)
        if snap.posts_in_window == 0 and not on_break:
            # A measured window without posts is evidence of inactivity, not a lack of evidence:
            # without this, a creator who stopped posting would drift up to the median.
            observed = QUIET_WINDOW_EVIDENCE
        evidence = observed * decay
        part = comment_part(snap)
        raw = components_with_part(
            snap,
            part,
            window_days=window_days,
            conversation_prior=priors.get(link.platform, DEFAULT_CONVERSATION_PRIOR),
            on_break=on_break,
        )
        components = {k: None if v is None else v * trust for k, v in raw.items()}
        if on_break and creator.previous_activity is not None:
            components["activity"] = min(1.0, max(0.0, creator.previous_activity))
        out.append(
            LinkEvidence(
                link_id=link.link_id,
                platform=link.platform,
                snapshot=snap,
                fresh=fresh,
                evidence=evidence,
                weight=(observed + 1.0) * trust * decay,
                trust=trust,
                conversation_part=part,
                components=components,
                quiet=snap.posts_in_window == 0 and not on_break,
                conversation_prior=priors.get(link.platform, DEFAULT_CONVERSATION_PRIOR),
                weeks=(snap.window_days or window_days) / 7.0,
                activity_held=on_break and creator.previous_activity is not None,
            )
        )
    if any(ln.fresh for ln in out):
        out = [ln for ln in out if ln.fresh]  # old snapshots are ignored beside fresh ones
    return out


def effective_weights(
    weights: Mapping[str, float], known: Iterable[str]
) -> dict[str, float] | None:
    """Renormalise over the known components; reach never exceeds its own weight.

    Returns None when no engagement component (anything but reach) is known."""
    known = set(known)
    engagement = [k for k in COMPONENT_KEYS if k in known and k != "reach"]
    engagement_total = sum([weights[k] for k in engagement])
    if not engagement or engagement_total <= 0:
        return None
    reach = weights["reach"] if "reach" in known else 0.0
    out = dict.fromkeys(COMPONENT_KEYS, 0.0)
    for k in engagement:
        out[k] = weights[k] * (1.0 - reach) / engagement_total
    out["reach"] = reach
    return out


def combine(
    links: list[LinkEvidence], weights: Mapping[str, float]
) -> tuple[dict[str, float | None], dict[str, float] | None, float | None]:
    """Evidence-weighted components, their effective weights and the measured score (0-100)."""
    return _combine(links, weights, {})


Effective = dict[str, float] | None


def _combine(
    links: list[LinkEvidence],
    weights: Mapping[str, float],
    effective_of: dict[tuple[str, ...], Effective],
) -> tuple[dict[str, float | None], Effective, float | None]:
    """`combine`, with the effective weights of each set of known components worked out once
    per `effective_of` (one creator's links mostly share a set). Sums stay sum() over lists:
    sum() of floats is compensated, so a loop of additions would not give the same bits."""
    values: dict[str, float | None] = {}
    pooled = pooled_components(links)
    for key in COMPONENT_KEYS:
        if key in pooled:
            values[key] = pooled[key]
            continue
        pairs = [(ln.weight, v) for ln in links if (v := ln.components[key]) is not None]
        if not pairs:
            values[key] = None
            continue
        total = sum([w for w, _ in pairs])
        if total > 0:
            values[key] = sum([w * v for w, v in pairs]) / total
        else:
            values[key] = sum([v for _, v in pairs]) / len(pairs)
    known = tuple([k for k, v in values.items() if v is not None])
    if known in effective_of:
        effective = effective_of[known]
    else:
        effective = effective_of[known] = effective_weights(weights, known)
    if effective is None:
        return values, None, None
    raw = 100.0 * sum([effective[k] * (values[k] or 0.0) for k in COMPONENT_KEYS])
    return values, effective, min(100.0, max(0.0, raw))


def score_creator(
    creator: CreatorInput,
    *,
    now: dt.datetime,
    directory_median: float = DEFAULT_MEDIAN,
    weights: Mapping[str, float] | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    conversation_priors: Mapping[str, float] | None = None,
) -> ScoreResult:
    """Score one creator; see the module docstring for the rules."""
    if window_days <= 0:
        raise ValueError("window_days must be positive")
    median = min(100.0, max(0.0, float(directory_median)))
    weights = merge_weights(weights) if weights is not None else merge_weights()
    # The newest post and the break it implies, worked out once (links and result both read them).
    last_active_at = last_active(creator)
    on_break = break_active(until=creator.on_break_until, last_post_at=last_active_at, now=now)
    links = _link_evidence(
        creator,
        now=now,
        window_days=window_days,
        priors=conversation_priors or {},
        on_break=on_break,
    )
    effective_of: dict[tuple[str, ...], Effective] = {}
    values, effective, raw = _combine(links, weights, effective_of)
    evidence = sum(ln.evidence for ln in links)
    amount = evidence_amount(evidence)
    if links and all(ln.quiet for ln in links):
        # A measured window without posts says everything there is to say: no replies and no
        # conversation because nothing was posted. Unknown components do not thin it further.
        coverage = 1.0
    else:
        coverage = sum(weights[k] for k, v in values.items() if v is not None)
    shrink = 0.0 if raw is None else amount * math.sqrt(min(1.0, coverage))
    total_weight = sum(ln.weight for ln in links)
    trust = sum(ln.weight * ln.trust for ln in links) / total_weight if total_weight else 1.0
    score = median if raw is None else shrink * raw + (1.0 - shrink) * median
    score = round(min(100.0, max(0.0, score)), 1)
    confidence = round(min(1.0, max(0.0, shrink * trust)), 2)
    stale = bool(links) and not any(ln.fresh for ln in links)
    followers = [ln.snapshot.followers for ln in links if ln.snapshot.followers is not None]
    link_scores = [_combine([ln], weights, effective_of)[2] for ln in links]
    raw = None if raw is None else round(raw, 1)
    breakdown = build_breakdown(
        links=links,
        link_scores=link_scores,
        values=values,
        weights=weights,
        effective=effective,
        score=score,
        raw=raw,
        confidence=confidence,
        stale=stale,
        on_break=on_break,
        window_days=window_days,
        version=SCORING_VERSION,
    )
    activity = values["activity"]
    return ScoreResult(
        score=score,
        raw_score=raw,
        confidence=confidence,
        stale=stale,
        on_break=on_break,
        activity=None if activity is None else round(activity, 3),
        breakdown=breakdown,
        followers_total=sum(followers) if followers else None,
        last_active_at=last_active_at,
    )


def conversation_priors(
    creators: Iterable[CreatorInput], *, now: dt.datetime, window_days: int = DEFAULT_WINDOW_DAYS
) -> dict[str, float]:
    """Median unshrunk conversation value per platform over fresh links (the Bayesian prior).

    Platforms with fewer than MIN_LINKS_FOR_PLATFORM_MEDIAN measured links keep the default."""
    window = dt.timedelta(days=window_days)
    fresh = []
    for creator in creators:
        for link in creator.links:
            picked = _pick_snapshot(link, now=now, window=window, on_break=False)
            if picked is not None and picked[1]:
                fresh.append(picked[0])
    return conversation_priors_of(fresh)


def conversation_priors_of(snapshots: Iterable[PlatformConversationCounts]) -> dict[str, float]:
    """`conversation_priors` over snapshots already known to be each link's fresh pick (the
    recompute selects them in SQL: each link's latest snapshot, inside the window)."""
    by_platform: dict[str, list[float]] = {}
    for snapshot in snapshots:
        part = comment_part(snapshot)
        if part is not None:
            by_platform.setdefault(snapshot.platform, []).append(part)
    return {
        platform: median(values)
        for platform, values in sorted(by_platform.items())
        if len(values) >= MIN_LINKS_FOR_PLATFORM_MEDIAN
    }
