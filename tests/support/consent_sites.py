"""Serving the consent fixture sites on 127.0.0.1, with the npm banners beside them.

`fixtures/consent/` is served at `/`; `/node_modules/<pkg>/dist/…` comes from the repository's
node_modules (installed by `make` from package.json, never committed), so the pages load the
real open-source banners (klaro, vanilla-cookieconsent) without copying them into the repo.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
SITES = REPO / "fixtures" / "consent"
NODE_MODULES = REPO / "node_modules"
SERVED_PACKAGES = ("klaro", "vanilla-cookieconsent")


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows what matters."""

    def translate_path(self, path: str) -> str:
        parts = unquote(urlsplit(path).path).split("/")
        if len(parts) > 3 and parts[1] == "node_modules" and parts[2] in SERVED_PACKAGES:
            return str(NODE_MODULES.joinpath(*[p for p in parts[2:] if p not in ("", "..")]))
        return super().translate_path(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class ConsentSites:
    """The fixture sites on a free loopback port; a context manager."""

    def __init__(self) -> None:
        handler = functools.partial(_Handler, directory=str(SITES))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> ConsentSites:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
