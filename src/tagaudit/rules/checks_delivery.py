"""Check kinds that read one page on its own: a tag that tried to run and could not.

  tag-csp-blocked     a tag's request (hit or library) refused by the page's Content Security
                      Policy: one finding per tag, directive and host (one header change)
  tag-library-failed  a tag library that answered 4xx/5xx or failed on the network
  tag-request-failed  a tag hit that answered 4xx/5xx or failed on the network
  tag-collector-down  hits bound for the site's own collector, answered locally, whose
                      collector a harmless probe found down (tagaudit.browser.collectors)
  tag-not-configured  gtag.js loaded for an id that no `gtag('config', id)` sets up, and no
                      hit of that id was even attempted

None of them needs other pages or an `expect:`: the capture of the page is the evidence.
Each finding carries the same `why` and `cause` as tagaudit.rules.why gives a missing-tag
finding, so tagaudit.rules.causes keeps one finding per cause on a page. Imports only
tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tagaudit.model import Finding, PageVisit, Report, TagHit, tag_label
from tagaudit.rules.fixes import (
    configure_fix,
    csp_cause,
    csp_fix,
    host_of,
    request_cause,
    request_fix,
    tag_cause,
)
from tagaudit.rules.kinds import Kinds, delivery_problem, request_of
from tagaudit.rules.rule import Rule
from tagaudit.rules.why import csp_directive

KINDS = Kinds()

# A request Chromium cancelled (the page moved on, a script was superseded) tells nothing
# about the tag: only a status or a real network error is a failure.
_CANCELLED = ("net::err_aborted",)
# gtag.js ids by prefix (https://developers.google.com/tag-platform/gtagjs/reference): the
# provider a `config` for that id switches on. GT-/GTM- ids are containers: their
# destinations are set up inside the container, not by a config command.
_GTAG_IDS = {"G-": "ga4", "AW-": "google_ads", "DC-": "floodlight"}
_SHOWN_URLS = 3


def _short(url: str, limit: int = 90) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _page_account(page: PageVisit, provider: str) -> str | None:
    """The one account of `provider` the page shows anywhere (a blocked request may not)."""
    seen = {h.base_account for h in page.hits if h.provider == provider and h.account}
    return next(iter(seen)) if len(seen) == 1 else None


@KINDS.register("tag-csp-blocked", per_page=True, optional={"kinds": list})
def tag_csp_blocked(rule: Rule, report: Report) -> Iterator[Finding]:
    """A tag's requests are refused by the page's Content Security Policy."""
    kinds = tuple(rule.args.get("kinds") or ("hit", "library", "config", "aux"))
    for page in rule.pages(report):
        groups: dict[tuple[str, str | None, str | None, str], list[TagHit]] = defaultdict(list)
        for hit in page.hits:
            request = request_of(page, hit)
            if hit.kind not in kinds or delivery_problem(request) != "csp" or request is None:
                continue
            account = hit.base_account or _page_account(page, hit.provider)
            directive = csp_directive(page, request.url)
            groups[(hit.provider, account, directive, host_of(request.url))].append(hit)
        for (provider, account, directive, host), hits in groups.items():
            yield _csp_finding(rule, page, provider, account, directive, host, hits)


def _csp_finding(
    rule: Rule,
    page: PageVisit,
    provider: str,
    account: str | None,
    directive: str | None,
    host: str,
    hits: list[TagHit],
) -> Finding:
    urls = [request_of(page, h).url for h in hits]  # type: ignore[union-attr]
    events = sorted({h.event for h in hits if h.event})
    what = ", ".join(events) if events else ("library" if hits[0].kind == "library" else "hit")
    where = f" ({directive})" if directive else ""
    message = (
        f"{tag_label(provider, account)} {what} blocked by the page's Content Security Policy"
        f"{where}: {_short(urls[0])}"
    )
    evidence: dict[str, Any] = {
        "why": "csp",
        "directive": directive,
        "host": host,
        "requests": urls[:_SHOWN_URLS],
        "blocked": len(hits),
        "cause": csp_cause(directive, urls[0]),
    }
    if events:
        evidence["events"] = events
    return rule.finding(
        message,
        page.url,
        page=page,
        location={"provider": provider, "account": account},
        evidence=evidence,
        help=csp_fix(directive, urls[0]),
    )


def _failure(page: PageVisit, hit: TagHit) -> str | None:
    """The hit's delivery problem when it is a real failure (not CSP, not a cancel)."""
    problem = delivery_problem(request_of(page, hit))
    if problem is None or problem == "csp" or problem.lower() in _CANCELLED:
        return None
    return problem


@KINDS.register("tag-library-failed", per_page=True)
def tag_library_failed(rule: Rule, report: Report) -> Iterator[Finding]:
    """A tag library answered an error status or failed on the network."""
    for page in rule.pages(report):
        seen: set[str] = set()
        for hit in page.hits:
            problem = _failure(page, hit) if hit.kind == "library" else None
            request = request_of(page, hit)
            if problem is None or request is None or request.url in seen:
                continue
            seen.add(request.url)
            yield _library_finding(rule, page, hit, problem, request.url)


def _library_finding(rule: Rule, page: PageVisit, hit: TagHit, problem: str, url: str) -> Finding:
    account = hit.base_account or _page_account(page, hit.provider)
    sent = any(
        h.provider == hit.provider
        and h.kind == "hit"
        and delivery_problem(request_of(page, h)) is None
        for h in page.hits
    )
    outcome = "its hits still went out" if sent else f"{hit.provider} sends nothing on this page"
    why = "http-error" if problem.startswith("HTTP ") else "network"
    verb = f"got {problem}" if why == "http-error" else f"failed ({problem})"
    message = f"the {tag_label(hit.provider, account)} library {verb}: {_short(url)}; {outcome}"
    return rule.finding(
        message,
        page.url,
        page=page,
        location={"provider": hit.provider, "account": account},
        evidence={"why": why, "request": url, "problem": problem, "cause": request_cause(why, url)},
        help=request_fix(problem, url, "the library"),
    )


@KINDS.register("tag-request-failed", per_page=True)
def tag_request_failed(rule: Rule, report: Report) -> Iterator[Finding]:
    """A tag hit answered an error status or failed on the network."""
    for page in rule.pages(report):
        groups: dict[tuple[str, str | None, str, str], list[TagHit]] = defaultdict(list)
        for hit in page.hits:
            problem = _failure(page, hit) if hit.kind == "hit" else None
            request = request_of(page, hit)
            if problem is None or request is None or request.answered_locally:
                continue  # (a probed own collector that is down: tag-collector-down's)
            endpoint = request.url.split("?", 1)[0]
            groups[(hit.provider, hit.base_account, problem, endpoint)].append(hit)
        for (provider, account, problem, endpoint), hits in groups.items():
            why = "http-error" if problem.startswith("HTTP ") else "network"
            events = sorted({h.event for h in hits if h.event})
            what = ", ".join(events) or "hits"
            tag = tag_label(provider, account)
            message = f"{tag} {what} not delivered: {problem} from {endpoint}"
            yield rule.finding(
                message,
                page.url,
                page=page,
                location={"provider": provider, "account": account},
                evidence={
                    "why": why,
                    "problem": problem,
                    "endpoint": endpoint,
                    "events": events,
                    "cause": request_cause(why, endpoint),
                },
                help=request_fix(problem, endpoint, "the hit"),
            )


@KINDS.register("tag-collector-down", per_page=True)
def tag_collector_down(rule: Rule, report: Report) -> Iterator[Finding]:
    """The site's own collector, where the page's hits go, answers (probed harmlessly)."""
    for page in rule.pages(report):
        groups: dict[tuple[str, str], list[TagHit]] = defaultdict(list)
        for hit in page.hits:
            request = request_of(page, hit)
            if hit.kind != "hit" or request is None or not request.answered_locally:
                continue
            problem = request.collector_problem()
            if problem is not None:
                groups[(request.url.split("?", 1)[0], problem)].append(hit)
        for (endpoint, problem), hits in groups.items():
            yield _collector_finding(rule, page, endpoint, problem, hits)


def _collector_finding(
    rule: Rule, page: PageVisit, endpoint: str, problem: str, hits: list[TagHit]
) -> Finding:
    tags = sorted({tag_label(h.provider, h.account) for h in hits})
    events = sorted({h.event for h in hits if h.event})
    what = f"{len(hits)} {', '.join(tags)} hit(s)" + (f" ({', '.join(events)})" if events else "")
    message = (
        f"the site's own collector {endpoint} is down ({problem} to a harmless probe: an "
        f"OPTIONS request with no event in it): the {what} this page sent there would be lost"
    )
    why = "http-error" if problem.startswith("HTTP ") else "network"
    first = hits[0]
    return rule.finding(
        message,
        page.url,
        page=page,
        location={"provider": first.provider, "account": first.base_account},
        evidence={
            "why": why,
            "endpoint": endpoint,
            "problem": problem,
            "known_from": "an OPTIONS probe of the endpoint (no event sent); the hits "
            "themselves were answered locally, never delivered",
            "events": events,
            "tags": tags,
            "cause": request_cause(why, endpoint),
        },
        help=(
            f"Bring the collector at {endpoint} back (the server-side tag container or the "
            "proxy in front of it): every hit sent there is lost while it is down."
        ),
    )


@KINDS.register("tag-not-configured", per_page=True)
def tag_not_configured(rule: Rule, report: Report) -> Iterator[Finding]:
    """gtag.js loaded for an id that is never configured on the page (and sent nothing)."""
    for page in rule.pages(report):
        if page.error or page.scenario == "reject":
            continue
        configured = _configured_ids(page)
        attempted = {h.base_account for h in page.hits if h.kind == "hit"}
        for tag_id, url in _gtag_loads(page).items():
            provider = _GTAG_IDS[next(p for p in _GTAG_IDS if tag_id.startswith(p))]
            if tag_id in configured or tag_id in attempted:
                continue
            message = (
                f"gtag.js is loaded for {tag_id} but gtag('config', '{tag_id}') is never "
                f"called: {provider} {tag_id} sends nothing on this page"
            )
            yield rule.finding(
                message,
                page.url,
                page=page,
                location={"provider": provider, "account": tag_id},
                evidence={
                    "why": "not-configured",
                    "library": url,
                    "configured": sorted(configured),
                    "cause": tag_cause("not-configured", provider, tag_id),
                },
                help=configure_fix(provider, tag_id),
            )


def _gtag_loads(page: PageVisit) -> dict[str, str]:
    """id → gtag.js URL, for every gtag.js the page loaded (Google's or a self-hosted copy).

    Loads by a tag manager container (`cx=c`) are left out: the container configures them.
    """
    loads: dict[str, str] = {}
    for request in page.requests:
        parts = urlsplit(request.url)
        if request.delivery_problem() is not None:
            continue
        if not parts.path.endswith(("/gtag/js", "/gtag.js")):
            continue
        query = parse_qs(parts.query)
        if "c" in query.get("cx", []):
            continue
        for tag_id in query.get("id", []):
            if tag_id.upper().startswith(tuple(_GTAG_IDS)):
                loads.setdefault(tag_id.upper(), request.url)
    return loads


def _configured_ids(page: PageVisit) -> set[str]:
    """Ids set up with `gtag('config', id)` in the page's dataLayer snapshot."""
    ids = set()
    for entry in page.data_layer:
        command = _command(entry)
        if len(command) >= 2 and command[0] == "config" and isinstance(command[1], str):
            ids.add(command[1].upper())
    return ids


def _command(entry: Any) -> list[Any]:
    """A gtag() call as a list: the dataLayer keeps `arguments` (a list, or {"0": …, "1": …})."""
    if isinstance(entry, list):
        return entry
    if isinstance(entry, dict) and "0" in entry:
        return [entry[str(i)] for i in range(len(entry)) if str(i) in entry]
    return []
