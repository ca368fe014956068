"""The terminal summary (rich): findings by severity and page, the tag matrix, consent.

`render(report, console)` prints the campaign links first when the run followed any (one
line per link, worst verdict first: tagaudit.report.links_view), then findings grouped by
severity and page (one line per finding,
the scenarios it was met in, the fix), the tag matrix (pages × provider:account, each cell's
state as a symbol, see tagaudit.report.matrix), each page's tag inventory for small runs, the
consent matrix, and a last line with the counts and the verdict against `--fail-on`. With
`--baseline`, what changed comes first and each new finding says so. `quiet`
prints only that line; `verbose` adds info findings, suppressed ones and each page's hits.

Page data is text, never rich markup (`[/x]` in a URL is printed as is), and goes through
tagaudit.report.masking.for_people. Off a terminal (CI logs, pipes) nothing is hard-wrapped:
a URL stays on one line. Colour follows the console. Imports only tagaudit.model, the other
report modules and rich.
"""

from __future__ import annotations

import os
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tagaudit.model import SEVERITIES, Finding, PageVisit, Report
from tagaudit.report import baseline_view, links_view, third_parties
from tagaudit.report.common import (
    counts_line,
    finding_groups,
    header_facts,
    page_label,
    short_label,
    shown_params,
    verdict_short,
)
from tagaudit.report.consent import TITLE as CONSENT_TITLE
from tagaudit.report.consent import matrix_texts
from tagaudit.report.journeys import TITLE as JOURNEYS_TITLE
from tagaudit.report.journeys import journey_lines
from tagaudit.report.masking import for_people
from tagaudit.report.matrix import LEGEND, STYLES, Cell, tag_matrix
from tagaudit.report.progress import progress

STYLES_BY_SEVERITY = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MARKS = {"error": "✗", "warning": "!", "info": "i"}
TITLES = {"error": "Errors", "warning": "Warnings", "info": "Info"}
VERDICT_STYLES = {"pass": "bold green", "fail": "bold red", "incomplete": "bold yellow"}
LINK_STYLES = {"broken": "red", "unverifiable": "yellow", "warning": "yellow", "ok": "green"}
HANGING_INDENT = 2  # where a wrapped line goes on, past its own line's indent
# Up to this many pages, each page's tag inventory is printed without asking (-v always does).
INVENTORY_PAGES = 5
__all__ = ["console_for_output", "progress", "render"]


def console_for_output() -> Console:
    """stdout: a terminal wraps for the reader; a pipe or CI log gets lines unbroken."""
    console = Console(highlight=False)
    if console.is_terminal:
        return console
    width = int(os.environ.get("COLUMNS") or 0) or 120
    return Console(highlight=False, width=max(width, 80), soft_wrap=True)


def render(
    report: Report,
    console: Console | None = None,
    verbose: bool = False,
    quiet: bool = False,
    fail_on: str = "error",
) -> None:
    """Print the summary of a finished run (to stdout unless a console is given)."""
    console = console or console_for_output()
    if not quiet:
        _header(report, console)
        _links(report, console, verbose)
        for text, style in baseline_view.terminal_lines(report):
            _print(console, Text(for_people(text), style=style))
        for severity in SEVERITIES:
            _severity_section(report, console, severity, verbose)
        if verbose:
            _suppressed_section(report, console)
        _matrix(report, console)
        if verbose or len(report.pages) <= INVENTORY_PAGES:
            _inventory(report, console)
        _consent(report, console)
        _journeys(report, console)
        if verbose:
            _hits(report, console)
        passed = third_parties.summary_line(report)
        if passed:
            _print(console, Text(f"\n{for_people(passed)}", style="dim"))
    for problem in report.config.rule_errors:
        console.print(Text(f"tagaudit: {for_people(problem)}", style="bold red"))
    state, words = verdict_short(report, fail_on)
    line = Text(f"tagaudit: {counts_line(report)}", style="bold")
    line.append(f" — {words}", style=VERDICT_STYLES[state])
    console.print(line)


def _print(console: Console, text: Text) -> None:
    """One line of the summary. A terminal wraps it with a hanging indent: the lines a long
    finding or URL wraps onto start under its text, not at column 0, so the outline (page,
    finding, fix) still reads at 80 columns. A pipe or CI log gets it unbroken."""
    plain = text.plain
    if console.soft_wrap or not plain.strip() or len(plain) <= console.width:
        console.print(text, soft_wrap=console.soft_wrap)
        return
    newlines = len(plain) - len(plain.lstrip("\n"))
    for _ in range(newlines):
        console.line()
    text = text[newlines:]
    indent = len(text.plain) - len(text.plain.lstrip(" "))
    hanging = min(indent + HANGING_INDENT, console.width // 2)
    for number, line in enumerate(text[indent:].wrap(console, console.width - hanging)):
        line.rstrip()
        console.print(Text(" " * (indent if number == 0 else hanging)) + line, soft_wrap=True)


def _header(report: Report, console: Console) -> None:
    tail = " — interrupted, partial results" if report.interrupted else ""
    facts = ", ".join(header_facts(report))
    _print(console, Text(f"tagaudit {report.tool_version}: {facts}{tail}", style="bold"))


def _links(report: Report, console: Console, verbose: bool) -> None:
    """Campaign links first: counts, a header, one line per link, worst first (links_view);
    with -v each link's hops under it."""
    lines = links_view.terminal_lines(report, max(console.width, 80))
    if not lines:
        return
    console.print(Text(f"\n{for_people(lines[0])}", style="bold"))
    _print(console, Text(for_people(lines[1]), style="dim"))
    rows = links_view.link_rows(report)
    for line, row in zip(lines[2 : 2 + len(rows)], rows, strict=True):
        _print(console, Text(for_people(line), style=LINK_STYLES.get(row.css, "")))
        if verbose:
            for hop in links_view.hop_lines(row.link):
                _print(console, Text(for_people(hop), style="dim"))
    for line in lines[2 + len(rows) :]:
        _print(console, Text(for_people(line), style="dim"))


def _severity_section(report: Report, console: Console, severity: str, verbose: bool) -> None:
    findings = [f for f in report.counted_findings() if f.severity == severity]
    if not findings:
        return
    if severity == "info" and not verbose:
        console.print(Text(f"\n{len(findings)} info finding(s) (-v shows them)", style="dim"))
        return
    console.print(
        Text(f"\n{TITLES[severity]} ({len(findings)})", style=STYLES_BY_SEVERITY[severity])
    )
    _grouped(report, console, findings)


def _grouped(report: Report, console: Console, findings: list[Finding]) -> None:
    place = None
    rows = links_view.input_lines(report)  # a link's findings name its row of the file
    for group in finding_groups(findings, by_place=True):
        finding = group.finding
        here = for_people(group.place(report))
        if finding.url in rows:
            here = f"{rows[finding.url]}  {here}"
        if here != place:
            _print(console, Text(f"  {here}", style="bold"))
            place = here
        line = Text(f"    {MARKS[finding.severity]} ", style=STYLES_BY_SEVERITY[finding.severity])
        line.append(f"{finding.rule_id}: ", style="dim")
        line.append(for_people(finding.message))
        if finding.confidence != "high":
            line.append(f" ({finding.confidence} confidence)", style="dim")
        if baseline_view.state_of(group.members) == "new":
            line.append(" (new)", style="bold red")
        _print(console, line)
        if finding.help:
            _print(console, Text(f"      fix: {for_people(finding.help)}", style="dim"))
        if finding.suppressed:
            _print(console, Text(f"      {for_people(finding.suppressed)}", style="dim"))


def _suppressed_section(report: Report, console: Console) -> None:
    suppressed = [f for f in report.findings if f.suppressed]
    if suppressed:
        console.print(Text(f"\nSuppressed ({len(suppressed)})", style="dim"))
        _grouped(report, console, suppressed)


def _matrix(report: Report, console: Console) -> None:
    """The tag matrix, split into several tables when its columns do not fit the width:
    headers stay whole (provider over account), never folded into fragments."""
    columns, rows = tag_matrix(report)
    if not rows or not columns:
        return
    labels = [for_people(short_label(page, report)) + _state(page) for page, _ in rows]
    label_width = min(max(len(label) for label in labels), 40)
    widths = {c: _column_width(c, rows) for c in columns}
    console.print()
    console.print(Text("Tag matrix (hits sent per page)", style="bold"))
    for part in _column_groups(columns, widths, console.width - label_width - 4):
        table = Table(show_lines=False)
        table.add_column("page", no_wrap=True, overflow="ellipsis", max_width=label_width)
        for column in part:
            provider, _, account = column.partition(":")
            header = Text(provider + (f"\n{account}" if account else ""))
            table.add_column(header, justify="center", no_wrap=True, min_width=widths[column])
        for label, (_, cells) in zip(labels, rows, strict=True):
            table.add_row(Text(label), *(_cell_text(cells[c]) for c in part))
        console.print(table)
    console.print(Text(LEGEND, style="dim"))


def _column_width(column: str, rows: list[tuple[PageVisit, dict[str, Cell]]]) -> int:
    provider, _, account = column.partition(":")
    cells = [len(cells[column].text()) for _, cells in rows]
    return max(len(provider), len(account), *cells)


def _column_groups(columns: list[str], widths: dict[str, int], room: int) -> list[list[str]]:
    """Columns in runs that fit `room` characters (3 per column for borders and padding)."""
    groups: list[list[str]] = [[]]
    used = 0
    for column in columns:
        need = widths[column] + 3
        if groups[-1] and used + need > room:
            groups.append([])
            used = 0
        groups[-1].append(column)
        used += need
    return groups


def _cell_text(cell: Cell) -> Text:
    return Text(cell.text(), style=STYLES[cell.css()])


def _inventory(report: Report, console: Console) -> None:
    """Per page: which tags fired which events, how often (the question an audit answers)."""
    for page in report.pages:
        counts = Counter((h.provider, h.kind, h.account or "", h.event or "") for h in page.hits)
        if not counts:
            continue
        table = Table(title=Text(for_people(page_label(page, report))), title_justify="left")
        for name in ("provider", "kind", "account", "event", "count"):
            table.add_column(name, justify="right" if name == "count" else "left")
        for (provider, kind, account, event), count in sorted(counts.items()):
            cells = (provider, kind, account, event)
            table.add_row(*(Text(for_people(c)) for c in cells), Text(str(count)))
        console.print()
        console.print(table)


def _journeys(report: Report, console: Console) -> None:
    lines = journey_lines(report)
    if lines:
        console.print(Text(f"\n{JOURNEYS_TITLE}", style="bold"))
    for line in lines:
        _print(console, Text(for_people(line)))


def _consent(report: Report, console: Console) -> None:
    lines = matrix_texts(report)  # coloured per verdict, as in the HTML
    if lines:
        console.print(Text(f"\n{CONSENT_TITLE}", style="bold"))
    for line in lines:
        _print(console, line)


def _state(page: PageVisit) -> str:
    if page.error:
        return " (failed)"
    return f" (HTTP {page.status})" if page.status is not None and page.status >= 400 else ""


def _hits(report: Report, console: Console) -> None:
    for page in report.pages:
        _print(console, Text(f"\n{for_people(page_label(page, report))}", style="bold"))
        if not page.hits:
            console.print(Text("  no tag hits", style="dim"))
        for hit in page.hits:
            tag = " ".join(p for p in (hit.provider, hit.kind, hit.account, hit.event) if p)
            params = ", ".join(f"{k}={v}" for k, v in shown_params(hit, limit=12))
            _print(console, Text(for_people(f"  {tag}") + (f"  {params}" if params else "")))
