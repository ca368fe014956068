"""A route table of redirect scenarios, served on 127.0.0.1 by tests.support.servers.

Each route is a function query → (status, headers, body). `{q}` style query keeping is
written out in the routes so every test reads what the server does.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlencode

from tests.support.servers import Answer, LoopbackServer, Route, by_query, serve_routes

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = b"<!doctype html><title>ok</title><p>landing</p>"
CAMPAIGN = "utm_source=Google&utm_medium=cpc&utm_campaign=spring%20sale&gclid=abc"
PAUSE = 0.3  # seconds /pause takes to answer
RING = 100  # /ring/0 → /ring/1 → … → /ring/99 → /ring/0


def _in_an_hour() -> str:
    return email.utils.formatdate(time.time() + 3600, usegmt=True)


def _to(location: str, status: int = 301) -> Answer:
    return status, {"Location": location}, b""


def _q(query: str) -> str:
    return f"?{query}" if query else ""


def _meta(query: str) -> Answer:
    body = f'<html><head><meta http-equiv="refresh" content="0; url=/landing{_q(query)}">'
    return 200, HTML, (body + "</head><body>moving</body></html>").encode()


def _js(query: str) -> Answer:
    body = "<html><body><script>location.replace('/landing' + location.search)</script>"
    return 200, HTML, body.encode()


def _lowercase(query: str) -> Answer:
    pairs = [(k, v.lower() if k == "utm_source" else v) for k, v in parse_qsl(query)]
    return _to("/landing?" + urlencode(pairs))


def _reencode(query: str) -> Answer:
    return _to("/landing?" + query.replace("%20", "+"))


def _partial(query: str) -> Answer:
    kept = [(k, v) for k, v in parse_qsl(query) if k == "utm_medium"]
    return _to("/landing?" + urlencode(kept), 302)


def _chain(n: int) -> Callable[[str], Answer]:
    return lambda q: _to(f"/chain/{n - 1}{_q(q)}" if n > 1 else f"/landing{_q(q)}", 302)


GA_PAGE = """<html><head><script>
var dl = {dl};
{store}
navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&tid=G-TEST1&en=page_view'
  + '&dl=' + encodeURIComponent(dl));
</script></head><body>shop</body></html>"""


def _ga(stores: bool) -> Callable[[str], Answer]:
    store = (
        "var m = location.search.match(/gclid=([^&]+)/);"
        "if (m) document.cookie = '_gcl_aw=GCL.1.' + m[1] + '; path=/';"
    )
    dl = "location.href" if stores else "location.origin + location.pathname"
    page = GA_PAGE.replace("{dl}", dl).replace("{store}", store if stores else "")
    return lambda q: (200, HTML, page.encode())


class RouteServer:
    """`with RouteServer() as srv: srv.url('/start?utm_source=x')`.

    `hits` counts the requests per path and query; `pause_peak` is the most /pause requests
    that were at work at once."""

    def __init__(self) -> None:
        self.pausing, self.pause_peak, self.lock = 0, 0, threading.Lock()
        self.routes: dict[str, Callable[[str], Answer]] = self._routes()
        table: dict[str, Route] = {path: by_query(answer) for path, answer in self.routes.items()}
        table["/cookie2"] = self._cookie2
        self.server: LoopbackServer = serve_routes(table)
        self.port = self.server.port

    @property
    def hits(self) -> Counter[str]:
        return Counter(self.server.served)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def __enter__(self) -> RouteServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def _routes(self) -> dict[str, Callable[[str], Answer]]:
        routes: dict[str, Callable[[str], Answer]] = {
            "/landing": lambda q: (200, HTML, PAGE),
            "/promo": lambda q: (200, HTML, PAGE),
            "/home": lambda q: (200, HTML, PAGE),
            "/dir/landing": lambda q: (200, HTML, PAGE),
            "/start": lambda q: _to(f"/go/spring{_q(q)}"),
            "/go/spring": lambda q: _to("/promo"),
            "/dir/rel": lambda q: _to(f"landing{_q(q)}"),
            "/up/dir/rel": lambda q: _to(f"../../dir/landing{_q(q)}"),
            "/loop/a": lambda q: _to(f"/loop/b{_q(q)}", 302),
            "/loop/b": lambda q: _to(f"/loop/c{_q(q)}", 302),
            "/loop/c": lambda q: _to(f"/loop/a{_q(q)}", 302),
            "/gone": lambda q: _to("/missing"),
            "/err": lambda q: (500, {}, b"boom"),
            "/slow": self._slow,
            "/slower": lambda q: (time.sleep(3.0), (200, HTML, PAGE))[1],
            "/limited": self._limited,
            "/always429": lambda q: (429, {"Retry-After": "0"}, b""),
            "/pause": self._pause,
            "/busy": lambda q: (429, {"Retry-After": "3600"}, b""),
            "/busy-date": lambda q: (429, {"Retry-After": _in_an_hour()}, b""),
            "/later": lambda q: (429, {"Retry-After": "1"}, b""),
            "/down": lambda q: (503, {"Retry-After": "3600"}, b"<p>maintenance"),
            "/down-briefly": self._down_briefly,
            "/down-still": lambda q: (503, {"Retry-After": "0.05"}, b"<p>maintenance"),
            "/wall": lambda q: (403, {"cf-mitigated": "challenge", **HTML}, b"<p>Just a moment"),
            "/li": lambda q: (999, {}, b""),
            "/meta": _meta,
            "/js": _js,
            "/reload": lambda q: (
                200,
                HTML,
                b'<meta http-equiv="refresh" content="60; url=/reload">',
            ),
            "/lower": _lowercase,
            "/reencode": _reencode,
            "/frag": lambda q: _to(f"/landing#{q}"),
            "/partial": _partial,
            "/wrong": lambda q: _to(f"/home{_q(q)}"),
            "/cookie": lambda q: (302, {"Location": f"/cookie2{_q(q)}", "Set-Cookie": "s=1"}, b""),
            "/ga/stores": _ga(True),
            "/ga/drops": _ga(False),
            "/ga/go": lambda q: _to(f"/ga/drops{_q(q)}"),
        }
        for code in (301, 302, 303, 307, 308):
            routes[f"/s/{code}"] = lambda q, c=code: _to(f"/landing{_q(q)}", c)
        for n in range(1, 16):
            routes[f"/chain/{n}"] = _chain(n)
        for n in range(RING):
            routes[f"/ring/{n}"] = lambda q, n=n: _to(f"/ring/{(n + 1) % RING}", 302)
        return routes

    def _pause(self, query: str) -> Answer:
        """PAUSE seconds of work, counting how many are at it at once (`pause_peak`)."""
        with self.lock:
            self.pausing += 1
            self.pause_peak = max(self.pause_peak, self.pausing)
        time.sleep(PAUSE)
        with self.lock:
            self.pausing -= 1
        return 200, HTML, PAGE

    def _down_briefly(self, query: str) -> Answer:
        if self.hits[f"/down-briefly?{query}"] <= 1:
            return 503, {"Retry-After": "0.05"}, b"<p>maintenance"
        return 200, HTML, PAGE

    def _slow(self, query: str) -> Answer:
        time.sleep(1.0)
        return 200, HTML, PAGE

    def _limited(self, query: str) -> Answer:
        if self.hits[f"/limited?{query}"] <= 1:
            return 429, {"Retry-After": "0.05"}, b""
        return 200, HTML, PAGE

    def _cookie2(self, request: BaseHTTPRequestHandler) -> Answer:
        cookie = request.headers.get("Cookie", "")
        return (200, HTML, PAGE) if "s=1" in cookie else (403, HTML, b"no cookie")
