"""URL patterns: one language for rule scopes, ignores, and the crawl's include, exclude and
templates, so a pattern means the same wherever a user writes it.

A pattern matches a page's path (`/checkout/thank-you*`), or the whole URL when it has a
scheme (`https://shop.example/**`), or is a regex when written `re:^/p/\\d+$` (searched in
the path and query, and in the whole URL). In globs `*` stays within one path segment, `**`
crosses segments, `?` is one character; a pattern with a `?query` part also matches the
query; a trailing slash never decides. Imports nothing from tagaudit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regex of one pattern (re.error for a bad `re:` one)."""
    if pattern.startswith("re:"):
        return re.compile(pattern[3:])
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "."}.get(char, re.escape(char)))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def url_matches(pattern: str, url: str) -> bool:
    """Does `url` match one pattern (glob on the path or whole URL, or `re:` regex)?"""
    if pattern == "**":  # every rule's default scope: no need to take the URL apart
        return True
    parts = urlsplit(url)
    if pattern.startswith("re:"):
        path_query = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
        regex = compile_pattern(pattern)
        return bool(regex.search(path_query) or regex.search(url))
    if "://" in pattern:
        target = url.split("#", 1)[0]
    else:
        target = parts.path or "/"
        if "?" in pattern and parts.query:
            target = f"{target}?{parts.query}"
    # A trailing slash never decides: `/thank-you*` matches `/thank-you/`, `https://a.test`
    # matches `https://a.test/`.
    candidates = {target, target.rstrip("/") or "/", target + "/"}
    return any(compile_pattern(pattern).match(c) for c in candidates)


def any_matches(patterns: list[str], url: str) -> bool:
    """Does `url` match one of `patterns`? (Every rule's default scope, `**`, is answered
    without looking at the URL: 19 link rules × 1,000 links ask it twice each.)"""
    if not patterns:
        return False
    if "**" in patterns:
        return True
    return any(url_matches(p, url) for p in patterns)
