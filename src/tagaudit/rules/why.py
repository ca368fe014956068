""" "Why wasn't it tracked?": explain an expected-but-missing hit from what the capture shows.

Owns the order of the questions, most specific first:
  page-error     the page itself did not load
  csp            the hit or its library was blocked by the page's Content Security Policy
  network        the request failed on the network (`net::ERR_…`)
  http-error     the request got an error status (4xx/5xx)
  library-missing  the vendor's library was never requested
  consent        the library loaded but consent was pending or denied
  page-left      the page navigated away before the beacon left
  not-triggered  the library loaded (maybe sent other events) but this hit was never sent
Imports only tagaudit.model and tagaudit.rules.kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tagaudit.model import PageVisit, TagHit
from tagaudit.rules.kinds import account_matches, delivery_problem, request_of

# Hosts that serve a provider's library or collect its hits, to recognise failed requests and
# CSP reports that no provider decoded (tag-anchors.md, endpoint table).
PROVIDER_HOSTS: dict[str, tuple[str, ...]] = {
    "ga4": ("googletagmanager.com/gtag", "google-analytics.com", "analytics.google.com"),
    "gtm": ("googletagmanager.com/gtm",),
    "google_ads": ("googleadservices.com", "googleads.g.doubleclick.net", "google.com/pagead"),
    "floodlight": ("fls.doubleclick.net", "ad.doubleclick.net"),
    "meta_pixel": ("connect.facebook.net", "facebook.com/tr"),
    "tiktok": ("analytics.tiktok.com",),
    "linkedin": ("snap.licdn.com", "px.ads.linkedin.com"),
    "microsoft_uet": ("bat.bing.com",),
    "pinterest": ("s.pinimg.com/ct", "ct.pinterest.com"),
    "x_ads": ("static.ads-twitter.com", "analytics.twitter.com", "t.co/i/adsct"),
    "snapchat": ("sc-static.net", "tr.snapchat.com"),
    "reddit": ("redditstatic.com", "alb.reddit.com"),
    "hotjar": ("static.hotjar.com",),
    "clarity": ("clarity.ms",),
}
_DENIED = ("denied", "pending", "rejected", "reject", "unknown", "none")
_DENIED_GCS = ("G100", "G110", "G101")


@dataclass
class Explanation:
    """A reason code, one sentence for people, and what it was read from."""

    why: str
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)


def explain_missing(
    page: PageVisit, provider: str, account: str | None = None, event: str | None = None
) -> Explanation:
    """Why the capture of `page` shows no delivered `provider`/`account`/`event` hit."""
    if page.error:
        return Explanation("page-error", f"the page did not load ({page.error})")
    own = [h for h in page.hits if h.provider == provider and account_matches(account, h.account)]
    for check in (_undelivered_hit, _library_state, _after_load):
        found = check(page, provider, own, event)
        if found is not None:
            return found
    return Explanation("not-triggered", "no reason found in the capture")


def _undelivered_hit(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None
) -> Explanation | None:
    """A matching hit (or any hit of the tag) was attempted but did not get through."""
    wanted = [h for h in own if h.kind == "hit" and (event is None or h.event == event)]
    for hit in wanted or [h for h in own if h.kind != "library"]:
        request = request_of(page, hit)
        problem = delivery_problem(request)
        if problem is not None and request is not None:
            return _blocked(problem, request.url, f"the {hit.event or provider} hit")
    return None


def _blocked(problem: str, url: str, what: str) -> Explanation:
    evidence = {"request": url, "problem": problem}
    if problem == "csp":
        text = f"{what} was blocked by the page's Content Security Policy ({url})"
        return Explanation("csp", text, evidence)
    if problem.startswith("HTTP "):
        return Explanation("http-error", f"{what} got {problem} from {url}", evidence)
    return Explanation("network", f"{what} failed on the network ({problem}): {url}", evidence)


def _library_state(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None
) -> Explanation | None:
    """The library was never requested, or its request failed or was blocked."""
    libraries = [h for h in own if h.kind == "library"]
    loaded = [h for h in libraries if delivery_problem(request_of(page, h)) is None]
    if loaded or any(h.kind != "library" for h in own):
        return None
    for hit in libraries:
        request = request_of(page, hit)
        problem = delivery_problem(request)
        if problem and request is not None:
            return _blocked(problem, request.url, f"the {provider} library")
    text = (
        f"the {provider} library was never requested on this page: the tag is not installed "
        "here, or the tag manager that loads it did not fire"
    )
    return _unmatched_failure(page, provider) or Explanation(
        "library-missing", text + _script_errors(page)
    )


def _script_errors(page: PageVisit) -> str:
    """A hint when the page logged JavaScript errors, which often stop tags from running."""
    if not page.console_errors:
        return ""
    first = page.console_errors[0]
    first = first if len(first) <= 120 else first[:117] + "…"
    return f" (the page logged a JavaScript error: {first})"


def _unmatched_failure(page: PageVisit, provider: str) -> Explanation | None:
    """A failed request or CSP report for the provider's hosts that no provider decoded."""
    hosts = PROVIDER_HOSTS.get(provider, ())
    if not hosts:
        return None
    for violation in page.csp_violations:
        blocked = str(violation.get("blockedURI") or violation.get("blocked_uri") or "")
        if any(h in blocked for h in hosts):
            return _blocked("csp", blocked, f"the {provider} library")
    for request in page.requests:
        problem = delivery_problem(request)
        if problem and any(h in request.url for h in hosts):
            return _blocked(problem, request.url, f"the {provider} library")
    return None


def _after_load(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None
) -> Explanation | None:
    """The library is there; consent, an early navigation or a missing trigger stopped the hit."""
    consent = _consent_state(page, own)
    if consent:
        return Explanation(
            "consent",
            f"the {provider} library loaded but consent was {consent}",
            {"consent": consent},
        )
    if page.final_url and page.final_url.split("#")[0] != page.url.split("#")[0] and page.hops:
        return Explanation(
            "page-left",
            f"the page navigated to {page.final_url} before the {event or provider} hit left",
            {"final_url": page.final_url},
        )
    sent = sorted({h.event for h in own if h.kind == "hit" and h.event})
    in_data_layer = event is not None and _data_layer_has(page, event)
    text = f"the {provider} library loaded"
    text += f" and sent {', '.join(sent)}" if sent else ""
    text += f" but no {event or 'hit'} was sent"
    if in_data_layer:
        text += f": the dataLayer has a '{event}' event, so the tag's trigger did not fire"
    else:
        text += ": the code that should send it did not run"
    text += _script_errors(page)
    return Explanation("not-triggered", text, {"sent": sent, "in_data_layer": in_data_layer})


def _consent_state(page: PageVisit, own: list[TagHit]) -> str | None:
    """`denied` / `pending` when the capture says consent held the tag back, else None."""
    if page.scenario == "reject":
        return "rejected in this scenario"
    state = page.consent.get("state") or page.consent.get("status")
    if isinstance(state, str) and state.lower() in _DENIED:
        return state.lower()
    for hit in own:
        raw = (hit.consent.get("gcs") or {}).get("raw") if isinstance(hit.consent, dict) else None
        if raw in _DENIED_GCS:
            return f"denied (Consent Mode gcs={raw})"
    return None


def _data_layer_has(page: PageVisit, event: str) -> bool:
    for entry in page.data_layer:
        if isinstance(entry, dict) and entry.get("event") == event:
            return True
        if isinstance(entry, list) and event in entry[:3]:
            return True
    return False
