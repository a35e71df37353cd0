"""Template filters for rendered documents (docs/scoring.md on /about/scoring/).

Wide tables in a rendered document cannot fit a phone screen without breaking words letter by
letter, so each one scrolls sideways inside its own box. A scrolling box must be reachable from
the keyboard (WCAG 2.1.1; axe rule scrollable-region-focusable), and once focusable it needs a
name, so it becomes a named region: the heading it sits under, numbered when one heading has
several tables so that every region's name is unique.
"""

from __future__ import annotations

import html
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

_HEADING_OR_TABLE = re.compile(
    r"<h[2-6][^>]*>(?P<heading>.*?)</h[2-6]>|(?P<table><table\b.*?</table>)", re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")


@register.filter
def scrollable_tables(document: str) -> SafeString:
    """Wrap each <table> of trusted, already-rendered HTML in a focusable, named scroll box."""
    if not isinstance(document, SafeData):
        # Only HTML already marked safe is trusted; anything else is shown as text.
        return escape(document)
    heading = "Table"
    seen: dict[str, int] = {}

    def wrap(match: re.Match[str]) -> str:
        nonlocal heading
        if match.group("heading") is not None:
            heading = html.unescape(_TAG.sub("", match.group("heading"))).strip() or "Table"
            return match.group(0)
        seen[heading] = seen.get(heading, 0) + 1
        label = heading if seen[heading] == 1 else f"{heading} (table {seen[heading]})"
        return (
            f'<div class="table-scroll" role="region" tabindex="0" '
            f'aria-label="{html.escape(label)}">{match.group("table")}</div>'
        )

    # The input is marked safe: the repository's own document rendered by markdown (see
    # views._render_markdown). Only the attribute values built here need escaping.
    return mark_safe(_HEADING_OR_TABLE.sub(wrap, str(document)))  # noqa: S308
