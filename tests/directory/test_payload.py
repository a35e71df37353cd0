"""The one int parser and the one date parser for platform payloads."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.platforms.payload import parse_datetime, to_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 7 ", 7), (0, 0), (-1, None), ("-1", None), (True, None)]
    + [(None, None), ("", None), ("1.5", None), ("²", None), (3.0, None), ("12k", None)],
)
def test_to_int_reads_counts_and_refuses_the_rest(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-29T08:15:00.000Z", dt.datetime(2025, 6, 29, 8, 15, tzinfo=dt.UTC)),
        ("2025-06-29T10:15:00+02:00", dt.datetime(2025, 6, 29, 8, 15, tzinfo=dt.UTC)),
        # Bluesky: nine fractional digits; WordPress date_gmt: no offset, UTC by definition.
        ("2025-06-29T08:15:00.123456789Z", dt.datetime(2025, 6, 29, 8, 15, 0, 123456, dt.UTC)),
        ("2025-06-29T08:15:00", dt.datetime(2025, 6, 29, 8, 15, tzinfo=dt.UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
        (1719648900, None),
    ],
)
def test_parse_datetime_reads_every_platforms_spelling(value, expected):
    assert parse_datetime(value) == expected
