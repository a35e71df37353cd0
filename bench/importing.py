"""Bench section: `manage.py import_creators` speed and memory.

`python -m bench.importing --size N` writes N creators in the documented `mhvoices/1` format
(docs/import-format.md: about three links each across platforms, a few snapshots per link,
topics, languages, countries), as files under the format's 20,000,000-byte limit, and imports
them one after the other into a scratch database of its own (`<bench db>_import`, created and
dropped here) with one `manage.py import_creators FILE [FILE ...]` (one process, each file all
or nothing in turn). Prints (last line)
{"import": {"creators", "creators_per_s", "peak_mb", "file_mb", ...}}:

- creators_per_s: creators over the wall time of the import command (process start, parsing,
  validation, writing and scoring of every file included);
- cpu_seconds: the CPU time of the import process (user + system; PostgreSQL's is not in it),
  and load_average when it ended, since wall times on a shared machine are noisy;
- peak_mb: the peak resident memory (`ru_maxrss`) of the import process, with `file_mb` the
  size of the largest file; `small_file` gives the same for a process importing one file of
  200 creators, to show how memory follows the size of one document (the command lets go of
  each document before reading the next).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.common import emit

ROOT = Path(__file__).resolve().parent.parent
MAX_FILE_BYTES = 19_000_000  # under the import format's 20,000,000-byte limit
SNAPSHOTS_PER_LINK = 4
PLATFORMS = ("youtube", "bluesky", "mastodon", "blog", "substack", "instagram", "tiktok", "x")
TOPICS = ("anxiety", "depression", "adhd", "grief", "ocd", "general-wellbeing", "caregiving")
LANGUAGES = ("en", "fr", "de", "es", "pt-br", "nl")
COUNTRIES = ("GB", "US", "IE", "CA", "AU", "FR", "DE", "NZ", "")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def creator_document(index: int, rng: random.Random, now: dt.datetime) -> dict[str, Any]:
    """One creator in the import format (deterministic for a given rng state)."""
    from directory.services.bench_seed import bench_url

    handle = f"imp{index}_{rng.randrange(10**6)}"
    links = []
    for platform in rng.sample(PLATFORMS, rng.choice((1, 2, 3, 3, 4))):
        followers = int(rng.lognormvariate(7, 1.6))
        snapshots = []
        for step in range(SNAPSHOTS_PER_LINK):
            posts = rng.randrange(0, 30)
            commented = rng.randrange(0, posts + 1)
            comments = commented * rng.randrange(1, 8)
            snapshots.append(
                {
                    "captured_at": _iso(now - dt.timedelta(days=20 * step + 1, hours=index % 24)),
                    "source": "self_reported" if platform in ("instagram", "tiktok") else "api",
                    "followers": followers,
                    "following": rng.randrange(0, 2 * followers + 10),
                    "window_days": 90,
                    "posts_in_window": posts,
                    "comments_in_window": comments,
                    "posts_with_comments": commented,
                    "creator_replies_in_window": rng.randrange(0, comments + 1),
                    "posts_with_creator_reply": rng.randrange(0, commented + 1),
                    "replies_to_others_in_window": rng.randrange(0, 40),
                    "last_post_at": _iso(now - dt.timedelta(days=20 * step + 2)),
                }
            )
        links.append(
            {"platform": platform, "url": bench_url(platform, handle), "snapshots": snapshots}
        )
    return {
        "name": f"Import Creator {index}",
        "slug": f"import-creator-{index}",
        "bio": "Shares what helps on hard days, and answers the people who write in.",
        "creator_type": rng.choice(("lived_experience", "peer_supporter", "professional")),
        "topics": rng.sample(TOPICS, rng.randrange(1, 4)),
        "languages": rng.sample(LANGUAGES, rng.randrange(1, 3)),
        "country": rng.choice(COUNTRIES),
        "status": "approved",
        "links": links,
    }


def write_files(count: int, directory: Path, *, first: int = 0) -> list[tuple[Path, int]]:
    """`count` creators as import files of at most MAX_FILE_BYTES; [(path, creators)]."""
    rng = random.Random(20261202 + first)  # noqa: S311 - bench data, not secrets
    now = dt.datetime.now(dt.UTC)
    files: list[tuple[Path, int]] = []
    chunk: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal chunk, size
        if not chunk:
            return
        path = directory / f"import-{first}-{len(files):03d}.json"
        path.write_text('{"format": "mhvoices/1", "creators": [' + ",".join(chunk) + "]}")
        files.append((path, len(chunk)))
        chunk, size = [], 0

    for index in range(first, first + count):
        text = json.dumps(creator_document(index, rng, now))
        if size + len(text) + 64 > MAX_FILE_BYTES:
            flush()
        chunk.append(text)
        size += len(text) + 1
    flush()
    return files


def _scratch_url(database_url: str) -> str:
    parsed = urlparse(database_url)
    return urlunparse(parsed._replace(path=f"/{parsed.path.lstrip('/')}_import"))


def _admin(database_url: str, sql: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="creators to import")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    import django

    django.setup()
    database_url = os.environ["DATABASE_URL"]
    scratch = _scratch_url(database_url)
    name = urlparse(scratch).path.lstrip("/")
    env = {**os.environ, "DATABASE_URL": scratch, "DATABASE_STATEMENT_TIMEOUT": "0"}
    _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(database_url, f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with tempfile.TemporaryDirectory(prefix="mhv-bench-import-") as tmp:
            files = write_files(args.size, Path(tmp))
            small_path, small_count = write_files(200, Path(tmp), first=args.size)[0]
            # The small file is measured in a process of its own before any large one.
            small_seconds, small_peak, _cpu = _import_alone([small_path], env)
            # Every large file in one `import_creators` process, as a bulk load is run.
            total_seconds, peak, cpu = _import_alone([path for path, _ in files], env)
            biggest = max(path.stat().st_size for path, _ in files)
            result = {
                "creators": args.size,
                "files": len(files),
                "seconds": round(total_seconds, 1),
                "creators_per_s": round(args.size / total_seconds, 1),
                # The machine may be shared: the import's own CPU time, and how busy it was.
                "cpu_seconds": round(cpu, 1),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "peak_mb": peak,
                "peak_mb_method": "ru_maxrss of the import_creators processes",
                "file_mb": round(biggest / 1_000_000, 1),
                "small_file": {
                    "creators": small_count,
                    "file_mb": round(small_path.stat().st_size / 1_000_000, 2),
                    "peak_mb": small_peak,
                    "seconds": round(small_seconds, 2),
                },
            }
    finally:
        django.db.connections.close_all()
        _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    emit({"import": result})


def _import_alone(paths: list[Path], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds, peak MB, CPU seconds) of one `import_creators` process importing `paths` in
    turn, run under a small wrapper process so that the peak and the CPU time (`getrusage` of
    the wrapper's children) are this import's alone."""
    code = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run([sys.executable, 'manage.py', 'import_creators', *sys.argv[1:]],"
        " check=True, capture_output=True)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([time.perf_counter() - t, usage.ru_maxrss / 1024,"
        " usage.ru_utime + usage.ru_stime]))\n"
    )
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *map(str, paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak, cpu = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, round(peak, 1), cpu


if __name__ == "__main__":
    main()
