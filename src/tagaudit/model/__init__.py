"""The data model: the contract between capture, providers, links, rules and reporters.

Plain dataclasses, JSON-safe through `to_dict()` / `Report.from_dict()`. Nothing here does
I/O or imports another tagaudit package (see ../shared/DESIGN.md, "Data model").

    vocabulary.py  severities, categories, hit kinds, scenarios, phases, identifier cookies
    capture.py     Request, TagHit, Cookie, Hop, PageVisit: what a page load captured
    consent.py     Banner, ConsentRecord, ConsentMatrix: consent seen, done, and summed up
    journeys.py    JourneyResult, StepResult, ClickIdPath: journeys and click-id chains
    links.py       ParamChange, LinkResult: what following a campaign link found
    reached.py     Reached, reach, empty_state: what a visit reached (load, consent, goal)
    report.py      Finding, RuleInfo, RunInfo, Report, BaselineDiff and TagChange (--baseline)
    serial.py      to_dict / from_dict
    tags.py        base_account, account_matches, tag_label: what one tag is
    urls.py        url_problem, is_path, origin_of: URLs as tagaudit reads them
"""

from __future__ import annotations

from tagaudit.model.capture import (
    ALLOWED,
    DELIVERED,
    PAGE_RESOURCE,
    VENDOR_FILE,
    Cookie,
    HeldEvents,
    Hop,
    PageVisit,
    Request,
    TagHit,
)
from tagaudit.model.consent import Banner, ConsentMatrix, ConsentRecord, MatrixRow
from tagaudit.model.journeys import (
    CHAIN_STAGES,
    STEP_STATES,
    ChainLink,
    ClickIdPath,
    JourneyResult,
    StepResult,
)
from tagaudit.model.links import LinkResult, ParamChange
from tagaudit.model.reached import Reached, empty_state, reach
from tagaudit.model.report import (
    BaselineDiff,
    Finding,
    Report,
    RuleInfo,
    RunInfo,
    TagChange,
    fails,
    fingerprint,
    index_ranges,
    no_page_loaded,
    normalise_url,
    parse_ranges,
    severity_rank,
)
from tagaudit.model.serial import from_dict, to_dict
from tagaudit.model.tags import account_matches, base_account, tag_label
from tagaudit.model.vocabulary import (
    CATEGORIES,
    CLICK_IDS,
    FAIL_ON_LEVELS,
    GOOGLE_PROVIDERS,
    HIT_KINDS,
    IDENTIFIER_COOKIES,
    KEPT_NAVIGATING,
    LINK_CATEGORIES,
    PHASES,
    SCENARIOS,
    SCHEMA_VERSION,
    SEVERITIES,
    TOOL_VERSION,
    UNKNOWN_PROVIDER,
    Severity,
    is_identifier_cookie,
)

__all__ = [
    "ALLOWED",
    "CATEGORIES",
    "CHAIN_STAGES",
    "CLICK_IDS",
    "DELIVERED",
    "FAIL_ON_LEVELS",
    "GOOGLE_PROVIDERS",
    "HIT_KINDS",
    "IDENTIFIER_COOKIES",
    "KEPT_NAVIGATING",
    "LINK_CATEGORIES",
    "PAGE_RESOURCE",
    "PHASES",
    "SCENARIOS",
    "SCHEMA_VERSION",
    "SEVERITIES",
    "STEP_STATES",
    "TOOL_VERSION",
    "UNKNOWN_PROVIDER",
    "VENDOR_FILE",
    "Banner",
    "BaselineDiff",
    "ChainLink",
    "ClickIdPath",
    "ConsentMatrix",
    "ConsentRecord",
    "Cookie",
    "Finding",
    "HeldEvents",
    "Hop",
    "JourneyResult",
    "LinkResult",
    "MatrixRow",
    "PageVisit",
    "ParamChange",
    "Reached",
    "Report",
    "Request",
    "RuleInfo",
    "RunInfo",
    "Severity",
    "StepResult",
    "TagChange",
    "TagHit",
    "account_matches",
    "base_account",
    "empty_state",
    "fails",
    "fingerprint",
    "from_dict",
    "index_ranges",
    "is_identifier_cookie",
    "no_page_loaded",
    "normalise_url",
    "parse_ranges",
    "reach",
    "severity_rank",
    "tag_label",
    "to_dict",
]
