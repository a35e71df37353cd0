"""Template tags for the browse pages: score display, week-on-week movement, stats and the
server-rendered SVG score chart.

Everything here renders without JavaScript and says in text what a symbol shows, so that screen
reader users get the same information as sighted ones.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from directory.scoring.explain import LOW_CONFIDENCE

register = template.Library()

# Confidence is 0-1 (how much evidence stands behind the score); the words are what visitors see.
# Below the scorer's LOW_CONFIDENCE its "why" line says "early estimate", so that is "low" here too.
HIGH_CONFIDENCE = 0.7
MEDIUM_CONFIDENCE = LOW_CONFIDENCE
UNKNOWN_HTML = '<span class="unknown">—<span class="visually-hidden"> not available</span></span>'


class ScorePoint(Protocol):
    date: dt.date
    score: float


@register.filter
def confidence_label(value: float | None) -> str:
    """'high', 'medium' or 'low' confidence; '' when the creator has not been scored."""
    if value is None:
        return ""
    if value >= HIGH_CONFIDENCE:
        return "high"
    if value >= MEDIUM_CONFIDENCE:
        return "medium"
    return "low"


@register.filter
def score_number(value: float | None) -> str:
    """A score rounded to a whole number for display; '—' when there is none."""
    if value is None:
        return "—"
    return str(round(float(value)))


@register.filter
def stat(value: Any) -> SafeString:
    """A measurement for display: thousands separated; unknown (None) is '—', never 0."""
    if value is None or value == "":
        return mark_safe(UNKNOWN_HTML)  # noqa: S308 - constant markup
    if isinstance(value, float):
        value = round(value, 1)
    return format_html("{}", intcomma(value))


@register.simple_tag
def snapshot_stat(snapshot: Any, name: str) -> SafeString:
    """A snapshot's measurement for display, said as "at least N" when it is a lower bound."""
    value = getattr(snapshot, name)
    shown = stat(value)
    if value is not None and name in (snapshot.lower_bounds or ()):
        return format_html("at least {}", shown)
    return shown


@register.filter
def percent(value: float | None) -> str:
    """0.3 -> '30%'; None -> '—'."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"


@register.filter
def out_of_100(value: float | None) -> str:
    """A 0-1 component value shown on the same 0-100 scale as the score."""
    if value is None:
        return "—"
    return str(round(float(value) * 100))


@register.simple_tag
def score_delta(delta: float | None) -> SafeString:
    """Movement since last week in words, the same for every reader: a calm neutral line, not a
    red/green arrow beside a person's name."""
    if delta is None:
        return mark_safe("")
    points = round(float(delta))
    if points == 0:
        text = "same as last week"
    else:
        text = f"{'up' if points > 0 else 'down'} {abs(points)} since last week"
    return format_html('<span class="delta">{}</span>', text)


@register.simple_tag
def page_window(page_obj: Any, around: int = 2) -> list[int | None]:
    """Page numbers to link to: first, last and `around` either side of the current page.

    None marks a gap (rendered as an ellipsis), so a 400-page result stays a short list.
    """
    last = page_obj.paginator.num_pages
    current = page_obj.number
    wanted = {1, last, *range(current - around, current + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    for n in numbers:
        if window and n - (window[-1] or 0) > 1:
            window.append(None)
        window.append(n)
    return window


def _chart_dates(points: Sequence[ScorePoint]) -> tuple[dt.date, int]:
    first = points[0].date
    span = max((points[-1].date - first).days, 1)
    return first, span


@register.simple_tag
def score_chart(
    points: Iterable[ScorePoint],
    chart_id: str = "score-chart",
    width: int = 320,
    height: int = 90,
) -> SafeString:
    """An accessible SVG line chart of score history (oldest first), on a fixed 0-100 scale.

    The scale is fixed rather than fitted to the data so that small wobbles do not look like
    dramatic swings. <title> and <desc> give the same facts in words.
    """
    points = sorted(points, key=lambda p: p.date)
    if not points:
        return mark_safe("")
    pad = 6
    first_date, span = _chart_dates(points)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def xy(p: ScorePoint) -> tuple[float, float]:
        x = pad + inner_w * ((p.date - first_date).days / span if len(points) > 1 else 0.5)
        y = pad + inner_h * (1 - max(0.0, min(100.0, float(p.score))) / 100)
        return round(x, 1), round(y, 1)

    coords = [xy(p) for p in points]
    scores = [float(p.score) for p in points]
    first, last = points[0], points[-1]
    if len(points) == 1:
        description = (
            f"One point: {round(last.score)} on {date_format(last.date, 'j F Y')}. Scale 0 to 100."
        )
    else:
        description = (
            f"{len(points)} points from {date_format(first.date, 'j F Y')} "
            f"({round(first.score)}) to {date_format(last.date, 'j F Y')} "
            f"({round(last.score)}). Lowest {round(min(scores))}, highest "
            f"{round(max(scores))}. Scale 0 to 100."
        )
    mid_y = pad + inner_h / 2
    line = (
        format_html(
            '<polyline class="chart-line" fill="none" points="{}"/>',
            " ".join(f"{x},{y}" for x, y in coords),
        )
        if len(coords) > 1
        else mark_safe("")
    )
    end_x, end_y = coords[-1]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="score-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="none">'
        '<title id="{id}-title">Interactivity score over time</title>'
        '<desc id="{id}-desc">{desc}</desc>'
        '<rect class="chart-frame" x="{pad}" y="{pad}" width="{iw}" height="{ih}" fill="none"/>'
        '<line class="chart-mid" x1="{pad}" x2="{right}" y1="{mid}" y2="{mid}"/>'
        "{line}"
        '<circle class="chart-dot" cx="{ex}" cy="{ey}" r="3"/>'
        "</svg>",
        w=width,
        h=height,
        id=chart_id,
        desc=description,
        pad=pad,
        iw=inner_w,
        ih=inner_h,
        right=width - pad,
        mid=round(mid_y, 1),
        line=line,
        ex=end_x,
        ey=end_y,
    )


@register.simple_tag
def platform_badges(links: Iterable[Any]) -> SafeString:
    """One label per distinct platform of a creator's public links, in a stable order."""
    labels = _platform_labels(get_language())
    seen = {link.platform: labels.get(link.platform, link.platform) for link in links}
    return format_html_join(
        "",
        '<li class="platform platform-{}">{}</li>',
        sorted(seen.items(), key=lambda item: item[1].lower()),
    )


@functools.cache
def _platform_labels(language: str | None) -> dict[str, str]:
    """Platform labels in one language, translated once per process rather than once per link
    (get_platform_display() was a fifth of the list page's time)."""
    from directory.models import Platform

    return {value: str(label) for value, label in Platform.choices}


@register.simple_tag
def creator_card(creator: Any, cards: Any = None) -> SafeString:
    """One list card (partials/creator_card.html), from the page's CardCache when it has it."""
    html = cards.get(creator.pk) if cards is not None else None
    if html is None:
        html = render_to_string("partials/creator_card.html", {"creator": creator})
        if cards is not None:
            cards.store(creator.pk, html)
    return mark_safe(html)  # noqa: S308 - our own template's output
