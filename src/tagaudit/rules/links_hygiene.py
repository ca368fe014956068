"""UTM hygiene: the checks on how a campaign link is tagged, before anything is followed.

Owns missing/empty/misspelt `utm_*`, unencoded characters, case variants within one
campaign set, and the GA4 default channel each link would land in (links.channels). Pure
functions with the same shape as links.assess; `case_variants` looks at all links at once.
Imports the model and links.params / links.channels.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from tagaudit.model import Finding, LinkResult
from tagaudit.model.params import CLICK_IDS, UTM_PARAMS, decoded, raw_pairs
from tagaudit.rules.links_assess import LinkCheck, Make
from tagaudit.rules.links_channels import UNASSIGNED, channel_for

REQUIRED = ("utm_source", "utm_medium", "utm_campaign")
# Characters that must be percent-encoded in a query value (RFC 3986 plus what breaks
# spreadsheets and GA4 reports); `+` is the form encoding of a space and is fine.
_UNENCODED = re.compile(r"""[\s"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})|[^\x00-\x7f]""")


@functools.lru_cache(maxsize=1 << 16)  # above the link count: each rule walks every link
def utm_pairs(url: str) -> tuple[tuple[str, str], ...]:
    """The link's utm_* pairs, raw values, in order (cached: every hygiene rule asks)."""
    return tuple((n, v) for n, v in raw_pairs(urlsplit(url).query) if n.startswith("utm_"))


def utm_values(url: str) -> dict[str, str]:
    """utm_* name → decoded value (first occurrence)."""
    return dict(_utm_decoded(url))


@functools.lru_cache(maxsize=1 << 16)
def _utm_decoded(url: str) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for name, value in utm_pairs(url):
        out.setdefault(name, decoded(value))
    return tuple(out.items())


def missing(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Missing source/medium/campaign (a link with only an ad click id is auto-tagged: fine)."""
    present = _names(link.url)
    if not any(n.startswith("utm_") for n in present) and present & set(CLICK_IDS):
        return []
    wanted = args.get("params") or list(REQUIRED)
    absent = [n for n in wanted if n not in present]
    if not absent:
        return []
    message = f"missing {', '.join(absent)}"
    if len(absent) == len(wanted):
        message = f"untagged campaign link: missing {', '.join(absent)}"
    return [make(message, {"missing": absent}, {})]


@functools.lru_cache(maxsize=1 << 16)
def _names(url: str) -> frozenset[str]:
    """The parameter names of a link's query string (cached: two rules ask)."""
    return frozenset(n for n, _ in raw_pairs(urlsplit(url).query))


def empty(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """utm_* parameters present without a value."""
    names = [n for n, v in utm_pairs(link.url) if not decoded(v).strip()]
    return [make(f"empty {', '.join(names)}", {"empty": names}, {})] if names else []


def encoding(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Spaces and other unencoded characters in utm_* values."""
    bad = {n: v for n, v in utm_pairs(link.url) if _UNENCODED.search(v)}
    if not bad:
        return []
    parts = "; ".join(f"{n}={v!r}" for n, v in bad.items())
    return [make(f"unencoded characters in {parts}", {"values": bad}, {})]


def unknown_names(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """utm_* names GA4 does not know (often typos such as utm_souce)."""
    known = list(UTM_PARAMS) + list(args.get("allow") or [])
    out = []
    for name in dict.fromkeys(n for n, _ in utm_pairs(link.url)):
        if name in known:
            continue
        close = difflib.get_close_matches(name, UTM_PARAMS, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        out.append(make(f"unknown parameter {name}{hint}", {"name": name, "suggestion": close}, {}))
    return out


def predicted_channel(link: LinkResult, sources: dict[str, list[str]] | None = None) -> str | None:
    """The GA4 default channel of the link's UTMs, or None for an untagged link; `sources`
    adds names to GA4's source categories (the rule's `sources` arg: `links.sources`)."""
    values = utm_values(link.url)
    if not values:
        return None
    return channel_for(
        values.get("utm_source"), values.get("utm_medium"), values.get("utm_campaign"), sources
    )


def channel(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Flag a link whose channel is one of `flag` (default Unassigned) or not the expected one."""
    landed = predicted_channel(link, args.get("sources"))
    if landed is None:
        return []
    values = utm_values(link.url)
    evidence = {"channel": landed, **{k: values.get(k) for k in REQUIRED}}
    expected = link.expected.get("channel")
    if expected and expected.lower() != landed.lower():
        evidence["expected"] = expected
        return [make(f"GA4 would file this link under {landed}, expected {expected}", evidence, {})]
    if landed in (args.get("flag") or [UNASSIGNED]):
        pair = f"source={values.get('utm_source')!r}, medium={values.get('utm_medium')!r}"
        return [make(f"GA4 would file this link under {landed} ({pair})", evidence, {})]
    return []


def channel_info(link: LinkResult, args: dict[str, Any], make: Make) -> list[Finding]:
    """Info: the GA4 default channel each tagged link lands in."""
    landed = predicted_channel(link, args.get("sources"))
    if landed is None:
        return []
    return [make(f"GA4 default channel: {landed}", {"channel": landed}, {})]


def case_variants(links: list[LinkResult], make_for: Any) -> list[Finding]:
    """Values that differ only by case within one campaign's links: each value spelt
    several ways is one finding listing its spellings (different values are no variants:
    `google` and `bing` are two sources, `Facebook` and `facebook` one)."""
    out: list[Finding] = []
    groups: dict[str, list[LinkResult]] = defaultdict(list)
    for link in links:
        values = utm_values(link.url)
        if "utm_campaign" in values:
            groups[values["utm_campaign"].lower()].append(link)
    for campaign, members in groups.items():
        for name in (*REQUIRED, "utm_content", "utm_term"):
            by_value: dict[str, list[LinkResult]] = defaultdict(list)
            for member in members:
                value = utm_values(member.url).get(name)
                if value is not None:
                    by_value[value.lower()].append(member)
            for spelt in by_value.values():
                spellings = sorted({utm_values(m.url)[name] for m in spelt})
                if len(spellings) < 2:
                    continue
                variants = " / ".join(repr(v) for v in spellings)
                message = f"{name} spelt {variants} in campaign {campaign!r}"
                evidence = {"param": name, "spellings": spellings, "links": [m.url for m in spelt]}
                out.append(make_for(spelt[0])(message, evidence, {}))
    return out


UTM_CHECKS: dict[str, LinkCheck] = {
    "utm-required": missing,
    "utm-empty": empty,
    "utm-encoding": encoding,
    "utm-names": unknown_names,
    "utm-channel": channel,
    "utm-channel-info": channel_info,
}
