"""Check kinds about which tags fire: `tag-present`, `tag-absent`, `tag-inferred`.

Only delivered hits count as present (a hit blocked by CSP or failed on the network never
reached the vendor); every missing-hit finding carries the "why" from tagaudit.rules.why.
Imports only tagaudit.model and tagaudit.rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from tagaudit.model import Finding, PageVisit, Report
from tagaudit.rules.kinds import Kinds, as_list, describe_tag, hit_matches, is_delivered
from tagaudit.rules.reached import judged
from tagaudit.rules.rule import Rule
from tagaudit.rules.why import explain_missing

KINDS = Kinds()

_TAG_ARGS = {"account": str, "event": (str, list), "kind": str}
_KINDS = {"hit": ("hit",), "library": ("library",), "config": ("config",), "any": None}


def _kinds(rule: Rule) -> tuple[str, ...] | None:
    default = "hit" if rule.args.get("event") else "any"
    return _KINDS.get(rule.args.get("kind", default), ("hit",))


@KINDS.register(
    "tag-present",
    per_page=True,
    required={"provider": str},
    optional={**_TAG_ARGS, "min": int, "max": int},
)
def tag_present(rule: Rule, report: Report) -> Iterator[Finding]:
    """The tag (provider, optional account and event) fires between min and max times."""
    provider, account = rule.args["provider"], rule.args.get("account")
    events = as_list(rule.args.get("event"))
    low, high = rule.args.get("min", 1), rule.args.get("max")
    tag = describe_tag(provider, account, "/".join(events) or None)
    step_scoped = rule.scope.steps is not None
    for page in rule.pages(report):
        if not page.loaded or not judged(page, step_scoped):
            continue  # a failed step's expectations were not checked (applicability: skipped)
        sent = [
            h
            for h in page.hits
            if hit_matches(h, provider, account, events, _kinds(rule)) and is_delivered(page, h)
        ]
        location = {"provider": provider, "account": account, "event": "/".join(events) or None}
        if len(sent) < low:
            yield _missing(rule, page, tag, len(sent), low, location)
        elif high is not None and len(sent) > high:
            message = f"{tag} sent {len(sent)} times on this page (at most {high} expected)"
            evidence = {"count": len(sent), "max": high}
            yield rule.finding(message, page.url, page=page, location=location, evidence=evidence)


def _missing(
    rule: Rule, page: PageVisit, tag: str, count: int, low: int, location: dict
) -> Finding:
    event = location.get("event")
    why = explain_missing(page, location["provider"], location.get("account"), event)
    head = f"{tag} sent {count} time(s), at least {low} expected" if count else f"{tag} not sent"
    evidence = {"count": count, "min": low, "why": why.why, **why.evidence, "cause": why.cause}
    return rule.finding(
        f"{head}: {why.text}",
        page.url,
        page=page,
        location=location,
        evidence=evidence,
        help=why.fix if count == 0 else None,
    )


@KINDS.register("tag-absent", per_page=True, required={"provider": str}, optional=_TAG_ARGS)
def tag_absent(rule: Rule, report: Report) -> Iterator[Finding]:
    """The tag (provider, optional account and event) must not fire on these pages."""
    provider, account = rule.args["provider"], rule.args.get("account")
    events = as_list(rule.args.get("event"))
    for page in rule.pages(report):
        fired = [
            h
            for h in page.hits
            if hit_matches(h, provider, account, events, _kinds(rule)) and h.left_page()
        ]
        if not fired:
            continue
        first = fired[0]
        tag = describe_tag(provider, account or first.account, "/".join(events) or None)
        yield rule.finding(
            f"{tag} fired {len(fired)} time(s) on a page where it must not",
            page.url,
            page=page,
            location={"provider": provider, "account": account, "event": "/".join(events) or None},
            evidence={"count": len(fired), "first": first.url},
        )


@KINDS.register(
    "tag-inferred",
    optional={"min_share": (int, float), "min_pages": int, "providers": list},
)
def tag_inferred(rule: Rule, report: Report) -> Iterator[Finding]:
    """An account seen on most pages of a scenario is expected on all of them.

    Journey steps are left out: the crawl defines the site, and a journey's steps (a cart
    reached by clicking, a view of a single-page app) would count the same page twice. So
    are pages in an empty or error state (tagaudit.rules.reached).
    """
    share_needed = float(rule.args.get("min_share", 0.6))
    pages_needed = int(rule.args.get("min_pages", 3))
    providers = as_list(rule.args.get("providers"))
    # What each page shows, by scenario, as (place, tags): the pages are read once here
    # and again only to blame one (a long run's pages are on disk, runner/spool.py).
    by_scenario: dict[str, list[tuple[int, set[tuple[str, str]]]]] = defaultdict(list)
    pages = report.pages
    for index, page in enumerate(pages):
        # A page in an empty or error state ("No order found") shows no tags for a reason of
        # its own (page-not-reached says which): it neither counts nor is blamed.
        if (
            rule.scope.covers_page(page)
            and page.loaded
            and page.journey is None
            and not page.reached.blocks_tags()
        ):
            by_scenario[page.scenario].append((index, _accounts(page, providers)))
    for seen in by_scenario.values():
        if len(seen) < pages_needed:
            continue
        counts = Counter(tag for _, tags in seen for tag in tags)
        for (provider, account), count in sorted(counts.items()):
            share = count / len(seen)
            if share < share_needed or count == len(seen):
                continue
            for index, tags in seen:
                if (provider, account) not in tags:
                    page = pages[index]
                    yield _inferred_missing(rule, page, provider, account, count, len(seen))


def _accounts(page: PageVisit, providers: list[str]) -> set[tuple[str, str]]:
    """(provider, account) pairs a page shows in any delivered hit, library or config load
    (for provider `unknown`, the collector's host: `TagHit.tag_account`)."""
    return {
        (h.provider, h.tag_account or "")
        for h in page.hits
        if h.tag_account and (not providers or h.provider in providers) and is_delivered(page, h)
    }


def _inferred_missing(
    rule: Rule, page: PageVisit, provider: str, account: str, count: int, total: int
) -> Finding:
    why = explain_missing(page, provider, account)
    share = f"{count} of {total} pages ({round(100 * count / total)}%)"
    return rule.finding(
        f"{provider} {account} is on {share} but not on this one: {why.text}",
        page.url,
        page=page,
        location={"provider": provider, "account": account},
        evidence={
            "pages_with_tag": count,
            "pages": total,
            "why": why.why,
            **why.evidence,
            "cause": why.cause,
        },
        help=why.fix,
    )
