"""Before a rule blames a tag: the state the visit reached (tagaudit.model.reached).

A tag is judged only where the visit reached the state the tag needs. What stops short of
it is the real cause, said once per page (one cause key, so tagaudit.rules.causes keeps one
finding for it), with the fix that matches it:

  step-failed   a journey step that failed or never ran: its expectations were not checked
                (the check kinds skip it, `judged`; JUnit lists them as skipped)
  not-reached   the page shows an empty or error state: "No order found" on a confirmation
                loaded on its own, an empty cart, a soft 404, a login wall
  consent       a banner asked and the visit gave no choice: tags wait for consent

Imports only the model and tagaudit.rules.fixes.
"""

from __future__ import annotations

import re

from tagaudit.model import PageVisit
from tagaudit.rules.fixes import Explanation, consent_purpose

# A page people would call a confirmation, by its URL or title.
CONFIRMATION = re.compile(
    r"thank|danke|confirm|success|receipt|order[-_ ]?(received|complete)|checkout/(done|complete)",
    re.IGNORECASE,
)
# Each empty state: what it means for the tags, and how to reach the state they need.
NOT_REACHED: dict[str, tuple[str, str]] = {
    "no-order": (
        "has no order in this browser",
        "Reach it with a journey that places an order (`journeys:` in tagaudit.yaml), in the "
        "same browser: a confirmation shows its order only to the visitor who placed it.",
    ),
    "empty-cart": (
        "has an empty cart in this browser",
        "Reach it with a journey that adds a product first (`journeys:` in tagaudit.yaml).",
    ),
    "not-found": (
        "shows a 'not found' page (a soft 404: the server answered {status})",
        "Fix the link or the page (or remove it from the audit); a missing page tracks nothing.",
    ),
    "error": (
        "shows an error instead of its content",
        "Fix the page's error first; its tags cannot be judged until it shows its content.",
    ),
    "login": (
        "asks for a login",
        "Give the audit a logged-in session (browser.storage_state) or reach the page with a "
        "journey that logs in.",
    ),
    "expired": (
        "says the session expired",
        "Reach it with a journey, in one browser session, instead of loading it on its own.",
    ),
}
CONSENT_HINT = "run with --consent accept"


def cause_of(page: PageVisit) -> Explanation | None:
    """Why no tag of `page` can be judged: a failed step or an empty page; None when the
    visit reached the state its tags need (as far as tagaudit can tell)."""
    reached = page.reached
    if reached.goal in ("failed", "skipped"):
        return Explanation(
            "step-failed",
            f"step {page.step} failed: its expectations were not checked",
            {"goal": reached.goal},
            cause="step-failed",
            fix="Make the step work first (the journey-step-failed finding says why it failed).",
        )
    if reached.empty:
        return not_reached(page)
    return None


def not_reached(page: PageVisit) -> Explanation:
    """The page's empty or error state, as the cause of every missing tag on it."""
    reached = page.reached
    meaning, fix = NOT_REACHED.get(reached.empty or "", NOT_REACHED["error"])
    what = "this confirmation" if is_confirmation(page) else "this page"
    meaning = meaning.format(status=f"HTTP {page.status}" if page.status else "no error")
    text = f"{what} {meaning} (the page says {reached.notice!r})"
    evidence = {"empty": reached.empty, "notice": reached.notice}
    return Explanation("not-reached", text, evidence, cause="not-reached", fix=fix)


def is_confirmation(page: PageVisit) -> bool:
    """Does the page look like an order or lead confirmation (URL or its own words)?"""
    return bool(
        CONFIRMATION.search(page.final_url or page.url)
        or CONFIRMATION.search(page.reached.notice or "")
    )


def waits_for_consent(page: PageVisit) -> bool:
    """A banner asked and this visit gave no choice (a tag that waits for consent cannot fire)."""
    return page.reached.consent == "none"


def consent_wait(provider: str, account: str | None = None) -> Explanation:
    """The tags wait for a consent this visit did not give: one cause for the whole page."""
    purpose = consent_purpose(provider)
    text = f"tags wait for consent, which this visit did not give ({CONSENT_HINT})"
    return Explanation(
        "consent",
        text,
        {"consent": "none", "purpose": purpose},
        cause="consent-not-given",
        fix=(
            "Expected while nobody answers the banner: audit the page after a choice "
            f"({CONSENT_HINT}) and check that {provider} fires once the visitor grants "
            f"{purpose}."
        ),
    )


def judged(page: PageVisit, step_scoped: bool = False) -> bool:
    """Is `page` a place to judge a tag's presence at all?

    Not a journey step that failed or never ran (its expectations are skipped), and, for a
    rule not written for one step, not a step that stayed on the page of the step before:
    that page's tags were judged where it loaded.
    """
    reached = page.reached
    if reached.goal in ("failed", "skipped") or reached.page == "not-run":
        return False
    return step_scoped or page.journey is None or reached.page != "same"
