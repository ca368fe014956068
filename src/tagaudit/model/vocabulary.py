"""The words every part of tagaudit shares: severities, categories, hit kinds, scenarios, phases.

One vocabulary everywhere (STYLE.md): the same lowercase names in code, YAML, CLI and
reports. Imports nothing from tagaudit.
"""

from __future__ import annotations

import re
from typing import Literal

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
SCENARIOS: tuple[str, ...] = ("none", "accept", "reject")
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


def is_identifier_cookie(name: str) -> bool:
    """Does this cookie identify the browser to a vendor (`_ga`, `_gcl_aw`, `_fbp` …)?"""
    return IDENTIFIER_COOKIES.match(name) is not None
