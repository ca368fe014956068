"""Reporters: each module renders a finished Report into one format. They only read it.

    formats.FORMATS                             every file format: flag, help, render, …
    files.write_all(report, {name: path}, fail_on)   writes them, each whole or not at all
    terminal.render(report, console, verbose, quiet, fail_on)   rich summary
    progress.progress(console, quiet)           live bar / CI log lines
    json_report.render(report)                  the Report (schemas/report.schema.json)
    junit.render(report, fail_on)               JUnit XML (schemas/junit.xsd)
    sarif.render(report)                        SARIF 2.1.0
    markdown.render(report, fail_on)            CI step summary
    html.render(report, fail_on)                one self-contained HTML file
    consent, matrix                             the consent and tag matrices
    masking                                     what no report shows (by who reads it)

Rule titles and descriptions come from `report.config.rules`, the consent matrix from
`report.config.consent_matrix`. Imports only tagaudit.model (and rich in terminal.py).
"""

from __future__ import annotations

from tagaudit.report.files import Written, check_path, path_problem, write_all, write_text
from tagaudit.report.formats import FORMATS, ReportFormat, report_format

__all__ = [
    "FORMATS",
    "ReportFormat",
    "Written",
    "check_path",
    "path_problem",
    "report_format",
    "write_all",
    "write_text",
]
