"""Check kinds about the page itself: `page-status` (failed loads, 4xx/5xx) and
`console-errors` (JavaScript errors the page logged).

Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from tagaudit.model import Finding, Report
from tagaudit.rules.kinds import Kinds
from tagaudit.rules.rule import Rule

KINDS = Kinds()


@KINDS.register("page-status", optional={"min_status": int})
def page_status(rule: Rule, report: Report) -> Iterator[Finding]:
    """The page loaded, with a status below min_status (400)."""
    min_status = rule.args.get("min_status", 400)
    for page in rule.pages(report):
        if page.error:
            yield rule.finding(
                f"the page did not load: {page.error}",
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


@KINDS.register("console-errors", optional={"ignore": list})
def console_errors(rule: Rule, report: Report) -> Iterator[Finding]:
    """The page logged no JavaScript errors (messages containing an `ignore` text are skipped)."""
    ignored = [str(text) for text in rule.args.get("ignore") or []]
    for page in rule.pages(report):
        errors = [e for e in page.console_errors if not any(text in e for text in ignored)]
        if errors:
            shown = errors[0] if len(errors[0]) <= 200 else errors[0][:200] + "…"
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            yield rule.finding(
                f"the page logged {len(errors)} console error(s): {shown}{more}",
                page.url,
                page=page,
                evidence={"errors": errors[:10]},
            )
