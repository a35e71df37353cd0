"""Import validation: every problem is reported, each with its path, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from directory.models import Creator
from directory.services.imports import ImportValidationError, creators_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"


def problems_of(data) -> list[str]:
    with pytest.raises(ImportValidationError) as info:
        creators_import(data)
    assert Creator.objects.count() == 0
    return [str(p) for p in info.value.problems]


def one(creator: dict) -> dict:
    return {"format": "mhvoices/1", "creators": [creator]}


def with_link(link: dict) -> dict:
    return one({"name": "A", "links": [link]})


def with_snapshot(snapshot: dict) -> dict:
    return with_link({"url": "https://a.example.org/", "snapshots": [snapshot]})


def test_the_invalid_fixture_reports_every_problem_with_its_path():
    data = json.loads((FIXTURES / "invalid.json").read_text())
    found = problems_of(data)
    paths = [p.split(": ", 1)[0] for p in found]
    assert paths == [
        "extra",
        "format",
        "creators[0].name",
        "creators[1].slug",
        "creators[2].colour",
        "creators[2].creator_type",
        "creators[2].status",
        "creators[2].country",
        "creators[2].topics[1]",
        "creators[2].languages[1]",
        "creators[3].links[0].url",
        "creators[3].links[1].url",
        "creators[3].links[2].url",
        "creators[3].links[3].platform",
        "creators[3].links[4].snapshots[0].mood",
        "creators[3].links[4].snapshots[0].captured_at",
        "creators[3].links[4].snapshots[0].source",
        "creators[3].links[4].snapshots[0].followers",
        "creators[3].links[4].snapshots[0].following",
        "creators[3].links[4].snapshots[1].captured_at",
        "creators[3].links[4].snapshots[2].captured_at",
        "creators[3].links[4].snapshots[2].last_post_at",
        "creators[5].slug",
        "creators[5].links[0].url",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], "(document): must be a JSON object"),
        ({"creators": []}, "format: must be 'mhvoices/1'"),
        ({"format": "mhvoices/1"}, "creators: must be a list of creators"),
        ({"format": "mhvoices/1", "creators": ["Sam"]}, "creators[0]: must be an object"),
        (one({"bio": "no name"}), "creators[0].name: is required"),
        (one({"name": "   "}), "creators[0].name: must not be empty"),
        (one({"name": 5}), "creators[0].name: must be a string"),
        (one({"name": "x" * 121}), "creators[0].name: too long (121 characters; at most 120)"),
        (one({"name": "A", "slug": "Sam Lee"}), "creators[0].slug: not a valid slug"),
        (one({"name": "A", "slug": "a" * 141}), "creators[0].slug: too long"),
        (one({"name": "A", "creator_type": "guru"}), "creators[0].creator_type: unknown creator"),
        (one({"name": "A", "status": "live"}), "creators[0].status: unknown status 'live'"),
        (one({"name": "A", "topics": ["astrology"]}), "creators[0].topics[0]: unknown topic"),
        (one({"name": "A", "topics": "anxiety"}), "creators[0].topics: must be a list"),
        (one({"name": "A", "languages": ["xx"]}), "creators[0].languages[0]: unknown language"),
        (one({"name": "A", "country": "Narnia"}), "creators[0].country: unknown country code"),
        (one({"name": "A", "is_demo": "yes"}), "creators[0].is_demo: must be true or false"),
        (one({"name": "A", "on_break_until": "soon"}), "creators[0].on_break_until: not an ISO"),
        (one({"name": "A", "followers": 5}), "creators[0].followers: unknown field"),
        (one({"name": "A", "links": {}}), "creators[0].links: must be a list of links"),
        (with_link({}), "creators[0].links[0].url: is required"),
        (with_link({"url": 42}), "creators[0].links[0].url: not a valid http(s) URL"),
        (with_link({"url": "javascript:alert(1)"}), "links[0].url: not a valid http(s) URL"),
        (with_link({"url": "https://"}), "links[0].url: not a valid http(s) URL"),
        (with_link({"url": "http://localhost/feed"}), "links[0].url: points at a private"),
        (with_link({"url": "http://10.0.0.5/"}), "links[0].url: points at a private"),
        (with_link({"url": "http://169.254.169.254/"}), "links[0].url: points at a private"),
        (with_link({"url": "https://a.example.org:8443/"}), "links[0].url: not a valid http(s)"),
        (
            with_link({"platform": "youtube", "url": "https://a.example.org/"}),
            "links[0].url: this looks like",
        ),
        (
            with_link({"platform": "bluesky", "url": "https://www.youtube.com/@someone"}),
            "links[0].url: this looks like a YouTube address",
        ),
        (with_link({"platform": "orkut", "url": "https://a.org/"}), "links[0].platform: unknown"),
        (with_link({"url": "https://a.org/", "verified": 1}), "links[0].verified: must be true"),
        (with_link({"url": "https://a.org/", "handle": 7}), "links[0].handle: must be a string"),
        (with_link({"url": "https://a.org/", "snapshots": {}}), "snapshots: must be a list"),
        (with_link({"url": "https://a.org/", "owner": "me"}), "links[0].owner: unknown field"),
        (with_snapshot({"followers": 1}), "snapshots[0].captured_at: is required"),
        (with_snapshot({"captured_at": "2025-02-30T00:00:00Z"}), "snapshots[0].captured_at: not"),
        (with_snapshot({"captured_at": "2025-01-01"}), "snapshots[0].captured_at: not an ISO"),
        (
            with_snapshot({"captured_at": "2025-01-01T10:00:00"}),
            "snapshots[0].captured_at: not an ISO 8601 date-time with a time zone",
        ),
        (with_snapshot({"captured_at": "2999-01-01T00:00:00Z"}), "captured_at: is in the future"),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "source": "guess"}),
            "snapshots[0].source: unknown source 'guess'",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "followers": -1}),
            "snapshots[0].followers: must not be negative",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "followers": 2.5}),
            "snapshots[0].followers: must be a whole number or null",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "comments_in_window": "12"}),
            "snapshots[0].comments_in_window: must be a whole number or null",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "posts_in_window": True}),
            "snapshots[0].posts_in_window: must be a whole number or null",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "posts_in_window": 2**40}),
            "snapshots[0].posts_in_window: is too large",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "window_days": 0}),
            "snapshots[0].window_days: must be at least 1 day",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "last_post_at": 1735689600}),
            "snapshots[0].last_post_at: not an ISO",
        ),
        (
            with_snapshot({"captured_at": "2025-01-01T00:00:00Z", "notes": "x" * 301}),
            "snapshots[0].notes: too long",
        ),
    ],
)
def test_problem_is_reported_with_its_path(data, expected):
    found = problems_of(data)
    assert any(expected in p for p in found), found


def test_duplicate_slugs_in_the_file():
    found = problems_of(
        {
            "format": "mhvoices/1",
            "creators": [{"name": "A", "slug": "same"}, {"name": "B", "slug": "same"}],
        }
    )
    assert found == ["creators[1].slug: duplicate slug 'same' (also used by creators[0])"]


def test_duplicate_links_in_the_file_compare_normalised_urls():
    found = problems_of(
        {
            "format": "mhvoices/1",
            "creators": [
                {"name": "A", "links": [{"url": "https://www.youtube.com/@someone"}]},
                {"name": "B", "links": [{"url": "https://youtube.com/@someone/videos"}]},
            ],
        }
    )
    assert len(found) == 1
    assert found[0].startswith("creators[1].links[0].url: the same account as creators[0].links[0]")


def test_two_snapshots_of_one_link_at_the_same_time():
    data = with_link(
        {
            "url": "https://a.example.org/",
            "snapshots": [
                {"captured_at": "2025-01-01T00:00:00Z"},
                {"captured_at": "2025-01-01T01:00:00+01:00"},
            ],
        }
    )
    assert problems_of(data) == [
        "creators[0].links[0].snapshots[1].captured_at: the same time as snapshots[0] of this link"
    ]


def test_problems_in_many_creators_are_all_reported():
    data = {
        "format": "mhvoices/1",
        "creators": [{"name": "ok"}] + [{"name": "A", "status": "nope"} for _ in range(5)],
    }
    found = problems_of(data)
    assert [p.split(":")[0] for p in found] == [f"creators[{i}].status" for i in range(1, 6)]
