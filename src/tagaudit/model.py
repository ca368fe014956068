"""The data model: the contract between capture, providers, links, rules and reporters.

Plain dataclasses, JSON-safe through `to_dict()` / `Report.from_dict()`. Nothing here does
I/O or imports another tagaudit module (see ../shared/DESIGN.md, "Data model").
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
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
# `aux`: a vendor's side request that follows a hit (Google Signals, remarketing lists, cookie
# syncs): recorded and linked to its hit (`TagHit.follows`), never counted as an event.
HIT_KINDS: tuple[str, ...] = ("hit", "library", "config", "aux")
SCENARIOS: tuple[str, ...] = ("none", "accept", "reject")
# Consent phases a request can belong to (set by consent scenarios; None outside them).
PHASES: tuple[str, ...] = ("before-action", "after-action", "after-reload")


@dataclass
class Request:
    """One outgoing request as the browser (or a HAR file, or a pasted URL) saw it.

    `status` is the response status; `failure` the browser's error text when there was no
    response (`net::ERR_...`, or `csp` when the page's Content Security Policy blocked it).
    `answered_locally` is True when tagaudit answered a tracking hit itself instead of
    delivering it.
    """

    url: str
    method: str = "GET"
    resource_type: str = "other"
    post_data: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    frame_url: str | None = None
    timestamp: float = 0.0
    status: int | None = None
    failure: str | None = None
    redirected_from: str | None = None
    initiator: str | None = None
    answered_locally: bool = False
    phase: str | None = None
    # The body as sent: its size in bytes and sha256 (post_data is the decoded text, after
    # undoing gzip/deflate/br or base64), and what was undone to read it.
    body_size: int | None = None
    body_sha256: str | None = None
    body_encoding: str | None = None


@dataclass
class TagHit:
    """One logical tag event decoded from a request.

    Example: `https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123&en=page_view&...`
    decodes to `TagHit(provider="ga4", kind="hit", account="G-ABC123", event="page_view",
    params={...}, consent={...})`. One request may carry several hits (GA4 batches one event
    per line of its POST body); `request_index` points into `PageVisit.requests`.

    `params` holds every decoded parameter under its wire name (`dl`, `cid`, `ev`, `cd[x]` …),
    and in addition the common meanings under shared names, so rules read them the same way
    for every vendor: `value` (a number when it parses), `currency`, `transaction_id`,
    `event_id` (Meta `eid`, TikTok `event_id` …: dedup keys), `items` (list of dicts),
    `page_url` (the page the hit reports, e.g. GA4 `dl`). GA4 `ep.x` / `epn.x` also appear as
    `x` (numbers for `epn.`). `consent` holds decoded consent signals: `gcs`, `gcd`, `npa`,
    `dma`, `gdpr`, `gdpr_consent` …, each a dict with its `raw` value kept.
    """

    provider: str
    kind: str = "hit"
    account: str | None = None
    event: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    consent: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    method: str = "GET"
    request_index: int | None = None
    phase: str | None = None
    # For `aux` hits: the index (in the same PageVisit.hits) of the hit this request follows.
    follows: int | None = None


@dataclass
class Cookie:
    """A cookie present after the visit. Values are kept only for identifier cookies."""

    name: str
    domain: str
    path: str = "/"
    expires: float | None = None
    http_only: bool = False
    secure: bool = False
    same_site: str | None = None
    value: str | None = None
    phase: str | None = None


@dataclass
class Hop:
    """One step of a redirect chain: `via` is `http`, `meta` (refresh) or `js`."""

    url: str
    status: int | None = None
    location: str | None = None
    via: str = "http"
    elapsed: float = 0.0
    # Who answered (Server header or a CDN's signature: `nginx`, `cloudflare` …), so a
    # finding about this hop can say where its redirect rule lives.
    server: str | None = None


@dataclass
class PageVisit:
    """Everything captured while one target page was loaded in one scenario."""

    url: str
    final_url: str | None = None
    status: int | None = None
    scenario: str = "none"
    hops: list[Hop] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    hits: list[TagHit] = field(default_factory=list)
    cookies: list[Cookie] = field(default_factory=list)
    data_layer: list[Any] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    consent: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class ParamChange:
    """What one hop did to the tracking parameters of the original link."""

    hop: int
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved_to_fragment: list[str] = field(default_factory=list)
    # name → how it changed, e.g. "value 'google' → 'Google'" or "encoding 'a%20b' → 'a+b'"
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class LinkResult:
    """A followed campaign link: its hops, where it landed, and its parameter ledger."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    final_url: str | None = None
    final_status: int | None = None
    ledger: list[ParamChange] = field(default_factory=list)
    verdict: str = "ok"
    error: str | None = None
    expected: dict[str, Any] = field(default_factory=dict)
    landing: dict[str, Any] = field(default_factory=dict)
    # Why the verdict is not ok, as a stable code: `http-status`, `loop`, `too-many-hops`,
    # `timeout`, `dns`, `tls`, `connect`, `bot-wall`, `rate-limited`, `invalid-location` …
    reason: str | None = None


@dataclass
class Finding:
    """One problem a rule found, with enough evidence to act on it."""

    rule_id: str
    category: str
    severity: str
    message: str
    url: str = ""
    confidence: str = "high"
    location: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    help: str = ""
    fingerprint: str = ""
    suppressed: str | None = None

    def __post_init__(self) -> None:
        if not self.fingerprint:
            keep_query = self.category in LINK_CATEGORIES
            self.fingerprint = fingerprint(self.rule_id, self.url, self.location, keep_query)


@dataclass
class Report:
    """A finished (or interrupted) run: what was visited, followed and found."""

    tool_version: str = ""
    started: str = ""
    finished: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    pages: list[PageVisit] = field(default_factory=list)
    links: list[LinkResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    schema: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return _build(cls, data)

    def counted_findings(self) -> list[Finding]:
        """Findings that count for the exit code (not suppressed)."""
        return [f for f in self.findings if not f.suppressed]

    def summarize(self) -> dict[str, Any]:
        """Recompute `summary` from pages, links and findings, and return it."""
        counted = self.counted_findings()
        self.summary = {
            "pages": len(self.pages),
            "page_errors": sum(1 for p in self.pages if p.error),
            "links": len(self.links),
            "hits": sum(len(p.hits) for p in self.pages),
            "findings": {sev: sum(1 for f in counted if f.severity == sev) for sev in SEVERITIES},
            "suppressed": len(self.findings) - len(counted),
        }
        return self.summary


# A campaign link's query *is* the link (utm_*, click ids): findings on two links that differ
# only there are different findings. A page's query is noise (cache-busters, click ids).
LINK_CATEGORIES = ("stripped-params", "broken-redirect", "redirect-chain", "utm-hygiene")


def normalise_url(url: str, keep_query: bool = False) -> str:
    """Drop the fragment, and the query unless asked, so fingerprints survive re-runs."""
    url = url.split("#", 1)[0]
    return url if keep_query else url.split("?", 1)[0].rstrip("/")


_FINGERPRINT_KEYS = ("scenario", "provider", "account", "event")


def fingerprint(rule_id: str, url: str, location: dict[str, Any], keep_query: bool = False) -> str:
    """A stable id for a finding: rule, normalised url, scenario, provider, account, event."""
    parts = [rule_id, normalise_url(url, keep_query)]
    parts += [str(location.get(k) or "") for k in _FINGERPRINT_KEYS]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_dict(obj: Any) -> Any:
    """JSON-safe dict of any model object (dataclasses, lists, dicts, scalars).

    Dispatches on the exact type first and keeps each dataclass's field names: a report of
    1000 links is some 150,000 objects, and `dataclasses.fields` on each was half the cost.
    """
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        return {name: to_dict(getattr(obj, name)) for name in names}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(obj))
        return to_dict(obj)
    return obj


_NESTED: dict[tuple[str, str], type] = {
    ("Report", "pages"): PageVisit,
    ("Report", "links"): LinkResult,
    ("Report", "findings"): Finding,
    ("PageVisit", "hops"): Hop,
    ("PageVisit", "requests"): Request,
    ("PageVisit", "hits"): TagHit,
    ("PageVisit", "cookies"): Cookie,
    ("LinkResult", "hops"): Hop,
    ("LinkResult", "ledger"): ParamChange,
}


def _build(cls: type, data: dict[str, Any]) -> Any:
    """Inverse of `to_dict` for the model classes; unknown keys are ignored."""
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        item_cls = _NESTED.get((cls.__name__, key))
        kwargs[key] = [_build(item_cls, v) for v in value] if item_cls else value
    return cls(**kwargs)
