"""make bench: how bench/run.py merges the sections' results (pure functions, no database)."""

from __future__ import annotations

import pytest

from bench.results import REQUIRED_KEYS, flatten, merge_results, merge_sections, results_table
from bench.run import bench_database_url, last_json_line, parse_sizes, run_section

LISTING = {
    "list": {"p50_ms": 8.0, "p95_ms": 12.1, "p99_ms": 20.0, "last_page_p95_ms": 13.0},
    "api": {"p50_ms": 6.0, "p95_ms": 9.0, "p99_ms": 11.0},
    "search": {"p95_ms": 30.0},
    "floor_ratio_p50": 1.9,
    "requests": 240,
}
HTTP = {"http": {"static_rps": 4200, "errors": 0, "p99_ms": {"static": 3.0, "list_cached": 9.0}}}
SCORING = {
    "recompute": {"creators": 20000, "seconds": 9.5, "peak_mb": 120},
    "refresh_one": {"ms": 14.0, "queries": 11},
}
IMPORTING = {"import": {"creators": 5000, "creators_per_s": 2100.0}}


@pytest.fixture
def results():
    small = merge_sections([LISTING, HTTP, SCORING, IMPORTING, {"seed": {"seconds": 16.0}}])
    large_listing = {**LISTING, "list": {**LISTING["list"], "p95_ms": 14.0}, "floor_ratio_p50": 2.2}
    large_scoring = {"recompute": {"creators": 100000, "seconds": 40.0, "peak_mb": 300}}
    large = merge_sections([large_listing, large_scoring, {"refresh_one": {"ms": 15.0}}])
    return merge_results({100000: large, 20000: small}, machine={"cores": 2})


def test_size_keyed_figures_are_keyed_by_creator_count_nested_and_flat(results):
    assert results["list.p95_ms"] == {"20000": 12.1, "100000": 14.0}
    assert results["list"]["p95_ms"] == {"20000": 12.1, "100000": 14.0}
    assert results["refresh_one.ms"] == {"20000": 14.0, "100000": 15.0}
    assert results["refresh_one"]["queries"] == {"20000": 11}


def test_scalars_come_from_the_largest_size_that_measured_them(results):
    assert results["floor_ratio_p50"] == 2.2
    assert results["recompute.seconds"] == 40.0 and results["recompute"]["creators"] == 100000
    # The importer runs once, at the smallest size; HTTP ran only there in this example.
    assert results["import.creators_per_s"] == 2100.0
    assert results["http.static_rps"] == 4200 and results["http"]["errors"] == 0


def test_nested_objects_that_are_not_sizes_flatten_to_their_leaves(results):
    assert results["http.p99_ms.static"] == 3.0
    assert results["http"]["p99_ms"]["list_cached"] == 9.0


def test_every_key_the_issue_names_is_present_even_when_not_measured(results):
    for key in REQUIRED_KEYS:
        assert key in results
    assert results["http.list_uncached_rps"] is None
    assert results["refresh.ideal_ratio"] is None


def test_raw_results_machine_and_sizes_are_kept(results):
    assert results["sizes"] == [20000, 100000]
    assert results["machine"] == {"cores": 2}
    assert results["by_size"]["20000"]["search"]["p95_ms"] == 30.0
    assert results["seed.seconds"] == {"20000": 16.0}


def test_a_section_adds_to_another_sections_object():
    merged = merge_sections([{"http": {"static_rps": 1}}, {"http": {"errors": 0}}])
    assert merged == {"http": {"static_rps": 1, "errors": 0}}


def test_flatten_keeps_size_keyed_objects_whole():
    assert flatten({"list": {"p95_ms": {"20000": 1.0}}, "x": {"y": {"z": 2}}}) == {
        "list.p95_ms": {"20000": 1.0},
        "x.y.z": 2,
    }


def test_table_has_a_row_per_figure_a_column_per_size_and_dashes_for_missing(results):
    table = results_table(results)
    header, rule, *rows = table.splitlines()
    assert header.split()[:3] == ["figure", "20000", "100000"]
    row = next(r for r in rows if r.startswith("list.p95_ms "))
    assert "12.10" in row and "14.00" in row and "≤ 30 ms" in row
    assert any(r.startswith("http.list_uncached_rps ") and "—" in r for r in rows)


def test_last_json_line_is_the_result():
    assert last_json_line('progress…\n{"a": 1}\n\n') == {"a": 1}
    assert last_json_line('{"a": 1}\ndone\n') is None
    assert last_json_line("[1, 2]") is None
    assert last_json_line("") is None


def test_a_missing_section_is_reported_not_fatal():
    result, status = run_section("no_such_section", 10, {})
    assert result == {}
    assert status.startswith("missing")


def test_bench_database_is_named_after_the_configured_one():
    assert (
        bench_database_url("postgres://postgres@127.0.0.1:5432/mhv_p3")
        == "postgres://postgres@127.0.0.1:5432/mhv_p3_bench"
    )


def test_sizes_are_parsed_or_refused_clearly():
    import argparse

    assert parse_sizes("2000, 10_000") == [2000, 10000]
    with pytest.raises(argparse.ArgumentTypeError, match="comma"):
        parse_sizes("20k")
    with pytest.raises(argparse.ArgumentTypeError, match="positive"):
        parse_sizes("0")
