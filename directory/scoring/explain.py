"""Plain-language text and the JSON breakdown for the interactivity score (pure, no ORM).

The breakdown is what the profile page, the list cards and the API render, so its shape is a
contract (see docs/scoring.md). Wording is calm and factual, with the real numbers: a quiet
period or closed comments is described as such, never as failure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple, TypedDict

from .components import BY_KEY, COMPONENTS, KNOWN
from .inputs import LinkEvidence, SnapshotInput

WHY_PHRASES = {c.key: c.why for c in COMPONENTS if c.why is not None}
RARELY_REPLIES = "Rarely replies to comments"
# "Rarely replies": the creator replied in under a fifth of at least this many conversations.
RARELY_REPLIES_SHARE, RARELY_REPLIES_MIN_THREADS = 0.2, 5
NOT_MEASURED = "Not measured on these platforms"
LOW_CONFIDENCE = 0.3


@cache
def _getter(names: tuple[str, ...]) -> Callable[[SnapshotInput], tuple]:
    if len(names) == 1:
        get_one = attrgetter(names[0])
        return lambda s: (get_one(s),)
    return attrgetter(*names)


def _total(snaps: Sequence[SnapshotInput], *names: str) -> tuple[int, ...] | None:
    """Sum the named fields over the snapshots where all of them are known."""
    get = _getter(names)
    rows = [row for row in map(get, snaps) if None not in row]
    if not rows:
        return None
    return tuple(map(sum, zip(*rows, strict=True)))


def _unverified(snaps: Sequence[SnapshotInput]) -> str:
    flags = [s.source != "api" for s in snaps]
    if flags and all(flags):
        return "; unverified"
    return "; partly unverified" if any(flags) else ""


def _per_week(count: int, days: int) -> str:
    return f"about {count / (days / 7):.1f} a week"


class _Period(NamedTuple):
    """The window the counts of a creator's snapshots cover, worded once for every sentence."""

    days: int
    words: str  # "in the last 90 days"
    single: bool  # one window length: a weekly rate makes sense


def _period(snaps: Sequence[SnapshotInput], window_days: int) -> _Period:
    # Counts are measured over each snapshot's own window, which may be shorter than ours.
    windows = sorted({s.window_days or window_days for s in snaps}) or [window_days]
    if len(windows) == 1:
        return _Period(windows[0], f"in the last {windows[0]} days", True)
    return _Period(window_days, f"in the last {windows[0]} to {windows[-1]} days", False)


def explain(
    key: str,
    value: float | None,
    snaps: Sequence[SnapshotInput],
    *,
    window_days: int,
    on_break: bool,
    weight: float,
) -> str:
    """One calm sentence with the real numbers behind a component."""
    return _explain(
        key, value, snaps, period=_period(snaps, window_days), on_break=on_break, weight=weight
    )


def _explain(  # noqa: C901 - one branch per component reads best here
    key: str,
    value: float | None,
    snaps: Sequence[SnapshotInput],
    *,
    period: _Period,
    on_break: bool,
    weight: float,
) -> str:
    days, w = period.days, period.words

    def rate(count: int) -> str:  # a weekly rate only makes sense over one window length
        return f" ({_per_week(count, days)})" if period.single else ""

    if key == "activity" and on_break:
        return "Taking a break: activity is held at its last value until the break ends"
    if key == "outreach" and on_break:
        return "Taking a break: not counted until the break ends"
    is_known = KNOWN[key]
    used = [s for s in snaps if is_known(s)]
    note = _unverified(used)
    if key == "responsiveness":
        t = _total(used, "posts_with_creator_reply", "posts_with_comments")
        if value is not None and t:
            return f"Replied in {min(t)} of {t[1]} conversations {w}{note}"
        if any(s.posts_with_comments == 0 for s in snaps):
            return f"No comments on posts {w}, so this is not counted"
    elif key == "reply_depth":
        t = _total(used, "creator_replies_in_window", "comments_in_window")
        if value is not None and t:
            return f"{t[0]} replies to {t[1]} comments received {w}{note}"
    elif key == "conversation":
        t = _total(used, "comments_in_window", "posts_in_window")
        u = _total(used, "unique_commenters_in_window")
        if value is not None and t:
            people = f" from {u[0]} people" if u and len(used) == 1 else ""
            return f"{t[0]} comments{people} on {t[1]} posts {w}{note}"
        if any(s.posts_in_window == 0 for s in snaps):
            return f"No posts {w}"
    elif key == "outreach":
        t = _total(used, "replies_to_others_in_window")
        if value is not None and t:
            return f"{t[0]} replies on other people's posts {w}{rate(t[0])}{note}"
    elif key == "reciprocity":
        t = _total(used, "following", "followers")
        if value is not None and t:
            return f"Follows {t[0]:,} accounts and is followed by {t[1]:,}{note}"
        return "Not counted: no public 'following' list on these platforms"
    elif key == "activity":
        t = _total(used, "posts_in_window")
        if value is not None and t:
            return f"{t[0]} posts {w}{rate(t[0])}{note}"
    elif key == "reach":
        t = _total(used, "followers")
        if value is not None and t:
            return (
                f"{t[0]:,} followers in total; audience size counts for at most "
                f"{weight:.0%} of the score{note}"
            )
    return NOT_MEASURED


def why_line(
    values: Mapping[str, float | None],
    effective: Mapping[str, float] | None,
    *,
    has_links: bool,
    stale: bool,
    on_break: bool,
    confidence: float,
    replied: tuple[int, int] | None = None,
) -> str:
    """One short line for list cards: the two strongest reasons, or an honest caveat.

    `replied` is (conversations with a reply from the creator, conversations) over the links.
    A creator who rarely replies is told so first, and comments they leave unanswered are not
    praised as lively conversation."""
    if not has_links:
        return "No statistics yet"
    if effective is None:
        return "Not enough measured yet to score"
    rarely = (
        replied is not None
        and replied[1] >= RARELY_REPLIES_MIN_THREADS
        and replied[0] < RARELY_REPLIES_SHARE * replied[1]
    )
    skip = {"responsiveness", "reply_depth", "conversation"} if rarely else set()
    strengths = sorted(
        (
            (effective[k] * v, k)
            for k, (phrase, threshold) in WHY_PHRASES.items()
            if (v := values.get(k)) is not None and v >= threshold and k not in skip
        ),
        reverse=True,
    )
    phrases = [WHY_PHRASES[k][0] for _, k in strengths[: 1 if rarely else 2]]
    if rarely:
        phrases.insert(0, RARELY_REPLIES)
    line = "; ".join([phrases[0], *(p[0].lower() + p[1:] for p in phrases[1:])]) if phrases else ""
    if not line and values.get("activity") == 0 and not on_break:
        line = "No posts in the measured period"
    line = line or "Little conversation measured so far"
    if on_break:
        line = f"Taking a break. {line}"
    if stale:
        line = f"Stats out of date. {line}"
    elif confidence < LOW_CONFIDENCE:
        line = f"{line} (early estimate)"
    return line


def build_breakdown(
    *,
    links: Sequence[LinkEvidence],
    link_scores: Sequence[float | None],
    values: Mapping[str, float | None],
    weights: Mapping[str, float],
    effective: Mapping[str, float] | None,
    score: float,
    raw: float | None,
    confidence: float,
    stale: bool,
    on_break: bool,
    window_days: int,
    version: str,
) -> dict[str, Any]:
    """The JSON-serialisable breakdown rendered by the profile, list cards and API."""
    snaps = [ln.snapshot for ln in links]
    total_weight = sum(ln.weight for ln in links)
    period = _period(snaps, window_days)
    components = []
    for key, value in values.items():
        components.append(
            {
                "key": key,
                "label": BY_KEY[key].label,
                "value": None if value is None else round(value, 3),
                "weight": round(weights[key], 3),
                "effective_weight": round(effective[key], 3) if effective else 0.0,
                "explanation": _explain(
                    key, value, snaps, period=period, on_break=on_break, weight=weights[key]
                ),
            }
        )
    return {
        "version": version,
        "score": score,
        "raw_score": raw,
        "confidence": confidence,
        "stale": stale,
        "on_break": on_break,
        "window_days": window_days,
        "why": why_line(
            values,
            effective,
            has_links=bool(links),
            stale=stale,
            on_break=on_break,
            confidence=confidence,
            replied=_total(
                [s for s in snaps if KNOWN["responsiveness"](s)],
                "posts_with_creator_reply",
                "posts_with_comments",
            ),
        ),
        "components": components,
        "links": [
            {
                "link_id": ln.link_id,
                "platform": ln.platform,
                "evidence_weight": round(ln.weight / total_weight, 2) if total_weight else 0.0,
                "score": None if s is None else round(s, 1),
                "source": ln.snapshot.source,
                "captured_at": ln.snapshot.captured_at.isoformat(),
                "fresh": ln.fresh,
            }
            for ln, s in zip(links, link_scores, strict=True)
        ],
    }


# -- reading it back ---------------------------------------------------------------------------
# The one reader of a stored breakdown, beside its writer: pages and the API read through it, so
# an old or odd breakdown (an unscored creator has `{}`) can never break a page. The pipeline
# reads nothing back from it: what a recompute needs is stored in columns of its own.


class ShownComponent(TypedDict):
    key: str
    label: str
    value: float | None
    weight: float | None
    effective_weight: float | None
    explanation: str


class ShownLink(TypedDict):
    score: float | None
    evidence_weight: float | None
    source: str


class ShownBreakdown(TypedDict):
    version: str
    why: str
    raw_score: float | None
    components: list[ShownComponent]
    links: dict[int, ShownLink]


def breakdown_for_display(data: Any) -> ShownBreakdown:
    """A stored breakdown checked field by field; anything outside the documented schema goes."""
    data = data if isinstance(data, dict) else {}
    components: list[ShownComponent] = [
        {
            "key": str(item["key"]),
            "label": str(item.get("label") or item["key"]).strip(),
            "value": _number(item.get("value")),
            "weight": _number(item.get("weight")),
            "effective_weight": _number(item.get("effective_weight")),
            "explanation": str(item.get("explanation") or ""),
        }
        for item in data.get("components") or []
        if isinstance(item, dict) and item.get("key")
    ]
    links: dict[int, ShownLink] = {
        item["link_id"]: {
            "score": _number(item.get("score")),
            "evidence_weight": _number(item.get("evidence_weight")),
            "source": str(item.get("source") or ""),
        }
        for item in _link_items(data)
    }
    return {
        "version": str(data.get("version") or ""),
        "why": str(data.get("why") or ""),
        "raw_score": _number(data.get("raw_score")),
        "components": components,
        "links": links,
    }


def breakdown_for_links(data: Any, link_ids: set[int]) -> Any:
    """The stored breakdown as written, with per-link entries only for `link_ids` (the API).

    A link hidden since the last recompute (by a moderator, or the account opting out) would
    otherwise still show until the next one."""
    if not isinstance(data, dict) or not isinstance(data.get("links"), list):
        return data
    return {**data, "links": [item for item in _link_items(data) if item["link_id"] in link_ids]}


def _link_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("links")
    return [
        item
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(item.get("link_id"), int)
    ]


# No number the breakdown holds (shares 0-1, scores 0-100) comes near this; beyond it a value is
# corrupt, and 1e308 * 100 overflowed to inf, which round() refuses with a 500.
_DISPLAY_LIMIT = 1e6


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > _DISPLAY_LIMIT:
        return None  # also an integer too large for float()
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= _DISPLAY_LIMIT else None
