"""The journey check kinds (rules/journeys.yaml): steps that failed, click ids that got lost,
conversions counted for orders the site refused.

Read `Report.journeys` (what tagaudit.journeys recorded: each step's outcome, each click
id's chain from the start link to the conversion hit). A failed step is one finding with the
reason, the steps it kept from running and its screenshot; a click id whose chain breaks is
one finding saying where and why. Pure: imports the model and tagaudit.rules only.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from tagaudit.model import Finding, JourneyResult, PageVisit, Report, Request
from tagaudit.rules.kinds import Kinds, as_list, describe_tag, hit_location
from tagaudit.rules.rule import Rule, any_matches

KINDS = Kinds()
START = "start"  # the step of a journey's start link (tagaudit.browser.steps.START)


def _journeys(rule: Rule, report: Report) -> Iterator[JourneyResult]:
    """Journeys whose steps fall in the rule's `steps:` scope (all, without one)."""
    patterns = rule.scope.steps
    for journey in report.journeys:
        names = [f"{journey.name}/{s.name}" for s in journey.steps]
        if patterns is None or any(any_matches(patterns, n) for n in names):
            yield journey


def _where(journey: JourneyResult, step_name: str | None) -> str:
    """The URL a finding about `journey` points at: the step's page, else the start link."""
    step = next((s for s in journey.steps if s.name == step_name), None)
    return (step.url if step and step.url else None) or journey.start or f"journey:{journey.name}"


@KINDS.register("journey-step")
def journey_step(rule: Rule, report: Report) -> Iterator[Finding]:
    """Every step of a journey runs: its elements appear, its navigations load, in time."""
    for journey in _journeys(rule, report):
        failed = journey.failed_step()
        if failed is None:
            continue
        skipped = [s.name for s in journey.steps if s.status == "skipped"]
        after = f"; not run: {', '.join(skipped)}" if skipped else ""
        yield rule.finding(
            f"journey {journey.name}, step {failed.name}: {failed.error}{after}",
            _where(journey, failed.name),
            location={"journey": journey.name, "step": failed.name},
            evidence={
                "reason": failed.error,
                "skipped": skipped,
                "screenshot": failed.screenshot,
                "defined_at": journey.source,
            },
        )


@KINDS.register("click-id-chain", optional={"click_ids": list})
def click_id_chain(rule: Rule, report: Report) -> Iterator[Finding]:
    """The start link's click id reaches the landing, its tags, its cookie and the conversion."""
    wanted = set(rule.args.get("click_ids") or [])
    for journey in _journeys(rule, report):
        failed = journey.failed_step()
        for path in journey.click_ids:
            if failed is not None and (path.broken_at == "conversion" or _at_first(journey)):
                continue  # the journey-step finding says why; a half chain proves nothing
            if path.broken_at is None or (wanted and path.name not in wanted):
                continue  # whole, or unused (no tag of its platform: click-id-unused)
            broken = next(link for link in path.links if link.stage == path.broken_at)
            yield rule.finding(
                f"journey {journey.name}: {path.reason}",
                _where(journey, broken.step),
                location={"journey": journey.name, "step": broken.step, "event": path.name},
                evidence={
                    "click_id": path.name,
                    "broken_at": path.broken_at,
                    "tags": path.tags,
                    "chain": [
                        {"stage": link.stage, "ok": link.ok, "detail": link.detail}
                        for link in path.links
                    ],
                },
            )


def _at_first(journey: JourneyResult) -> bool:
    """Did the journey fail at its first step (before its landing could be judged)?"""
    failed = journey.failed_step()
    return bool(journey.steps) and failed is journey.steps[0]


@KINDS.register("click-id-unused")
def click_id_unused(rule: Rule, report: Report) -> Iterator[Finding]:
    """A click id on the start link that no tag of its platform could use: one line saying
    so (gclid on a journey with no Google Ads or Floodlight tag loses nothing)."""
    for journey in _journeys(rule, report):
        for path in journey.click_ids:
            if path.tags or path.broken_at is not None or not path.reason:
                continue
            yield rule.finding(
                f"journey {journey.name}: {path.reason}",
                _where(journey, START),
                location={"journey": journey.name, "step": START, "event": path.name},
                evidence={"click_id": path.name},
            )


@KINDS.register("conversion-before-success", per_page=True, required={"events": list})
def conversion_before_success(rule: Rule, report: Report) -> Iterator[Finding]:
    """A conversion is only sent for an order or lead the site accepted.

    On a page (a journey step) where the site answered the visitor's submission — a POST to
    its own host — with an error, a conversion event sent there counted an order that did
    not happen (the classic: the tag fires on the button's click, not on the confirmation).
    """
    events = set(as_list(rule.args["events"]))
    for page in rule.pages(report):
        refused = _refused_submissions(page)
        if not refused:
            continue
        for hit in page.hits:
            if hit.kind == "hit" and hit.left_page() and hit.event in events:
                submission = refused[0]
                yield rule.finding(
                    f"{describe_tag(hit.provider, hit.account, hit.event)} was sent, but the "
                    f"site refused the submission ({submission.method} "
                    f"{urlsplit(submission.url).path} → HTTP {submission.status})",
                    page.url,
                    page=page,
                    location=hit_location(hit, journey=page.journey, step=page.step),
                    evidence={"submission": submission.url, "status": submission.status},
                )


def _refused_submissions(page: PageVisit) -> list[Request]:
    """POSTs (forms, fetch, XHR) to the page's own host that got an error status."""
    host = urlsplit(page.url).netloc
    return [
        r
        for r in page.requests
        if r.method != "GET"
        and urlsplit(r.url).netloc == host
        and r.status is not None
        and r.status >= 400
    ]
