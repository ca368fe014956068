"""Check kinds for silent failures of the capture itself (rules/capture.yaml).

What a tag manager's preview never shows: events a batching SDK still held at the end of the
visit (lost for a visitor who leaves then), a tracking request tagaudit could not read (its
body, its account, its event), a vendor's hit sent to a host nobody catalogued (a first-party
proxy tagaudit could neither answer nor decode), an SDK whose settings request failed and
which therefore sent nothing at all, and an SDK that loaded and sent nothing for another
reason. Pure: reads the model (`held_events`, `params["_undecoded"]`, `Request.lookalike`,
hit kinds) and tagaudit.rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from tagaudit.model import Finding, PageVisit, Report
from tagaudit.rules.kinds import Kinds, delivery_problem, hit_location, request_of
from tagaudit.rules.rule import Rule

KINDS = Kinds()


@KINDS.register("held-events", optional={"min_events": int})
def held_events(rule: Rule, report: Report) -> Iterator[Finding]:
    """Events a batching SDK keeps are sent before the visitor leaves (or on leaving)."""
    least = int(rule.args.get("min_events", 1))
    for page in rule.pages(report):
        for held in page.held_events:
            if held.events < least:
                continue
            if held.sent_after_ms is None:
                when = "did not send them while the audit waited"
                within = "before its timer"
            else:
                seconds = held.sent_after_ms / 1000
                when = f"sent them {seconds:.1f} s later, on its timer"
                within = f"within {seconds:.1f} s"
            yield rule.finding(
                f"events queued by {held.provider} wait for its timer: it still held "
                f"{held.events} event(s) at the end of the visit and {when}; a visitor who "
                f"leaves {within} loses those it does not send on leaving",
                page.url,
                page=page,
                location={"provider": held.provider},
                evidence={"events": held.events, "sent_after_ms": held.sent_after_ms},
            )


UNDECODED_WORDS = {
    "body": "its body could not be read",
    "account": "no account could be read",
    "event": "no event name could be read",
}


@KINDS.register("hit-undecoded")
def hit_undecoded(rule: Rule, report: Report) -> Iterator[Finding]:
    """Every tracking hit can be read: its body, its account, its event.

    A hit the page's CSP stopped is known only by its URL (a violation report has no body):
    the missing-tag rule explains it, and its unread body is no fault of the format."""
    for page in rule.pages(report):
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for hit in page.hits:
            missing = tuple(hit.params.get("_undecoded") or ())
            if (
                hit.kind != "hit"
                or not hit.left_page()
                or not missing
                or (hit.provider, missing) in seen
            ):
                continue
            seen.add((hit.provider, missing))
            request = request_of(page, hit)
            words = "; ".join(UNDECODED_WORDS.get(m, m) for m in missing)
            extra = f" ({request.body_encoding})" if request and request.body_encoding else ""
            yield rule.finding(
                f"a {hit.provider} hit could not be read: {words}{extra}",
                page.url,
                page=page,
                location=hit_location(hit),
                evidence={"undecoded": list(missing), "request": hit.url[:300]},
            )


@KINDS.register("collector-unknown")
def collector_unknown(rule: Rule, report: Report) -> Iterator[Finding]:
    """A vendor's hit sent to a host tagaudit does not know is named (and can be added)."""
    for page in rule.pages(report):
        seen: set[tuple[str, str]] = set()
        for request in page.requests:
            if request.lookalike is None:
                continue
            host = urlsplit(request.url).netloc
            if (request.lookalike, host) in seen:
                continue
            seen.add((request.lookalike, host))
            yield rule.finding(
                f"{host} received what looks like a {request.lookalike} hit "
                f"({urlsplit(request.url).path}): tagaudit neither answered nor decoded it",
                page.url,
                page=page,
                location={"provider": request.lookalike},
                evidence={"request": request.url[:300], "host": host},
            )


@KINDS.register("config-failed")
def config_failed(rule: Rule, report: Report) -> Iterator[Finding]:
    """An SDK whose settings request failed, and which then sent nothing, is named."""
    for page in rule.pages(report):
        sent = {h.provider for h in page.hits if h.kind == "hit"}
        for hit in page.hits:
            if hit.kind != "config" or hit.provider in sent:
                continue
            problem = delivery_problem(request_of(page, hit))
            if problem is None:
                continue
            sent.add(hit.provider)  # one finding per provider and page
            yield rule.finding(
                f"{hit.provider} sent nothing: its settings request failed ({problem}: "
                f"{hit.url[:120]}), and it waits for them before sending any event",
                page.url,
                page=page,
                location=hit_location(hit),
                evidence={"request": hit.url[:300], "problem": problem},
            )


@KINDS.register("sdk-silent")
def sdk_silent(rule: Rule, report: Report) -> Iterator[Finding]:
    """An SDK that loaded sends something during the visit or when the visitor leaves."""
    for page in rule.pages(report):
        if not page.loaded or _waits_for_consent(page):
            continue
        sent = {h.provider for h in page.hits if h.kind in ("hit", "aux")}
        explained = sent | {h.provider for h in page.held_events}
        for hit in page.hits:
            if hit.kind not in ("library", "config") or hit.provider in explained:
                continue
            if delivery_problem(request_of(page, hit)) is not None:
                continue  # its settings failed: sdk-config-failed says so
            explained.add(hit.provider)  # one finding per provider and page
            what = "its library" if hit.kind == "library" else "its settings"
            where = _short(hit.url)
            stayed = page.timings.get("total_ms")
            during = f" ({stayed / 1000:.1f} s)" if stayed else ""
            yield rule.finding(
                f"{hit.provider} loaded ({what}: {where}) and sent no event during the "
                f"visit{during} nor on leaving",
                page.url,
                page=page,
                location=hit_location(hit),
                evidence={"loaded": hit.url[:300], "kind": hit.kind, "visit_ms": stayed},
            )


def _waits_for_consent(page: PageVisit) -> bool:
    """A page with a consent banner, or a scenario: SDKs that wait for consent are right to
    (the consent rules judge them)."""
    banner = page.consent.banner
    return (
        page.scenario != "none" or page.consent.cmp is not None or bool(banner and banner.visible)
    )


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"[:120]
