"""Servers on 127.0.0.1 that waste a client's time below HTTP, and a chain through 50 hosts.

`SlowSockets` answers by path on one TCP port: `/trickle-body` (headers, then the body a
byte at a time), `/trickle-head` (the header block a byte at a time), `/silent` (reads the
request, never answers). `HostChain` is one HTTP server on each of 127.0.0.2 … 127.0.0.51,
each redirecting to the next (Linux routes all of 127/8 to loopback). Both start through
tests.support.servers (whose `silent_socket()` listens but never accepts).
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.support.servers import LoopbackServer

DRIP = 0.02  # seconds between the bytes of a trickle
NO_REQUEST = "(no request)"  # a client that left before its request was whole


class _SlowHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        request, accepted = b"", time.monotonic()
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:  # it held nothing here: say so, or held_for would wait in vain
                self.server.held(NO_REQUEST, time.monotonic() - accepted)  # type: ignore[attr-defined]
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
        began = time.monotonic()
        try:
            if path.startswith("/trickle-body"):
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                sock.sendall(b"Content-Length: 100000\r\n\r\n")
                self._drip(sock, b"<")
            elif path.startswith("/trickle-head"):
                sock.sendall(b"HTTP/1.1 200 OK\r\n")
                self._drip(sock, b"X")
            else:  # /silent: the client hears nothing until it gives up
                while sock.recv(4096):
                    pass
        except OSError:  # the client gave up: that is the point
            pass
        finally:  # how long the client held on, seen from here (its own start-up not counted)
            self.server.held(path, time.monotonic() - began)  # type: ignore[attr-defined]

    def _drip(self, sock: socket.socket, byte: bytes) -> None:
        while True:
            sock.sendall(byte)
            time.sleep(DRIP)


class SlowSockets:
    """`with SlowSockets() as slow: slow.url('/silent')`; `slow.held_for(path)`: how long
    the client stayed connected once its request was read."""

    def __init__(self) -> None:
        self.server = LoopbackServer(_SlowHandler, server_class=socketserver.ThreadingTCPServer)
        self.server.server.held = self._held  # type: ignore[attr-defined]
        self.seconds: dict[str, float] = {}
        self.changed = threading.Condition()

    def _held(self, path: str, seconds: float) -> None:
        with self.changed:
            self.seconds[path] = seconds
            self.changed.notify_all()

    def held_for(self, path: str, wait: float = 30.0) -> float:
        """Once the server has seen the client go (a trickle notices at its next byte). A
        client whose own timeout ran out before it sent its whole request (a starved event
        loop) held the server only while it was connected: that time, once."""
        with self.changed:
            self.changed.wait_for(lambda: path in self.seconds or NO_REQUEST in self.seconds, wait)
            if path not in self.seconds:  # the request may still be on its way: a moment more
                self.changed.wait_for(lambda: path in self.seconds, 1.0)
            if path in self.seconds:
                return self.seconds[path]
            return self.seconds.pop(NO_REQUEST)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def __enter__(self) -> SlowSockets:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()


class _HopHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    chain: HostChain
    index: int

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        query = urlsplit(self.path).query
        wait = float(dict(parse_qsl(query)).get("wait", "0"))
        if wait:
            time.sleep(wait)
        if self.index + 1 < len(self.chain.servers):
            self.send_response(302)
            self.send_header("Location", self.chain.url(self.index + 1, query))
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class HostChain:
    """`with HostChain(50) as chain: chain.url(0, 'wait=0.05')` → 49 redirects, then 200."""

    def __init__(self, hosts: int) -> None:
        self.servers: list[LoopbackServer] = []
        self._running = ExitStack()
        try:
            for index in range(hosts):
                handler = type("Hop", (_HopHandler,), {"chain": self, "index": index})
                # a short poll: 50 shutdowns one after another stay quick
                server = LoopbackServer(handler, host=f"127.0.0.{index + 2}", poll_interval=0.05)
                self.servers.append(server)
        except OSError:  # not Linux: only 127.0.0.1 is loopback
            for server in self.servers:
                server.close()
            raise

    def url(self, index: int, query: str = "") -> str:
        return self.servers[index].url("/hop" + (f"?{query}" if query else ""))

    def __enter__(self) -> HostChain:
        for server in self.servers:
            self._running.enter_context(server)
        return self

    def __exit__(self, *exc: object) -> None:
        self._running.close()
