"""Tracking parameters and the per-hop parameter ledger.

Owns the list of tracking parameter names (`utm_*` and the ad platforms' click ids) and the
pure comparison of one URL's query string against the original link's. Works on raw strings
(never re-quotes), so an encoding change made by a redirect is visible. Imports only the
model and the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote_plus, urlsplit

from tagaudit.model import Hop, ParamChange

# Google's UTM names (support.google.com/analytics/answer/10917952). Any other `utm_*` is
# still tracked, and reported as an unknown name by the UTM hygiene check.
UTM_PARAMS: tuple[str, ...] = (
    "utm_id",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_source_platform",
    "utm_term",
    "utm_content",
    "utm_creative_format",
    "utm_marketing_tactic",
)
# Click ids and linker parameters the ad platforms append (see link-anchors.md, section c).
CLICK_IDS: tuple[str, ...] = (
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "_gl",
    "fbclid",
    "msclkid",
    "ttclid",
    "li_fat_id",
    "twclid",
    "ScCid",
    "epik",
    "rdt_cid",
    "irclickid",
)


_CLICK_ID_SET = frozenset(CLICK_IDS)


def is_tracking(name: str, extra: Iterable[str] = ()) -> bool:
    """True for every `utm_*` name, the known click ids, and the user's own names."""
    return name.startswith("utm_") or name in _CLICK_ID_SET or name in extra


def raw_pairs(query: str) -> list[tuple[str, str]]:
    """`a=1&b=%20x` → [('a', '1'), ('b', '%20x')]: names decoded, values kept raw."""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote_plus(name), value))
    return pairs


def fragment_query(fragment: str) -> str:
    """The query-like part of a fragment: `#/p?gclid=1` and `#gclid=1` both give `gclid=1`."""
    if "?" in fragment:
        return fragment.split("?", 1)[1]
    return fragment if "=" in fragment else ""


def tracking_params(url: str, extra: Iterable[str] = ()) -> dict[str, str]:
    """The tracking parameters in a URL's query string, name → raw value (first wins)."""
    extra = tuple(extra)
    found: dict[str, str] = {}
    for name, value in raw_pairs(urlsplit(url).query):
        if is_tracking(name, extra) and name not in found:
            found[name] = value
    return found


def fragment_params(url: str) -> dict[str, str]:
    """Every name=value in a URL's fragment (where parameters never reach the server)."""
    return dict(raw_pairs(fragment_query(urlsplit(url).fragment)))


def decoded(value: str) -> str:
    """A raw query value as the analytics tag will read it."""
    return unquote_plus(value)


def compare(hop: int, original: dict[str, str], url: str) -> ParamChange:
    """What `url` still carries of the original link's tracking parameters."""
    change = ParamChange(hop=hop)
    now = dict(raw_pairs(urlsplit(url).query))
    in_fragment = fragment_params(url)
    for name, value in original.items():
        if name in now:
            if now[name] == value or _only_encoded(value, now[name]):
                change.kept.append(name)
            else:
                change.changed.append(name)
                change.details[name] = describe_change(value, now[name])
        elif name in in_fragment:
            change.moved_to_fragment.append(name)
        else:
            change.dropped.append(name)
    return change


_NEEDS_ENCODING = re.compile(r"""[\s"<>\\^`{|}]|[^\x00-\x7f]""")


def _only_encoded(before: str, after: str) -> bool:
    """The link carried a raw space (or similar) and the server merely encoded it: the
    value is intact; the raw character is a UTM hygiene finding, not a redirect's doing."""
    return bool(_NEEDS_ENCODING.search(before)) and decoded(before) == decoded(after)


def describe_change(before: str, after: str) -> str:
    """'value google → Google' or 'encoding a%20b → a+b' (same decoded value)."""
    kind = "encoding" if decoded(before) == decoded(after) else "value"
    return f"{kind} {before!r} → {after!r}"


def build_ledger(hops: list[Hop], extra: Iterable[str] = ()) -> list[ParamChange]:
    """One ParamChange per redirect: hop n's entry describes the URL hop n sent us to.

    Hops are numbered from 1 (the original link); a chain with no redirect has no entries.
    """
    if not hops:
        return []
    original = tracking_params(hops[0].url, extra)
    return [compare(n, original, hops[n].url) for n in range(1, len(hops))]


def first_loss(ledger: list[ParamChange]) -> dict[str, int]:
    """Parameter name → number of the first hop whose redirect lost (dropped) it."""
    lost: dict[str, int] = {}
    for change in ledger:
        for name in change.dropped:
            lost.setdefault(name, change.hop)
    return lost
