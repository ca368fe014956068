"""Serving the consent fixture sites on 127.0.0.1, with the npm banners beside them.

`fixtures/consent/` is served at `/`; `/node_modules/<pkg>/dist/…` comes from the repository's
node_modules (installed by `make` from package.json, never committed), so the pages load the
real open-source banners (klaro, vanilla-cookieconsent) without copying them into the repo.
A `delay_ms=N` query holds a file back N ms (at most 5 s): a tag library that loads late.
Started through tests.support.servers.
"""

from __future__ import annotations

import functools
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.servers import LoopbackServer

REPO = Path(__file__).resolve().parents[2]
SITES = REPO / "fixtures" / "consent"
NODE_MODULES = REPO / "node_modules"
SERVED_PACKAGES = (
    "klaro",
    "vanilla-cookieconsent",
    "orejime",
    "tarteaucitronjs",
    "cookieconsent",
    "cookies-eu-banner",
)


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows what matters."""

    def do_GET(self) -> None:
        delay = parse_qs(urlsplit(self.path).query).get("delay_ms", ["0"])[0]
        time.sleep(min(int(delay) if delay.isdigit() else 0, 5000) / 1000)
        super().do_GET()

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
        self._server = LoopbackServer(functools.partial(_Handler, directory=str(SITES)))

    def url(self, path: str) -> str:
        return self._server.url(path)

    def __enter__(self) -> ConsentSites:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.close()
