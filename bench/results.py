"""Merging the bench sections' results into `var/bench/results.json`, and the table on stdout.

Pure functions (no Django, no database), so the merge rules are unit-tested on their own
(tests/test_bench_results.py). The rules are those of the `make bench` contract:

- every section returns one JSON object per size; they are merged per size into `by_size`;
- the figures the issue compares across sizes (`SIZE_KEYED`) become objects keyed by creator
  count, e.g. `"list.p95_ms": {"20000": 12.1, "100000": 14.0}`;
- every other figure is taken from the largest size that measured it (the importer runs once,
  at the smallest size);
- results.json has both the nested objects and flat dotted keys, and every key the issue names
  is present (null when its section did not run), so a reader can always look it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Figures compared across directory sizes: nested and flat, keyed by creator count.
SIZE_KEYED = frozenset(
    {
        "list.p50_ms",
        "list.p95_ms",
        "list.p99_ms",
        "list.last_page_p95_ms",
        "api.p50_ms",
        "api.p95_ms",
        "api.p99_ms",
        "search.p95_ms",
        "refresh_one.ms",
        "refresh_one.queries",
        "seed.seconds",
    }
)

# Every key issue #13 names, with its target (for the table and docs/performance.md).
TARGETS: dict[str, str] = {
    "list.p95_ms": "≤ 30 ms at 20k; ≤ 1.5× that at 100k",
    "api.p95_ms": "≤ 30 ms at 20k; ≤ 1.5× that at 100k",
    "list.last_page_p95_ms": "≤ 2× page 1",
    "search.p95_ms": "≤ 50 ms at 100k",
    "floor_ratio_p50": "≤ 3",
    "http.static_rps": "(the ceiling)",
    "http.list_cached_rps": "≥ 50% of static",
    "http.list_uncached_rps": "≥ 150",
    "http.errors": "0",
    "recompute.creators": "(all)",
    "recompute.seconds": "≤ 60 s at 100k",
    "recompute.peak_mb": "≤ 500 MB",
    "refresh_one.ms": "flat across sizes",
    "refresh_one.queries": "same at 20k and 100k",
    "refresh.ideal_ratio": "≥ 0.6",
    "import.creators_per_s": "≥ 1,000",
}
REQUIRED_KEYS = tuple(TARGETS)


def flatten(nested: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} → {"a.b": 1}; size-keyed objects stay whole (they are one figure)."""
    flat: dict[str, Any] = {}
    for key, value in nested.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and path not in SIZE_KEYED:
            flat.update(flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def merge_sections(sections: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """One size's section results merged into one object (later sections add keys)."""
    merged: dict[str, Any] = {}
    for result in sections:
        for path, value in flatten(result).items():
            _set_path(merged, path, value)
    return merged


def merge_results(
    by_size: Mapping[int, Mapping[str, Any]],
    *,
    machine: Mapping[str, Any] | None = None,
    status: Mapping[int, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The results.json document for {size: merged section results}."""
    sizes = sorted(by_size)
    values: dict[str, Any] = {}
    for size in sizes:  # ascending: a larger size's scalar overwrites a smaller one's
        for path, value in flatten(by_size[size]).items():
            if path in SIZE_KEYED:
                values.setdefault(path, {})[str(size)] = value
            else:
                values[path] = value
    for path in REQUIRED_KEYS:
        values.setdefault(path, {str(s): None for s in sizes} if path in SIZE_KEYED else None)
    nested: dict[str, Any] = {}
    for path, value in values.items():
        _set_path(nested, path, value)
    return {
        **nested,
        **dict(sorted(values.items())),
        "sizes": sizes,
        "machine": dict(machine or {}),
        "status": {str(s): dict(v) for s, v in (status or {}).items()},
        "by_size": {str(s): by_size[s] for s in sizes},
    }


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def results_table(results: Mapping[str, Any]) -> str:
    """A plain-text table: one row per figure, one column per size (scalars under the largest)."""
    sizes = [str(s) for s in results.get("sizes", [])]
    flat = {
        k: v for k, v in results.items() if "." in k or k in REQUIRED_KEYS or k == "floor_ratio_p50"
    }
    rows = [("figure", *sizes, "target")]
    for key in sorted(flat, key=lambda k: (k not in TARGETS, k)):
        value = flat[key]
        if isinstance(value, Mapping) and key in SIZE_KEYED:
            cells = [_cell(value.get(s)) for s in sizes]
        elif isinstance(value, Mapping):
            continue  # its leaves have their own rows
        else:
            cells = ["" for _ in sizes[:-1]] + [_cell(value)] if sizes else [_cell(value)]
        rows.append((key, *cells, TARGETS.get(key, "")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)
