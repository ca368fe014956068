"""The HTML report: one self-contained file (inline CSS, no scripts, no external assets) that a
marketer can open and act on.

Top to bottom: a verdict header (the site, passed or failed against `--fail-on`, what ran),
a table of contents, the campaign links at a glance (one row per link, worst first:
tagaudit.report.links_view), the consent matrix when scenarios ran (near the top, not
under the pages), what changed since the baseline (with `--baseline`; each finding also
carries a new / unchanged badge), the findings with a filter by severity, page and provider
(information is one card per rule, listing where it was met), the tag
matrix (every empty cell says why, on hover), the campaign links with a hop diagram of which
parameter was dropped at which hop, each page's details, and the rules applied.

The filter works without a script: checkboxes and selects at the top of the findings, and one
CSS rule per page and provider using `:has()` (generated here). Everything interpolated goes
through `esc`, which masks secrets and emails (tagaudit.report.masking) before escaping: page
data is text, never markup, and each string is handled once, so rendering is linear in its
length. The per-page view is the list `PAGE_SECTIONS` of `func(page, report) -> str`.
Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tagaudit.model import SEVERITIES, Finding, PageVisit, Report
from tagaudit.model.urls import origin_of
from tagaudit.report import baseline_view, third_parties
from tagaudit.report.common import (
    LEVEL_WORDS,
    VERDICT_WORDS,
    counts_line,
    finding_groups,
    header_facts,
    rule_catalog,
    verdict,
)
from tagaudit.report.consent import html_matrix
from tagaudit.report.html_sections import (
    PAGE_SECTIONS,
    esc,
    links_section,
    matrix_section,
    page_anchor,
    pages_section,
    rules_section,
)
from tagaudit.report.html_style import STYLE
from tagaudit.report.journeys import journeys_html
from tagaudit.report.links_view import link_name, links_overview
from tagaudit.report.masking import mask_data

__all__ = ["PAGE_SECTIONS", "esc", "finding_card", "render"]
TITLES = {"error": "Errors: fix these first", "warning": "Warnings", "info": "For information"}


def render(report: Report, fail_on: str = "error") -> str:
    anchors = {id(page): page_anchor(i) for i, page in enumerate(report.pages)}
    sections = [
        ("links-overview", "Links at a glance", links_overview(report)),
        ("consent", "Consent scenarios", _consent(report)),
        ("baseline", baseline_view.TITLE, baseline_view.html_section(report, esc)),
        ("findings", "Findings", _findings(report, anchors)),
        ("matrix", "Tag matrix", matrix_section(report, anchors)),
        ("journeys", "Journeys", journeys_html(report)),
        ("links", "Campaign links", links_section(report)),
        ("pages", "Pages", pages_section(report, anchors)),
        ("third-parties", "Third parties", third_parties.html_section(report, esc)),
        ("rules", "Rules applied", rules_section(report)),
    ]
    shown = [(key, title, body) for key, title, body in sections if body]
    toc = "".join(f'<a href="#{key}">{esc(title)}</a>' for key, title, _ in shown)
    body = "\n".join(body for _, _, body in shown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>tagaudit report: {esc(counts_line(report))}</title>\n"
        f"<style>{STYLE}{_filter_style(report)}</style>\n</head>\n<body>\n"
        f'{_header(report, fail_on)}\n<main>\n<nav class="toc">{toc}</nav>\n{body}\n'
        "</main>\n</body>\n</html>\n"
    )


def _header(report: Report, fail_on: str) -> str:
    """The verdict: which site, passed or failed against --fail-on, what ran."""
    state, words = verdict(report, fail_on)
    summary = report.summary or report.summarize()
    counts = summary.get("findings", {})
    badges = "".join(
        f'<a class="badge {s}" href="#findings-{s}"><b>{counts.get(s, 0)}</b> '
        f"{esc(LEVEL_WORDS[s])}</a>"
        for s in SEVERITIES
    )
    ran = _what_ran(report)
    when = f"{report.started} – {report.finished}" if report.started else ""
    return (
        f'<header class="verdict {state}"><div class="inner">'
        f'<p class="site">{esc(", ".join(_sites(report)) or "tagaudit")}</p>'
        f'<h1><span class="word">{esc(VERDICT_WORDS[state])}</span> '
        f'<span class="why">{esc(words)}</span></h1>'
        f'<p class="ran">{esc(" · ".join(ran))}</p>'
        f'<div class="badges">{badges}</div>'
        f'<p class="muted small">tagaudit {esc(report.tool_version)} {esc(when)}</p>'
        "</div></header>"
    )


def _sites(report: Report) -> list[str]:
    urls = [p.url for p in report.pages] or [link.url for link in report.links]
    origins = list(dict.fromkeys(origin for origin in map(origin_of, urls) if origin))
    return origins[:3] + ([f"+{len(origins) - 3} more"] if len(origins) > 3 else [])


def _what_ran(report: Report) -> list[str]:
    info = report.config
    ran = [f"tagaudit {info.command}" if info.command else "tagaudit", *header_facts(report)]
    if info.consent:
        ran.append("consent " + "/".join(info.consent))
    if info.browser:
        ran.append(f"browser {info.browser}" if isinstance(info.browser, str) else "browser")
    if report.interrupted:
        ran.append("interrupted: partial results")
    return ran


def _consent(report: Report) -> str:
    if not report.config.consent_matrix:
        return ""
    tables = "".join(
        html_matrix(matrix, report, f"consent-{i}")
        for i, matrix in enumerate(report.config.consent_matrix)
    )
    return (
        '<section id="consent"><h2>Consent scenarios</h2><p class="muted">What each tag does '
        "with no choice, after “accept all” and after “reject all”: ✓ as it should, ✗ a "
        f"violation, ! only cookieless pings after accept.</p>{tables}</section>"
    )


def _findings(report: Report, anchors: dict[int, str]) -> str:
    if not report.findings:
        ok = '<p class="ok">No findings: tracking looks right.</p>'
        return f'<section id="findings"><h2>Findings</h2>{ok}</section>'
    catalog = rule_catalog(report)
    parts = ['<section id="findings"><h2>Findings</h2>', _filters(report)]
    for severity in SEVERITIES:
        chosen = [f for f in report.counted_findings() if f.severity == severity]
        if chosen:
            parts.append(
                f'<h3 class="{severity}" id="findings-{severity}">'
                f"{esc(TITLES[severity])} ({len(chosen)})</h3>"
            )
            if severity == "info":
                parts.extend(_rule_cards(chosen, report, catalog, anchors))
            else:
                parts.extend(_cards(chosen, report, catalog, anchors))
    suppressed = [f for f in report.findings if f.suppressed]
    if suppressed:
        parts.append(f"<h3>Accepted (suppressed) ({len(suppressed)})</h3>")
        parts.extend(_cards(suppressed, report, catalog, anchors))
    parts.append("</section>")
    return "\n".join(parts)


def _cards(
    findings: list[Finding], report: Report, catalog: dict[str, Any], anchors: dict[int, str]
) -> list[str]:
    return [
        finding_card(group.finding, report, catalog, anchors, group.scenarios, group.members)
        for group in finding_groups(findings)
    ]


def _rule_cards(
    findings: list[Finding], report: Report, catalog: dict[str, Any], anchors: dict[int, str]
) -> list[str]:
    """Information is one card per rule: a rule met on many links or pages (the GA4 channel
    of every link) lists them in its card instead of repeating the card."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    cards = []
    for rule_id, mine in by_rule.items():
        if len(mine) == 1:
            cards.extend(_cards(mine, report, catalog, anchors))
            continue
        info = catalog.get(rule_id)
        names = {link.url: link_name(link) for link in report.links}
        rows = "".join(
            f"<tr><td>{esc(names.get(f.url) or f.url)}</td><td>{esc(f.message)}</td></tr>"
            for f in sorted(mine, key=_input_order(report))
        )
        cards.append(
            f'<article class="finding info rule-card pg-site pv-_" id="rule-{esc(rule_id)}">'
            f"<h4>{esc(info.title if info else rule_id)} "
            f'<span class="tag">{len(mine)} findings</span></h4>'
            f'<table class="hits"><tr><th>where</th><th>what</th></tr>{rows}</table>'
            f'<p class="muted small">rule {esc(rule_id)} · '
            f"{esc(info.category if info else '')}</p></article>"
        )
    return cards


def _input_order(report: Report) -> Callable[[Finding], int]:
    """A card's rows in the order of the run's input: links as the file lists them (line 2,
    3, …), then pages as they were visited."""
    order: dict[str, int] = {}
    for url in [link.url for link in report.links] + [page.url for page in report.pages]:
        order.setdefault(url, len(order))
    return lambda finding: order.get(finding.url, len(order))


def _page_of(finding: Finding, report: Report) -> PageVisit | None:
    scenario = finding.location.get("scenario")
    return next(
        (
            p
            for p in report.pages
            if p.url == finding.url and (scenario is None or p.scenario == scenario)
        ),
        None,
    )


def finding_card(
    finding: Finding,
    report: Report,
    catalog: dict[str, Any],
    anchors: dict[int, str] | None = None,
    scenarios: list[str] | None = None,
    members: list[Finding] | None = None,
) -> str:
    """One finding: the problem, where, the concrete case, how to fix, and the evidence."""
    info = catalog.get(finding.rule_id)
    title = info.title if info else finding.rule_id
    page = _page_of(finding, report)
    anchor = (anchors or {}).get(id(page), "") if page is not None else ""
    where = esc(finding.url or "(site)")
    if len(scenarios or []) > 1 or (scenarios and len({p.scenario for p in report.pages}) > 1):
        where += f' <span class="tag">{esc(", ".join(scenarios or []))}</span>'
    where = f'<a href="#{anchor}">{where}</a>' if anchor else where
    provider = str(finding.location.get("provider") or "")
    classes = f"finding {finding.severity} pg-{anchor or 'site'} pv-{_css_id(provider or '-')}"
    return (
        f'<article class="{esc(classes)}" id="f-{esc(finding.fingerprint)}">'
        f'<p class="where">{where}</p>'
        f"<h4>{esc(title)}{_confidence(finding)}"
        f"{baseline_view.html_badge(members or [finding], esc)}</h4>"
        f"<p>{esc(finding.message)}</p>"
        + (f'<p class="fix"><b>How to fix:</b> {esc(finding.help)}</p>' if finding.help else "")
        + (f'<p class="muted">{esc(finding.suppressed)}</p>' if finding.suppressed else "")
        + _evidence(finding)
        + f'<p class="muted small">rule {esc(finding.rule_id)} · {esc(finding.category)} · '
        f'<a href="#f-{esc(finding.fingerprint)}">fingerprint {esc(finding.fingerprint)}</a>'
        f"{_others(members or [finding])}</p></article>"
    )


def _confidence(finding: Finding) -> str:
    if finding.confidence == "high":
        return ""
    return f' <span class="tag">{esc(finding.confidence)} confidence</span>'


def _evidence(finding: Finding) -> str:
    if not finding.evidence:
        return ""
    text = json.dumps(mask_data(finding.evidence), indent=2, ensure_ascii=False, default=str)
    return f"<details><summary>evidence</summary><pre>{esc(text)}</pre></details>"


def _others(members: list[Finding]) -> str:
    if len(members) <= 1:
        return ""
    prints = ", ".join(f.fingerprint for f in members[1:])
    return f" · also {esc(prints)}"


def _css_id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _filters(report: Report) -> str:
    """Severity checkboxes and page / provider selects; the CSS in `_filter_style` acts."""
    boxes = "".join(
        f'<label><input type="checkbox" id="show-{s}" checked> {esc(LEVEL_WORDS[s])}</label>'
        for s in SEVERITIES
    )
    pages = "".join(
        f'<option value="{page_anchor(i)}">{esc(_page_name(report.pages[i], report))}</option>'
        for i in _pages_with_findings(report)
    )
    providers = "".join(
        f'<option value="{esc(_css_id(p))}">{esc(p)}</option>' for p in _providers(report)
    )
    return (
        f'<form class="filters" aria-label="filter findings"><span>{boxes}</span>'
        f'<label>page <select id="filter-page"><option value="all">all pages</option>{pages}'
        f'</select></label><label>provider <select id="filter-provider"><option value="all">'
        f"all providers</option>{providers}</select></label></form>"
    )


def _pages_with_findings(report: Report) -> list[int]:
    """Indices of the pages some finding is about: the page filter offers only these (a
    select of 2,000 pages, and a CSS rule for each, made a large report slow to open)."""
    urls = {f.url for f in report.findings}
    return [i for i, page in enumerate(report.pages) if page.url in urls]


def _page_name(page: PageVisit, report: Report) -> str:
    several = len({p.scenario for p in report.pages}) > 1
    return f"{page.url} [{page.scenario}]" if several else page.url


def _providers(report: Report) -> list[str]:
    return sorted(
        {str(f.location["provider"]) for f in report.findings if f.location.get("provider")}
    )


def _filter_style(report: Report) -> str:
    """One rule per page and provider: show only the chosen one's findings (no script)."""
    rules = [
        f"#findings:has(#show-{s}:not(:checked)) article.finding.{s} {{display:none}}"
        for s in SEVERITIES
    ]
    rules += [
        f'#findings:has(#filter-page option[value="{page_anchor(i)}"]:checked) '
        f"article.finding:not(.pg-{page_anchor(i)}) {{display:none}}"
        for i in _pages_with_findings(report)
    ]
    rules += [
        f'#findings:has(#filter-provider option[value="{_css_id(p)}"]:checked) '
        f"article.finding:not(.pv-{_css_id(p)}) {{display:none}}"
        for p in _providers(report)
    ]
    return "\n" + "\n".join(rules) + "\n"
