"""Bench section: refresh throughput with real Celery workers against a local fake platform.

    python -m bench.refresh --size N [--links 240] [--concurrency 2]

In the seeded bench database, `--links` fetchable links (blogs, Mastodon accounts on ten
servers, Bluesky accounts) are added for new approved creators, in the steady state of a
daily refresh (their avatars already stored). A real Celery worker (`--concurrency` prefork
processes, the project's app and `refresh_link` task, bench/refresh_worker.py) fetches them
from bench/fake_platform.py, which answers every request after 50 ms over TLS on 127.0.0.1.
They are enqueued the production way (`links_enqueue`) after a short warm-up.

Reported: links/s; the ideal time (requests the fake platform served × 50 ms / concurrency,
i.e. links × calls per link × 50 ms / concurrency) and its ratio to the measured time (1.0 =
no overhead at all); per-host rate limit violations (requests that arrived when the host's
token bucket, `directory.platforms.ratelimit.rate_for`, was empty); the peak RSS of a worker
process. The bench's creators are deleted afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import django_setup, emit
from bench.fake_platform import APPVIEW, DELAY, DOMAIN, fake_platform, rate_violations

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(18300, 18400)
MASTODON_SERVERS = 10
WARM_UP_LINKS = 4
TIMEOUT = 600
PREFIX = "refresh-bench-"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18300-18399 for the fake platform")


def link_specs(count: int, *, start: int = 0) -> list[tuple[str, str, str]]:
    """(platform, url, avatar url or "") for `count` links: 40% blogs, 30% Mastodon, 30% Bluesky."""
    from bench.fake_platform import bluesky_profile, mastodon_account

    now = dt.datetime.now(dt.UTC)
    specs = []
    for i in range(start, start + count):
        kind = i % 10
        if kind < 4:
            specs.append(("blog", f"https://writer-{i}.{DOMAIN}/feed/", ""))
        elif kind < 7:
            host = f"social-{i % MASTODON_SERVERS}.{DOMAIN}"
            user = f"voice_{i}"
            avatar = mastodon_account(host, user, now)["avatar"]
            specs.append(("mastodon", f"https://{host}/@{user}", avatar))
        else:
            handle = f"voice-{i}.{DOMAIN}"
            specs.append(
                (
                    "bluesky",
                    f"https://bsky.app/profile/{handle}",
                    bluesky_profile(handle, now)["avatar"],
                )
            )
    return specs


def create_links(specs: list[tuple[str, str, str]], *, tag: str) -> list[int]:
    from django.db import transaction

    from directory.models import Creator, CreatorAvatar, CreatorStatus, PlatformLink

    with transaction.atomic():
        creators = Creator.objects.bulk_create(
            [
                Creator(
                    name=f"Refresh bench {tag} {n}",
                    slug=f"{PREFIX}{tag}-{n}",
                    status=CreatorStatus.APPROVED,
                )
                for n in range(len(specs))
            ]
        )
        links = PlatformLink.objects.bulk_create(
            [
                PlatformLink(creator=creator, platform=platform, url=url)
                for creator, (platform, url, _) in zip(creators, specs, strict=True)
            ]
        )
        # The steady state of a daily refresh: the pictures were stored on an earlier fetch.
        CreatorAvatar.objects.bulk_create(
            [
                CreatorAvatar(creator=creator, image=b"png", source_url=avatar)
                for creator, (_, _, avatar) in zip(creators, specs, strict=True)
                if avatar
            ]
        )
    return [link.pk for link in links]


def delete_bench_creators() -> None:
    from directory.models import Creator
    from directory.services.listing_cache import listing_changed

    Creator.objects.filter(slug__startswith=PREFIX).delete()
    listing_changed()


def reset_buckets_and_queue() -> None:
    """Fresh per-host buckets for the fake hosts and an empty queue (an earlier run's leftovers)."""
    import redis
    from django.conf import settings

    from config.celery import app

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(f"mhv:ratelimit:*{DOMAIN}")) + [f"mhv:ratelimit:{APPVIEW}"]
    client.delete(*keys)
    app.control.purge()


def start_worker(port: int, ca_pem: str, concurrency: int) -> subprocess.Popen:
    env = dict(os.environ, BENCH_FAKE_PORT=str(port), BENCH_CA_PEM=ca_pem)
    env["FETCH_ALLOW_PRIVATE_HOSTS"] = "true"
    return subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable, "-m", "bench.refresh_worker",
            f"--concurrency={concurrency}", "--pool=prefork", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--hostname=bench-refresh@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_mb(pid: int) -> float:
    """VmHWM (the peak resident set) of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def wait_done(link_ids: list[int], *, since: Any, timeout: float = TIMEOUT) -> tuple[float, dict]:
    """Seconds until every link was fetched (or failed) since `since`; and the outcome counts."""
    from django.db.models import Count, Q

    from directory.models import FetchState, PlatformLink

    started = time.monotonic()
    links = PlatformLink.objects.filter(pk__in=link_ids)
    while True:
        counts = links.aggregate(
            ok=Count("pk", filter=Q(last_fetched_at__gte=since, fetch_state=FetchState.OK)),
            failed=Count("pk", filter=Q(fetch_state__in=[FetchState.FAILING, FetchState.DISABLED])),
        )
        if counts["ok"] + counts["failed"] >= len(link_ids):
            return time.monotonic() - started, counts
        if time.monotonic() - started > timeout:
            raise SystemExit(
                f"refresh bench: only {counts} of {len(link_ids)} links after {timeout} s"
            )
        time.sleep(0.05)


def enqueue(link_ids: list[int]) -> None:
    from django.db import transaction

    from directory.services.enqueue import links_enqueue

    with transaction.atomic():
        links_enqueue(link_ids=link_ids)


def run(*, links: int, concurrency: int) -> dict[str, Any]:
    import trustme
    from django.db import connections
    from django.utils import timezone

    from directory.platforms.ratelimit import rate_for

    ca = trustme.CA()
    ca_pem = ca.cert_pem.bytes().decode()
    port = free_port()
    delete_bench_creators()
    reset_buckets_and_queue()
    warm_ids = create_links(link_specs(WARM_UP_LINKS, start=10_000), tag="warm")
    timed_ids = create_links(link_specs(links), tag="timed")
    connections.close_all()
    with fake_platform(ca, port) as fake:
        worker = start_worker(port, ca_pem, concurrency)
        try:
            enqueue(warm_ids)
            wait_done(warm_ids, since=timezone.now() - dt.timedelta(minutes=5), timeout=120)
            fake.unknown.clear()
            served_before = len(fake.requests)
            pool = children(worker.pid)
            cpu_before = cpu_seconds(pool)
            since = timezone.now()
            started = time.monotonic()
            enqueue(timed_ids)
            _, counts = wait_done(timed_ids, since=since)
            seconds = time.monotonic() - started
            cpu = cpu_seconds(pool) - cpu_before
            timed_requests = fake.requests[served_before:]
            service = sorted(fake.service[served_before:])
            rss = [peak_rss_mb(pid) for pid in children(worker.pid)]
            main_rss = peak_rss_mb(worker.pid)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                _, errors = worker.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                _, errors = worker.communicate()
    delete_bench_creators()
    hosts: dict[str, list[float]] = {}
    for host, at in timed_requests:
        hosts.setdefault(host, []).append(at)
    violations = sum(
        rate_violations(
            times, capacity=rate_for(host).capacity, per_second=rate_for(host).per_second
        )
        for host, times in hosts.items()
    )
    ideal = len(timed_requests) * DELAY / concurrency
    if fake.unknown:
        print(f"fake platform had no answer for: {sorted(set(fake.unknown))[:5]}", file=sys.stderr)
    problems = [line for line in errors.splitlines() if "Error" in line or "Traceback" in line]
    if problems:  # (not Celery's warning about running as root)
        print("worker errors:\n" + "\n".join(problems[-10:]), file=sys.stderr)
    return {
        "refresh": {
            "links": len(timed_ids),
            "links_ok": counts["ok"],
            "links_failed": counts["failed"],
            "requests": len(timed_requests),
            "calls_per_link": round(len(timed_requests) / len(timed_ids), 2),
            "seconds": round(seconds, 2),
            "ideal_seconds": round(ideal, 2),
            "links_per_s": round(len(timed_ids) / seconds, 1),
            "ideal_ratio": round(ideal / seconds, 3),
            "worker_processes": concurrency,
            # The workers' own CPU per link (independent of how busy the machine is).
            "worker_cpu_ms_per_link": round(cpu * 1000 / len(timed_ids), 1),
            "worker_peak_rss_mb": max(rss, default=0.0),
            "worker_main_peak_rss_mb": main_rss,
            "rate_limit_violations": violations,
            "hosts": len(hosts),
            "max_requests_per_host": max((len(t) for t in hosts.values()), default=0),
            "delay_ms": DELAY * 1000,
            # What the fake platform itself took (DELAY plus its own cost on a busy machine).
            "fake_service_ms_p50": round(service[len(service) // 2] * 1000, 1) if service else None,
            "fake_service_ms_mean": round(sum(service) / len(service) * 1000, 1)
            if service
            else None,
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--links", type=int, default=240)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    django_setup()
    emit(run(links=args.links, concurrency=args.concurrency))


if __name__ == "__main__":
    main()
