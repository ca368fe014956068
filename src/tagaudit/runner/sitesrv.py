"""A tiny static site server on 127.0.0.1, for the demo, the tests and the benchmarks.

It serves a folder and reads two optional Netlify-style files at the folder's root, so a
fixture site can describe redirects and security headers as data:

    _redirects   `/from  /to  301` per line (`#` comments); the query string is kept
                 unless the line ends with `!drop-query`. A status that is no redirect
                 (`/metrics/g/collect  /down.html  502`) answers every method at `/from`
                 with the file `/to` and that status (a collector that is down).
    _headers     a path (or `/*`) on its own line, then indented `Name: value` lines.

`mounts` serve other folders under a URL prefix (`{"/node_modules/klaro/": …}`: an npm
package beside a fixture site, never copied into it). OPTIONS (a CORS preflight) is
answered 204 where no rule says otherwise.

It imports nothing else from tagaudit and no third-party package.
"""

from __future__ import annotations

import fnmatch
import functools
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit


@dataclass
class SiteRules:
    """Redirects and headers read from a site folder."""

    redirects: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    headers: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @classmethod
    def read(cls, root: Path) -> SiteRules:
        rules = cls()
        redirects = root / "_redirects"
        if redirects.is_file():
            for line in redirects.read_text().splitlines():
                parts = line.split("#", 1)[0].split()
                if len(parts) >= 2:
                    status = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 301
                    rules.redirects[parts[0]] = (parts[1], status, "!drop-query" in parts)
        headers = root / "_headers"
        if headers.is_file():
            for line in headers.read_text().splitlines():
                if line.strip() and not line[0].isspace():
                    rules.headers.append((line.strip(), {}))
                elif ":" in line and rules.headers:
                    name, value = line.strip().split(":", 1)
                    rules.headers[-1][1][name.strip()] = value.strip()
        return rules

    def headers_for(self, path: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for pattern, values in self.headers:
            if fnmatch.fnmatchcase(path, pattern):
                out.update(values)
        return out


class _Handler(SimpleHTTPRequestHandler):
    site_rules: SiteRules = SiteRules()
    mounts: ClassVar[dict[str, Path]] = {}
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the demo and the tests print their own output."""

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        for prefix, folder in self.mounts.items():
            if clean.startswith(prefix):
                parts = [p for p in clean[len(prefix) :].split("/") if p not in ("", ".", "..")]
                return str(folder.joinpath(*parts))
        return super().translate_path(path)

    def do_GET(self) -> None:
        self.server.served.append(self.path)  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        target = self.site_rules.redirects.get(parts.path)
        if target and not 300 <= target[1] < 400:
            self._answer_with(target[0], target[1])
            return
        if target:
            to, status, drop_query = target
            location = to if drop_query or not parts.query else _join_query(to, parts.query)
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def _answer_with(self, path: str, status: int) -> None:
        """The file at `path`, with `status` (a rule that is no redirect)."""
        file = Path(self.translate_path(path))
        body = file.read_bytes() if file.is_file() else b""
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self) -> None:
        """Forms post to the site (lead form): answer with the page at that path."""
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.command = "GET"
        self.do_GET()

    def do_OPTIONS(self) -> None:
        """A CORS preflight: 204, or what a rule says about the path (a collector down)."""
        self.server.served.append(f"OPTIONS {self.path}")  # type: ignore[attr-defined]
        target = self.site_rules.redirects.get(urlsplit(self.path).path)
        if target and not 300 <= target[1] < 400:
            self._answer_with(target[0], target[1])
            return
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        for name, value in self.site_rules.headers_for(urlsplit(self.path).path).items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def _join_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connects when a browser opens six at once and several
    # pages load together: each dropped SYN costs a 1 s retransmit, which is not the site.
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A browser that drops a connection (a page closed mid-load) is not a server error."""
        problem = sys.exc_info()[1]
        if isinstance(problem, (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class SiteServer:
    """Serve `root` on 127.0.0.1 in a background thread; use as a context manager.

    `served` lists the request paths in arrival order, so tests can wait on real progress
    instead of sleeping.

    >>> with SiteServer(Path("fixtures/demo-site")) as site:  # doctest: +SKIP
    ...     site.url("/landing/")
    'http://127.0.0.1:53211/landing/'
    """

    def __init__(self, root: Path, port: int = 0, mounts: dict[str, Path] | None = None) -> None:
        self.root = Path(root)
        rules = {"site_rules": SiteRules.read(self.root), "mounts": dict(mounts or {})}
        handler = type("SiteHandler", (_Handler,), rules)
        factory = functools.partial(handler, directory=str(self.root))
        self._httpd = _Server(("127.0.0.1", port), factory)
        self._httpd.daemon_threads = True
        self._httpd.served = self.served = []  # type: ignore[attr-defined]  # paths, in order
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
