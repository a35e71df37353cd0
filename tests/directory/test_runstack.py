"""`manage.py runstack` (what `make run` starts): when Celery runs beside the site, and when not."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from directory.management.commands.runstack import broker_problem


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_embedded_filesystem_broker_is_usable():
    assert broker_problem("filesystem://") is None


def test_the_in_memory_broker_cannot_serve_a_separate_worker():
    assert "cannot be shared between processes" in broker_problem("memory://")


def test_an_unreachable_redis_is_named_without_its_password():
    problem = broker_problem(f"redis://:s3cret@127.0.0.1:{free_port()}/0")
    assert problem is not None
    assert "is not reachable" in problem
    assert "s3cret" not in problem


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_bad_port_is_a_clear_error(port):
    with pytest.raises(CommandError, match="--port must be between 1 and 65535"):
        call_command("runstack", "--port", port)


def test_the_site_serves_when_celery_cannot_start(tmp_path):
    """Redis is down: runstack says so, and the web server still answers."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, manage, "runstack", "--port", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and status is None:
            time.sleep(0.5)
            try:
                # Any answer below 500 shows the server is up; /static/ needs no tables.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/", timeout=2):
                    status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                continue
        assert status is not None and status < 500
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "The Celery worker and beat were not started" in output
    assert "is not reachable" in output


def _procfile() -> dict[str, str]:
    lines = (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines()
    entries = [line.split(":", 1) for line in lines if line.strip() and not line.startswith("#")]
    names = [name.strip() for name, _ in entries]
    assert len(names) == len(set(names)), f"a process type is declared twice: {names}"
    return {name.strip(): command.strip() for name, command in entries}


def test_procfile_runs_web_worker_and_exactly_one_beat():
    processes = _procfile()
    assert {"web", "worker", "beat"} <= processes.keys()
    assert sum("celery" in command and " beat" in command for command in processes.values()) == 1
    # Fetching waits on the network: the worker runs a threads pool, not one fetch per process.
    assert "--pool threads" in processes["worker"]
    assert "beat" not in processes["worker"].split()  # no embedded beat (-B) in a worker
    assert "-B" not in processes["worker"].split()


def test_beat_reads_its_schedule_from_the_database():
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:DatabaseScheduler"
    assert "-S" not in _procfile()["beat"].split()  # nothing overrides the scheduler
