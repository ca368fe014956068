"""The consent scenario × tag matrix for people: plain text (terminal, Markdown) and HTML.

Renders `Report.config.consent_matrix` (computed by tagaudit.consent.matrix when the run
played consent scenarios) with the banner screenshots of each page's scenarios. Imports only
tagaudit.model.
"""

from __future__ import annotations

from html import escape

from tagaudit.model import SCENARIOS, ConsentMatrix, PageVisit, Report

TITLE = "Consent scenarios (tag × scenario)"
SHORT = {
    "fires-before-consent": "before consent",
    "fires": "fires",
    "cookieless": "cookieless",
    "blocked": "blocked",
    "not-run": "–",
}


def matrix_lines(report: Report) -> list[str]:
    """The matrices as plain text lines (terminal, Markdown code block); [] when none."""
    lines: list[str] = []
    for matrix in report.config.consent_matrix:
        lines.append(f"{matrix.url}  (CMP: {matrix.cmp or 'none found'})")
        width = max([len(row.tag) for row in matrix.tags] + [3])
        lines.append("  " + "tag".ljust(width) + "".join(f"  {s:<15}" for s in SCENARIOS))
        for row in matrix.tags:
            cells = "".join(f"  {SHORT[row.cells[s]]:<15}" for s in SCENARIOS)
            lines.append("  " + row.tag.ljust(width) + cells)
    return lines


def _matrix_of(report: Report, page: PageVisit) -> ConsentMatrix | None:
    return next((m for m in report.config.consent_matrix if m.url == page.url), None)


def _screenshots(page: PageVisit) -> str:
    images = [
        f'<figure><img src="{escape(src)}" alt="banner {moment}" style="max-width:320px">'
        f"<figcaption>{escape(page.scenario)}: {moment} the action</figcaption></figure>"
        for moment, src in page.consent.screenshots.items()
        if isinstance(src, str) and src.startswith(("data:image/", "/", "."))
    ]
    return f'<div class="consent-shots">{"".join(images)}</div>' if images else ""


def html_section(page: PageVisit, report: Report) -> str:
    """The scenario × tag table of `page`'s URL, shown once, on its first scenario visit."""
    matrix = _matrix_of(report, page)
    if matrix is None:
        return ""
    visits = [p for p in report.pages if p.url == page.url and p.consent.is_scenario()]
    if not visits or visits[0] is not page:
        return ""
    head = "".join(f"<th>{s}</th>" for s in SCENARIOS)
    rows = "".join(
        f"<tr><td>{escape(row.tag)}</td>"
        + "".join(f'<td class="c-{row.cells[s]}">{SHORT[row.cells[s]]}</td>' for s in SCENARIOS)
        + "</tr>"
        for row in matrix.tags
    )
    shots = "".join(_screenshots(v) for v in visits)
    cmp = escape(matrix.cmp or "no banner found")
    return (
        f'<section class="consent"><h3>Consent scenarios ({cmp}, {escape(str(matrix.method))})'
        f'</h3><table class="matrix"><tr><th>tag</th>{head}</tr>{rows}</table>{shots}</section>'
    )
