"""robots.txt by RFC 9309: groups, the product token, `*` and `$`, longest match, ties."""

from __future__ import annotations

import pytest

from tagaudit.crawl.robots import parse_robots, unreachable

ROBOTS = """\
# the shop's robots.txt
User-agent: Googlebot
Disallow: /

User-agent: *
User-agent: otherbot
Disallow: /private/
Disallow: /*?sort=
Disallow: /*.pdf$
Allow: /private/press/
Disallow: /cart
Allow: /cart$

Sitemap: https://shop.test/sitemap_index.xml
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/private/offer/", False),
        ("/private/press/kit", True),  # the longer allow wins
        ("/product/x/?sort=price", False),  # `*` crosses segments
        ("/product/x/?page=2", True),
        ("/files/a.pdf", False),
        ("/files/a.pdf?download=1", True),  # `$` anchors the end
        ("/cart", True),  # allow and disallow of equal length: allow wins
        ("/cart/items", False),
        ("/robots.txt", True),
        ("/%70rivate/offer/", False),  # percent-encoding compared as octets
    ],
)
def test_the_star_group_rules(path: str, allowed: bool) -> None:
    assert parse_robots(ROBOTS).allows(f"https://shop.test{path}") is allowed


def test_a_group_for_tagaudit_replaces_the_star_group() -> None:
    text = ROBOTS + "\nUser-agent: TagAudit\nDisallow: /checkout/\n"
    robots = parse_robots(text)
    assert robots.allows("https://shop.test/private/offer/")
    assert not robots.allows("https://shop.test/checkout/")


def test_sitemaps_and_empty_rules() -> None:
    robots = parse_robots("User-agent: *\nDisallow:\n" + "Sitemap: /s.xml\n")
    assert robots.allows("https://shop.test/anything") and robots.sitemaps == ["/s.xml"]


def test_an_unreachable_robots_txt_disallows_everything_but_itself() -> None:
    robots = unreachable()
    assert not robots.allows("https://shop.test/")
    assert robots.allows("https://shop.test/robots.txt")
