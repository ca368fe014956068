"""Options and the finishing steps shared by `audit` and `links`: reports out, exit code.

Keeping them here means both commands accept the same report flags and exit the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from tagaudit.errors import UsageError
from tagaudit.model import Report

FAIL_ON_LEVELS = ("error", "warning", "info", "never")

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
    typer.Option("--fail-on", help="Exit 1 on findings at or above: error|warning|never."),
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

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON_LEVELS:
            raise UsageError(
                f"--fail-on must be one of {', '.join(FAIL_ON_LEVELS)}, not {self.fail_on!r}"
            )


def exit_code_for(report: Report, fail_on: str) -> int:
    """0 when nothing counted is at or above `fail_on`, else 1 (DESIGN.md exit codes).

    Suppressed findings never count; `never` always gives 0.
    """
    from tagaudit.report.common import fails

    return 1 if any(fails(f, fail_on) for f in report.findings) else 0


def write_reports(report: Report, options: ReportOptions) -> list[Path]:
    """Write every requested report file; returns the paths written."""
    from tagaudit.report import write_all

    return write_all(report, options)


def register_plugin_sections() -> None:
    """Let the reporters show what other packages add (reporters import only the model).

    Consent's scenario × tag matrix: a per-page HTML section, and a text section for the
    terminal and Markdown. Called once when the CLI loads.
    """
    from tagaudit.report.common import register_text_section
    from tagaudit.report.html import register_page_section

    try:
        from tagaudit.consent import matrix
    except ModuleNotFoundError as missing:
        if missing.name != "tagaudit.consent.matrix":
            raise
        return
    register_page_section(matrix.html_section)
    register_text_section("Consent scenarios (tag × scenario)", matrix.matrix_lines)


register_plugin_sections()
