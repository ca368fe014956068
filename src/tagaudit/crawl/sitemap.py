"""Reading sitemaps (sitemaps.org protocol 0.9): URL sets, sitemap index files, gzip, text.

`read_sitemap(body, url)` turns one fetched file into the page URLs it lists and, for an
index file, the sitemaps it points to; the runner fetches (through the browser, so staging
access applies) and follows the index. A sitemap may be gzipped whatever its name and
Content-Type say (recognised by the gzip magic bytes), or a plain text file of one URL per
line; per the protocol a file holds at most 50,000 URLs and 50 MB uncompressed, and this
reader refuses more than twice that (a decompression bomb is bad input, not a crawl). A file
that is not a sitemap (malformed XML, an HTML error page, an unknown root element) is a
UsageError naming the sitemap and the parser's line and column: exit 2. Imports only
tagaudit.errors.
"""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from tagaudit.errors import UsageError

GZIP_MAGIC = b"\x1f\x8b"
MAX_BYTES = 2 * 50 * 1024 * 1024  # twice the protocol's 50 MB per uncompressed file
URLSET, INDEX = "urlset", "sitemapindex"


@dataclass
class Sitemap:
    """One sitemap file: the pages it lists, or (an index) the sitemaps it lists."""

    url: str
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    skipped: int = 0  # <loc> entries that are not http(s) URLs


def read_sitemap(body: bytes, url: str) -> Sitemap:
    """The URLs in one sitemap file (gzip undone); UsageError when it is no sitemap."""
    data = _gunzip(body, url) if body[:2] == GZIP_MAGIC else body
    if len(data) > MAX_BYTES:
        raise UsageError(f"sitemap {url} is larger than 100 MB (the protocol allows 50 MB)")
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start and text_start != b"<":
        return _text_sitemap(data, url)
    return _xml_sitemap(data, url)


def _gunzip(body: bytes, url: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as unpacked:
            data = unpacked.read(MAX_BYTES + 1)
    except (OSError, EOFError) as problem:
        raise UsageError(f"malformed sitemap {url}: broken gzip ({problem})") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"sitemap {url} unpacks to more than 100 MB (the protocol allows 50 MB)")
    return data


def _xml_sitemap(data: bytes, url: str) -> Sitemap:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:14].lower().startswith((b"<!doctype html", b"<html")):
        raise UsageError(
            f"malformed sitemap {url}: an HTML page, not a sitemap (an error or login page?)"
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as problem:
        raise UsageError(f"malformed sitemap {url}: {problem}") from None
    kind = _local(root.tag)
    if kind not in (URLSET, INDEX):
        raise UsageError(
            f"malformed sitemap {url}: the root element is <{kind}>, not <urlset> or "
            "<sitemapindex> (an error page instead of the sitemap?)"
        )
    entry = "url" if kind == URLSET else "sitemap"
    sitemap = Sitemap(url)
    found = sitemap.pages if kind == URLSET else sitemap.sitemaps
    for element in root:
        if _local(element.tag) != entry:
            continue
        loc = next((c.text for c in element if _local(c.tag) == "loc"), None)
        _keep(sitemap, found, (loc or "").strip())
    return sitemap


def _text_sitemap(data: bytes, url: str) -> Sitemap:
    """A text sitemap: one URL per line, UTF-8 (sitemaps.org, "Text file")."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"malformed sitemap {url}: neither XML nor UTF-8 text") from None
    sitemap = Sitemap(url)
    for line in text.splitlines():
        if line.strip():
            _keep(sitemap, sitemap.pages, line.strip())
    if not sitemap.pages:
        raise UsageError(f"malformed sitemap {url}: no URL in it")
    return sitemap


def _keep(sitemap: Sitemap, found: list[str], loc: str) -> None:
    if loc.startswith(("http://", "https://")) and " " not in loc:
        found.append(loc)
    else:
        sitemap.skipped += 1


def _local(tag: str) -> str:
    """`{http://www.sitemaps.org/schemas/sitemap/0.9}urlset` → `urlset`."""
    return tag.rsplit("}", 1)[-1]
