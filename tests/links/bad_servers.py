"""Servers on 127.0.0.1 that waste a client's time below HTTP, and a chain through 50 hosts.

`SlowSockets` answers by path on one TCP port: `/trickle-body` (headers, then the body a
byte at a time), `/trickle-head` (the header block a byte at a time), `/silent` (reads the
request, never answers). `unaccepted_port()` is a socket that listens but never accepts.
`HostChain` is one HTTP server on each of 127.0.0.2 … 127.0.0.51, each redirecting to the
next (Linux routes all of 127/8 to loopback).
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

DRIP = 0.02  # seconds between the bytes of a trickle


class _SlowHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
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
            return

    def _drip(self, sock: socket.socket, byte: bytes) -> None:
        while True:
            sock.sendall(byte)
            time.sleep(DRIP)


class SlowSockets:
    """`with SlowSockets() as slow: slow.url('/silent')`."""

    def __init__(self) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> SlowSockets:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def unaccepted_socket() -> socket.socket:
    """A socket that listens and never accepts: the kernel completes the handshake alone."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        """Without HTTPServer's reverse DNS look-up of the address (0.1 s a host here)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class HostChain:
    """`with HostChain(50) as chain: chain.url(0, 'wait=0.05')` → 49 redirects, then 200."""

    def __init__(self, hosts: int) -> None:
        self.servers: list[_Server] = []
        try:
            for index in range(hosts):
                handler = type("Hop", (_HopHandler,), {"chain": self, "index": index})
                self.servers.append(_Server((f"127.0.0.{index + 2}", 0), handler))
        except OSError:  # not Linux: only 127.0.0.1 is loopback
            for server in self.servers:
                server.server_close()
            raise

    def url(self, index: int, query: str = "") -> str:
        host, port = self.servers[index].server_address[:2]
        return f"http://{host}:{port}/hop" + (f"?{query}" if query else "")

    def __enter__(self) -> HostChain:
        for server in self.servers:  # a short poll: 50 shutdowns one after another stay quick
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
