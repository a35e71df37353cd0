"""`make bench`: seed a bench directory at each size, run every section, write the results.

    python -m bench.run [--sizes 20000,100000] [--only listing,refresh] [--keep-db]

For each size (ascending): (re)create the PostgreSQL database `<DATABASE_URL's name>_bench`,
migrate it, `manage.py seed_bench --creators N` into it (timed: `seed.seconds`), then run each
section as `python -m bench.<name> --size N` with DATABASE_URL pointing at that database. A
section prints one JSON object as its last stdout line. A section that is missing (not on this
branch), fails or prints no JSON is reported in `status` and the table, and the run goes on.
Results: `var/bench/results.json` (see bench/results.py) and a table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.results import merge_results, merge_sections, results_table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench" / "results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mhv"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# (module, run at every size?) in the order they run: the HTTP load last at each size, so the
# others do not share the CPU with it; the importer once, at the smallest size.
SECTIONS: tuple[tuple[str, bool], ...] = (
    ("listing", True),
    ("scoring", True),
    ("refresh", True),
    ("http", True),
    ("importing", False),
    ("seed_demo", False),
)
SECTION_TIMEOUT = 30 * 60


def database_url_with_suffix(database_url: str, suffix: str) -> str:
    """The same server, database `<name><suffix>`."""
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/") or "mhv"
    return urlunparse(parsed._replace(path=f"/{name}{suffix}"))


def bench_database_url(database_url: str) -> str:
    """The bench database's URL: the same server, database `<name>_bench`."""
    return database_url_with_suffix(database_url, "_bench")


def _database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _admin_connect(url: str):
    import psycopg

    return psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True)


def recreate_database(url: str) -> None:
    name = _database_name(url)
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)')


def section_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    # Bench statements (a recompute of 100,000 creators) may exceed the web request timeout.
    env.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def last_json_line(stdout: str) -> dict[str, Any] | None:
    """The JSON object on the last non-empty stdout line, or None."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return None


def run_section(name: str, size: int, env: dict[str, str]) -> tuple[dict[str, Any], str]:
    """(result, status) of `python -m bench.<name> --size N`; status "ok" or why not."""
    if importlib.util.find_spec(f"bench.{name}") is None:
        return {}, f"missing (bench/{name}.py is not on this branch)"
    started = time.monotonic()
    try:
        proc = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", f"bench.{name}", "--size", str(size)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=SECTION_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {}, f"failed: no result after {SECTION_TIMEOUT} s"
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        return {}, f"failed: exit {proc.returncode} after {seconds:.0f} s: {tail}"
    result = last_json_line(proc.stdout)
    if result is None:
        return {}, "failed: its last stdout line is not a JSON object"
    return result, f"ok ({seconds:.0f} s)"


def manage(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def _command(args: list[str]) -> str:
    try:
        return subprocess.run(  # noqa: S603
            args, cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_facts(database_url: str, redis_url: str) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": _command(["git", "rev-parse", "HEAD"]),
        "git_dirty": bool(_command(["git", "status", "--porcelain", "--untracked-files=no"])),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        meminfo = Path("/proc/meminfo").read_text().split()
        facts["ram_mb"] = int(meminfo[meminfo.index("MemTotal:") + 1]) // 1024
    except (OSError, ValueError, IndexError):
        facts["ram_mb"] = None
    try:
        with _admin_connect(database_url) as conn:
            facts["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - a fact we could not read is reported, not fatal
        facts["postgresql"] = f"unknown ({exc.__class__.__name__})"
    try:
        import redis

        facts["redis"] = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except Exception as exc:  # noqa: BLE001
        facts["redis"] = f"unknown ({exc.__class__.__name__})"
    return facts


def run(
    *, sizes: list[int], only: set[str] | None, keep_db: bool, output: Path = RESULTS
) -> dict[str, Any]:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {database_url!r}.")
    bench_url = bench_database_url(database_url)
    env = section_env(bench_url, redis_url)
    machine = machine_facts(database_url, redis_url)
    by_size: dict[int, dict[str, Any]] = {}
    status: dict[int, dict[str, str]] = {}
    sizes = sorted(sizes)
    for size in sizes:
        print(f"== {size:,} creators: database {_database_name(bench_url)}", flush=True)
        recreate_database(bench_url)
        manage(["migrate", "--noinput", "-v", "0"], env)
        started = time.monotonic()
        manage(["seed_bench", "--creators", str(size)], env)
        results: list[dict[str, Any]] = [
            {"seed": {"seconds": round(time.monotonic() - started, 1)}}
        ]
        status[size] = {}
        for name, every_size in SECTIONS:
            if (only and name not in only) or (not every_size and size != sizes[0]):
                continue
            print(f"   {name} …", end=" ", flush=True)
            result, state = run_section(name, size, env)
            print(state, flush=True)
            status[size][name] = state
            results.append(result)
        by_size[size] = merge_sections(results)
        # Written after every size, so a long run that is stopped keeps what it measured.
        write_results(merge_results(by_size, machine=machine, status=status), output)
    if not keep_db:
        drop_database(bench_url)
    return merge_results(by_size, machine=machine, status=status)


def write_results(results: dict[str, Any], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def parse_sizes(raw: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be creator counts separated by commas, e.g. 20000,100000 (got {raw!r})"
        ) from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be positive creator counts (got {raw!r})")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(os.environ.get("BENCH_SIZES") or "20000,100000"),
        help="creator counts, comma-separated (default: $BENCH_SIZES or 20000,100000)",
    )
    parser.add_argument(
        "--only",
        type=lambda raw: {part.strip() for part in raw.split(",") if part.strip()},
        default=None,
        help="run only these sections, e.g. listing,refresh",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the last bench database")
    args = parser.parse_args(argv)
    results = run(sizes=args.sizes, only=args.only, keep_db=args.keep_db)
    print()
    print(results_table(results))
    for size, states in results["status"].items():
        for name, state in states.items():
            if not state.startswith("ok"):
                print(f"note: {name} at {size}: {state}")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
