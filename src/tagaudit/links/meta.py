"""Client-side redirects visible without a browser: `<meta http-equiv=refresh>` and `Refresh:`.

Owns reading the refresh target from a 200 answer. The body is parsed with beautifulsoup4
only when it mentions "refresh" at all, so ordinary pages cost one substring search.
Imports bs4 (only when a body mentions refresh); nothing from tagaudit.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

_URL_PART = re.compile(r"""^\s*\d*(?:\.\d+)?\s*[;,]?\s*(?:url\s*=\s*)?(.*)$""", re.I | re.S)


def parse_refresh(content: str) -> str | None:
    """`0; url='/next?x=1'` → `/next?x=1`; a bare delay (a reload) → None."""
    match = _URL_PART.match(content or "")
    if not match:
        return None
    target = match.group(1).strip().strip("'\"").strip()
    return target or None


def refresh_target(headers: Mapping[str, str], body: bytes) -> str | None:
    """Where a 200 answer sends the browser by refresh (header first, then the HTML).

    `headers` is any mapping with lower-case names (httpx.Headers or a plain dict).
    """
    header = headers.get("refresh")
    if header:
        return parse_refresh(header)
    if not body or b"refresh" not in body.lower():
        return None
    if "html" not in headers.get("content-type", "text/html").lower():
        return None
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning  # only pages that refresh

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(body, "html.parser")
    for tag in soup.find_all("meta"):
        if str(tag.get("http-equiv", "")).strip().lower() == "refresh":
            return parse_refresh(str(tag.get("content", "")))
    return None
