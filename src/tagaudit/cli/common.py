"""Options and the finishing steps shared by `audit`, `links` and `demo`: reports, exit code.

Keeping them here means the commands accept the same report flags and exit the same way.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from tagaudit.errors import UsageError
from tagaudit.model import FAIL_ON_LEVELS, Report

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="tagaudit.yaml to read.")]
RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules", help="Extra rule file (repeatable).")
]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")]
JunitOpt = Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")]
HtmlOpt = Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")]
SarifOpt = Annotated[Path | None, typer.Option("--sarif", help="Write SARIF 2.1.0 here.")]
MarkdownOpt = Annotated[
    Path | None, typer.Option("--markdown", help="Write a Markdown summary (CI step summaries).")
]
FailOnOpt = Annotated[
    str | None,
    typer.Option("--fail-on", help="Exit 1 on findings at or above: error|warning|info|never."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(help="The site's address: pages given as paths (/checkout/) are joined to it."),
]
ShardOpt = Annotated[
    str | None,
    typer.Option(help="Run shard I of N (e.g. 2/4) of the planned targets; join with merge."),
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(help="An earlier JSON report: mark findings new/unchanged/fixed, diff tags."),
]
FailOnNewOpt = Annotated[
    bool, typer.Option(help="Exit 1 only on findings the baseline did not have (--baseline).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Print every hit and finding.")]


@dataclass
class ReportOptions:
    """Where the reports go and what fails the run."""

    json: Path | None = None
    junit: Path | None = None
    html: Path | None = None
    sarif: Path | None = None
    markdown: Path | None = None
    fail_on: str = "error"
    quiet: bool = False
    verbose: bool = False
    fail_on_new: bool = False

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON_LEVELS:
            raise UsageError(
                f"--fail-on must be one of {', '.join(FAIL_ON_LEVELS)}, not {self.fail_on!r}"
            )

    def compare_with(self, baseline: Path | None) -> Path | None:
        """The baseline to compare with; --fail-on-new without one is a usage error."""
        if self.fail_on_new and baseline is None:
            raise UsageError("--fail-on-new needs --baseline PREVIOUS.json")
        return baseline


def write_reports(report: Report, options: ReportOptions) -> list[Path]:
    """Write every requested report file; returns the paths written."""
    from tagaudit.report import write_all

    return write_all(report, options)


def show_notes(report: Report) -> None:
    """What the run has to say about itself (fallbacks, rule errors) on stderr."""
    for line in report.config.notes:
        print(f"tagaudit: {line}", file=sys.stderr)


def finish(report: Report, options: ReportOptions) -> int:
    """Terminal summary, report files, exit code: the end of `audit`, `links` and `demo`.

    Exit codes (DESIGN.md): 130 when interrupted, 3 when the run itself failed part-way
    (`run_error`), else 1 when a counted finding is at or above `--fail-on`, else 0.
    """
    from tagaudit.report import terminal

    show_notes(report)
    terminal.render(report, verbose=options.verbose, quiet=options.quiet)
    for path in write_reports(report, options):
        if not options.quiet:
            print(f"wrote {path}")
    if report.config.run_error:
        what = "links" if report.links else "pages"
        print(
            f"tagaudit: {report.config.run_error}; reporting the {what} that finished",
            file=sys.stderr,
        )
        return 3
    if report.interrupted:
        return 130
    return report.exit_code(options.fail_on, new_only=options.fail_on_new)
