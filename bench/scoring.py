"""Bench section: the score recompute of every creator, and one link's refresh on its own.

`python -m bench.scoring --size N` against a seeded bench database prints (last line):
{"recompute": {"creators", "seconds", "peak_mb", "rows_written", ...},
 "refresh_one": {"ms", "queries", "runs", ...}}

- recompute: `creators_rescore()` of every creator, run in a child process of its own so that
  `peak_mb` is that process's peak resident memory (`ru_maxrss`, which includes Python and
  Django themselves, about 60-80 MB). `rows_written` is how many creator rows changed (a
  recompute writes only those). It runs as the daily task runs it, outside a transaction, so
  the next batch loads in a second thread (`loader_thread`). `--all-changed` measures the
  worst case instead, every row changed (stored scores are first marked stale inside a
  transaction that is rolled back afterwards, so batches load in turn; it leaves dead row
  versions behind, so it is not part of `make bench`).
- refresh_one: `link_refresh()` of a fetchable link with a fake adapter that answers at once
  (no network): from the fetch result to the stored snapshot and the creator's stored score.
  The median wall time and the SQL query count over RUNS different links.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import django_setup, emit, peak_rss_mb

RUNS = 21
ROOT = Path(__file__).resolve().parent.parent


def _recompute(all_changed: bool) -> dict[str, Any]:
    from django.db import transaction

    from directory.models import Creator
    from directory.services.scores import creators_rescore

    started = time.perf_counter()
    if all_changed:
        with transaction.atomic():
            Creator.objects.update(score_version="stale")
            result = creators_rescore()
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    else:
        # As the daily task and `manage.py recompute_scores` run it: outside a transaction, so
        # the next batch loads in a second thread while this one is scored. (Inside one, as
        # this bench ran it before, batches load in turn and the figure was not production's.)
        result = creators_rescore()
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "creators": result.scored,
        "seconds": round(seconds, 2),
        # This process's own CPU time (PostgreSQL's is not in it): on a machine shared with
        # other work, the wall time above says more about the neighbours than about us.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_mb": peak_rss_mb(),
        "peak_mb_method": "ru_maxrss of the recompute's own process (includes Django)",
        "rows_written": result.written,
        "history_written": result.history_written,
        "all_changed": all_changed,
        "loader_thread": not all_changed,
    }


def _recompute_in_child(all_changed: bool) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.scoring", "--size", "0", "--child"]
    if all_changed:
        args.append("--all-changed")
    proc = subprocess.run(  # noqa: S603 - our own module
        args, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"recompute failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class _AnswersAtOnce:
    """A platform adapter that returns a fixed, realistic measurement without any request."""

    def __init__(self) -> None:
        self.serial = 0

    def fetch(self, link, client, *, window_days: int):
        from django.utils import timezone

        from directory.platforms.base import FetchResult, Measurements

        self.serial += 1
        return FetchResult(
            measurements=Measurements(
                followers=1_800 + self.serial,
                following=120,
                posts_total=340,
                window_days=window_days,
                posts_in_window=15,
                comments_in_window=64,
                unique_commenters_in_window=38,
                posts_with_comments=12,
                creator_replies_in_window=29,
                posts_with_creator_reply=10,
                replies_to_others_in_window=8,
                likes_in_window=520,
                shares_in_window=None,
                last_post_at=timezone.now() - dt.timedelta(days=1),
            ),
        )


def _refresh_one() -> dict[str, Any]:
    import httpx
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from directory.models import PlatformLink
    from directory.services.refresh import bucket_start, link_refresh

    # Links not fetched in this hour's bucket yet (a second fetch in a bucket stores nothing).
    candidates = (
        PlatformLink.objects.fetchable()
        .filter(is_public=True)
        .exclude(latest_snapshot__captured_at__gte=bucket_start(timezone.now()))
    )
    total = candidates.count()
    step = max(1, total // RUNS)
    ids = list(candidates.order_by("pk").values_list("pk", flat=True)[::step][:RUNS])
    adapter = _AnswersAtOnce()
    times, queries, statuses = [], [], []
    with httpx.Client() as client:
        for link_id in ids:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                outcome = link_refresh(link_id=link_id, adapter=adapter, client=client)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured))
            statuses.append(outcome.status)
    # The first run also opens the connection and warms caches: leave it out.
    times, queries = times[1:], queries[1:]
    return {
        "ms": round(statistics.median(times), 2),
        "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
        "queries": int(statistics.median(queries)),
        "queries_max": max(queries),
        "runs": len(times),
        "statuses": sorted(set(statuses)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="creators in the bench database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--all-changed", action="store_true", help="worst case: every row")
    args = parser.parse_args(argv)
    if args.child:
        django_setup()
        emit(_recompute(args.all_changed))
        return
    recompute = _recompute_in_child(args.all_changed)
    django_setup()
    emit({"recompute": recompute, "refresh_one": _refresh_one(), "size": args.size})


if __name__ == "__main__":
    main()
