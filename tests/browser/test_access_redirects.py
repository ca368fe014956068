"""The site's access stays with the site after every redirect, for every request tagaudit or
its browser makes: pages (302, 307), a page's own resources, the base URL, robots.txt,
sitemaps (an index naming a sitemap on another port of the same host), a campaign link's
landing in Chromium, and a basic-auth challenge on the other side of a redirect.

Two real loopback servers on two origins (127.0.0.1 and 127.0.0.2), and one on another port
of the first host, record the access headers and cookies each request brought: the staging
header, cookie and password must reach the site and nothing else.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tagaudit.cli import main
from tests.support.servers import Answer, LoopbackServer, serve_routes

TOKEN = "tok-access-7e1d"
COOKIE = "cookie-access-55aa"
PASSWORD = "pw-access-0b0b"
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}
PAGE = b"<!doctype html><html><head><title>page</title></head><body>page</body></html>"


@dataclass
class Seen:
    """What reached one server: (path, staging header, cookie, authorization) per request."""

    requests: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)

    def record(self, request: BaseHTTPRequestHandler) -> None:
        headers = request.headers
        self.requests.append(
            (
                request.path,
                headers.get("X-Staging-Token"),
                headers.get("Cookie"),
                headers.get("Authorization"),
            )
        )

    def paths(self) -> set[str]:
        return {path.split("?")[0] for path, *_ in self.requests}

    def leaks(self) -> list[tuple[str, str | None, str | None, str | None]]:
        """Requests that brought anything of the site's access."""
        return [
            r
            for r in self.requests
            if r[1] or (r[2] and COOKIE in r[2]) or (r[3] and _password_in(r[3]))
        ]


def _password_in(authorization: str) -> bool:
    scheme, _, value = authorization.partition(" ")
    try:
        return scheme.lower() == "basic" and PASSWORD in base64.b64decode(value).decode()
    except ValueError:
        return False


def _recorded(seen: Seen, answer: Answer) -> object:
    def route(request: BaseHTTPRequestHandler) -> Answer:
        seen.record(request)
        return answer

    return route


def _redirect(seen: Seen, status: int, target: str) -> object:
    return _recorded(seen, (status, {"Location": target}, b""))


@dataclass
class Origins:
    site: LoopbackServer
    other: LoopbackServer  # another host
    port: LoopbackServer  # the site's host on another port
    seen: dict[str, Seen]


def _sitemap(*urls: str, index: bool = False) -> bytes:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    entries = "".join(f"<{item}><loc>{u}</loc></{item}>" for u in urls)
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><{tag} xmlns="{ns}">{entries}</{tag}>'.encode()


def _challenge(seen: Seen) -> object:
    """401 with a Basic challenge, as a login wall on the other origin answers."""
    return _recorded(seen, (401, {**HTML, "WWW-Authenticate": 'Basic realm="other"'}, b"no"))


@pytest.fixture
def origins() -> Iterator[Origins]:
    seen = {"site": Seen(), "other": Seen(), "port": Seen()}
    other_routes = {
        p: _recorded(seen["other"], (200, HTML, PAGE))
        for p in ("/landed", "/robots.txt", "/base-landed", "/pixel")
    }
    other_routes["/sitemap.xml"] = _recorded(seen["other"], (200, XML, _sitemap()))
    other_routes["/auth"] = _challenge(seen["other"])
    with (
        serve_routes(other_routes, host="127.0.0.2") as other,
        serve_routes({"/sitemap.xml": _recorded(seen["port"], (200, XML, _sitemap()))}) as port,
    ):
        page = PAGE.replace(b"page</body>", b'<img src="/img302"></body>')
        site_routes = {
            "/": _recorded(seen["site"], (200, HTML, page)),
            "/p302": _redirect(seen["site"], 302, other.url("/landed")),
            "/p307": _redirect(seen["site"], 307, other.url("/landed")),
            "/img302": _redirect(seen["site"], 302, other.url("/pixel")),
            "/to-auth": _redirect(seen["site"], 302, other.url("/auth")),
            "/base": _redirect(seen["site"], 302, other.url("/base-landed")),
            "/go": _redirect(seen["site"], 302, other.url("/landed?utm_source=n")),
            "/robots.txt": _redirect(seen["site"], 302, other.url("/robots.txt")),
            "/sitemap.xml": _site_index(seen["site"], port),
            "/redirected.xml": _redirect(seen["site"], 302, other.url("/sitemap.xml")),
        }
        with serve_routes(site_routes) as site:
            yield Origins(site, other, port, seen)


def _site_index(seen: Seen, port: LoopbackServer) -> object:
    """A sitemap index naming a sitemap that redirects off the site, and one on another
    port of the site's host (another origin: no cookie of the host may go there)."""

    def route(request: BaseHTTPRequestHandler) -> Answer:
        seen.record(request)
        here = f"http://127.0.0.1:{request.server.server_address[1]}"  # type: ignore[attr-defined]
        body = _sitemap(f"{here}/redirected.xml", port.url("/sitemap.xml"), index=True)
        return 200, XML, body

    return route


CONFIG = """\
base_url: {base}
pages: [/, /p302, /p307, /to-auth]
crawl: {{sitemap: true, robots: true}}
browser:
  headers: {{X-Staging-Token: "${{ACCESS_TOKEN}}"}}
  cookies: [{{name: staging, value: "${{ACCESS_COOKIE}}"}}]
  basic_auth: {{username: preview, password: "${{ACCESS_PASSWORD}}"}}
"""


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("ACCESS_COOKIE", COOKIE)
    monkeypatch.setenv("ACCESS_PASSWORD", PASSWORD)


def _config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "tagaudit.yaml"
    path.write_text(CONFIG.format(base=base), encoding="utf-8")
    return path


@pytest.mark.e2e
@pytest.mark.usefixtures("secrets")
def test_no_redirect_carries_the_sites_access_off_the_site(
    origins: Origins, tmp_path: Path, chromium_path: str
) -> None:
    config = _config(tmp_path, origins.site.url("/base"))
    out = tmp_path / "r.json"
    args = ["audit", "-c", str(config), "--browser", chromium_path, "-q", "--json", str(out)]
    code = main([*args, "--fail-on", "never"])
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    finals = {p["url"].rsplit("/", 1)[-1]: p["final_url"] for p in report["pages"]}
    assert finals["p302"] == finals["p307"] == origins.other.url("/landed")  # they redirected
    site, other, port = (origins.seen[k] for k in ("site", "other", "port"))
    # every case reached the other side, and the site got its access (the control)
    assert {"/landed", "/pixel", "/auth", "/base-landed", "/robots.txt"} <= other.paths()
    assert "/sitemap.xml" in other.paths() and "/sitemap.xml" in port.paths()
    assert all(token == TOKEN for _, token, _, _ in site.requests), site.requests
    assert any(cookie and COOKIE in cookie for _, _, cookie, _ in site.requests)
    assert other.leaks() == [] and port.leaks() == []


@pytest.mark.e2e
@pytest.mark.usefixtures("secrets")
def test_a_campaign_links_landing_keeps_the_access_on_the_site(
    origins: Origins, tmp_path: Path, chromium_path: str
) -> None:
    config = _config(tmp_path, origins.site.url("/"))
    out = tmp_path / "links.json"
    link = origins.site.url("/go")
    args = ["links", link, "-c", str(config), "--browser", chromium_path, "--json", str(out)]
    code = main([*args, "-q", "--fail-on", "never"])
    assert code == 0
    (result,) = json.loads(out.read_text(encoding="utf-8"))["links"]
    assert result["final_url"].startswith(origins.other.url("/landed"))
    other = origins.seen["other"]
    assert "/landed" in other.paths()
    assert other.leaks() == []
    assert os.environ["ACCESS_TOKEN"] not in out.read_text(encoding="utf-8")
