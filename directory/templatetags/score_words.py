"""Score wording for sighted visitors and screen readers alike: the scale, the change since last
week and the confidence in calm words (no red/green arrows beside people's names), and a "why"
line that says what is distinctive about this creator, with numbers.

Reads only the stored breakdown's documented fields (`components`: key, label, value), so it does
not depend on how the scoring package computes them.
"""

from __future__ import annotations

from typing import Any

from django import template

from directory.templatetags.directory_tags import confidence_label

register = template.Library()

# What a component measures, in words a visitor uses; reach (audience size) is never a strength.
STRENGTH_WORDS = {
    "responsiveness": "replies to comments",
    "reply_depth": "answers commenters",
    "conversation": "conversation on posts",
    "outreach": "joins others' conversations",
    "reciprocity": "follows back",
    "activity": "posts regularly",
}
STRENGTHS_SHOWN = 2


def _components(breakdown: Any) -> list[dict[str, Any]]:
    items = breakdown.get("components") if isinstance(breakdown, dict) else None
    return [c for c in items or [] if isinstance(c, dict) and c.get("key")]


def _value(component: dict[str, Any]) -> float | None:
    value = component.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@register.filter
def strengths(breakdown: Any) -> str:
    """'Strongest: replies to comments 92/100, joins others' conversations 81/100'; '' when
    nothing conversational was measured above zero."""
    measured = [
        (value, STRENGTH_WORDS[c["key"]])
        for c in _components(breakdown)
        if c["key"] in STRENGTH_WORDS and (value := _value(c)) is not None and value > 0
    ]
    measured.sort(key=lambda item: -item[0])
    parts = [f"{words} {round(value * 100)}/100" for value, words in measured[:STRENGTHS_SHOWN]]
    return f"Strongest: {', '.join(parts)}" if parts else ""


@register.filter
def evidence_label(creator: Any) -> str:
    """Confidence as shown: the scorer's figure, but never 'high' or 'medium' beside a card that
    says nothing was measured. No posts in the window, or no conversational component known,
    is little evidence whatever the number of snapshots behind it."""
    label = confidence_label(getattr(creator, "score_confidence", None))
    if label in ("", "low"):
        return label
    components = {c["key"]: _value(c) for c in _components(creator.score_breakdown)}
    conversational = [components.get(k) for k in STRENGTH_WORDS if k != "activity"]
    if components.get("activity") == 0 or all(v is None for v in conversational):
        return "low"
    if getattr(creator, "stats_stale", False) and label == "high":
        return "medium"
    return label


@register.filter
def card_why(breakdown: Any) -> str:
    """The card's line: the creator's strongest components with numbers, or the scorer's own
    line (e.g. "No statistics yet") when nothing conversational was measured."""
    stored = breakdown.get("why") if isinstance(breakdown, dict) else ""
    return strengths(breakdown) or str(stored or "")


@register.filter
def initials(name: str) -> str:
    """'Isla Fictley' -> 'IF', 'Harbour Lights Demo Circle' -> 'HL': the avatar shown when no
    picture of the creator is stored."""
    words = [w for w in str(name).split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.filter
def avatar_tone(name: str) -> int:
    """A stable 0-5 colour choice per name (not hash(), which changes between processes)."""
    return sum(map(ord, str(name))) % 6
