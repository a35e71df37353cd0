"""A TCP server that accepts connections and never answers: a hung PostgreSQL, Redis or broker.

The kernel completes the handshake (so a connect succeeds at once) and every byte sent is
acknowledged, but nothing ever comes back: exactly what a stuck server looks like to a client,
and what only a read timeout on our side can end.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def black_hole() -> Iterator[int]:
    """Listen on 127.0.0.1; yield the port. Accepted sockets are held open until the end."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()
