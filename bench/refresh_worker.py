"""A real Celery worker for the refresh bench, pointed at the fake platform (bench/fake_platform).

    python -m bench.refresh_worker <celery worker options>

Before Celery starts (so its prefork children inherit it): the fake platform's host names
resolve to 127.0.0.1:$BENCH_FAKE_PORT and any other name is refused (nothing may reach the
internet), and TLS trusts the bench's throwaway CA ($BENCH_CA_PEM) as well as the usual ones.
Everything else is the production path: the project's Celery app, tasks, adapters and client.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import sys
from typing import Any

from bench.fake_platform import APPVIEW, DOMAIN


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def point_at_fake_platform(port: int, ca_pem: str) -> None:
    import httpx

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, port_: Any, *args: Any, **kwargs: Any) -> Any:
        name = (host.decode() if isinstance(host, bytes) else str(host)).lower()
        if name == APPVIEW or name.endswith(f".{DOMAIN}"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        if name == "localhost" or _is_ip(name):
            return real_getaddrinfo(host, port_, *args, **kwargs)  # PostgreSQL, Redis
        raise socket.gaierror(socket.EAI_NONAME, f"{name}: not a bench host")

    real_context = httpx.create_ssl_context

    def trusting_context(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        context = real_context(*args, **kwargs)
        context.load_verify_locations(cadata=ca_pem)
        return context

    socket.getaddrinfo = getaddrinfo
    httpx.create_ssl_context = trusting_context


def main() -> None:
    point_at_fake_platform(int(os.environ["BENCH_FAKE_PORT"]), os.environ["BENCH_CA_PEM"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.celery import app

    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
