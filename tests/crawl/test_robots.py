"""robots.txt by RFC 9309: groups, the product token, `*` and `$`, longest match, ties."""

from __future__ import annotations

import time

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


def test_a_hostile_wildcard_rule_is_matched_in_linear_time() -> None:
    """Issue 22, item 8. Before: `Disallow: /*a*a*…*b` became the regex `/.*a.*a.*…b`, which
    backtracked for more than 300 s on one long URL; now each piece is found once."""
    robots = parse_robots("User-agent: *\nDisallow: /*" + "a*" * 40 + "b\nAllow: /*a$\n")
    url = "https://shop.example/" + "a" * 20_000
    began = time.process_time()  # CPU time: a busy machine slows the clock, not the work
    assert robots.allows(url) is True  # no `b`: the disallow does not match; the allow does
    assert robots.allows(url + "b") is False
    assert time.process_time() - began < 2


@pytest.mark.parametrize(
    ("rule", "path", "matches"),
    [
        ("/p", "/p/x", True),
        ("/p$", "/p/x", False),
        ("/p$", "/p", True),
        ("/*.php$", "/x/y.php", True),
        ("/*.php$", "/x/y.php?q", False),
        ("/*.php", "/x/y.php?q", True),
        ("/a*b*c", "/acb", False),
        ("/a*b*c", "/aXbYc", True),
        ("/a*ab$", "/aab", True),
        ("/a*ab$", "/ab", False),
        ("/*", "/", True),
        ("/*$", "/anything", True),
    ],
)
def test_wildcards_mean_what_rfc_9309_says(rule: str, path: str, matches: bool) -> None:
    robots = parse_robots(f"User-agent: *\nDisallow: {rule}\n")
    assert robots.allows(f"https://shop.example{path}") is not matches


def test_only_the_first_500_kib_are_read() -> None:
    """RFC 9309 §2.5: a crawler may stop reading past 500 KiB (a hostile file can be huge)."""
    filler = "# " + "x" * 1022 + "\n"
    text = "User-agent: *\nDisallow: /a/\n" + filler * 600 + "Disallow: /b/\n"
    robots = parse_robots(text)
    assert [r.path for r in robots.rules] == ["/a/"]
