"""Selecting discovered pages: hosts, include/exclude, robots.txt, and sampling of links found
while crawling (a template is known once 10 siblings were seen)."""

from __future__ import annotations

from tagaudit.crawl.frontier import Frontier
from tagaudit.crawl.robots import parse_robots
from tagaudit.crawl.select import Selector
from tagaudit.crawl.settings import CrawlSettings

SHOP = "https://shop.test"


def _selector(**plan: object) -> Selector:
    robots = parse_robots("User-agent: *\nDisallow: /private/\n")
    return Selector(CrawlSettings(**plan), {"shop.test"}, robots)  # type: ignore[arg-type]


def test_each_reason_is_counted() -> None:
    selector = _selector(exclude=["/admin/**"], include=["/admin/**", "/private/**", "/p/**"])
    urls = [
        f"{SHOP}/admin/x",
        f"{SHOP}/private/y",
        "https://cdn.test/p/1",
        f"{SHOP}/about",
        f"{SHOP}/p/1",
    ]
    assert selector.select(urls) == [f"{SHOP}/p/1"]
    assert selector.summary() == (
        "crawl: left out 4 discovered pages (1 by exclude, 1 by robots.txt, 1 by another host, "
        "1 by include)"
    )


def test_a_crawl_admits_links_once_and_samples_templates_as_they_appear() -> None:
    selector = _selector(per_template=2, exclude=["/admin/**"])
    products = [f"{SHOP}/product/item-{c}/" for c in "abcdefghijklmnopqrst"]  # 20 siblings
    links = {
        f"{SHOP}/": [f"{SHOP}/admin/", f"{SHOP}/private/a", *products, f"{SHOP}/cart/"],
        products[0]: [f"{SHOP}/admin/", *products],  # seen again: not counted again
    }
    frontier = Frontier([f"{SHOP}/"], max_pages=100, depth=2, admit=selector.admit)
    seen = []
    while (item := frontier.take()) is not None:
        seen.append(item[0])
        frontier.done(item[0], links.get(item[0], []), item[1])
    admitted = [u for u in seen if "/product/" in u]
    # 9 siblings look like one-off pages until the 10th makes them a template: then 2 more
    assert len(admitted) == 9 + 2
    assert f"{SHOP}/cart/" in seen and not [u for u in seen if "admin" in u or "private" in u]
    assert selector.left_out == {"exclude": 1, "robots.txt": 1, "per_template": 9}
