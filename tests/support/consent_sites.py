"""Serving the consent fixture sites on 127.0.0.1, with the npm banners beside them.

`fixtures/consent/` is served at `/`; `/node_modules/<pkg>/dist/…` comes from the repository's
node_modules (installed by `make` from package.json, never committed), so the pages load the
real open-source banners (klaro, vanilla-cookieconsent) without copying them into the repo.
Started through tests.support.servers.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
