"""The words every part of tagaudit shares: severities, categories, hit kinds, scenarios, phases.

One vocabulary everywhere (STYLE.md): the same lowercase names in code, YAML, CLI and
reports. Imports nothing from tagaudit.
"""

from __future__ import annotations

import re
from typing import Literal

# The version of tagaudit (pyproject.toml says the same; a test keeps them equal) and of its
# JSON report schema.
TOOL_VERSION = "0.1.0"
SCHEMA_VERSION = "1.0"

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
# `--fail-on` levels: a severity, or `never`.
FAIL_ON_LEVELS: tuple[str, ...] = (*SEVERITIES, "never")
CATEGORIES: tuple[str, ...] = (
    "missing-tag",
    "unexpected-tag",
    "duplicate-event",
    "event-params",
    "pii",
    "stripped-params",
    "broken-redirect",
    "redirect-chain",
    "consent",
    "utm-hygiene",
    "page-error",
    "journey-step",
    "click-id",
    "lost-events",
)
# A campaign link's query *is* the link (utm_*, click ids): findings on two links that differ
# only there are different findings. A page's query is noise (cache-busters, click ids).
LINK_CATEGORIES: tuple[str, ...] = (
    "stripped-params",
    "broken-redirect",
    "redirect-chain",
    "utm-hygiene",
)
# `aux`: a vendor's side request that follows a hit (Google Signals, remarketing lists, cookie
# syncs): recorded and linked to its hit (`TagHit.follows`), never counted as an event.
HIT_KINDS: tuple[str, ...] = ("hit", "library", "config", "aux")
# The provider of an event-shaped request to a collector nobody can name (providers/
# unknown.py): one per collector host (`TagHit.collector`), never one vendor.
UNKNOWN_PROVIDER = "unknown"
SCENARIOS: tuple[str, ...] = ("none", "accept", "reject")
# How a page that never stops loading new documents by itself is described, wherever it is
# seen (a visit's error, a link's landing): the words reports and the link checker key on.
KEPT_NAVIGATING = "kept navigating by itself"
# Consent phases a request can belong to (set by consent scenarios; None outside them).
PHASES: tuple[str, ...] = ("before-action", "after-action", "after-reload")
# Tags that read Google's Consent Mode (gcs / gcd on their hits).
GOOGLE_PROVIDERS: tuple[str, ...] = ("ga4", "google_ads", "floodlight", "universal_analytics")
# Cookies that identify a browser to an ad or analytics vendor (EDPB 2/2023; consent.md §5;
# the conversion linkers of link-anchors.md): their values are kept (click-id continuity,
# consent checks); every other cookie is recorded without its value.
IDENTIFIER_COOKIES = re.compile(
    r"^(_ga(_.+)?|_gid|_gat(_.+)?|_gcl_[a-z]+|_fbp|_fbc|_ttp|ttclid|_uet(sid|vid|msclkid)|MUID|"
    r"IDE|test_cookie|_pin_unauth|_epik|li_fat_id|_rdt_(uuid|cid)|_scid|_sctr|_twclid|muc_ads|"
    r"_clck|_clsk|_hj.+|mp_.+|ajs_.+|_pk_.+|_tt_enable_cookie)$"
)


# Click ids an ad platform adds to the landing URL, the first-party cookie its tag stores it
# in (its "conversion linker"), and the parameters of its conversion hits that carry it back:
# Google "About the conversion linker" (gclid → _gcl_aw, dclid → _gcl_dc, gbraid/wbraid →
# _gcl_gb/_gcl_ag; Ads hits send the cookie as `gclaw`/`gclgb`), Meta "fbp and fbc parameters"
# (fbclid → _fbc, sent as `fbc`), Microsoft UET (msclkid → _uetmsclkid), TikTok (ttclid →
# ttclid cookie, sent as context.ad.callback), X (twclid → _twclid), LinkedIn (li_fat_id),
# Pinterest (epik → _epik). Hosts of the vendors may differ; the names are stable.
CLICK_IDS: dict[str, dict[str, tuple[str, ...]]] = {
    "gclid": {
        "cookies": ("_gcl_aw",),
        "providers": ("google_ads", "floodlight"),
        "params": ("gclaw", "gclid", "gclgb"),
    },
    "gbraid": {
        "cookies": ("_gcl_gb", "_gcl_ag"),
        "providers": ("google_ads",),
        "params": ("gclgb", "gbraid", "gclaw"),
    },
    "wbraid": {
        "cookies": ("_gcl_gb", "_gcl_ag"),
        "providers": ("google_ads",),
        "params": ("gclgb", "wbraid", "gclaw"),
    },
    "dclid": {
        "cookies": ("_gcl_dc",),
        "providers": ("floodlight", "google_ads"),
        "params": ("gcldc", "dclid"),
    },
    "fbclid": {"cookies": ("_fbc",), "providers": ("meta_pixel",), "params": ("fbc",)},
    "msclkid": {
        "cookies": ("_uetmsclkid",),
        "providers": ("microsoft_uet",),
        "params": ("msclkid",),
    },
    "ttclid": {
        "cookies": ("ttclid",),
        "providers": ("tiktok",),
        "params": ("context.ad.callback", "ttclid", "callback"),
    },
    "twclid": {"cookies": ("_twclid",), "providers": ("x_ads",), "params": ("twclid",)},
    "li_fat_id": {
        "cookies": ("li_fat_id",),
        "providers": ("linkedin",),
        "params": ("li_fat_id", "liFatId"),
    },
    "epik": {"cookies": ("_epik",), "providers": ("pinterest",), "params": ("epik",)},
}


def is_identifier_cookie(name: str) -> bool:
    """Does this cookie identify the browser to a vendor (`_ga`, `_gcl_aw`, `_fbp` …)?"""
    return IDENTIFIER_COOKIES.match(name) is not None
