"""Deciding which gunicorn sync worker answers, for tests that need both to answer.

A sync worker serves one connection at a time, and connections are accepted in the
order they arrive. A connection that sends half a request and waits (a :class:`Hold`)
keeps the worker that took it busy, so every request after it goes to another worker.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path


def accept_queue(port: int) -> int:
    """How many connections wait to be accepted on the loopback listener at ``port``
    (the ``rx_queue`` Linux shows for a listening socket in ``/proc/net/tcp``)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            return int(queues.split(":")[1], 16)
    raise RuntimeError(f"nothing listens on port {port}")


class Hold:
    """A connection that sends half a request and waits: it keeps one sync worker busy.

    It returns once a worker has accepted it (the listener's queue is empty again), so
    that a hold opened while the other worker is held is certainly this worker's.
    """

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(b"GET /api/auth/ok?probe=hold HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        deadline = time.monotonic() + 30
        while accept_queue(port):
            if time.monotonic() > deadline:
                raise RuntimeError("no worker accepted the hold")
            time.sleep(0.005)

    def release(self) -> None:
        """Close the connection: the worker sees the request end early and moves on."""
        self.sock.close()
