"""The consent scenario × tag matrix for people: terminal, Markdown and HTML, one vocabulary.

Renders `Report.config.consent_matrix` (computed by tagaudit.rules.consent_matrix when the run
played consent scenarios). A cell's state (`fires`, `fires-before-consent`, `cookieless`,
`blocked`, `not-run`) means something different per scenario: firing after "accept all" is
what should happen, firing after "reject all" is a violation. Each cell therefore also gets a
verdict, shown the same way everywhere (symbol, word, colour):

    pass  ✓ green   fires after accept; blocked or cookieless with no choice / after reject
    fail  ✗ red     fires before consent; fires after reject; blocked after accept
    warn  ! amber   only cookieless pings after accept (consent not passed on to the tag)
    n/a   – grey    the scenario did not run

Imports only tagaudit.model and the report modules.
"""

from __future__ import annotations

from html import escape

from rich.text import Text

from tagaudit.model import SCENARIOS, ConsentMatrix, PageVisit, Report
from tagaudit.report.masking import for_people

TITLE = "Consent scenarios (tag × scenario)"
SHORT = {
    "fires-before-consent": "before consent",
    "fires": "fires",
    "cookieless": "cookieless",
    "blocked": "blocked",
    "not-run": "–",
}
MARK = {"pass": "✓", "fail": "✗", "warn": "!", "na": " "}
MARKDOWN_MARK = {"pass": "✅", "fail": "❌", "warn": "⚠️", "na": ""}
VERDICT_STYLES = {"pass": "green", "fail": "bold red", "warn": "yellow", "na": "dim"}
WIDTH = 17


def cell_verdict(scenario: str, state: str) -> str:
    """`pass`, `fail`, `warn` or `na` for a tag's state in one scenario."""
    if state == "not-run":
        return "na"
    if state == "fires-before-consent":
        return "fail"
    if scenario == "accept":
        return {"fires": "pass", "cookieless": "warn"}.get(state, "fail")
    return "fail" if state == "fires" else "pass"


def cell_words(scenario: str, state: str) -> str:
    """`✗ fires` — the symbol of the verdict and the state's word."""
    mark = MARK[cell_verdict(scenario, state)]
    return f"{mark} {SHORT[state]}".strip()


def _matrix_head(matrix: ConsentMatrix) -> str:
    return f"{for_people(matrix.url)}  (CMP: {for_people(matrix.cmp or 'none found')})"


def matrix_lines(report: Report) -> list[str]:
    """The matrices as plain text lines; [] when none."""
    return [text.plain for text in matrix_texts(report)]


def matrix_texts(report: Report) -> list[Text]:
    """The matrices as terminal lines: one row per tag, a column per scenario, coloured."""
    lines: list[Text] = []
    for matrix in report.config.consent_matrix:
        lines.append(Text(_matrix_head(matrix), style="bold"))
        width = max([len(row.tag) for row in matrix.tags] + [3])
        head = "  " + "tag".ljust(width) + "".join(f"  {s:<{WIDTH}}" for s in SCENARIOS)
        lines.append(Text(head.rstrip(), style="dim"))
        for row in matrix.tags:
            line = Text("  " + for_people(row.tag).ljust(width))
            for scenario in SCENARIOS:
                state = row.cells[scenario]
                words = cell_words(scenario, state)
                line.append(
                    f"  {words:<{WIDTH}}", style=VERDICT_STYLES[cell_verdict(scenario, state)]
                )
            line.rstrip()
            lines.append(line)
    return lines


def markdown_lines(report: Report, cell: object) -> list[str]:
    """The matrices as Markdown tables, a ✅/❌ per cell; `cell` escapes page data."""
    lines: list[str] = []
    for matrix in report.config.consent_matrix:
        lines += [f"**{cell(_matrix_head(matrix))}**", ""]  # type: ignore[operator]
        lines.append("| tag | " + " | ".join(SCENARIOS) + " |")
        lines.append("| --- |" + " --- |" * len(SCENARIOS))
        for row in matrix.tags:
            cells = []
            for scenario in SCENARIOS:
                state = row.cells[scenario]
                mark = MARKDOWN_MARK[cell_verdict(scenario, state)]
                cells.append(f"{mark} {SHORT[state]}".strip())
            lines.append(f"| {cell(row.tag)} | " + " | ".join(cells) + " |")  # type: ignore[operator]
        lines.append("")
    return lines


def _matrix_of(report: Report, page: PageVisit) -> ConsentMatrix | None:
    return next((m for m in report.config.consent_matrix if m.url == page.url), None)


def _screenshots(page: PageVisit) -> str:
    images = [
        f'<figure><img src="{escape(src)}" alt="banner {escape(moment)}" loading="lazy">'
        f"<figcaption>{escape(page.scenario)}: {escape(moment)} the action</figcaption></figure>"
        for moment, src in page.consent.screenshots.items()
        if isinstance(src, str) and src.startswith(("data:image/", "/", "."))
    ]
    return "".join(images)


def html_matrix(matrix: ConsentMatrix, report: Report, anchor: str = "") -> str:
    """One page's scenario × tag table, with the banner screenshots of its scenarios."""
    head = "".join(f"<th>{s}</th>" for s in SCENARIOS)
    rows = "".join(
        f"<tr><th>{escape(for_people(row.tag))}</th>"
        + "".join(_html_cell(s, row.cells[s]) for s in SCENARIOS)
        + "</tr>"
        for row in matrix.tags
    )
    visits = [p for p in report.pages if p.url == matrix.url and p.consent.is_scenario()]
    shots = "".join(_screenshots(v) for v in visits)
    if shots:
        count = shots.count("<figure>")
        shots = (
            f'<details class="shots"><summary>banner screenshots ({count})</summary>'
            f'<div class="consent-shots">{shots}</div></details>'
        )
    cmp = escape(for_people(matrix.cmp or "no banner found"))
    ident = f' id="{escape(anchor)}"' if anchor else ""
    return (
        f'<section class="consent"><h3{ident}>{escape(for_people(matrix.url))} '
        f'<span class="muted">({cmp}, {escape(str(matrix.method))})</span></h3>'
        f'<div class="scroll"><table class="matrix consent-matrix"><tr><th>tag</th>{head}</tr>'
        f"{rows}</table></div>{shots}</section>"
    )


def _html_cell(scenario: str, state: str) -> str:
    verdict = cell_verdict(scenario, state)
    title = f"{scenario}: {SHORT[state]} ({ {'na': 'not run'}.get(verdict, verdict) })"
    return (
        f'<td class="c-{state}" data-verdict="{verdict}" title="{escape(title)}">'
        f"{escape(cell_words(scenario, state))}</td>"
    )


def html_section(page: PageVisit, report: Report) -> str:
    """The scenario × tag table of `page`'s URL, shown once, on its first scenario visit."""
    matrix = _matrix_of(report, page)
    if matrix is None:
        return ""
    visits = [p for p in report.pages if p.url == page.url and p.consent.is_scenario()]
    if not visits or visits[0] is not page:
        return ""
    return html_matrix(matrix, report)
