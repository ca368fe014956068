"""Check kinds about the page itself: `page-status` (failed loads, 4xx/5xx), `page-reached`
(a page that loaded into an empty or error state: "No order found") and `console-errors`
(JavaScript errors the page logged).

The browser logs its own error for every request it refused or that failed ("Loading the
image '…' violates the following Content Security Policy directive", "Failed to load
resource: … status of 404"). When that request is a tag's, or the page itself, the tag and
page rules already report the cause: `console-errors` leaves those lines out (one root cause,
one finding).

Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tagaudit.model import Finding, PageVisit, Report, Request
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.reached import not_reached
from tagaudit.rules.rule import Rule

KINDS = Kinds()


@KINDS.register("page-status", per_page=True, optional={"min_status": int})
def page_status(rule: Rule, report: Report) -> Iterator[Finding]:
    """The page loaded, with a status below min_status (400)."""
    min_status = rule.args.get("min_status", 400)
    for page in rule.pages(report):
        if page.error:
            loaded = page.status is not None and page.status < min_status
            what = f"loaded (HTTP {page.status}) but {page.error}" if loaded else None
            yield rule.finding(
                f"the page {what}" if what else f"the page did not load: {page.error}",
                page.url,
                page=page,
                evidence={"error": page.error, "status": page.status},
            )
        elif page.status is not None and page.status >= min_status:
            yield rule.finding(
                f"the page answered HTTP {page.status}",
                page.url,
                page=page,
                evidence={"status": page.status, "final_url": page.final_url},
            )


@KINDS.register("page-reached", per_page=True)
def page_reached(rule: Rule, report: Report) -> Iterator[Finding]:
    """The page loaded into the state its tags need, not an empty or error state.

    A confirmation loaded on its own that says "No order found", an empty cart, a soft 404,
    a login wall: its tags cannot be judged there. One finding says so, with the way to
    reach the state; the missing-tag rules on the page name the same cause and are merged
    into it (tagaudit.rules.causes).
    """
    for page in rule.pages(report):
        if not page.loaded or not page.reached.empty or page.reached.goal == "failed":
            continue  # a failed step is journey-step-failed's
        why = not_reached(page)
        yield rule.finding(
            f"{why.text}: its tags cannot be judged here",
            page.url,
            page=page,
            location={"journey": page.journey, "step": page.step},
            evidence={"why": why.why, **why.evidence, "cause": why.cause},
            help=why.fix,
        )


@KINDS.register("console-errors", per_page=True, optional={"ignore": list})
def console_errors(rule: Rule, report: Report) -> Iterator[Finding]:
    """The page logged no JavaScript errors (messages containing an `ignore` text are skipped)."""
    ignored = [str(text) for text in rule.args.get("ignore") or []]
    for page in rule.pages(report):
        errors = [e for e in page.console_errors if not any(text in e for text in ignored)]
        failed = _failed_tag_requests(page)
        errors = [e for e in errors if not _explained(e, page, failed)]
        if errors:
            shown = errors[0] if len(errors[0]) <= 200 else errors[0][:200] + "…"
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            yield rule.finding(
                f"the page logged {len(errors)} console error(s): {shown}{more}",
                page.url,
                page=page,
                evidence={"errors": errors[:10]},
            )


_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")
_QUOTED_URL = re.compile(r"https?://[^\s'\"]+")


def _failed_tag_requests(page: PageVisit) -> list[Request]:
    """The page's tag requests that did not reach their vendor (found once per page)."""
    return [
        request
        for request in (page.request_of(hit) for hit in page.hits)
        if request is not None and request.delivery_problem()
    ]


def _explained(error: str, page: PageVisit, failed: list[Request]) -> bool:
    """Is this console line the browser's echo of a failed tag request (`failed`) or of the
    page's status?"""
    status = _STATUS.match(error)
    if status:
        code = int(status.group(1))
        return page.status == code or any(r.status == code for r in failed)
    # The refused URL comes first; the policy quoted after it lists the allowed hosts.
    first = _QUOTED_URL.search(error)
    if first is None:
        return False
    url = first.group().rstrip(".,;")
    return any(r.url.startswith(url) or url.startswith(r.url) for r in failed)
