"""A generated shop on 127.0.0.1 with what crawl control needs: many pages of few templates,
a sitemap index pointing at a plain and a gzipped sitemap, robots.txt rules, pages to exclude.

    home, cart, checkout                  one-off pages under the root
    /category/<name>/       12 pages      a template (10 or more siblings)
    /product/<name>/        60 pages      a template; names without digits, so only the
                                          sibling count makes it one
    /admin/, /admin/users/                for `exclude`
    /private/offer/                       robots.txt: Disallow: /private/
    /product/<name>/?sort=price           robots.txt: Disallow: /*?sort= (in the sitemap)

Every page pushes its own path into dataLayer, so a report shows which pages really loaded.
"""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tagaudit.runner.sitesrv import SiteServer
from tests.support.servers import serve_folder

COLOURS = ["red", "blue", "green", "black", "white", "grey", "pink", "navy", "olive", "teal"]
ITEMS = ["shirt", "scarf", "boots", "socks", "dress", "jacket"]
CATEGORIES = ["men", "women", "kids", "shoes", "bags", "sale", "new", "outdoor", "sport",
              "home", "beauty", "gifts"]  # fmt: skip
PRODUCTS = [f"{c}-{i}" for c, i in itertools.product(COLOURS, ITEMS)]  # 60
ONE_OFF = ["/", "/cart/", "/checkout/"]
PAGE = "<!doctype html><title>{path}</title><script>dataLayer=[{{seen:'{path}'}}]</script>"


def paths() -> dict[str, list[str]]:
    return {
        "one_off": ONE_OFF,
        "category": [f"/category/{name}/" for name in CATEGORIES],
        "product": [f"/product/{name}/" for name in PRODUCTS],
        "admin": ["/admin/", "/admin/users/"],
        "private": ["/private/offer/"],
    }


def _urlset(base: str, paths: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    ).encode()


def build(root: Path, base: str) -> None:
    """Write the shop for a server at `base` (sitemaps hold absolute URLs)."""
    every = paths()
    for path in itertools.chain.from_iterable(every.values()):
        folder = root / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(PAGE.format(path=path), encoding="utf-8")
    pages = [*ONE_OFF, *every["category"], *every["admin"], *every["private"]]
    (root / "sitemap-pages.xml").write_bytes(_urlset(base, pages))
    products = [*every["product"], f"{every['product'][0]}?sort=price"]
    (root / "sitemap-products.xml.gz").write_bytes(gzip.compress(_urlset(base, products)))
    index = "".join(
        f"<sitemap><loc>{base}/{name}</loc></sitemap>"
        for name in ("sitemap-pages.xml", "sitemap-products.xml.gz")
    )
    (root / "sitemap_index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}'
        "</sitemapindex>\n",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text(
        "User-agent: *\nDisallow: /private/\nDisallow: /*?sort=\n\n"
        f"Sitemap: {base}/sitemap_index.xml\n",
        encoding="utf-8",
    )
    (root / "broken-sitemap.xml").write_text("<urlset><url><loc>x</url></urlset>", "utf-8")


@contextmanager
def shop_site(root: Path) -> Iterator[SiteServer]:
    root.mkdir(parents=True, exist_ok=True)
    with serve_folder(root) as site:
        build(root, site.base_url.rstrip("/"))
        yield site
