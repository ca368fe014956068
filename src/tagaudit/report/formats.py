"""PROVISIONAL (replaced by the report registry of the parallel work): report file formats."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportFormat:
    name: str
    flag: str
    help: str
    metavar: str = "PATH"


FORMATS = (
    ReportFormat("json", "--json", "Write the JSON report here."),
    ReportFormat("junit", "--junit", "Write JUnit XML here."),
    ReportFormat("html", "--html", "Write a self-contained HTML report here."),
    ReportFormat("sarif", "--sarif", "Write SARIF 2.1.0 here."),
    ReportFormat("markdown", "--markdown", "Write a Markdown summary (CI step summary)."),
)
