"""URL patterns: one language for rule scopes, ignores, and the crawl's include, exclude and
templates, so a pattern means the same wherever a user writes it.

A pattern matches a page's path (`/checkout/thank-you*`), or the whole URL when it has a
scheme (`https://shop.example/**`), or is a regex when written `re:^/p/\\d+$` (searched in
the path and query, and in the whole URL). In globs `*` stays within one path segment, `**`
crosses segments, `?` is one character; a pattern with a `?query` part also matches the
query; a trailing slash never decides. Imports only tagaudit.errors.

A user's regex must never hang a run (before: `re:(a+)+$` against a long URL hung with no
report). So every regex a user writes (scopes, ignores, the crawl's filters, parameter and
account formats) is checked when it is read: bad syntax and nested unbounded quantifiers
(`(a+)+`, the usual catastrophic backtracking) are refused there with file, line and field
(`regex_problem`). And it runs on the `regex` module with a time limit per match
(`USER_REGEX_TIMEOUT`): what the check cannot see (`(a|a)*$`) ends as PatternTooSlow, one
line naming the pattern, never a hang.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import regex

from tagaudit.errors import UsageError

try:  # the parser `re` itself uses: Python 3.11 moved it
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

USER_REGEX_TIMEOUT = 0.25  # seconds per match; honest patterns take microseconds
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
_REPEATS |= {getattr(sre_parse, "POSSESSIVE_REPEAT", sre_parse.MAX_REPEAT)}


class PatternTooSlow(UsageError):
    """A user's regex took longer than USER_REGEX_TIMEOUT on one text."""

    def __init__(self, pattern: str, length: int) -> None:
        super().__init__(
            f"the regex {pattern!r} took more than {USER_REGEX_TIMEOUT:g} s on a "
            f"{length:,}-character text (catastrophic backtracking): simplify it"
        )


def regex_problem(text: str) -> str | None:
    """Why `text` (a regex, without `re:`) is refused, or None: bad syntax, or a quantifier
    on a group that holds an unbounded quantifier (exponential backtracking)."""
    try:
        parsed = sre_parse.parse(text)
    except (re.error, RecursionError, OverflowError) as bad:
        return f"bad regex: {bad}"
    nested = _nested_quantifier(parsed)
    if nested:
        return (
            f"nested quantifiers can take exponential time on a long URL ({nested}): "
            "quantify the inner part only, e.g. (a+)+ → a+"
        )
    return None


def _nested_quantifier(items: Any) -> str | None:
    """The first unbounded repeat whose body starts with an unbounded repeat: `(a+)+`,
    `(\\w+\\s?)*`, `(x*)*`, where the inner and outer loops can split the same text in
    exponentially many ways. `(/[a-z]+)*` passes: each round must start with a `/`."""
    for op, value in items:
        if op in _REPEATS:
            _, high, body = value
            if _unbounded(high) and _starts_with_repeat(body):
                return "a repeated group starts with a + or *"
            found = _nested_quantifier(body)
        elif op == sre_parse.SUBPATTERN:
            found = _nested_quantifier(value[-1])
        elif op == sre_parse.BRANCH:
            found = next(filter(None, (_nested_quantifier(b) for b in value[1])), None)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            found = _nested_quantifier(value[1])
        else:
            found = None
        if found:
            return found
    return None


def _unbounded(high: int) -> bool:
    return high == sre_parse.MAXREPEAT or high > 64


def _starts_with_repeat(items: Any) -> bool:
    """Does the first thing `items` must match (past anchors and optional parts) repeat
    without bound?"""
    for op, value in items:
        if op in (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            continue  # zero-width: look at what follows
        if op in _REPEATS:
            low, high, body = value
            if _unbounded(high):
                return True
            if low == 0:
                continue  # optional: what follows may come first
            return _starts_with_repeat(body)
        if op == sre_parse.SUBPATTERN:
            return _starts_with_repeat(value[-1])
        if op == sre_parse.BRANCH:
            return any(_starts_with_repeat(branch) for branch in value[1])
        return False
    return False


@lru_cache(maxsize=512)
def user_regex(text: str) -> Any:
    """A user's regex, compiled by the `regex` module (which can stop a match in time)."""
    return regex.compile(text)


def regex_search(text: str, subject: str) -> bool:
    """Does the user's regex `text` occur in `subject`? Bounded by USER_REGEX_TIMEOUT."""
    try:
        return user_regex(text).search(subject, timeout=USER_REGEX_TIMEOUT) is not None
    except TimeoutError:
        raise PatternTooSlow(text, len(subject)) from None


def regex_fullmatch(text: str, subject: str) -> bool:
    """Does the user's regex `text` match all of `subject`? Bounded like regex_search."""
    try:
        return user_regex(text).fullmatch(subject, timeout=USER_REGEX_TIMEOUT) is not None
    except TimeoutError:
        raise PatternTooSlow(text, len(subject)) from None


class BoundedRegex:
    """A user's regex on a hot path (the `providers:` paths every request is routed by): each
    search is bounded by USER_REGEX_TIMEOUT, and the first search that runs out disables the
    pattern for the rest of the run, so a hostile page's long URLs cost 0.25 s once, not on
    every request. `slow` then says so in words (the run's notes).

    >>> BoundedRegex("^/collect/(?P<v>v[0-9])$").search("/collect/v2").group("v")
    'v2'
    """

    def __init__(self, text: str, owner: str = "") -> None:
        self.pattern, self.owner = text, owner
        self.slow: str | None = None
        self._compiled = user_regex(text)

    def search(self, subject: str) -> Any:
        if self.slow is not None:
            return None
        try:
            return self._compiled.search(subject, timeout=USER_REGEX_TIMEOUT)
        except TimeoutError:
            where = f"{self.owner}: " if self.owner else ""
            self.slow = (
                f"{where}{PatternTooSlow(self.pattern, len(subject)).one_line()}; "
                "it was not used for the rest of the run"
            )
            return None

    def __repr__(self) -> str:
        return f"BoundedRegex({self.pattern!r})"


def pattern_problem(pattern: str) -> str | None:
    """Why a URL pattern is refused (only `re:` ones can be), or None."""
    if pattern.startswith("re:"):
        return regex_problem(pattern[3:])
    return None


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regex of one glob pattern (`re:` ones never get here: see url_matches)."""
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
        return regex_search(pattern[3:], path_query) or regex_search(pattern[3:], url)
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
