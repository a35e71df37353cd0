"""`manage.py runstack --port PORT`: the site plus a Celery worker and beat, for `make run`.

The web server (Django's runserver on 127.0.0.1) always runs. The worker (threads pool, since
fetching waits on the network) and beat run beside it when the broker is usable: the embedded
filesystem broker under var/broker when no REDIS_URL is set, or a reachable Redis. If Celery
cannot start, or stops later, the site keeps serving and a message says what is missing.
Ctrl-C (or SIGTERM) stops all three.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.celery import app as celery_app

GRACE_SECONDS = 10


def broker_problem(url: str) -> str | None:
    """Why a worker could not use the broker at `url`, or None if it can."""
    if url.startswith("memory://"):
        return "the in-memory broker cannot be shared between processes"
    if url.startswith("filesystem://"):
        return None
    try:
        with celery_app.connection_for_write(url) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    except Exception as exc:  # kombu/redis raise many types; any of them means "not usable"
        return f"the broker at {_redacted(url)} is not reachable ({exc})"
    return None


def _redacted(url: str) -> str:
    # Never print a password from REDIS_URL.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


class Command(BaseCommand):
    help = "Run the site on 127.0.0.1:PORT with a Celery worker and beat beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
        parser.add_argument(
            "--no-celery", action="store_true", help="serve the site only, without worker/beat"
        )
        parser.add_argument("--concurrency", type=int, default=4, help="worker threads (default 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, got {port}.")
        if options["concurrency"] < 1:
            raise CommandError("--concurrency must be at least 1.")
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        signal.signal(signal.SIGTERM, self._on_sigterm)
        # A shell starting us in the background ignores SIGINT; Ctrl-C must still stop us, and
        # a Python-level handler (unlike SIG_IGN) is not inherited by the children we exec.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            if options["no_celery"]:
                self.stdout.write("Celery not started (--no-celery): stats will not refresh.")
            else:
                self._start_celery(options["concurrency"])
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            self._spawn("web", [manage, "runserver", f"127.0.0.1:{port}"])
            self._supervise()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            self._stop_all()

    def _start_celery(self, concurrency: int) -> None:
        url = str(celery_app.conf.broker_url)
        problem = broker_problem(url)
        if problem:
            self.stderr.write(
                f"The Celery worker and beat were not started: {problem}.\n"
                "The site runs without them, so platform stats will not refresh. Unset "
                "REDIS_URL/CELERY_BROKER_URL to use the embedded broker, or start Redis."
            )
            return
        if url.startswith("filesystem://"):
            for folder in (celery_app.conf.broker_transport_options or {}).values():
                if isinstance(folder, str):
                    Path(folder).mkdir(parents=True, exist_ok=True)
            self.stdout.write("Using the embedded broker in var/broker (no Redis needed).")
        celery = ["-m", "celery", "-A", "config"]
        self._spawn(
            "worker",
            [
                *celery,
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                "--hostname",
                f"runstack-{os.getpid()}@%h",
            ],
        )
        self._spawn("beat", [*celery, "beat", "--loglevel", "INFO"])

    def _spawn(self, name: str, argv: list[str]) -> None:
        # A session of its own, so stopping it also stops its children (runserver's reloader).
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, *argv], cwd=settings.BASE_DIR, start_new_session=True
        )

    def _supervise(self) -> None:
        while True:
            time.sleep(0.5)
            for name, child in list(self.children.items()):
                code = child.poll()
                if code is None:
                    continue
                del self.children[name]
                if name == "web":
                    raise CommandError(f"The web server stopped (exit code {code}).")
                self.stderr.write(
                    f"The Celery {name} stopped (exit code {code}); see its output above. "
                    "The site keeps running, but platform stats will not refresh."
                )

    def _on_sigterm(self, signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def _stop_all(self) -> None:
        for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            running = [c for c in self.children.values() if c.poll() is None]
            if not running:
                return
            for child in running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, stop_signal)
            deadline = time.monotonic() + GRACE_SECONDS
            while time.monotonic() < deadline and any(c.poll() is None for c in running):
                time.sleep(0.2)
