"""Sections of the HTML report below the findings: tag matrix, campaign links with their hop
diagrams, pages, rules. Each returns an HTML string ("" to leave the section out).

The pages section stays usable on a large audit: every page gets its summary, facts and
findings, but the tables of decoded hit parameters (some 10 KB a page) are given to pages
until PAGE_DETAIL_BUDGET characters are spent, pages with findings first; the others say
that their hit details are in the JSON report, and the section's head says how many. Measured
on 2,000 generated pages (benchmarks/bench_audit_scale.py): 24 MB of HTML before, which a
browser opens slowly and CI artifact viewers refuse; under 10 MB with the budget.

Every interpolated value goes through `esc` (secrets and emails masked, then HTML-escaped).
Imports only tagaudit.model and the other report modules.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from tagaudit.model import (
    PAGE_RESOURCE,
    Finding,
    LinkResult,
    PageVisit,
    ParamChange,
    Report,
    Request,
    TagHit,
)
from tagaudit.report.common import (
    findings_by_url,
    link_verdict,
    page_label,
    rule_catalog,
    short_label,
    shown_params,
)
from tagaudit.report.masking import for_people
from tagaudit.report.matrix import SAMPLES, STATES, Cell, tag_matrix

PageSection = Callable[[PageVisit, Report], str]
KEY_PARAMS = ("transaction_id", "value", "currency", "event_id")
CONSOLE_SHOWN = 3


def esc(value: Any) -> str:
    """Page data as HTML text: secrets and emails masked, then escaped."""
    return escape(for_people(value), quote=True)


def page_anchor(index: int) -> str:
    return f"page-{index}"


def matrix_section(report: Report, anchors: dict[int, str]) -> str:
    columns, rows = tag_matrix(report)
    if not columns:
        return ""
    head = "".join(f'<th class="col">{_column_head(c)}</th>' for c in columns)
    groups = _alike(rows, columns) if len(rows) >= GROUP_ROWS_FROM else [[row] for row in rows]
    body = [_matrix_row(group, columns, report, anchors) for group in groups]
    legend = "".join(
        f'<span class="cell {css}">{esc(sample)}</span> {esc(words)} '
        for sample, words, css in _legend()
    )
    shape = "matrix tall" if len(columns) > WIDE_MATRIX else "matrix"
    grouped = len(body) < len(rows)
    note = (
        f" Pages whose every cell agrees share a row: {len(rows):,} pages in {len(body):,} rows."
        if grouped
        else ""
    )
    return (
        '<section id="matrix"><h2>Tag matrix</h2><p class="muted">Hits sent per page and tag '
        f"(provider:account); hover a cell for the reason behind it.{note}</p>"
        f'<p class="legend">{legend}</p>'
        f'<div class="scroll"><table class="{shape}"><tr><th>page</th>{head}</tr>'
        f"{''.join(body)}</table></div></section>"
    )


# From this many rows on, pages whose every cell agrees (same states, events and problems,
# same scenario) share one row, so a tag missing from one template stands out on a large
# audit instead of hiding in 2,000 rows; a group needs GROUP_MIN pages.
GROUP_ROWS_FROM = 40
GROUP_MIN = 3
MatrixRow = tuple[PageVisit, dict[str, Cell]]


def _alike(rows: list[MatrixRow], columns: list[str]) -> list[list[MatrixRow]]:
    """Rows grouped by what their cells say, each group where its first page was."""
    by_look: dict[tuple[Any, ...], list[MatrixRow]] = {}
    for row in rows:
        by_look.setdefault(_look(row, columns), []).append(row)
    groups: list[list[MatrixRow]] = []
    for members in by_look.values():
        groups.extend([members] if len(members) >= GROUP_MIN else [[m] for m in members])
    order = {id(row[0]): i for i, row in enumerate(rows)}
    return sorted(groups, key=lambda group: order[id(group[0][0])])


def _look(row: MatrixRow, columns: list[str]) -> tuple[Any, ...]:
    page, cells = row
    seen = tuple((cells[c].state, tuple(cells[c].events), cells[c].problem) for c in columns)
    return (page.scenario, page.journey is not None, page_suffix(page), seen)


def _matrix_row(
    group: list[MatrixRow], columns: list[str], report: Report, anchors: dict[int, str]
) -> str:
    page = group[0][0]
    tds = "".join(_matrix_cell(column, [c[column] for _, c in group]) for column in columns)
    if len(group) == 1:
        text = short_label(page, report) + page_suffix(page)
        return f'<tr><th><a href="#{anchors.get(id(page), "")}">{esc(text)}</a></th>{tds}</tr>'
    links = "".join(
        f'<li><a href="#{anchors.get(id(p), "")}">{esc(short_label(p, report))}</a></li>'
        for p, _ in group
    )
    like = esc(short_label(page, report) + page_suffix(page))
    return (
        f'<tr class="alike"><th><details><summary>{len(group):,} pages like {like}</summary>'
        f"<ul>{links}</ul></details></th>{tds}</tr>"
    )


def _matrix_cell(column: str, cells: list[Cell]) -> str:
    """One cell, or a group's: the first page's reason, and the range of hits sent."""
    cell = cells[0]
    symbol, word = cell.parts()
    title = f"{column}: {cell.words()}" + (f" — {cell.reason}" if cell.reason else "")
    if len(cells) > 1:
        low, high = min(c.hits for c in cells), max(c.hits for c in cells)
        symbol = symbol if low == high or cell.state != "fired" else f"{low}–{high}"
        title = f"{title} (on each of {len(cells):,} pages; the first page's words)"
    return (
        f'<td class="cell {cell.css()}" title="{esc(title)}"><span class="sym">'
        f'{esc(symbol)}</span><span class="word"> {esc(word)}</span></td>'
    )


def page_suffix(page: PageVisit) -> str:
    """` (HTTP 404)` or ` (failed)` after a page that did not load: its row is empty."""
    if page.error:
        return " (failed)"
    return f" (HTTP {page.status})" if page.status is not None and page.status >= 400 else ""


def _column_head(column: str) -> str:
    """Provider over account; on a narrow window (upright headers) one line: `ga4 G-1`."""
    parts = [f"<span>{esc(part)}</span>" for part in column.split(":", 1)]
    return '<span class="colon">:</span><br>'.join(parts)


# More tag columns than this: their headers stand upright, so the table fits the window.
WIDE_MATRIX = 5


def _legend() -> list[tuple[str, str, str]]:
    return [(SAMPLES[state], words, css) for state, (words, _, css) in STATES.items()]


PAGE_DETAIL_BUDGET = 5_000_000  # characters of hit tables in the pages section


def pages_section(report: Report, anchors: dict[int, str]) -> str:
    if not report.pages:
        return ""
    owns = [page_findings_of(page, report) for page in report.pages]
    detailed = _detailed(report, owns)
    parts = ['<section id="pages"><h2>Pages</h2>']
    left_out = len(report.pages) - len(detailed)
    if left_out:
        parts.append(
            f'<p class="muted">Tag hit details are shown for {len(detailed)} of '
            f"{len(report.pages)} pages (pages with findings first); the other {left_out} "
            "show their facts and findings here, and every hit is in the JSON report "
            "(--json).</p>"
        )
    for index, (page, own) in enumerate(zip(report.pages, owns, strict=True)):
        state = page_state(page, own)
        sections = PAGE_SECTIONS if index in detailed else _brief(PAGE_SECTIONS)
        inner = "".join(section(page, report) for section in sections)
        parts.append(
            f'<details class="page {state}" id="{anchors.get(id(page), "")}"'
            f"{' open' if own else ''}><summary>"
            f'{esc(page_label(page, report))} <span class="muted">{len(page.hits)} hit(s), '
            f"{len(own)} finding(s)</span></summary>{inner}</details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _detailed(report: Report, owns: list[list[Finding]]) -> set[int]:
    """Indices of the pages whose hit tables fit PAGE_DETAIL_BUDGET, pages with findings
    first (worst first), then in report order. Sizes are estimated from the hits' params."""
    rank = {"error": 0, "warning": 1, "info": 2}
    order = sorted(
        range(len(report.pages)),
        key=lambda i: (min((rank.get(f.severity, 3) for f in owns[i]), default=4), i),
    )
    chosen, spent = set(), 0
    for index in order:
        cost = _hits_size(report.pages[index])
        if spent + cost > PAGE_DETAIL_BUDGET and chosen:
            continue
        chosen.add(index)
        spent += cost
    return chosen


def _hits_size(page: PageVisit) -> int:
    """About how many characters `page_hits` writes for the page (measured: ~130 a hit
    plus ~60 a parameter shown)."""
    return sum(130 + 60 * min(len(hit.params or {}), 40) for hit in page.hits)


def page_state(page: PageVisit, own: list[Finding]) -> str:
    """`error`, `warning`, `info` or `ok`: the worst counted finding (a failed load is an
    error). A page with only warnings is not green."""
    if page.error or any(f.severity == "error" for f in own):
        return "error"
    if any(f.severity == "warning" for f in own):
        return "warning"
    return "info" if own else "ok"


def page_findings_of(page: PageVisit, report: Report) -> list[Finding]:
    """Counted findings about this page in this scenario."""
    return [
        f
        for f in findings_by_url(report).get(page.url, [])
        if f.location.get("scenario", page.scenario) == page.scenario
    ]


def page_findings(page: PageVisit, report: Report) -> str:
    items = "".join(
        f'<li class="{esc(f.severity)}"><a href="#f-{esc(f.fingerprint)}"><b>{esc(f.severity)}'
        f"</b></a> {esc(f.message)}</li>"
        for f in page_findings_of(page, report)
    )
    return f'<ul class="page-findings">{items}</ul>' if items else ""


def page_overview(page: PageVisit, report: Report) -> str:
    facts: list[tuple[str, Any]] = [
        ("status", page.status if page.status is not None else "?"),
        ("scenario", page.scenario),
    ]
    if page.final_url and page.final_url != page.url:
        facts.append(("landed on", page.final_url))
    if page.error:
        facts.append(("error", page.error))
    facts.append(("requests", len(page.requests)))
    if page.console_errors:
        shown = [e if len(e) <= 300 else e[:299] + "…" for e in page.console_errors[:CONSOLE_SHOWN]]
        more = len(page.console_errors) - CONSOLE_SHOWN
        facts.append(
            ("console errors", "\n".join(shown) + (f"\n(+{more} more)" if more > 0 else ""))
        )
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
        delivery, css, why = _delivery(page.request_of(hit))
        rows.append(
            f"<tr><td>{esc(hit.provider)}</td><td>{esc(hit.kind)}</td><td>{esc(hit.account or '')}"
            f"</td><td>{esc(hit.event or '')}</td>"
            f'<td class="cell {css}" title="{esc(why)}">{esc(delivery)}</td><td>'
            + (_params_cell(hit, params) if params else "")
            + "</td></tr>"
        )
    return (
        '<h4>Tag hits</h4><div class="scroll"><table class="hits"><tr><th>provider</th>'
        "<th>kind</th><th>account</th><th>event</th><th>delivery</th><th>decoded parameters</th>"
        f"</tr>{''.join(rows)}</table></div>"
    )


def _delivery(request: Request | None) -> tuple[str, str, str]:
    """What became of a hit's request: (label, CSS class, tooltip). A hit tagaudit answered
    here left the page but never reached the vendor, and the label must not say "sent"."""
    problem = request.delivery_problem() if request is not None else None
    if problem is not None:
        return problem, "failed", "the request did not reach its server"
    if request is not None and request.answered_locally:
        return "answered here", "fired", "the page sent it; tagaudit answered, nothing delivered"
    if request is not None and request.let_through == PAGE_RESOURCE:
        return "loaded", "fired", "a resource the page needs: loaded from its host"
    if request is not None and request.let_through:
        return "delivered", "fired", f"let through to the vendor ({request.let_through})"
    return "sent", "fired", "the page sent it"


def _params_cell(hit: TagHit, rows: str) -> str:
    """Decoded params folded away; the summary shows the ones people look for first."""
    shown = dict(shown_params(hit))
    keys = [f"{k}={shown[k]}" for k in KEY_PARAMS if shown.get(k) not in (None, "", "None")]
    summary = " · ".join([*keys, f"{len(hit.params)} parameter(s)"])
    return (
        f'<details><summary>{esc(summary)}</summary><table class="params">{rows}</table></details>'
    )


def page_hits_brief(page: PageVisit, report: Report) -> str:
    """The tags a page sent, without their parameters (pages past the detail budget)."""
    if not page.hits:
        return '<p class="muted">No tag hits on this page.</p>'
    tags = dict.fromkeys(
        " ".join(filter(None, (hit.provider, hit.account, hit.event))) for hit in page.hits
    )
    return (
        f'<p class="muted small">Tags: {esc(", ".join(tags))}. Hit details: in the JSON report.</p>'
    )


PAGE_SECTIONS: tuple[PageSection, ...] = (page_overview, page_findings, page_hits)


def _brief(sections: tuple[PageSection, ...]) -> tuple[PageSection, ...]:
    """The page sections with the hit tables swapped for the list of tags."""
    return tuple(page_hits_brief if section is page_hits else section for section in sections)


def links_section(report: Report) -> str:
    if not report.links:
        return ""
    cards = "".join(_link_card(link, report, i) for i, link in enumerate(report.links))
    return (
        '<section id="links"><h2>Campaign links</h2><p class="muted">Each link hop by hop, '
        "with the tracking parameters every hop kept, changed or dropped.</p>"
        f"{cards}</section>"
    )


def _link_card(link: LinkResult, report: Report, index: int = 0) -> str:
    word, css = link_verdict(link, report)
    reason = f" ({link.reason})" if link.reason else ""
    landed = link.final_url or ""
    status = "" if link.final_status is None else f" · HTTP {link.final_status}"
    source = str(link.expected.get("source") or "")
    where = f"{source} · " if ":" in source else ""
    return (
        f'<article class="link v-{css}" id="link-{index}">'
        f'<p class="verdict-word v-{css}">{esc(word + reason)}</p>'
        f'<p class="url">{esc(link.url)}</p>'
        f'<p class="muted small">{esc(where)}landed on {esc(landed)}{esc(status)}</p>'
        f"{hop_diagram(link)}</article>"
    )


def hop_diagram(link: LinkResult) -> str:
    """The chain as a list: each hop's URL and status, and what its redirect did to each
    tracking parameter (kept ✓, changed ~, moved to the fragment #, dropped ✗)."""
    ledger = {change.hop: change for change in link.ledger}
    original = _original_params(link)
    items = []
    for number, hop in enumerate(link.hops):
        status = "" if hop.status is None else str(hop.status)
        via = "" if hop.via == "http" else f" via {hop.via}"
        chips = _chips(ledger.get(number), original if number == 0 else None)
        items.append(
            f'<li><span class="hop-status">{esc(status or "…")}{esc(via)}</span> '
            f'<span class="url">{esc(hop.url)}</span>{chips}</li>'
        )
    if not items:
        return ""
    return f'<ol class="hops" start="0">{"".join(items)}</ol>'


def _original_params(link: LinkResult) -> list[str]:
    first = link.ledger[0] if link.ledger else None
    if first is None:
        return []
    return [*first.kept, *first.changed, *first.moved_to_fragment, *first.dropped]


def _chips(change: ParamChange | None, original: list[str] | None) -> str:
    if original:
        return '<span class="chips">' + "".join(_chip("kept", n) for n in original) + "</span>"
    if change is None:
        return ""
    chips = [_chip("kept", n) for n in change.kept]
    chips += [_chip("changed", n, change.details.get(n, "")) for n in change.changed]
    chips += [_chip("fragment", n) for n in change.moved_to_fragment]
    chips += [_chip("dropped", n) for n in change.dropped]
    return f'<span class="chips">{"".join(chips)}</span>' if chips else ""


CHIP_MARKS = {"kept": "✓", "changed": "~", "fragment": "#", "dropped": "✗"}


def _chip(state: str, name: str, detail: str = "") -> str:
    title = f"{name}: {state}" + (f" ({detail})" if detail else "")
    return f'<span class="chip {state}" title="{esc(title)}">{CHIP_MARKS[state]} {esc(name)}</span>'


def rules_section(report: Report) -> str:
    catalog = rule_catalog(report)
    if not catalog:
        return ""
    rows = "".join(
        f"<tr><td>{esc(rule_id)}</td><td>{esc(info.severity)}</td><td>{esc(info.title)}</td></tr>"
        for rule_id, info in catalog.items()
    )
    return (
        '<section id="rules"><details><summary>Rules applied</summary><table class="hits"><tr>'
        f"<th>rule</th><th>severity</th><th>reports</th></tr>{rows}</table></details></section>"
    )
