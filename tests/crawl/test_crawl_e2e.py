"""Crawl control end to end: robots.txt's sitemap index (one sitemap gzipped), robots rules,
include/exclude and per-template sampling, against a generated shop on 127.0.0.1; bad
sitemaps and an unreachable base URL are one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import refused_url
from tests.support.shop_site import shop_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    with shop_site(tmp_path_factory.mktemp("shop")) as site:
        yield site


def _audit(tmp_path: Path, chromium: str, yaml: str, *flags: str) -> tuple[int, dict, list[str]]:
    config = tmp_path / "tagaudit.yaml"
    config.write_text(yaml, encoding="utf-8")
    out = tmp_path / "report.json"
    out.unlink(missing_ok=True)
    argv = ["audit", "-c", str(config), "--browser", chromium, "-q", "--json", str(out)]
    code = main([*argv, "--fail-on", "never", *flags])
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return code, report, [p["url"] for p in report.get("pages", [])]


def _paths(base: str, urls: list[str]) -> list[str]:
    return [u.removeprefix(base) for u in urls]


def test_a_50_000_product_shop_is_audited_as_a_few_pages_per_template(
    tmp_path: Path, shop: SiteServer, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = (
        f"base_url: {shop.base_url}\n"
        "crawl:\n"
        "  sitemap: true\n"
        "  robots: true\n"
        "  exclude: ['/admin/**']\n"
        "  per_template: 3\n"
        "  quiet_ms: 50\n"
    )
    code, report, urls = _audit(tmp_path, chromium_path, yaml)
    assert code == 0
    paths = _paths(shop.base_url, urls)
    assert paths[:3] == ["/", "/cart/", "/checkout/"]
    assert len([p for p in paths if p.startswith("/category/")]) == 3
    products = [p for p in paths if p.startswith("/product/")]
    assert len(products) == 3 and len(paths) == 9
    assert not [p for p in paths if p.startswith(("/admin", "/private")) or "?sort" in p]
    assert all(p["status"] == 200 for p in report["pages"])
    # what was left out is said, and where the pages came from is kept
    err = capsys.readouterr().err
    assert (
        "tagaudit: crawl: left out 70 discovered pages (66 by per_template, 2 by exclude, "
        "2 by robots.txt)" in err
    )
    declared = report["config"]["declared"]
    assert declared[f"{shop.base_url}/product/{products[0].split('/')[2]}/"].endswith(
        "tagaudit.yaml:3"
    )
    # the same sample next time: a baseline compares like with like
    _, _, again = _audit(tmp_path, chromium_path, yaml)
    assert again == urls


def test_include_keeps_only_what_it_names_besides_the_listed_pages(
    tmp_path: Path, shop: SiteServer, chromium_path: str
) -> None:
    yaml = (
        f"base_url: {shop.base_url}\npages: [/cart/]\n"
        "crawl: {sitemap: /sitemap_index.xml, include: ['/category/*'], quiet_ms: 50}\n"
    )
    _, _, urls = _audit(tmp_path, chromium_path, yaml)
    paths = _paths(shop.base_url, urls)
    assert paths[0] == "/cart/" and len(paths) == 13
    assert all(p.startswith("/category/") for p in paths[1:])


@pytest.mark.parametrize(
    ("sitemap", "line"),
    [
        (
            "/broken-sitemap.xml",
            "malformed sitemap {base}/broken-sitemap.xml: mismatched tag: line 1, column 21",
        ),
        ("/no-such-sitemap.xml", "sitemap {base}/no-such-sitemap.xml answered HTTP 404"),
    ],
)
def test_a_bad_sitemap_is_one_line_and_exit_2(
    tmp_path: Path,
    shop: SiteServer,
    chromium_path: str,
    capsys: pytest.CaptureFixture[str],
    sitemap: str,
    line: str,
) -> None:
    yaml = f"base_url: {shop.base_url}\ncrawl: {{sitemap: {sitemap}}}\n"
    code, report, _ = _audit(tmp_path, chromium_path, yaml)
    assert (code, report) == (2, {})
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == "tagaudit: " + line.format(base=shop.base_url)


def test_an_unreachable_base_url_is_one_line_and_exit_2(
    tmp_path: Path, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = refused_url()
    code, _, _ = _audit(tmp_path, chromium_path, f"base_url: {base}\n")
    assert code == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith(f"tagaudit: the base URL {base} is unreachable: connect ECONNREFUSED")
    assert err.endswith("(check base_url / --base-url)")


def test_max_pages_never_cuts_a_listed_page_and_fills_the_room_left_with_discovered_ones(
    tmp_path: Path, shop: SiteServer, chromium_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 22, item 6. Before: a 500-URL audit audited 200 (the default), and the only sign
    was one stderr line. Now every listed page is audited; discovered ones get the room left."""
    listed = [f"/category/{name}/" for name in ("men", "women", "kids", "shoes", "bags")]
    yaml = (
        f"base_url: {shop.base_url}\npages: [{', '.join(listed)}]\n"
        "crawl: {sitemap: /sitemap_index.xml, include: ['/product/*'], quiet_ms: 50}\n"
    )
    _, _, urls = _audit(tmp_path, chromium_path, yaml, "--max-pages", "7")
    paths = _paths(shop.base_url, urls)
    assert paths[:5] == listed and len(paths) == 7
    assert all(p.startswith("/product/") for p in paths[5:])
    err = capsys.readouterr().err
    assert "crawl: 59 discovered pages beyond max_pages 7 left out (the 5 listed pages" in err
    _, _, urls = _audit(tmp_path, chromium_path, yaml, "--max-pages", "3")
    assert _paths(shop.base_url, urls) == listed
    err = capsys.readouterr().err
    assert "crawl: 61 discovered pages beyond max_pages 3 left out (the 5 listed" in err


def test_pages_listed_on_the_command_line_are_all_audited_whatever_max_pages_says(
    shop: SiteServer, chromium_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = [shop.url(f"/product/{name}/") for name in ("red-shirt", "red-scarf", "red-boots")]
    urls += [shop.url("/cart/"), shop.url("/checkout/")]
    out = tmp_path / "report.json"
    argv = ["audit", *urls, "--max-pages", "2", "--depth", "1", "--browser", chromium_path]
    code = main([*argv, "-q", "--json", str(out), "--fail-on", "never"])
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [p["url"] for p in report["pages"]] == urls  # and no link followed: no room left
    assert "max_pages" not in capsys.readouterr().err
