""" "Why wasn't it tracked?": explain an expected-but-missing hit from what the capture shows.

Owns the order of the questions, most specific first:
  page-error     the page itself did not load
  step-failed    a journey step that failed: its expectations were not checked
  not-reached    the page shows an empty or error state ("No order found": tagaudit.rules.reached)
  csp            the hit or its library was blocked by the page's Content Security Policy
  network        the request failed on the network (`net::ERR_…`)
  http-error     the request got an error status (4xx/5xx)
(blocked and failed requests are decoded like any other, so these read the hits themselves)
  consent        a banner asked and the visit gave no choice: the tags wait for it
  not-configured the library runs (other accounts or sibling tags fire) but not this account
  library-missing  the vendor's library was never requested
  consent        the library loaded but consent was denied (a reject scenario, gcs=G100)
  page-left      the page navigated away before the beacon left
  not-triggered  the library loaded (maybe sent other events) but this hit was never sent
Every Explanation also names its root cause (`cause`: the same key for every rule that
meets the same cause on a page, so tagaudit.rules.causes keeps one finding per cause) and the
fix that matches it (`fix`: which CSP directive to extend with which host, which URL answers
404, which `gtag('config', …)` call is missing, which consent purpose holds the tag).
Imports only tagaudit.model and tagaudit.rules (kinds, fixes).
"""

from __future__ import annotations

from urllib.parse import urljoin

from tagaudit.model import PageVisit, TagHit, account_matches
from tagaudit.rules.fixes import (
    SHARED_LIBRARY,
    Explanation,
    configure_fix,
    consent_purpose,
    csp_cause,
    csp_fix,
    host_of,
    request_cause,
    request_fix,
    send_fix,
    tag_cause,
)
from tagaudit.rules.kinds import delivery_problem, request_of
from tagaudit.rules.reached import cause_of, consent_wait, waits_for_consent

__all__ = ["Explanation", "csp_directive", "explain_missing"]

_DENIED_GCS = ("G100", "G110", "G101")


def explain_missing(
    page: PageVisit, provider: str, account: str | None = None, event: str | None = None
) -> Explanation:
    """Why the capture of `page` shows no delivered `provider`/`account`/`event` hit."""
    if page.error:
        return Explanation(
            "page-error",
            f"the page did not load ({page.error})",
            cause="page-error",
            fix="Make the page load first; its tags cannot be checked until it does.",
        )
    reached = cause_of(page)  # a failed step, an empty page: the cause of every tag here
    if reached is not None:
        return reached
    # A blocked request may not show its account (a CSP report carries the URL, not the
    # body): a blocked hit of the provider with no account is a candidate too.
    own = [
        h
        for h in page.hits
        if h.provider == provider
        and (account_matches(account, h.account) or (h.account is None and h.blocked))
    ]
    checks = (_undelivered_hit, _consent_not_given, _not_configured, _library_state, _after_load)
    for check in checks:
        found = check(page, provider, own, event, account)
        if found is not None:
            return found
    return Explanation(
        "not-triggered",
        "no reason found in the capture",
        cause=tag_cause("not-triggered", provider, account, event),
        fix=send_fix(provider, event),
    )


def _undelivered_hit(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None, _account: str | None
) -> Explanation | None:
    """A matching hit (or any hit of the tag) was attempted but did not get through."""
    wanted = [h for h in own if h.kind == "hit" and (event is None or h.event == event)]
    for hit in wanted or [h for h in own if h.kind != "library"]:
        request = request_of(page, hit)
        problem = delivery_problem(request)
        if problem is not None and request is not None:
            what = f"the {hit.event or provider} hit"
            return _blocked(problem, request.url, what, csp_directive(page, request.url))
    return None


def _consent_not_given(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None, account: str | None
) -> Explanation | None:
    """A banner asked, nobody chose, and the tag sent nothing: it waits for that choice."""
    if not waits_for_consent(page) or any(h.kind == "hit" for h in own):
        return None
    return consent_wait(provider, account)


def _blocked(problem: str, url: str, what: str, directive: str | None = None) -> Explanation:
    evidence = {"request": url, "problem": problem}
    full = url
    url = url if len(url) <= 90 else url[:89] + "…"  # the full URL stays in the evidence
    if problem == "csp":
        rule = f", {directive}" if directive else ""
        evidence["directive"] = directive
        text = f"{what} was blocked by the page's Content Security Policy{rule} ({url})"
        return Explanation(
            "csp", text, evidence, csp_cause(directive, full), csp_fix(directive, full)
        )
    why = "http-error" if problem.startswith("HTTP ") else "network"
    text = (
        f"{what} got {problem} from {url}"
        if why == "http-error"
        else (f"{what} failed on the network ({problem}): {url}")
    )
    return Explanation(
        why, text, evidence, request_cause(why, full), request_fix(problem, full, what)
    )


def _not_configured(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None, account: str | None
) -> Explanation | None:
    """The library runs (other accounts or sibling tags fire) but this account is not set up."""
    if own:
        return None
    family = SHARED_LIBRARY.get(provider)
    others = [
        h
        for h in page.hits
        if h.kind == "hit"
        and (h.provider == provider or (family and SHARED_LIBRARY.get(h.provider) == family))
        and delivery_problem(request_of(page, h)) is None
    ]
    if not others:
        return None
    seen = sorted({f"{h.provider} {h.account}" for h in others if h.account})
    library = "the Google tag (gtag.js)" if family == "gtag" else f"the {provider} library"
    setup = " with gtag('config', …)" if family == "gtag" else ""
    return Explanation(
        "not-configured",
        f"{library} runs on this page and sends hits for {', '.join(seen)}, but "
        f"{' '.join(p for p in (provider, account) if p)} is never configured here{setup}",
        {"configured": seen},
        cause=tag_cause("not-configured", provider, account),
        fix=configure_fix(provider, account),
    )


def _library_state(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None, _account: str | None
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
            what = f"the {provider} library"
            return _blocked(problem, request.url, what, csp_directive(page, request.url))
    text = (
        f"the {provider} library was never requested on this page: the tag is not installed "
        "here, or the tag manager that loads it did not fire"
    )
    consent = _consent_state(page, own)
    if consent:
        # A consent-gated tag manager does not even load the library before a choice.
        text = f"the {provider} library was never requested: consent was {consent}"
        return _consent(provider, _account, text, consent)
    return Explanation(
        "library-missing",
        text + _script_errors(page),
        cause=tag_cause("library-missing", provider, _account),
        fix=(
            f"Install {' '.join(p for p in (provider, _account) if p)} on this page: the "
            "site-wide template or the tag manager container that loads it is missing here."
        ),
    )


def _consent(provider: str, account: str | None, text: str, consent: str) -> Explanation:
    """Held back by consent: which purpose the tag waits for."""
    purpose = consent_purpose(provider)
    return Explanation(
        "consent",
        text,
        {"consent": consent, "purpose": purpose},
        cause=tag_cause("consent", provider, account),
        fix=(
            f"Expected while {purpose} consent is not given; check that {provider} fires once "
            f"the visitor grants {purpose} (the accept scenario) and that the consent "
            f"platform maps {provider} to that purpose."
        ),
    )


def _script_errors(page: PageVisit) -> str:
    """A hint when the page logged JavaScript errors, which often stop tags from running."""
    if not page.console_errors:
        return ""
    first = page.console_errors[0]
    first = first if len(first) <= 120 else first[:117] + "…"
    return f" (the page logged a JavaScript error: {first})"


def csp_directive(page: PageVisit, url: str) -> str | None:
    """The CSP directive that blocked `url`, from the page's violation reports.

    A report may carry only the origin of the blocked URL (CSP3 reports the origin when the
    block happened after a cross-origin redirect), so the same origin is the fallback.
    """
    exact = [v for v in page.csp_violations if v.get("blocked_url") == url]
    origin = host_of(url)
    same = [v for v in page.csp_violations if host_of(str(v.get("blocked_url") or "")) == origin]
    for violation in exact or same:
        if violation.get("directive"):
            return str(violation["directive"])
    return None


def _after_load(
    page: PageVisit, provider: str, own: list[TagHit], event: str | None, _account: str | None
) -> Explanation | None:
    """The library is there; consent, an early navigation or a missing trigger stopped the hit."""
    consent = _consent_state(page, own)
    if consent:
        text = f"the {provider} library loaded but consent was {consent}"
        return _consent(provider, _account, text, consent)
    if _left_page(page):
        return Explanation(
            "page-left",
            f"the page navigated to {page.final_url} before the {event or provider} hit left",
            {"final_url": page.final_url},
            cause=tag_cause("page-left", provider, _account, event),
            fix=(
                f"Send the {event or provider} hit before the page moves on (transport "
                "'beacon', or navigate after the tag's callback)."
            ),
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
    if in_data_layer:
        fix = (
            f"The dataLayer has '{event}' but no tag fired on it: check the trigger of the "
            f"{provider} {event} tag in your tag manager (event name '{event}')."
        )
    else:
        fix = send_fix(provider, event)
    return Explanation(
        "not-triggered",
        text,
        {"sent": sent, "in_data_layer": in_data_layer},
        cause=tag_cause("not-triggered", provider, _account, event),
        fix=fix,
    )


def _left_page(page: PageVisit) -> bool:
    """Did the page move on after loading (JS or meta refresh), not just a server redirect?"""
    if not page.final_url:
        return False
    if any(hop.via in ("js", "meta") for hop in page.hops):
        return True
    last = page.hops[-1] if page.hops else None
    loaded = {page.url} if last is None else {last.url, urljoin(last.url, last.location or "")}
    return _bare(page.final_url) not in {_bare(url) for url in loaded}


def _bare(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def _consent_state(page: PageVisit, own: list[TagHit]) -> str | None:
    """`denied` / `pending` when the capture says consent held the tag back, else None."""
    if page.scenario == "reject":
        return "rejected in this scenario"
    if page.scenario == "none" and page.consent.popup:
        cmp = page.consent.cmp
        return f"pending: the {cmp + ' ' if cmp else ''}consent banner showed and nobody chose"
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
