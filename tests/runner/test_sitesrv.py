"""The fixture sites' server (runner/sitesrv.py): what the reach site needs of it beyond
files and redirects: an npm package mounted beside a site, a path that answers every method
with an error status (a collector that is down), and CORS preflights."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import serve_folder


def _ask(url: str, method: str = "GET") -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=b"x" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_mounts_rules_that_are_no_redirect_and_preflights(tmp_path: Path) -> None:
    site, package = tmp_path / "site", tmp_path / "pkg"
    (site / "down").mkdir(parents=True)
    (package / "dist").mkdir(parents=True)
    (site / "down" / "502.html").write_text("bad gateway")
    (package / "dist" / "banner.js").write_text("window.banner = 1;")
    (site / "_redirects").write_text("/collect  /down/502.html  502\n/go  /  302\n")
    with serve_folder(site, mounts={"/node_modules/pkg/": package}) as server:
        assert _ask(server.url("/node_modules/pkg/dist/banner.js")) == (200, b"window.banner = 1;")
        assert _ask(server.url("/node_modules/pkg/../../site/down/502.html"))[0] == 404
        for method in ("GET", "POST", "OPTIONS"):
            assert _ask(server.url("/collect?en=page_view"), method) == (502, b"bad gateway")
        assert _ask(server.url("/anything"), "OPTIONS") == (204, b"")
        assert "OPTIONS /collect?en=page_view" in server.served


@pytest.mark.parametrize("path", ["/go"])
def test_redirect_rules_still_redirect(tmp_path: Path, path: str) -> None:
    (tmp_path / "_redirects").write_text("/go  /landing/  302\n")
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "index.html").write_text("landed")
    with serve_folder(tmp_path) as server:
        assert _ask(server.url(path + "?utm_source=x")) == (200, b"landed")
