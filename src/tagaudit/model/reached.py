"""What a visit reached: the state a page (or a journey step) was in when its tags were judged.

A tag is judged only where the visit reached the state the tag needs. A confirmation page
loaded on its own shows "No order found", a step whose link is missing never left the cart,
tags behind a consent banner wait for a choice nobody made: none of these is a tag that is
"not installed". Each PageVisit (and each journey StepResult) records what it reached, as
plain fields, and the rules read it before they blame a tag (tagaudit.rules.reached):

    page     loaded | error      the page's own document loaded (2xx/3xx), or did not;
             view                a journey step that moved a single-page app to a new view;
             same                a journey step that stayed on the page of the step before;
             not-run             a journey step skipped after a failed one
    consent  not-asked           no consent banner showed;
             none                a banner asked and this visit gave no choice;
             granted | denied    the choice this visit made (or Consent Mode's default said so);
             None                not looked at (a journey without a consent choice, old reports)
    goal     done | failed | skipped     a journey step's outcome;
             order-shown         a hit or the dataLayer carries an order / transaction id;
             form-accepted | form-refused  the site answered a POST of the visit (<400 / >=400)
    empty    the kind of empty or error state the page shows instead of its content, read
             from its title, headings and alerts: no-order | empty-cart | not-found | error |
             login | expired (None: none seen); `notice` keeps the page's own words
    tags     the tags (`ga4 G-ABC123`) that loaded or sent anything that got through

`reach(visit)` fills in what the capture already holds (the browser reads `notice`, the
journey runner the step's outcome). Imports only the model's own modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from tagaudit.model.tags import tag_label

if TYPE_CHECKING:
    from tagaudit.model.capture import PageVisit, Request, TagHit

PAGE_STATES = ("loaded", "view", "same", "error", "not-run")
CONSENT_STATES = ("not-asked", "none", "granted", "denied")
GOALS = ("done", "failed", "skipped", "order-shown", "form-accepted", "form-refused")
EMPTY_STATES = ("no-order", "empty-cart", "not-found", "error", "login", "expired")

# The words pages use for an empty or error state, by kind, first match wins (English and
# German, the languages of the sites we tried; case-insensitive). Read only from a page's
# title, headings and alert boxes (the browser's READ_MAIN_FRAME), never its body copy, so
# "no order minimum" in a product text does not count.
EMPTY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "no-order",
            r"\bno (such )?(order|purchase|booking|transaction|reservation)s? ((was|were) )?"
            r"(found|exists?|available)\b|\bno (such )?(order|purchase|booking)s?( yet)?\W*$",
        ),
        (
            "no-order",
            r"\b(order|booking|transaction|reservation|purchase)\b[^.!?]{0,30}\b(not found|"
            r"could not be found|does not exist|was not found|unknown)\b",
        ),
        (
            "no-order",
            r"\b(could not|couldn't|cannot|can't) find (your|this|the|an?) (order|booking|"
            r"purchase)\b|\bkeine (bestellung|buchung)\b|\bbestellung nicht gefunden\b",
        ),
        ("empty-cart", r"\b(cart|basket|bag|warenkorb)\b[^.!?]{0,20}\b(is )?(empty|ist leer)\b"),
        ("expired", r"\bsession\b[^.!?]{0,20}\b(expired|timed out)\b|\bsitzung abgelaufen\b"),
        ("login", r"\b(please (log|sign) in|(log|sign) in to (continue|see|view))\b"),
        (
            "not-found",
            r"^\s*404\b|\b(page|product|item|seite)\b[^.!?]{0,20}\b(not found|could not be "
            r"found|does not exist|no longer available|nicht gefunden)\b",
        ),
        ("error", r"\bsomething went wrong\b|\ban? (unexpected )?error (has )?occurred\b"),
    )
)
NOTICE_LIMIT = 120  # characters of the page's words kept
# Where an order id shows in a hit's params or a dataLayer entry (GA4, Ads `oid`, Meta …).
ORDER_KEYS = ("transaction_id", "order_id", "oid", "orderId", "ecommerce.transaction_id")


@dataclass
class Reached:
    """What one visit reached (see the module docstring for each field's values).

    Reached(page="loaded", consent="none", empty="no-order",
            notice="No order found", tags=["ga4 G-ABC123"])
    """

    OMIT_EMPTY: ClassVar[bool] = True

    page: str | None = None
    consent: str | None = None
    goal: str | None = None
    empty: str | None = None
    notice: str | None = None
    tags: list[str] = field(default_factory=list)

    def blocks_tags(self) -> bool:
        """Did the visit stop short of the state tags are judged in (failed, skipped, empty)?"""
        return self.goal in ("failed", "skipped") or self.page == "not-run" or bool(self.empty)


def empty_state(texts: list[str]) -> tuple[str, str] | None:
    """(kind, the page's words) for the first text that says the page is empty or an
    error, from a page's title, headings and alerts; None when none does.

    >>> empty_state(["Thank you – Northwind", "No order found"])
    ('no-order', 'No order found')
    """
    for text in texts:
        words = " ".join(str(text).split())
        if not words:
            continue
        for kind, pattern in EMPTY_PATTERNS:
            if pattern.search(words):
                shown = words if len(words) <= NOTICE_LIMIT else words[: NOTICE_LIMIT - 1] + "…"
                return kind, shown
    return None


def reach(visit: PageVisit, step_status: str | None = None) -> PageVisit:
    """Fill in `visit.reached` from what the visit captured; returns the visit.

    `step_status` is a journey step's outcome (ok / failed); the page, goal, consent and
    tags are read from the capture, keeping what the browser already read (`notice`,
    `empty`) and a consent state a caller set.
    """
    reached = visit.reached
    reached.page = _page_state(visit)
    reached.tags = sorted({tag_label(h.provider, h.account) for h in _delivered(visit)})
    reached.consent = reached.consent or consent_state(visit)
    reached.goal = _goal(visit, step_status)
    return visit


def _page_state(visit: PageVisit) -> str:
    if not visit.loaded:
        return "error"
    if visit.journey is None or any(r.navigation for r in visit.requests):
        return "loaded"
    return "view" if any(r.view for r in visit.requests) else "same"


def _delivered(visit: PageVisit) -> list[TagHit]:
    return [h for h in visit.hits if h.kind != "aux" and _got_through(visit, h)]


def _got_through(visit: PageVisit, hit: TagHit) -> bool:
    request = visit.request_of(hit)
    return request is None or request.delivery_problem() is None


def consent_state(visit: PageVisit) -> str | None:
    """The consent state a visit's capture shows (None: nothing to tell).

    A consent scenario knows its choice; a plain visit knows whether a banner showed (the
    runner looks for one on every page unless scenarios were asked for); Google's Consent
    Mode says `denied` on hits sent before any choice (`gcs=G100`).
    """
    record = visit.consent
    if record.is_scenario():
        if not record.popup:
            return "not-asked"
        if visit.scenario == "accept":
            return "granted" if _acted(record.action) else "none"
        if visit.scenario == "reject":
            return "denied" if _acted(record.action) else "none"
        return "none"
    if record.banner is not None and record.banner.visible:
        return "none"
    if any((h.consent.get("gcs") or {}).get("raw") == "G100" for h in visit.hits):
        return "denied"
    return "not-asked" if record.banner is not None or visit.journey is None else None


def _acted(action: dict[str, Any]) -> bool:
    return bool(action.get("result", True)) if action else False


def _goal(visit: PageVisit, step_status: str | None) -> str | None:
    if step_status in ("failed", "skipped"):
        return step_status
    submitted = _own_posts(visit)
    if any((r.status or 0) >= 400 for r in submitted):
        return "form-refused"
    if _order_shown(visit):
        return "order-shown"
    if submitted:
        return "form-accepted"
    return "done" if step_status == "ok" else None


def _own_posts(visit: PageVisit) -> list[Request]:
    """Submissions the page made to its own host (forms, fetch, XHR) that got an answer."""
    host = urlsplit(visit.url).netloc
    return [
        r
        for r in visit.requests
        if r.method == "POST"
        and urlsplit(r.url).netloc == host
        and r.status is not None
        and not r.answered_locally
    ]


def _order_shown(visit: PageVisit) -> bool:
    for hit in visit.hits:
        if hit.kind == "hit" and any(hit.params.get(k) for k in ORDER_KEYS):
            return True
    return any(_has_order(entry, 0) for entry in visit.data_layer)


def _has_order(value: object, depth: int) -> bool:
    if depth > 4:
        return False
    if isinstance(value, dict):
        if any(value.get(k) for k in ("transaction_id", "order_id", "orderId")):
            return True
        return any(_has_order(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_has_order(v, depth + 1) for v in value)
    return False
