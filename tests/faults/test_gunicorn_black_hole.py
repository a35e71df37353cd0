"""The Procfile's web process with PostgreSQL and Redis hung (black-hole servers that accept and
never answer), and slow clients holding connections half-sent.

Before: `/` took 30 s to fail, and three such requests (or three half-sent requests from a slow
client) blocked the three sync workers, so `/help/` took 30 s too. Now the web command runs
gthread workers, the database gives up after DATABASE_CONNECT_TIMEOUT, pages answer a calm 503
and the API a JSON 503, and `/help/` and the static files need no service at all.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults.blackhole import black_hole

# DATABASE_CONNECT_TIMEOUT for this run, and how much longer a loaded CI machine may take.
CONNECT_TIMEOUT = 2
SLACK = 3.0
# Pages that need no service answer at once; this bound only absorbs a slow machine.
INSTANT = 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _web_command() -> str:
    for line in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("no web process in the Procfile")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The Procfile's web command, one worker, against hung PostgreSQL and Redis."""
    port = _free_port()
    with black_hole() as db_port, black_hole() as redis_port:
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only a fallback
            "PORT": str(port),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            # Development static files (no collectstatic); every timeout is the production one
            # except the database connect timeout, set to its minimum to keep the test short.
            "DEBUG": "true",
            "DATABASE_URL": f"postgres://mhv@127.0.0.1:{db_port}/mhv",
            "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        }
        server = subprocess.Popen(  # noqa: S603 - the Procfile's own command
            ["/bin/bash", "-c", "exec " + _web_command()],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "exited")
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _get(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body, time.monotonic() - started


def test_help_and_static_files_answer_at_once_with_every_service_hung(site):
    status, _, body, elapsed = _get(site + "/help/")
    assert status == 200
    assert "Need help now?" in body.decode()
    assert elapsed < INSTANT, elapsed
    status, _, _, elapsed = _get(site + "/static/css/site.css")
    assert status == 200
    assert elapsed < INSTANT, elapsed


def test_a_page_needing_the_database_answers_a_calm_503_within_the_connect_timeout(site):
    status, headers, body, elapsed = _get(site + "/")
    assert status == 503
    html = body.decode()
    assert "The directory is resting for a moment" in html
    assert 'href="/help/"' in html  # the crisis line is on the error page too
    assert headers["Retry-After"] == "30"
    assert elapsed < CONNECT_TIMEOUT + SLACK, elapsed


def test_the_api_answers_a_json_503_within_the_connect_timeout(site):
    # Throttling first tries the hung cache (0.5 s per call, then allowed), then the database.
    status, headers, body, elapsed = _get(site + "/api/creators/")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert "temporarily unavailable" in json.loads(body)["detail"]
    assert elapsed < CONNECT_TIMEOUT + 2 * 0.5 + SLACK, elapsed


def test_slow_clients_and_stuck_requests_do_not_block_help(site):
    """Three half-sent requests and three requests waiting on the database, then /help/."""
    host = site.removeprefix("http://")
    address, port = host.split(":")
    slow = []
    for _ in range(3):
        sock = socket.create_connection((address, int(port)))
        sock.sendall(b"GET /help/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        slow.append(sock)
    stuck = []
    for _ in range(3):
        sock = socket.create_connection((address, int(port)))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        stuck.append(sock)
    try:
        time.sleep(0.3)  # let the server take them all
        status, _, _, elapsed = _get(site + "/help/")
        assert status == 200
        assert elapsed < INSTANT, elapsed
    finally:
        for sock in slow + stuck:
            sock.close()


def test_gunicorn_config_in_the_procfile():
    command = shlex.split(_web_command())
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert "--threads" in command
    assert "--timeout" in command
