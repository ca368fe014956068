"""Check kinds for silent failures of the capture itself (rules/capture.yaml).

What a tag manager's preview never shows: events a batching SDK still held at the end of the
visit (lost for a visitor who leaves then), a tracking request tagaudit could not read (its
body, its account, its event), a vendor's hit sent to a host nobody catalogued (a first-party
proxy tagaudit could neither answer nor decode), events sent to collectors nobody catalogued
(hits of provider `unknown`) or recognised only by their wire format (a `collector` host), an
SDK whose settings request failed and which therefore sent nothing at all, and an SDK that
loaded and sent nothing for another reason, and what a page sent past tagaudit's limits.
Pure: reads the model (`held_events`, `params["_undecoded"]`, `TagHit.collector`,
`Request.cut`, hit kinds) and tagaudit.rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from tagaudit.model import Finding, PageVisit, Report, Request, TagHit
from tagaudit.rules.kinds import Kinds, delivery_problem, hit_location, request_of
from tagaudit.rules.rule import Rule

KINDS = Kinds()
# What providers/unknown.py and decoding.py write on hits (literals, like `_undecoded`: the
# rules read the model only).
UNKNOWN, FAMILY, GUESS, GUESS_FROM = "unknown", "_family", "_guess", "_guess_from"


@KINDS.register("held-events", per_page=True, optional={"min_events": int})
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


@KINDS.register("hit-undecoded", per_page=True)
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


@KINDS.register("capture-cut", per_page=True)
def capture_cut(rule: Rule, report: Report) -> Iterator[Finding]:
    """What a page sent past tagaudit's limits (events per request, hits per page) is named:
    the rules did not see it, so the audit of that page is incomplete."""
    for page in rule.pages(report):
        for index, request in enumerate(page.requests):
            if not request.cut:
                continue
            host = urlsplit(request.url).netloc
            yield rule.finding(
                f"only part of what this page sent to {host} was read: {request.cut}",
                page.url,
                page=page,
                location={"request_index": index},
                evidence={"request": request.url[:300], "cut": request.cut},
                distinct=str(index),
            )


@KINDS.register("collector-unknown")
def collector_unknown(rule: Rule, report: Report) -> Iterator[Finding]:
    """Events sent to a collector tagaudit cannot name are surfaced, one finding per host.

    Hits of provider `unknown` (event-shaped requests no catalog entry or wire-format family
    claims; providers/unknown.py) are grouped by host over the whole report: how many
    requests, which events, the account a payload named, and who it probably is."""
    for group in _collectors(rule, report, lambda hit: hit.provider == UNKNOWN):
        guess = group.guess()
        looks = f"; it looks like {guess[0]} ({guess[1]})" if guess else "; vendor not known"
        yield rule.finding(
            f"{group.host} received {group.describe()} that tagaudit cannot decode{looks}"
            f"{group.delivery()}",
            group.page.url,
            page=group.page,
            location={"provider": guess[0] if guess else UNKNOWN, "account": group.account()},
            evidence=group.evidence(),
            distinct=group.host,
        )


@KINDS.register("collector-family")
def collector_family(rule: Rule, report: Report) -> Iterator[Finding]:
    """A collector the catalog does not list, recognised by its wire format, is named.

    Its hits were decoded like the family's vendor (a Segment-compatible CDP on the shop's
    own host, a PostHog reverse proxy, a self-hosted Matomo): the finding says which host,
    which format, which account and events, so the audit's config can name it."""

    def is_family(hit: TagHit) -> bool:
        return (
            hit.provider != UNKNOWN and hit.collector is not None and bool(hit.params.get(FAMILY))
        )

    for group in _collectors(rule, report, is_family):
        family = group.hits[0].params[FAMILY]
        account = group.account()
        named = f", account {account}" if account else ""
        yield rule.finding(
            f"{group.host} is a {family} collector the catalog does not list: "
            f"{group.describe()}{named}, decoded as {group.hits[0].provider}{group.delivery()}",
            group.page.url,
            page=group.page,
            location={"provider": group.hits[0].provider, "account": account},
            evidence={**group.evidence(), "family": family},
            distinct=group.host,
        )


class _Collector:
    """The hits one host received over a report, and where it was first seen."""

    def __init__(self, host: str, page: PageVisit) -> None:
        self.host, self.page = host, page
        self.hits: list[TagHit] = []
        self.requests: set[tuple[int, int | None]] = set()  # (page's place, request's)
        self.pages: set[str] = set()
        self.delivered = 0  # requests that went to the collector (tagaudit did not answer)

    def describe(self) -> str:
        counts = Counter(h.event or "(no name)" for h in self.hits)
        shown = ", ".join(f"{e} ×{n}" if n > 1 else e for e, n in counts.most_common(8))
        more = f" and {len(counts) - 8} more" if len(counts) > 8 else ""
        pages = f" on {len(self.pages)} pages" if len(self.pages) > 1 else ""
        return (
            f"{len(self.requests)} request(s) with {len(self.hits)} event(s){pages} ({shown}{more})"
        )

    def delivery(self) -> str:
        """Whether the audit let them reach the collector (a production collector counts
        them), said only when it did."""
        if not self.delivered:
            return ""
        return f"; {self.delivered} of them reached it (tagaudit did not answer them locally)"

    def account(self) -> str | None:
        return next((h.account for h in self.hits if h.account), None)

    def guess(self) -> tuple[str, str] | None:
        for hit in self.hits:
            if hit.params.get(GUESS):
                return str(hit.params[GUESS]), str(hit.params.get(GUESS_FROM) or "")
        return None

    def evidence(self) -> dict[str, object]:
        guess = self.guess()
        return {
            "host": self.host,
            "requests": len(self.requests),
            "events": dict(Counter(h.event or "(no name)" for h in self.hits).most_common(20)),
            "pages": len(self.pages),
            "guess": guess[0] if guess else None,
            "guessed_from": guess[1] if guess else None,
            "request": self.hits[0].url[:300],
        }


def _delivered(request: Request) -> bool:
    return not request.answered_locally and request.delivery_problem() is None


def _collectors(rule: Rule, report: Report, wanted: Callable[[TagHit], bool]) -> list[_Collector]:
    """The hosts' groups, from one read of each page: a group keeps the hits it wants and
    its first page, not the others (a long run's pages are on disk, runner/spool.py)."""
    groups: dict[str, _Collector] = {}
    for index, page in enumerate(report.pages):
        if not rule.scope.covers_page(page):
            continue
        for hit in page.hits:
            if hit.kind != "hit" or not hit.collector or not wanted(hit):
                continue
            group = groups.setdefault(hit.collector, _Collector(hit.collector, page))
            group.hits.append(hit)
            key = (index, hit.request_index)
            request = page.request_of(hit)
            if key not in group.requests and request is not None and _delivered(request):
                group.delivered += 1
            group.requests.add(key)
            group.pages.add(page.url)
    return list(groups.values())


@KINDS.register("config-failed", per_page=True)
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


@KINDS.register("sdk-silent", per_page=True)
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
