"""Sitemaps as sitemaps.org defines them: URL sets, index files, gzip (whatever the name
says), text files; anything else is one line of bad input naming the sitemap."""

from __future__ import annotations

import gzip

import pytest

from tagaudit.crawl.sitemap import MAX_BYTES, read_sitemap
from tagaudit.errors import UsageError

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
URLSET = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {NS} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc> https://shop.test/ </loc><lastmod>2026-01-01</lastmod></url>
  <url><loc>https://shop.test/product/red-shirt/</loc>
       <image:image><image:loc>https://cdn.test/a.jpg</image:loc></image:image></url>
  <url><loc>/relative/is/not/allowed</loc></url>
</urlset>""".encode()


def test_a_url_set_lists_its_pages() -> None:
    sitemap = read_sitemap(URLSET, "https://shop.test/sitemap.xml")
    assert sitemap.pages == ["https://shop.test/", "https://shop.test/product/red-shirt/"]
    assert (sitemap.sitemaps, sitemap.skipped) == ([], 1)


def test_an_index_lists_sitemaps_not_pages() -> None:
    index = f"""<sitemapindex {NS}>
      <sitemap><loc>https://shop.test/s1.xml</loc></sitemap>
      <sitemap><loc>https://shop.test/s2.xml.gz</loc><lastmod>2026-01-01</lastmod></sitemap>
    </sitemapindex>""".encode()
    sitemap = read_sitemap(index, "https://shop.test/sitemap_index.xml")
    assert sitemap.sitemaps == ["https://shop.test/s1.xml", "https://shop.test/s2.xml.gz"]
    assert sitemap.pages == []


@pytest.mark.parametrize("name", ["sitemap.xml.gz", "sitemap.xml"])  # servers misname them
def test_gzip_is_recognised_by_its_bytes(name: str) -> None:
    sitemap = read_sitemap(gzip.compress(URLSET), f"https://shop.test/{name}")
    assert len(sitemap.pages) == 2


def test_a_text_sitemap_is_one_url_per_line() -> None:
    text = b"\xef\xbb\xbfhttps://shop.test/\n\nhttps://shop.test/cart/\r\nnot a url\n"
    sitemap = read_sitemap(text, "https://shop.test/sitemap.txt")
    assert sitemap.pages == ["https://shop.test/", "https://shop.test/cart/"]
    assert sitemap.skipped == 1


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<urlset><url><loc>x</url></urlset>", "mismatched tag: line 1, column 21"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "an HTML page, not a sitemap"),
        (b"<html><body>Log in</body></html>", "an HTML page, not a sitemap"),
        (b"<rss><channel/></rss>", "the root element is <rss>"),
        (b"\x1f\x8b\x08\x00broken", "broken gzip"),
        (b"\xff\xfe\x00binary", "neither XML nor UTF-8 text"),
    ],
)
def test_what_is_not_a_sitemap_is_one_line_of_bad_input(body: bytes, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        read_sitemap(body, "https://shop.test/sitemap.xml")
    line = caught.value.one_line()
    assert "\n" not in line and line.startswith("malformed sitemap https://shop.test/sitemap.xml")
    assert says in line


def test_a_gzip_bomb_is_refused_before_it_is_unpacked_whole() -> None:
    bomb = gzip.compress(b"<" + b" " * (MAX_BYTES + 10))
    assert len(bomb) < 1_000_000
    with pytest.raises(UsageError, match="unpacks to more than 100 MB"):
        read_sitemap(bomb, "https://shop.test/sitemap.xml.gz")
