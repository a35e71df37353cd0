"""`make bench` section 1 and 2: the list page and the API under a fixed mix of requests, and the
same requests' SQL run directly with psycopg (the floor).

    python -m bench.listing --size 20000      # against an already seeded DATABASE_URL

Server time is measured in-process with Django's test client (every middleware, no network).
Every timed request carries a parameter of its own (`_bench=<n>`, ignored by the views), so the
page cache always misses: these are the costs of building a page. A filter set's count is
cached by design (directory/pagination.py): a warm-up pass fills it, as the first visitor to a
filter set does. The cached pages are what bench.http measures under load. The database is
vacuumed and analysed first, as autovacuum would have done after the seeding's score
recompute. The last line printed is the section's JSON result
(the `make bench` contract in docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field

# Before Django reads its settings: no API throttle, production-like otherwise.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

SEED = 13
SORTS = ["interactivity", "followers", "recent", "newest", "name"]
SEARCH_TERMS = [
    "burnout", "anxiety", "grief", "ocd", "adhd", "recovery", "youtube", "mastodon",
    "kingdom", "peer", "nurse", "walk", "sleep depression", "therap", "a", "zzzz-nothing",
]  # fmt: skip


@dataclass
class Request:
    kind: str  # "list" or "api"
    params: dict[str, str]
    tag: str  # "filter", "sort", "combined", "search", "page1", "page10", "last"
    times_ms: list[float] = field(default_factory=list)
    sql_ms: float | None = None


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _choices() -> dict[str, list[str]]:
    from directory.models import Creator, Language, Platform, Topic

    countries = list(
        Creator.objects.listed()
        .exclude(country="")
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )
    return {
        "platform": [value for value, _label in Platform.choices],
        "topic": list(Topic.objects.order_by("slug").values_list("slug", flat=True)),
        "creator_type": ["lived_experience", "peer_supporter", "professional", "organisation"],
        "language": list(Language.objects.order_by("code").values_list("code", flat=True)),
        "country": countries or ["GB"],
    }


def _value(rng: random.Random, name: str, choices: dict[str, list[str]]) -> str:
    if name in choices:
        return rng.choice(choices[name])
    return {
        "min_followers": lambda: str(rng.choice([100, 1000, 10000])),
        "max_followers": lambda: str(rng.choice([50000, 200000])),
        "min_score": lambda: str(rng.choice([20, 50, 70])),
        "active_within_days": lambda: str(rng.choice([30, 90, 365])),
        "emerging": lambda: "true",
    }[name]()


def build_mix() -> list[Request]:
    """The fixed request mix: same seed, same requests, whatever the size."""
    rng = random.Random(SEED)  # noqa: S311 - a repeatable mix, not a secret
    choices = _choices()
    names = [*choices, "min_followers", "max_followers", "min_score", "active_within_days"]
    names.append("emerging")
    specs: list[tuple[dict[str, str], str]] = []
    for name in names:  # every filter alone (each choice-filter twice, different values)
        for _ in range(2 if name in choices else 1):
            specs.append(({name: _value(rng, name, choices)}, "filter"))
    for sort in SORTS:
        specs.append(({"ordering": sort}, "sort"))
    for _ in range(40):  # combined: 2-3 filters and a sort
        picked = rng.sample(names, rng.choice([2, 3]))
        params = {name: _value(rng, name, choices) for name in picked}
        params["ordering"] = rng.choice(SORTS)
        specs.append((params, "combined"))
    for term in SEARCH_TERMS:
        specs.append(({"q": term}, "search"))
    for sort in SORTS:
        specs.append(({"ordering": sort}, "page1"))
        specs.append(({"ordering": sort, "page": "10"}, "page10"))
        specs.append(({"ordering": sort, "page": "last"}, "last"))
    for _ in range(4):
        name = rng.choice(["platform", "topic", "creator_type", "country"])
        base = {name: _value(rng, name, choices)}
        specs.append(({**base, "page": "10"}, "page10"))
        specs.append(({**base, "page": "last"}, "last"))
    return [Request(kind, dict(params), tag) for kind in ("list", "api") for params, tag in specs]


def _resolve_last_pages(mix: list[Request]) -> None:
    from directory.filters import CreatorFilter
    from directory.models import Creator

    for request in mix:
        if request.params.get("page") != "last":
            continue
        data = {k: v for k, v in request.params.items() if k != "page"}
        count = CreatorFilter(data, queryset=Creator.objects.listed()).qs.count()
        request.params["page"] = str(max(1, math.ceil(count / 24)))


def settle_database() -> None:
    """VACUUM (ANALYZE) the listing's tables: a freshly seeded and re-scored directory has a dead
    row for every creator and no visibility map, which autovacuum would soon fix in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "directory_creator", "directory_creator_topics", "directory_creator_languages",
            "directory_platformlink", "directory_topic", "directory_language",
        ):  # fmt: skip
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def ensure_static() -> None:
    """Production settings serve hashed static names from a manifest: build it once."""
    from django.conf import settings
    from django.core.management import call_command

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def _url(request: Request) -> str:
    return "/" if request.kind == "list" else "/api/creators/"


def run(*, size: int, passes: int) -> dict:
    import django

    django.setup()
    from django.db import connection

    ensure_static()
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settle_database()
    mix = build_mix()
    _resolve_last_pages(mix)
    client = Client()
    statuses: dict[int, int] = {}
    serial = iter(range(10**9))
    run_id = os.urandom(
        4
    ).hex()  # a rerun within LISTING_CACHE_SECONDS must not hit the last's pages

    def get(request: Request):
        params = {**request.params, "_bench": f"{run_id}-{next(serial)}"}  # never a page-cache hit
        accept = "text/html" if request.kind == "list" else "application/json"
        return client.get(_url(request), params, secure=True, headers={"accept": accept})

    for request in mix:  # warm-up: code paths, connections, each filter set's count
        response = get(request)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    for request in mix:  # the SQL each request runs once warm
        with CaptureQueriesContext(connection) as captured:
            get(request)
        request.sql = _plain_sql(q["sql"] for q in captured.captured_queries)  # type: ignore[attr-defined]
    for _ in range(passes):
        for request in mix:
            start = time.perf_counter()
            get(request)
            request.times_ms.append((time.perf_counter() - start) * 1000)
    _measure_floor(mix, passes=passes)
    return _summary(mix, size=size, statuses=statuses)


def _plain_sql(statements) -> list[str]:
    """Server-side cursors (`.iterator()`) as the plain SELECT they wrap; FETCH/CLOSE dropped."""
    plain = []
    for sql in statements:
        head = sql.lstrip()[:8].upper()
        if head.startswith("DECLARE"):
            plain.append(sql.split(" FOR ", 1)[1])
        elif not head.startswith(("FETCH", "CLOSE")):
            plain.append(sql)
    return plain


def _measure_floor(mix: list[Request], *, passes: int) -> None:
    """Each request's captured SQL, re-run as is on a fresh psycopg connection: best of `passes`."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as conn:
        conn.autocommit = True
        for request in mix:
            best = math.inf
            for _ in range(passes + 1):
                start = time.perf_counter()
                with conn.cursor() as cursor:
                    for sql in request.sql:  # type: ignore[attr-defined]
                        cursor.execute(sql.encode(), prepare=False)
                        if cursor.description is not None:
                            cursor.fetchall()
                best = min(best, (time.perf_counter() - start) * 1000)
            request.sql_ms = best


def _summary(mix: list[Request], *, size: int, statuses: dict[int, int]) -> dict:
    def stats(requests: list[Request]) -> dict[str, float]:
        times = [t for r in requests for t in r.times_ms]
        return {
            "p50_ms": round(percentile(times, 50), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "p99_ms": round(percentile(times, 99), 2),
        }

    lists = [r for r in mix if r.kind == "list"]
    apis = [r for r in mix if r.kind == "api"]
    ratios = [statistics.median(r.times_ms) / r.sql_ms for r in mix if r.sql_ms]
    by_tag = {}
    for tag in sorted({r.tag for r in mix}):
        for kind, group in (("list", lists), ("api", apis)):
            by_tag[f"{kind}.{tag}"] = stats([r for r in group if r.tag == tag])
    search = [r for r in mix if r.tag == "search"]
    return {
        "list": {
            **stats(lists),
            "last_page_p95_ms": stats([r for r in lists if r.tag == "last"])["p95_ms"],
            "page1_p95_ms": stats([r for r in lists if r.tag == "page1"])["p95_ms"],
        },
        "api": {
            **stats(apis),
            "last_page_p95_ms": stats([r for r in apis if r.tag == "last"])["p95_ms"],
        },
        "search": stats(search),
        "floor_ratio_p50": round(statistics.median(ratios), 2),
        "floor_sql_p50_ms": round(statistics.median(r.sql_ms for r in mix if r.sql_ms), 2),
        "requests": len(mix),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "by_tag": by_tag,
        "size": size,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="creators seeded (for the record)")
    parser.add_argument("--passes", type=int, default=2, help="timed passes over the mix")
    args = parser.parse_args(argv)
    result = run(size=args.size, passes=args.passes)
    for key in ("list", "api", "search"):
        print(f"{key:7} {json.dumps(result[key])}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
