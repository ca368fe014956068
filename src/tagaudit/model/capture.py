"""What a page load captured: requests, the tag hits decoded from them, cookies, hops.

Plain dataclasses, JSON-safe through tagaudit.model.serial. Imports only the model's own
modules (see ../shared/DESIGN.md, "Data model").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from tagaudit.model.consent import ConsentRecord
from tagaudit.model.reached import Reached
from tagaudit.model.tags import base_account, tag_label
from tagaudit.model.urls import page_of
from tagaudit.model.vocabulary import UNKNOWN_PROVIDER

# The parameters a hit's one-line form shows, when it has them: what a conversion is about.
SHOWN_PARAMS = ("transaction_id", "value", "currency", "event_id")

# How the browser reports a request the page's Content Security Policy blocked (`csp` is
# tagaudit's own mark for blocks read from securitypolicyviolation events).
CSP_FAILURES = ("net::err_blocked_by_csp", "csp")
# How a site's own collector answers when it is down (a gateway with no collector behind it,
# or the collector failing): probed answers of these statuses, or no answer at all.
COLLECTOR_DOWN_STATUSES = (500, 502, 503, 504)


# Why a third-party request was let through (Request.let_through): the gate's words
# (tagaudit.browser.gate), read by the reports.
PAGE_RESOURCE = "page resource"
VENDOR_FILE = "vendor library or settings"
ALLOWED = "allow_hosts"
DELIVERED = "--deliver-hits"


@dataclass
class Request:
    """One outgoing request as the browser (or a HAR file, or a pasted URL) saw it.

    `status` is the response status; `failure` the browser's error text when there was no
    response (`net::ERR_...`, or `csp` when the page's Content Security Policy blocked it).
    `answered_locally` is True when tagaudit answered the request itself instead of
    delivering it (a tracking hit, or any beacon, ping or XHR/fetch to a third-party host);
    `let_through` says why a request to a third-party host was allowed to leave the machine
    (`page resource`, `vendor library or settings`, `allow_hosts`, `--deliver-hits`);
    `leaving` marks what the page sent while the visitor was leaving it.
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
    # In a journey: the step it was sent in; in a single-page app: the view (URL after a
    # history.pushState / replaceState / hash change) it was sent from.
    step: str | None = None
    view: str | None = None
    # A navigation of the main frame (the page's own document, or a hop of its redirects).
    navigation: bool = False
    # The provider whose hit this looks like, on a host the catalog does not know (a
    # first-party proxy?): tagaudit could neither answer nor decode it.
    lookalike: str | None = None
    # The body as sent: its size in bytes and sha256 (post_data is the decoded text, after
    # undoing gzip/deflate/br or base64), and what was undone to read it.
    body_size: int | None = None
    body_sha256: str | None = None
    body_encoding: str | None = None
    # What tagaudit did not read of it, past a limit on what a page may make it read
    # ("100,000 events in one request: the first 1,000 read"); rule `capture-cut`.
    cut: str | None = None
    # A hit answered locally that was bound for the site's own collector (a server-side tag
    # container on the site's domain): how that collector answered a harmless probe, a CORS
    # preflight (OPTIONS, no event in it) to the same path: `HTTP 204`, `HTTP 502`,
    # `net::ERR_CONNECTION_REFUSED` (tagaudit.browser.collectors). None: not probed.
    collector: str | None = None
    let_through: str | None = None
    leaving: bool | None = None

    def delivery_problem(self) -> str | None:
        """Why it did not reach its server: `csp`, a network error, `HTTP 404` … or None.

        A request tagaudit answered locally counts as delivered, it would have been, unless
        it was bound for the site's own collector and a probe found that collector down.
        """
        if self.answered_locally:
            return self.collector_problem()
        if self.status is not None and self.status >= 400:
            return f"HTTP {self.status}"  # Chromium may also report net::ERR_ABORTED then
        if self.failure:
            return "csp" if self.failure.lower() in CSP_FAILURES else self.failure
        return None

    def collector_problem(self) -> str | None:
        """`HTTP 502` / the network error when the probe found the site's own collector
        down; None when it answered (any other status) or was not probed."""
        answer = self.collector
        if not answer:
            return None
        if answer.startswith("HTTP "):
            code = answer.removeprefix("HTTP ").split()[0]
            return answer if code.isdigit() and int(code) in COLLECTOR_DOWN_STATUSES else None
        return answer


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
    step: str | None = None  # the journey step (and SPA view) its request was sent in
    view: str | None = None
    # For `aux` hits: the index (in the same PageVisit.hits) of the hit this request follows.
    follows: int | None = None
    # Why its request did not reach the vendor, when it did not (Request.delivery_problem):
    # `csp` means the page's Content Security Policy stopped it; it never left the page.
    blocked: str | None = None
    # The host that received it, when the catalog does not list that host for the provider:
    # decoded by its wire format (a Segment-compatible CDP, a self-hosted Matomo, a
    # server-side GA4 container), or, for provider `unknown`, an event-shaped request to a
    # collector tagaudit cannot name (providers/unknown.py).
    collector: str | None = None

    def left_page(self) -> bool:
        """Was it sent at all? (A CSP-blocked hit never left; a failed one was attempted.)"""
        return self.blocked != "csp"

    def __repr__(self) -> str:
        return f"<TagHit {self.describe()}>"

    def describe(self) -> str:
        """One line: tag, event, where the page made it, the conversion's key params.

        `ga4 G-ABC123 purchase (step confirmation, view /spa/done) transaction_id=T-1,
        value=129, currency=EUR`; a kind other than `hit` and a CSP block are said too.
        """
        head = f"{self.provider} {self.account or '-'} {self.event or '-'}"
        if self.kind != "hit":
            head += f" [{self.kind}]"
        where = [f"step {self.step}"] if self.step else []
        where += [f"view {page_of(self.view)}"] if self.view else []
        if where:
            head += f" ({', '.join(where)})"
        if self.blocked:
            head += f" blocked: {self.blocked}"
        shown = [
            f"{k}={_short(self.params[k])}"
            for k in SHOWN_PARAMS
            if self.params.get(k) not in (None, "")
        ]
        return f"{head} {', '.join(shown)}".rstrip()

    # Properties, not fields: the JSON report carries `account`, these are read from it.
    @property
    def base_account(self) -> str | None:
        """The account without its conversion label: `AW-123` for `AW-123/label`."""
        return base_account(self.account)

    @property
    def tag_account(self) -> str | None:
        """What names its tag beside the provider: the base account, or, for provider
        `unknown` (no one vendor), the collector's host: one tag per collector."""
        if self.provider == UNKNOWN_PROVIDER:
            return self.collector
        return self.base_account

    @property
    def tag(self) -> str:
        """The tag it belongs to, as reports name it: `ga4 G-ABC123`, `google_ads AW-123`,
        `unknown collect.shop.example`."""
        return tag_label(self.provider, self.tag_account)


def _short(value: Any, limit: int = 120) -> str:
    """A value as one line shows it: a page may send a megabyte in one parameter."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    step: str | None = None  # in a journey: the step in which it was first seen


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
class HeldEvents:
    """Events a vendor's SDK still held when the visitor left (its queue in localStorage):
    `events` of them; the SDK sent them `sent_after_ms` later on its own timer (None: not
    within the audit's wait). A visitor who leaves sooner loses them."""

    provider: str
    events: int
    sent_after_ms: float | None = None


@dataclass
class PageVisit:
    """Everything captured while one target page was loaded in one scenario.

    In a journey, one PageVisit per step: `journey` and `step` name it, `url` is the page
    the step loaded (or was on), `final_url` where it ended. Single-page-app views (history
    changes) within a visit are on its requests and hits (`view`: the view's URL); `view`
    here is set when a visit stands for one view alone.
    """

    url: str
    final_url: str | None = None
    status: int | None = None
    scenario: str = "none"
    journey: str | None = None
    step: str | None = None
    view: str | None = None
    hops: list[Hop] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    hits: list[TagHit] = field(default_factory=list)
    cookies: list[Cookie] = field(default_factory=list)
    data_layer: list[Any] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Consent: the banner a plain visit saw, or everything a consent scenario saw and did.
    consent: ConsentRecord = field(default_factory=ConsentRecord)
    # Events batching SDKs still held when the page was left (they did not send them then).
    held_events: list[HeldEvents] = field(default_factory=list)
    error: str | None = None
    # What the visit reached (loaded, consent, goal, an empty state, tags): rules read it
    # before they blame a tag (tagaudit.model.reached).
    reached: Reached = field(default_factory=Reached)

    @property
    def loaded(self) -> bool:
        """Did the page itself load (no error, no 4xx/5xx)? Tag checks skip pages that did not."""
        return not self.error and not (self.status is not None and self.status >= 400)

    def request_of(self, hit: TagHit) -> Request | None:
        """The request `hit` was decoded from, when the capture recorded it."""
        index = hit.request_index
        if index is None or not 0 <= index < len(self.requests):
            return None
        return self.requests[index]

    def head(self) -> PageVisit:
        """A copy that names the visit (URL, scenario, journey step, status, error,
        consent, what it reached) without what it captured: no hops, requests, hits,
        cookies, data layer, console errors, CSP reports or held events. What a table row
        or an index keeps of a page read back from disk (runner/spool.py)."""
        head = copy.copy(self)
        head.hops, head.requests, head.hits, head.cookies = [], [], [], []
        head.data_layer, head.console_errors, head.csp_violations, head.held_events = [], [], [], []
        return head
