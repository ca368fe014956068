"""A staging site on 127.0.0.1 that lets in only who it should, and a "vendor" next to it.

The site answers 401 without HTTP basic auth (`preview` / the password given) and 403
without the access header `X-Staging-Token`; `/account/` also needs the `session` cookie a
logged-in storage state carries. Its pages load a script from the vendor (another host:
`localhost`) and push what the browser looks like into `dataLayer` (user agent, viewport,
touch, language, time zone, cookies, a localStorage value), so the audit's report shows it.
Both servers log every request's headers: a secret must reach the site and never the vendor.
Both start through tests.support.servers.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.servers import LoopbackServer

PAGE = """<!doctype html><html><head><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="{vendor}/lib.js"></script>
<script>
window.dataLayer = window.dataLayer || [];
dataLayer.push({{event: "browser", ua: navigator.userAgent, width: innerWidth,
  height: innerHeight, touch: navigator.maxTouchPoints, lang: navigator.language,
  tz: Intl.DateTimeFormat().resolvedOptions().timeZone, cookie: document.cookie,
  stored: localStorage.getItem("cart")}});
</script></head><body><h1>{title}</h1><a href="/account/">account</a></body></html>"""


@dataclass
class Logs:
    """Headers of every request each server saw (lower-cased names)."""

    site: list[dict[str, str]] = field(default_factory=list)
    vendor: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Staging:
    url: str
    vendor: str
    token: str
    password: str
    logs: Logs


def _site_handler(vendor: str, token: str, password: str, logs: Logs) -> type:
    expected = "Basic " + base64.b64encode(f"preview:{password}".encode()).decode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            logs.site.append({k.lower(): v for k, v in self.headers.items()})
            if self.headers.get("Authorization") != expected:
                return self._answer(401, "login", {"WWW-Authenticate": 'Basic realm="staging"'})
            if self.headers.get("X-Staging-Token") != token:
                return self._answer(403, "no token")
            if self.path.startswith("/account") and "session=abc" not in (
                self.headers.get("Cookie") or ""
            ):
                return self._answer(403, "not logged in")
            if self.path == "/robots.txt":
                return self._answer(200, "User-agent: *\nDisallow:\n", {}, "text/plain")
            return self._answer(200, PAGE.format(title=self.path, vendor=vendor))

        def _answer(
            self, status: int, body: str, headers: dict | None = None, kind: str = "text/html"
        ) -> None:
            data = body.encode()
            self.send_response(status)
            for name, value in {"Content-Type": kind, **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Site


def _vendor_handler(logs: Logs) -> type:
    class Vendor(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            logs.vendor.append({k.lower(): v for k, v in self.headers.items()})
            body = b"window.vendorLoaded = true;"
            self.send_response(200)
            self.send_header("Content-Type", "application/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Vendor


@contextmanager
def staging_site(token: str, password: str) -> Iterator[Staging]:
    logs = Logs()
    with LoopbackServer(_vendor_handler(logs)) as vendor:
        vendor_url = f"http://localhost:{vendor.port}"
        with LoopbackServer(_site_handler(vendor_url, token, password, logs)) as site:
            yield Staging(site.base_url, vendor_url, token, password, logs)
