"""`make bench` section 3: the site under gunicorn with production settings and a real load
generator (wrk, 64 connections, BENCH_HTTP_SECONDS each, 30 by default).

    python -m bench.http --size 20000      # against an already seeded DATABASE_URL

Measures requests/s, p99 and errors for: a static file (the stack's ceiling), the anonymous list
page served from the page cache and missing it (an ignored parameter that differs on every
request), a
creator's profile and the API list; and the peak RSS of a web worker. wrk is installed with
apt-get when missing. gunicorn listens on 127.0.0.1:18100.
The last line printed is the section's JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

# The recommendation (docs/performance.md): on 2 cores, 3 processes of 4 threads.
WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "30"))
CONNECTIONS = 64
PORT = 18100
ROOT = Path(__file__).resolve().parent.parent


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S603
    return shutil.which("wrk") or "wrk"


def _server_env(*, cache_seconds: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        LISTING_CACHE_SECONDS=str(cache_seconds),
        # A load generator is one client: the API's per-visitor limit would answer 429.
        API_THROTTLE_ANON="10000000/min",
        API_THROTTLE_USER="10000000/min",
    )
    return env


def start_server(*, port: int, cache_seconds: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [
        gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--timeout", "30",
        "--keep-alive", "5", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env=_server_env(cache_seconds=cache_seconds), start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/help/", timeout=5)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def worker_peak_rss_mb(server: subprocess.Popen) -> float:
    """The largest peak resident set (VmHWM) among the master's worker processes."""
    peak = 0
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status")
        match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
        if match:
            peak = max(peak, int(match.group(1)))
    return round(peak / 1024, 1)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# Every request a different, ignored parameter: the page cache misses each time (the cached count
# of the filter set still applies, as it does for a visitor's first look at a page).
MISS_SCRIPT = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", wrk.path .. "?miss=" .. tostring(math.random(1, 1e9)) .. n)
end
"""


def run_wrk(wrk: str, url: str, *, miss: bool = False) -> dict[str, float]:
    script = []
    if miss:
        path = ROOT / "var" / "bench" / "miss.lua"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MISS_SCRIPT)
        script = ["-s", str(path)]
    out = subprocess.run(  # noqa: S603
        [
            wrk,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "--timeout",
            "10s",
            *script,
            url,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    return {
        "rps": round(rps, 1),
        "p99_ms": round(float(p99.group(1)) * _UNITS[p99.group(2)], 1) if p99 else None,
        "errors": errors,
    }


def _targets() -> dict[str, str]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    from directory.models import Creator

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    creator = Creator.objects.listed().order_by("-interactivity_score").first()
    return {
        "static": staticfiles_storage.url("css/site.css"),
        "list": "/",
        "profile": creator.get_absolute_url() if creator else "/",
        "api": "/api/creators/",
    }


def run(*, size: int) -> dict:
    wrk = ensure_wrk()
    paths = _targets()
    results: dict[str, dict[str, float]] = {}
    server = start_server(port=PORT, cache_seconds=300)
    try:
        base = f"http://127.0.0.1:{PORT}"
        for name, key in (("static", "static"), ("list", "list_cached"), ("profile", "profile")):
            results[key] = run_wrk(wrk, base + paths[name])
        results["api"] = run_wrk(wrk, base + paths["api"])
        results["list_uncached"] = run_wrk(wrk, base + paths["list"], miss=True)
        results["api_uncached"] = run_wrk(wrk, base + paths["api"], miss=True)
        peak = worker_peak_rss_mb(server)
    finally:
        stop_server(server)
    http = {f"{key}_rps": value["rps"] for key, value in results.items()}
    http.update(
        errors=sum(int(value["errors"]) for value in results.values()),
        p99_ms={key: value["p99_ms"] for key, value in results.items()},
        workers=WORKERS,
        threads=THREADS,
        connections=CONNECTIONS,
        seconds=SECONDS,
        web_peak_rss_mb=peak,
        list_cached_share_of_static=round(
            results["list_cached"]["rps"] / results["static"]["rps"], 3
        ),
        size=size,
    )
    return {"http": http}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="creators seeded (for the record)")
    args = parser.parse_args(argv)
    result = run(size=args.size)
    print(json.dumps(result["http"], indent=1), file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
