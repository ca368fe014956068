"""robots.txt as RFC 9309 (the Robots Exclusion Protocol) reads it, for `crawl.robots: true`.

Groups start with `user-agent` lines; tagaudit obeys the groups naming its product token
`tagaudit`, else the `*` groups (§2.2.1; several matching groups are merged). A URL's path
and query are matched against `allow` / `disallow` rules with `*` and a final `$` (§2.2.3);
the longest matching rule wins, `allow` on a tie (§2.2.2); `/robots.txt` itself is always
allowed. `Sitemap:` lines are kept for sitemap discovery. How it was fetched decides as much
(§2.3.1): an answer of 4xx means no rules; 5xx or no answer means "disallow everything",
which the runner reports. Python's urllib.robotparser is not used: it knows neither `*`
nor `$`. Imports nothing from tagaudit.

A robots.txt is the site's, not the user's, so it must never hang a run (before: `Disallow:
/*a*a*a…*b` as a regex backtracked for more than 300 s). Rules are matched without a regex,
left to right, each literal piece at its first place after the last (`_matches`: linear in
the URL for each piece), and only the first 500 KiB of the file are read, as RFC 9309 §2.5
allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

PRODUCT_TOKEN = "tagaudit"
MAX_BYTES = 500 * 1024  # what a crawler must read at least (RFC 9309 §2.5); the rest is not


@dataclass
class Rule:
    """One allow/disallow line: its normalised path, and that path cut at its `*`s (a final
    `$` anchors the last piece to the end)."""

    allow: bool
    path: str
    pieces: tuple[str, ...]
    anchored: bool

    def matches(self, target: str) -> bool:
        return _matches(self.pieces, self.anchored, target)


@dataclass
class Robots:
    """The rules of one robots.txt for tagaudit, and its sitemaps."""

    rules: list[Rule] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    disallow_all: bool = False  # robots.txt could not be read (5xx, network): RFC 9309 §2.3.1.3

    def allows(self, url: str) -> bool:
        """May tagaudit load `url`?"""
        parts = urlsplit(url)
        target = _normalised(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if target == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        best: Rule | None = None
        for rule in self.rules:
            if not rule.matches(target):
                continue
            longer = best is None or len(rule.path) > len(best.path)
            if longer or (len(rule.path) == len(best.path) and rule.allow):
                best = rule
        return best is None or best.allow


def unreachable() -> Robots:
    """robots.txt answered 5xx or not at all: everything is disallowed (RFC 9309 §2.3.1.3)."""
    return Robots(disallow_all=True)


def parse_robots(text: str, token: str = PRODUCT_TOKEN) -> Robots:
    """The rules of `text` that apply to `token` (else to `*`), and every Sitemap line."""
    robots = Robots()
    groups: list[tuple[list[str], list[Rule]]] = []
    in_agents = False
    for raw in text[:MAX_BYTES].splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "sitemap" and value:
            robots.sitemaps.append(value)
        elif key == "user-agent":
            if not in_agents:
                groups.append(([], []))
            groups[-1][0].append(value.lower())
            in_agents = True
        elif key in ("allow", "disallow") and groups:
            in_agents = False
            if value:  # an empty disallow allows everything: no rule
                groups[-1][1].append(_rule(key == "allow", value))
    mine = [rules for agents, rules in groups if token.lower() in agents]
    chosen = mine or [rules for agents, rules in groups if "*" in agents]
    robots.rules = [rule for rules in chosen for rule in rules]
    return robots


def _rule(allow: bool, path: str) -> Rule:
    pattern = _normalised(path)
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    return Rule(allow, pattern, tuple(body.split("*")), anchored)


def _matches(pieces: tuple[str, ...], anchored: bool, target: str) -> bool:
    """Does `target` match the pattern `pieces[0]*pieces[1]*…` (from its start; to its end
    when `anchored`)? Taking each piece at its first place after the previous one is never
    wrong with `*` as the only wildcard, so no backtracking is needed.

    >>> _matches(("/", "a", "a", "b"), False, "/xaxxa-b/c")
    True
    >>> _matches(("/p", ".php"), True, "/p/x.php?q=1")
    False
    """
    first, *rest = pieces
    if not target.startswith(first):
        return False
    at = len(first)
    if not rest:
        return not anchored or at == len(target)
    *middle, last = rest
    for piece in middle:
        found = target.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    if anchored:
        return len(target) - len(last) >= at and target.endswith(last)
    return target.find(last, at) >= 0


def _normalised(path: str) -> str:
    """Percent-encoding made uniform on both sides (RFC 9309 §2.2.2: compare octets)."""
    return quote(unquote(path), safe="/?=&*$;:@!,'()+~")
