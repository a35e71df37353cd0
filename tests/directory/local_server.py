"""A tiny HTTP server on a loopback address, run in a thread, that records every hit.

Used where a test must prove that a request did or did not reach a real socket (the SSRF
matrix) or needs real network behaviour (timeouts, redirects, oversized and gzip bodies).
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gzip: bool = False
    chunked: bool = False


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class LocalServer:
    def __init__(self, host: str) -> None:
        self.host = host
        self.port = 0
        self.hits: list[Hit] = []
        # path → reply, or a callable building one; "*" is the default.
        self.routes: dict[str, Reply | Callable[[str], Reply]] = {"*": Reply()}

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def reply_for(self, path: str) -> Reply:
        route = self.routes.get(path, self.routes["*"])
        return route(path) if callable(route) else route


def _handler(state: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.hits.append(Hit(self.path, dict(self.headers.items())))
            reply = state.reply_for(self.path)
            if reply.delay:
                time.sleep(reply.delay)
            body = gzip.compress(reply.body) if reply.gzip else reply.body
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.gzip:
                self.send_header("Content-Encoding", "gzip")
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 4096):
                    piece = body[start : start + 4096]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    return Handler


@contextmanager
def local_server(host: str = "127.0.0.1") -> Iterator[LocalServer]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    class Server(ThreadingHTTPServer):
        address_family = family
        daemon_threads = True

    state = LocalServer(host)
    server = Server((host, 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
