"""Loopback servers for tests: the one way a test starts a server, and stops it cleanly.

Every server runs on 127.0.0.1 (or another loopback address a test asks for), on a free
port, from a background thread; leaving the `with` block shuts it down and closes its socket.

    with serve_folder(FIXTURES / "demo-site") as site:   a folder of files (the fixtures/
        site.url("/landing/")                            sites), by tagaudit's SiteServer
    with LoopbackServer(Handler) as server:              a request handler class (http.server
        server.url("/x")                                 or socketserver), TLS if asked
    with serve_routes({"/a": route}) as server:          a route table: path → answer

Special servers (TLS, slow, bad, a proxy, a staging site) keep their own handlers and start
through `LoopbackServer`. `refused_port()` / `refused_url()` and `silent_socket()` are the
loopback addresses that answer nothing. tests/test_layout.py holds every other test file to
this module: none starts a server of its own.

Imports only `tagaudit.runner.sitesrv` (tagaudit's own static site server) from tagaudit.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tagaudit.runner.sitesrv import SiteServer

LOOPBACK = "127.0.0.1"
Answer = tuple[int, Mapping[str, str], bytes]
Route = Callable[[BaseHTTPRequestHandler], Answer]
NOT_FOUND: Answer = (404, {"Content-Type": "text/html; charset=utf-8"}, b"not found")


class QuietHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server fit for tests: a deep backlog, no name look-up, and no noise when
    a client hangs up (tests that time out or refuse a certificate do it on purpose)."""

    daemon_threads = True
    # The default backlog of 5 drops connects when a browser or a connection pool opens many
    # at once: each dropped SYN costs a 1 s retransmit, which is not what a test measures.
    request_queue_size = 128

    def server_bind(self) -> None:
        """Without HTTPServer's reverse DNS look-up of the address (0.1 s a host here)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]  # type: ignore[assignment]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection the client dropped (reset, broken pipe, timeout, TLS) is expected;
        anything else is a bug of the test's handler and is printed."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """`handler` served on a free port of `host` from a background thread; a context manager.

    `handler` is a request handler class (or a partial of one, as http.server's `directory=`
    needs); `server_class` a socketserver server (a raw TCP one for servers below HTTP);
    `tls` wraps the listening socket, and `base_url` says https; `poll_interval` is how often
    the thread looks for a shutdown (short when a test stops many servers in a row).
    `served` is there for handlers that log what they were asked (`self.server.served`).

    >>> with LoopbackServer(Handler) as server:  # doctest: +SKIP
    ...     server.url("/x")
    'http://127.0.0.1:41234/x'
    """

    def __init__(
        self,
        handler: Callable[..., socketserver.BaseRequestHandler],
        *,
        host: str = LOOPBACK,
        server_class: type[socketserver.TCPServer] = QuietHTTPServer,
        tls: ssl.SSLContext | None = None,
        poll_interval: float = 0.5,
    ) -> None:
        self.server = server_class((host, 0), handler)  # type: ignore[arg-type]
        self.server.daemon_threads = True  # type: ignore[attr-defined]
        self.served: list[str] = []
        self.server.served = self.served  # type: ignore[attr-defined]
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        serve = self.server.serve_forever
        self._thread = threading.Thread(target=serve, args=(poll_interval,), daemon=True)

    @property
    def host(self) -> str:
        return str(self.server.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving (if it started: shutdown waits for a loop that ran) and close."""
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


def serve_folder(root: Path, mounts: dict[str, Path] | None = None) -> SiteServer:
    """A folder of files (with its `_redirects` and `_headers`), as the demo serves it;
    `mounts` serve more folders under URL prefixes (an npm package beside the site)."""
    return SiteServer(root, mounts=mounts)


class _RouteHandler(BaseHTTPRequestHandler):
    routes: Mapping[str, Route] = {}
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows what matters."""

    def do_GET(self) -> None:
        self.server.served.append(self.path)  # type: ignore[attr-defined]
        route = self.routes.get(urlsplit(self.path).path)
        status, headers, body = route(self) if route else NOT_FOUND
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve_routes(routes: Mapping[str, Route], **options: Any) -> LoopbackServer:
    """A route table: each GET is answered by the route of its path (given the request, so it
    can read the query and headers), 404 elsewhere; `served` lists every path asked for,
    query included, in arrival order. `options` are LoopbackServer's."""
    handler = type("Routes", (_RouteHandler,), {"routes": routes})
    return LoopbackServer(handler, **options)


def by_query(answer: Callable[[str], Answer]) -> Route:
    """A route that reads only the query string: `by_query(lambda q: (200, {}, b"ok"))`."""
    return lambda request: answer(urlsplit(request.path).query)


def refused_port() -> int:
    """A loopback port nobody listens on: bound, then closed, so a connect is refused."""
    with socket.socket() as closed:
        closed.bind((LOOPBACK, 0))
        return int(closed.getsockname()[1])


def refused_url(path: str = "/") -> str:
    return f"http://{LOOPBACK}:{refused_port()}{path}"


def silent_socket() -> socket.socket:
    """A socket that listens and never accepts: the kernel completes the handshake alone and
    nothing ever answers. The caller closes it (it is a context manager)."""
    sock = socket.socket()
    sock.bind((LOOPBACK, 0))
    sock.listen(8)
    return sock
