"""The HTML report: one self-contained file (inline CSS, no scripts, no external assets) that a
marketer can open and act on: the summary, what to fix first (findings with evidence and the
fix), the tag matrix, and each page's tag hits with their decoded parameters.

Sections are plain functions returning HTML strings. The per-page view is the list of
section functions `PAGE_SECTIONS` (overview, findings, consent scenarios, hits), each
`func(page, report) -> str` ("" to skip). Everything interpolated goes through `esc`.
Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

from tagaudit.model import SEVERITIES, Finding, PageVisit, Report, TagHit
from tagaudit.report.common import (
    LEVEL_WORDS,
    counts_line,
    finding_place,
    is_delivered,
    page_label,
    rule_catalog,
    short_label,
    shown_params,
    tag_matrix,
)
from tagaudit.report.consent import html_section
from tagaudit.report.html_style import STYLE
from tagaudit.report.journeys import journeys_html

PageSection = Callable[[PageVisit, Report], str]
TITLES = {"error": "Errors: fix these first", "warning": "Warnings", "info": "For information"}


def esc(value: Any) -> str:
    return escape(str(value), quote=True)


def render(report: Report) -> str:
    body = "\n".join(
        part
        for part in (
            _summary(report),
            _findings(report),
            _matrix(report),
            journeys_html(report),
            _pages(report),
            _links(report),
            _rules(report),
        )
        if part
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>tagaudit report: {esc(counts_line(report))}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _summary(report: Report) -> str:
    summary = report.summary or report.summarize()
    counts = summary.get("findings", {})
    badges = "".join(
        f'<div class="badge {s}"><b>{counts.get(s, 0)}</b> {esc(LEVEL_WORDS[s])}</div>'
        for s in SEVERITIES
    )
    facts = [
        ("pages audited", summary.get("pages", 0)),
        ("pages that failed", summary.get("page_errors", 0)),
        ("tag hits", summary.get("hits", 0)),
        ("campaign links", summary.get("links", 0)),
        ("suppressed findings", summary.get("suppressed", 0)),
    ]
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    when = f"{esc(report.started)} – {esc(report.finished)}" if report.started else ""
    interrupted = (
        '<p class="warn">The run was interrupted: these are partial results.</p>'
        if report.interrupted
        else ""
    )
    return (
        f'<header><h1>tagaudit report</h1><p class="muted">tagaudit {esc(report.tool_version)}'
        f" {when}</p>{interrupted}"
        f'<div class="badges">{badges}</div><table class="facts">{rows}</table></header>'
    )


def _findings(report: Report) -> str:
    if not report.findings:
        ok = '<p class="ok">No findings: tracking looks right.</p>'
        return f"<section><h2>Findings</h2>{ok}</section>"
    catalog = rule_catalog(report)
    parts = ["<section><h2>Findings</h2>"]
    for severity in SEVERITIES:
        chosen = [f for f in report.counted_findings() if f.severity == severity]
        if chosen:
            parts.append(f'<h3 class="{severity}">{esc(TITLES[severity])} ({len(chosen)})</h3>')
            parts.extend(finding_card(f, report, catalog) for f in chosen)
    suppressed = [f for f in report.findings if f.suppressed]
    if suppressed:
        parts.append(f"<h3>Accepted (suppressed) ({len(suppressed)})</h3>")
        parts.extend(finding_card(f, report, catalog) for f in suppressed)
    parts.append("</section>")
    return "\n".join(parts)


def finding_card(finding: Finding, report: Report, catalog: dict[str, dict[str, Any]]) -> str:
    """One finding: what rule, where, the concrete case, how to fix, and the evidence."""
    info = catalog.get(finding.rule_id)
    title = info.title if info else finding.rule_id
    confidence = (
        f' <span class="tag">{esc(finding.confidence)} confidence</span>'
        if finding.confidence != "high"
        else ""
    )
    suppressed = f'<p class="muted">{esc(finding.suppressed)}</p>' if finding.suppressed else ""
    evidence = ""
    if finding.evidence:
        text = json.dumps(finding.evidence, indent=2, ensure_ascii=False, default=str)
        evidence = f"<details><summary>evidence</summary><pre>{esc(text)}</pre></details>"
    return (
        f'<article class="finding {esc(finding.severity)}">'
        f'<p class="where">{esc(finding_place(finding, report))}</p>'
        f"<h4>{esc(title)}{confidence}</h4>"
        f"<p>{esc(finding.message)}</p>"
        + (f'<p class="fix"><b>How to fix:</b> {esc(finding.help)}</p>' if finding.help else "")
        + suppressed
        + evidence
        + f'<p class="muted small">rule {esc(finding.rule_id)} · {esc(finding.category)} · '
        f"fingerprint {esc(finding.fingerprint)}</p></article>"
    )


def _matrix(report: Report) -> str:
    columns, rows = tag_matrix(report)
    if not columns:
        return ""
    head = "".join(
        f"<th>{'<br>'.join(esc(part) for part in c.split(':', 1))}</th>" for c in columns
    )
    body = []
    for page, cells in rows:
        tds = []
        for column in columns:
            cell = cells.get(column)
            text = cell.text() if cell else ""
            title = ", ".join(cell.events) if cell and cell.events else ""
            css = "sent" if cell and cell.hits else ("bad" if cell and cell.failed else "none")
            tds.append(f'<td class="{css}" title="{esc(title)}">{esc(text or "—")}</td>')
        body.append(f"<tr><th>{esc(short_label(page, report))}</th>{''.join(tds)}</tr>")
    return (
        '<section><h2>Tag matrix</h2><p class="muted">Hits sent per page and tag '
        "(provider:account). “loaded” = the library loaded but sent nothing; “failed” = "
        "requests blocked or failed; — = not on the page.</p>"
        f'<div class="scroll"><table class="matrix"><tr><th>page</th>{head}</tr>'
        f"{''.join(body)}</table></div></section>"
    )


def _pages(report: Report) -> str:
    if not report.pages:
        return ""
    parts = ["<section><h2>Pages</h2>"]
    for page in report.pages:
        own = page_findings_of(page, report)
        state = "error" if page.error or any(f.severity == "error" for f in own) else "ok"
        inner = "".join(section(page, report) for section in PAGE_SECTIONS)
        parts.append(
            f'<details class="page {state}"{" open" if own else ""}><summary>'
            f'{esc(page_label(page, report))} <span class="muted">{len(page.hits)} hit(s), '
            f"{len(own)} finding(s)</span></summary>{inner}</details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def page_findings_of(page: PageVisit, report: Report) -> list[Finding]:
    """Counted findings about this page in this scenario."""
    return [
        f
        for f in report.counted_findings()
        if f.url == page.url and f.location.get("scenario", page.scenario) == page.scenario
    ]


def page_findings(page: PageVisit, report: Report) -> str:
    items = "".join(
        f'<li class="{esc(f.severity)}"><b>{esc(f.severity)}</b> {esc(f.message)}</li>'
        for f in page_findings_of(page, report)
    )
    return f'<ul class="page-findings">{items}</ul>' if items else ""


def page_overview(page: PageVisit, report: Report) -> str:
    facts = [
        ("status", page.status if page.status is not None else "?"),
        ("scenario", page.scenario),
    ]
    if page.final_url and page.final_url != page.url:
        facts.append(("landed on", page.final_url))
    if page.error:
        facts.append(("error", page.error))
    facts.append(("requests", len(page.requests)))
    if page.console_errors:
        facts.append(("console errors", "; ".join(page.console_errors[:3])))
    if page.csp_violations:
        facts.append(("CSP blocked", len(page.csp_violations)))
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
    return f'<table class="facts">{rows}</table>'


def page_hits(page: PageVisit, report: Report) -> str:
    if not page.hits:
        return '<p class="muted">No tag hits on this page.</p>'
    rows = []
    for hit in page.hits:
        params = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in shown_params(hit)
        )
        sent = "sent" if is_delivered(page, hit) else "failed"
        rows.append(
            f"<tr><td>{esc(hit.provider)}</td><td>{esc(hit.kind)}</td><td>{esc(hit.account or '')}"
            f'</td><td>{esc(hit.event or "")}</td><td class="{sent}">{sent}</td><td>'
            + (_params_cell(hit, params) if params else "")
            + "</td></tr>"
        )
    return (
        '<h4>Tag hits</h4><div class="scroll"><table class="hits"><tr><th>provider</th>'
        "<th>kind</th><th>account</th><th>event</th><th>delivery</th><th>decoded parameters</th>"
        f"</tr>{''.join(rows)}</table></div>"
    )


KEY_PARAMS = ("transaction_id", "value", "currency", "event_id")


def _params_cell(hit: TagHit, rows: str) -> str:
    """Decoded params folded away; the summary shows the ones people look for first."""
    shown = [f"{k}={hit.params[k]}" for k in KEY_PARAMS if hit.params.get(k) not in (None, "")]
    summary = " · ".join([*shown, f"{len(hit.params)} parameter(s)"])
    return (
        f'<details><summary>{esc(summary)}</summary><table class="params">{rows}</table></details>'
    )


PAGE_SECTIONS: tuple[PageSection, ...] = (page_overview, page_findings, html_section, page_hits)


def _links(report: Report) -> str:
    if not report.links:
        return ""
    rows = "".join(
        f'<tr><td>{esc(link.url)}</td><td class="{esc(link.verdict)}">{esc(link.verdict)}</td>'
        f"<td>{len(link.hops)}</td><td>{esc(link.final_url or '')}</td>"
        f"<td>{esc(link.final_status if link.final_status is not None else '')}</td></tr>"
        for link in report.links
    )
    return (
        '<section><h2>Campaign links</h2><div class="scroll"><table class="hits"><tr><th>link'
        "</th><th>verdict</th><th>hops</th><th>landed on</th><th>status</th></tr>"
        f"{rows}</table></div></section>"
    )


def _rules(report: Report) -> str:
    catalog = rule_catalog(report)
    if not catalog:
        return ""
    rows = "".join(
        f"<tr><td>{esc(rule_id)}</td><td>{esc(info.severity)}</td><td>{esc(info.title)}</td></tr>"
        for rule_id, info in catalog.items()
    )
    return (
        '<section><details><summary>Rules applied</summary><table class="hits"><tr><th>rule'
        f"</th><th>severity</th><th>checks that</th></tr>{rows}</table></details></section>"
    )
