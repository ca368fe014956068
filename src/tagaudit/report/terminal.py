"""The terminal summary (rich) and the progress bar shown while pages load.

`render(report, console)` prints findings grouped by severity and page, with the fix hint,
then the tag matrix (pages × provider:account) and a counts line. `quiet` prints only the
counts line; `verbose` adds info findings, suppressed ones and each page's hits. Colour
follows the console: rich turns it off when the output is not a terminal. Imports only
tagaudit.model, the other report modules and rich.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tagaudit.model import SEVERITIES, Finding, PageVisit, Report
from tagaudit.report.common import (
    counts_line,
    finding_place,
    page_label,
    short_label,
    shown_params,
    tag_matrix,
)
from tagaudit.report.consent import TITLE as CONSENT_TITLE
from tagaudit.report.consent import matrix_lines
from tagaudit.report.journeys import TITLE as JOURNEYS_TITLE
from tagaudit.report.journeys import journey_lines

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MARKS = {"error": "✗", "warning": "!", "info": "i"}
TITLES = {"error": "Errors", "warning": "Warnings", "info": "Info"}
# Receives the core's progress events (tagaudit.runner.Progress: done, total, label).
ProgressShow = Callable[[Any], None]


def render(
    report: Report, console: Console | None = None, verbose: bool = False, quiet: bool = False
) -> None:
    """Print the summary of a finished run (to stdout unless a console is given)."""
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=120)
    if not quiet:
        _header(report, console)
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
    for problem in report.config.rule_errors:
        console.print(Text(f"tagaudit: {problem}", style="bold red"))
    style = "bold red" if report.summary.get("findings", {}).get("error") else "bold"
    console.print(Text(f"tagaudit: {counts_line(report)}", style=style))


def _header(report: Report, console: Console) -> None:
    summary = report.summary or report.summarize()
    bits = [f"{summary.get('pages', 0)} page(s)", f"{summary.get('hits', 0)} tag hit(s)"]
    if summary.get("links"):
        bits.append(f"{summary['links']} link(s)")
    if summary.get("page_errors"):
        bits.append(f"{summary['page_errors']} page(s) failed to load")
    tail = " — interrupted, partial results" if report.interrupted else ""
    console.print(Text(f"tagaudit {report.tool_version}: {', '.join(bits)}{tail}", style="bold"))


def _severity_section(report: Report, console: Console, severity: str, verbose: bool) -> None:
    findings = [f for f in report.counted_findings() if f.severity == severity]
    if not findings:
        return
    if severity == "info" and not verbose:
        console.print(Text(f"\n{len(findings)} info finding(s) (-v shows them)", style="dim"))
        return
    console.print(Text(f"\n{TITLES[severity]} ({len(findings)})", style=STYLES[severity]))
    _grouped(report, console, findings)


def _grouped(report: Report, console: Console, findings: list[Finding]) -> None:
    place = None
    for finding in findings:
        here = finding_place(finding, report)
        if here != place:
            console.print(Text(f"  {here}", style="bold"))
            place = here
        line = Text(f"    {MARKS[finding.severity]} ", style=STYLES[finding.severity])
        line.append(f"{finding.rule_id}: ", style="dim")
        line.append(finding.message)
        if finding.confidence != "high":
            line.append(f" ({finding.confidence} confidence)", style="dim")
        console.print(line)
        if finding.help:
            console.print(Text(f"      fix: {finding.help}", style="dim"))
        if finding.suppressed:
            console.print(Text(f"      {finding.suppressed}", style="dim"))


def _suppressed_section(report: Report, console: Console) -> None:
    suppressed = [f for f in report.findings if f.suppressed]
    if suppressed:
        console.print(Text(f"\nSuppressed ({len(suppressed)})", style="dim"))
        _grouped(report, console, suppressed)


def _matrix(report: Report, console: Console) -> None:
    columns, rows = tag_matrix(report)
    if not rows or not columns:
        return
    table = Table(title="Tag matrix (hits sent per page)", title_justify="left", show_lines=False)
    table.add_column("page", no_wrap=True, overflow="ellipsis")
    for column in columns:
        table.add_column(column.replace(":", "\n", 1), justify="center", overflow="fold")
    for page, cells in rows:
        values = [cells[c].text() if c in cells else "—" for c in columns]
        label = short_label(page, report) + _state(page)
        table.add_row(label, *values)
    console.print()
    console.print(table)


# Up to this many pages, each page's tag inventory is printed without asking (-v always does).
INVENTORY_PAGES = 5


def _inventory(report: Report, console: Console) -> None:
    """Per page: which tags fired which events, how often (the question an audit answers)."""
    for page in report.pages:
        counts = Counter((h.provider, h.kind, h.account or "", h.event or "") for h in page.hits)
        if not counts:
            continue
        table = Table(title=page_label(page, report), title_justify="left")
        for name in ("provider", "kind", "account", "event", "count"):
            table.add_column(name, justify="right" if name == "count" else "left")
        for (provider, kind, account, event), count in sorted(counts.items()):
            table.add_row(provider, kind, account, event, str(count))
        console.print()
        console.print(table)


def _journeys(report: Report, console: Console) -> None:
    lines = journey_lines(report)
    if lines:
        console.print(Text(f"\n{JOURNEYS_TITLE}", style="bold"))
    for line in lines:
        console.print(line, markup=False, highlight=False)


def _consent(report: Report, console: Console) -> None:
    lines = matrix_lines(report)
    if lines:
        console.print(Text(f"\n{CONSENT_TITLE}", style="bold"))
    for line in lines:
        console.print(line, markup=False, highlight=False)


def _state(page: PageVisit) -> str:
    if page.error:
        return " (failed)"
    return f" (HTTP {page.status})" if page.status is not None and page.status >= 400 else ""


def _hits(report: Report, console: Console) -> None:
    for page in report.pages:
        console.print(Text(f"\n{page_label(page, report)}", style="bold"))
        if not page.hits:
            console.print(Text("  no tag hits", style="dim"))
        for hit in page.hits:
            tag = " ".join(p for p in (hit.provider, hit.kind, hit.account, hit.event) if p)
            params = ", ".join(f"{k}={v}" for k, v in shown_params(hit, limit=12))
            console.print(f"  {tag}" + (f"  {params}" if params else ""), markup=False)


@contextmanager
def progress(console: Console | None = None, quiet: bool = False) -> Iterator[ProgressShow]:
    """A progress bar while the run works: yields `show(progress)` for the core's callback.

    The total grows as a crawl discovers pages and consent scenarios are queued. Silent off
    a TTY or when quiet.
    """
    console = console or Console(stderr=True)
    if quiet or not console.is_terminal:
        yield lambda event: None
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("loading pages", total=None)

        def show(event: Any) -> None:
            label = event.label if len(event.label) <= 50 else "…" + event.label[-49:]
            bar.update(task, completed=event.done, total=event.total, description=label)

        yield show
