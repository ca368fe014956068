"""Comparing a run with an earlier one (`--baseline previous.json`, `--fail-on-new`).

Two steps around the rules, both pure (Report in, Report out):

1. `tag_changes(previous, current)` before the rules run: the tag inventory of each page
   and scenario (which tags loaded or sent anything, which events they sent) against the
   baseline's. Pages both runs audited are compared one to one; where the runs sampled
   different pages of a URL template (`per_template`, a changed sitemap), the template's
   pages are compared as a whole (crawl.templates), so "purchase is gone from every product
   page" is found even when the products differ. The `baseline-tag-lost` and
   `baseline-tag-new` rules turn these into findings.
2. `mark(current, previous)` after the rules: each finding is `new` or `unchanged` by its
   fingerprint (stable across runs: rule, normalised URL, scenario, tag); the baseline's
   findings that are gone are `fixed` when this run checked their page or link again,
   else counted as not re-checked (a shard, a smaller sample: absence is no proof).

Imports tagaudit.model and tagaudit.crawl.templates.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from urllib.parse import urlsplit

from tagaudit.crawl.templates import templates_of
from tagaudit.model import BaselineDiff, PageVisit, Report, TagChange, normalise_url
from tagaudit.model.urls import origin_of

Key = tuple[str, str]  # (normalised url, scenario)


def inventory(page: PageVisit) -> set[str]:
    """`provider account` of every tag that loaded or sent, `provider account: event` of
    every event it sent (`ga4 G-ABC123`, `ga4 G-ABC123: purchase`)."""
    items: set[str] = set()
    for hit in page.hits:
        if not hit.left_page() or hit.kind == "aux":
            continue
        tag = hit.tag
        items.add(tag)
        if hit.kind == "hit" and hit.event:
            items.add(f"{tag}: {hit.event}")
    return items


def _by_page(report: Report) -> dict[Key, tuple[str, set[str]]]:
    pages: dict[Key, tuple[str, set[str]]] = {}
    for page in report.pages:
        if not page.loaded or page.reached.blocks_tags():
            # a page that did not load is a page-load-error, one in an empty state ("No order
            # found") or a failed step is page-not-reached's or the step's: not lost tags
            continue
        key = (normalise_url(page.url), page.scenario)
        _, items = pages.setdefault(key, (page.url, set()))
        items.update(inventory(page))
    return pages


def tag_changes(previous: Report, current: Report) -> list[TagChange]:
    """What each page (or template) lost and gained since `previous` (see the docstring)."""
    before, now = _by_page(previous), _by_page(current)
    changes = [
        _change(now[key][0], key[1], before[key][1], now[key][1]) for key in now if key in before
    ]
    urls = [u for u, _ in before.values()] + [u for u, _ in now.values()]
    template = templates_of(list(dict.fromkeys(urls)))
    groups: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: {"old": [], "new": []})
    for side, pages in (("old", before), ("new", now)):
        for key, (url, items) in pages.items():
            if key not in before or key not in now:  # pages only one run audited
                groups[(template[url], key[1])][side].append((url, items))
    for (name, scenario), sides in groups.items():
        if sides["old"] and sides["new"]:
            old = set().union(*(items for _, items in sides["old"]))
            new = set().union(*(items for _, items in sides["new"]))
            url = _template_url(name, sides["new"][0][0])
            changes.append(_change(url, scenario, old, new, template=True))
    return [c for c in changes if c.lost or c.gained]


def _change(
    url: str, scenario: str, old: set[str], new: set[str], template: bool = False
) -> TagChange:
    return TagChange(url, scenario, template, sorted(old - new), sorted(new - old))


def _template_url(template: str, example: str) -> str:
    """`shop.example/product/*` → `https://shop.example/product/*` (a user's `/p/*` too)."""
    if template.startswith("/"):
        return origin_of(example) + template
    if template.startswith("re:"):
        return template
    return f"{urlsplit(example).scheme}://{template}"


def compare(previous: Report, current: Report, source: str) -> BaselineDiff:
    """The tag side of the comparison, set before the rules run (`Report.baseline`)."""
    return BaselineDiff(source=source, tags=tag_changes(previous, current))


def mark(current: Report, previous: Report, source: str) -> None:
    """Findings `new` / `unchanged`; the baseline's gone ones `fixed` where re-checked."""
    diff = current.baseline or BaselineDiff(source=source)
    current.baseline = diff
    now = {f.fingerprint for f in current.findings}
    before = {f.fingerprint for f in previous.findings}
    for finding in current.findings:
        finding.baseline = "unchanged" if finding.fingerprint in before else "new"
    checked = {normalise_url(p.url) for p in current.pages}
    checked |= {normalise_url(link.url, keep_query=True) for link in current.links}
    for finding in previous.findings:
        if finding.fingerprint in now or finding.suppressed:
            continue
        url = finding.url
        rechecked = not url or any(
            normalise_url(url, keep_query=keep) in checked for keep in (True, False)
        )
        if rechecked:
            diff.fixed.append(dataclasses.replace(finding, baseline="fixed"))
        else:
            diff.not_rechecked += 1
