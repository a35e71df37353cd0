"""Unit tests for directory_tags: score display, movement, stats and the SVG chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template

from directory.templatetags import directory_tags as tags


@dataclass(frozen=True)
class Point:
    date: dt.date
    score: float


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (None, ""),
        (0.0, "low"),
        (0.29, "low"),
        (0.3, "medium"),
        (0.69, "medium"),
        (0.7, "high"),
        (1.0, "high"),
    ],
)
def test_confidence_label(value, label):
    assert tags.confidence_label(value) == label


@pytest.mark.parametrize(("value", "shown"), [(None, "—"), (72.4, "72"), (72.5, "72"), (0.0, "0")])
def test_score_number(value, shown):
    assert tags.score_number(value) == shown


def test_stat_shows_unknown_as_a_dash_with_words_and_zero_as_zero():
    assert "not available" in tags.stat(None)
    assert "—" in tags.stat(None)
    assert tags.stat(0) == "0"
    assert tags.stat(40000) == "40,000"
    assert tags.stat(2.345) == "2.3"


def test_stat_escapes_strings():
    assert tags.stat("<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "—"), (0.3, "30%"), (0.333, "33%"), (1, "100%")]
)
def test_percent(value, shown):
    assert tags.percent(value) == shown


def test_out_of_100():
    assert tags.out_of_100(0.91) == "91"
    assert tags.out_of_100(None) == "—"


def test_score_delta_up_down_same_and_none():
    # Issue #12 item 2: the same calm words for everyone, no arrows.
    up = tags.score_delta(3.2)
    assert up == '<span class="delta">up 3 since last week</span>'
    down = tags.score_delta(-1.0)
    assert "down 1 since last week" in down and "↓" not in down
    same = tags.score_delta(0.3)
    assert "same as last week" in same
    assert tags.score_delta(None) == ""


def test_page_window_marks_gaps():
    paginator = Paginator(range(24 * 20), 24)
    assert tags.page_window(paginator.page(1)) == [1, 2, 3, None, 20]
    assert tags.page_window(paginator.page(10)) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert tags.page_window(Paginator(range(30), 24).page(2)) == [1, 2]


def _svg(html: str) -> ET.Element:
    return ET.fromstring(str(html))  # noqa: S314 - our own markup


def test_score_chart_is_valid_svg_with_title_and_desc():
    today = dt.date(2026, 5, 1)
    points = [Point(today - dt.timedelta(days=d), 50 + d) for d in (30, 0, 15)]  # unsorted
    svg = _svg(tags.score_chart(points, chart_id="c1"))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{ns}title").text == "Interactivity score over time"
    desc = svg.find(f"{ns}desc").text
    assert "3 points from 1 April 2026 (80) to 1 May 2026 (50)" in desc
    assert "Lowest 50, highest 80" in desc
    coords = [
        tuple(map(float, p.split(","))) for p in svg.find(f"{ns}polyline").get("points").split()
    ]
    xs = [x for x, _ in coords]
    assert xs == sorted(xs)  # drawn oldest to newest
    # Higher score is drawn higher (smaller y): the oldest point (80) is above the newest (50).
    assert coords[0][1] < coords[-1][1]


def test_score_chart_uses_a_fixed_0_to_100_scale():
    day = dt.date(2026, 1, 1)
    svg = _svg(tags.score_chart([Point(day, 0), Point(day + dt.timedelta(days=1), 100)], height=90))
    ns = "{http://www.w3.org/2000/svg}"
    (x0, y0), (x1, y1) = (
        tuple(map(float, p.split(","))) for p in svg.find(f"{ns}polyline").get("points").split()
    )
    assert y0 == 84.0 and y1 == 6.0  # bottom and top of the padded plot area


def test_score_chart_single_point_and_empty():
    svg = _svg(tags.score_chart([Point(dt.date(2026, 1, 1), 42)]))
    assert svg.find("{http://www.w3.org/2000/svg}polyline") is None
    assert "One point: 42" in svg.find("{http://www.w3.org/2000/svg}desc").text
    assert tags.score_chart([]) == ""


def test_score_chart_escapes_the_id():
    html = str(tags.score_chart([Point(dt.date(2026, 1, 1), 42)], chart_id='x"><script>'))
    assert "<script>" not in html


def test_platform_badges_are_distinct_and_sorted():
    def link(platform, label):
        return SimpleNamespace(platform=platform, get_platform_display=lambda: label)

    html = tags.platform_badges([link("youtube", "YouTube"), link("blog", "Blog / RSS"),
                                 link("youtube", "YouTube")])  # fmt: skip
    assert html == (
        '<li class="platform platform-blog">Blog / RSS</li>'
        '<li class="platform platform-youtube">YouTube</li>'
    )


def test_tags_load_in_a_template():
    rendered = Template(
        "{% load directory_tags %}{{ c|confidence_label }}|{{ s|score_number }}|{% score_delta d %}"
    ).render(Context({"c": 0.8, "s": 71.6, "d": 2}))
    assert rendered.startswith("high|72|")
    assert "up 2 since last week" in rendered
