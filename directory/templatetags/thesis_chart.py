"""A server-rendered SVG scatter of every listed creator's followers (log scale) against their
interactivity score: the directory's thesis at a glance, that big is not the same as
conversational. No JavaScript; <title> and <desc> say in words what the dots show, including the
Spearman rank correlation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from directory.scoring.stats import spearman

register = template.Library()

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 44


def _tick_label(power: int) -> str:
    value = 10**power
    if value >= 1_000_000:
        return f"{value // 1_000_000}M"
    if value >= 1_000:
        return f"{value // 1_000}k"
    return str(value)


@register.simple_tag
def followers_score_chart(points: Sequence[tuple[int, float]]) -> SafeString:
    """`points` are (followers, score) pairs of listed, scored creators."""
    points = [(int(f), float(s)) for f, s in points if f is not None and s is not None]
    if len(points) < 2:
        return mark_safe("")
    top_power = max(1, math.ceil(math.log10(max(f for f, _ in points) + 1)))
    # The axis starts at the smallest audience's power of ten, so the dots use the width.
    low_power = min(top_power - 1, int(math.log10(min(f for f, _ in points) + 1)))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(followers: int) -> float:
        share = (math.log10(followers + 1) - low_power) / (top_power - low_power)
        return round(LEFT + inner_w * max(0.0, share), 1)

    def y(score: float) -> float:
        return round(TOP + inner_h * (1 - max(0.0, min(100.0, score)) / 100), 1)

    rho = spearman([f for f, _ in points], [s for _, s in points])
    relation = (
        "no clear relation"
        if rho is None or abs(rho) < 0.3
        else ("a weak relation" if abs(rho) < 0.6 else "a strong relation")
    )
    rho_text = "" if rho is None else f" (Spearman rank correlation {rho:.2f})"
    biggest = max(points)
    best = max(points, key=lambda p: p[1])
    description = (
        f"{len(points)} creators. Followers and score show {relation}{rho_text}. "
        f"The largest audience, {biggest[0]:,} followers, scores {round(biggest[1])}; "
        f"the highest score, {round(best[1])}, belongs to an account with {best[0]:,} followers."
    )
    x_ticks = format_html_join(
        "",
        '<line class="grid" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>'
        '<text class="tick" x="{0}" y="{3}" text-anchor="middle">{4}</text>',
        (
            (x(10**p - 1), TOP, TOP + inner_h, HEIGHT - BOTTOM + 16, _tick_label(p))
            for p in range(low_power, top_power + 1)
        ),
    )
    y_ticks = format_html_join(
        "",
        '<line class="grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
        '<text class="tick" x="{3}" y="{4}" text-anchor="end">{5}</text>',
        ((LEFT, WIDTH - RIGHT, y(s), LEFT - 6, y(s) + 4, s) for s in (0, 25, 50, 75, 100)),
    )
    dots = format_html_join(
        "", '<circle class="dot" cx="{}" cy="{}" r="4"/>', ((x(f), y(s)) for f, s in points)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="thesis-chart" role="img" '
        'viewBox="0 0 {w} {h}" aria-labelledby="thesis-title thesis-desc">'
        '<title id="thesis-title">Followers against interactivity score</title>'
        '<desc id="thesis-desc">{desc}</desc>{xt}{yt}{dots}'
        '<text class="axis" x="{cx}" y="{h2}" text-anchor="middle">Followers (log scale)</text>'
        '<text class="axis" x="12" y="{cy}" text-anchor="middle" '
        'transform="rotate(-90 12 {cy})">Score</text></svg>',
        w=WIDTH,
        h=HEIGHT,
        desc=description,
        xt=x_ticks,
        yt=y_ticks,
        dots=dots,
        cx=LEFT + inner_w // 2,
        h2=HEIGHT - 6,
        cy=TOP + inner_h // 2,
    )
