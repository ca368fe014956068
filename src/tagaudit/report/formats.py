"""The report file formats: one entry each, carrying everything a caller needs to offer and
write it (its command-line flag, metavar and help, its render function, how its text is made
safe to write, its file name ending).

A new format is its module (a `render(report)` or `render(report, fail_on=…)` function) plus
one line in FORMATS naming it, which says who reads it: people (the default: credentials and
email addresses masked, always) or machines (the JSON: credentials masked unless the run kept
them, tagaudit.report.masking); tests/report/test_formats.py then asks for its golden
output and its flag in README.md. The module is imported when its format is first written:
`tagaudit links --json` never loads the HTML, SARIF … writers (tests/cli/test_startup.py).
Callers never match formats by attribute name: the CLI declares one option per entry and
hands `files.write_all` a mapping of format name → path.
Imports only tagaudit.model and the report package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tagaudit.model import Report
from tagaudit.report.masking import masked_report, safe_json_text, safe_xml_text


@dataclass(frozen=True)
class ReportFormat:
    """One file format: `ReportFormat("junit", "Write JUnit XML here.", "junit",
    ".junit.xml", takes_fail_on=True)` is offered as `--junit PATH`, written by
    `tagaudit.report.junit.render(report, fail_on=…)`, and conventionally named
    `tagaudit.junit.xml`."""

    name: str  # the key of write_all's mapping; the flag is --name
    help: str  # the flag's one line of --help
    module: str  # tagaudit.report.<module>.render: Report (and fail_on=) → text
    suffix: str  # the file name ending: tagaudit{suffix} (action), report{suffix} (goldens)
    takes_fail_on: bool = False  # its verdict follows --fail-on (JUnit failures, the banner)
    is_json: bool = False  # JSON text keeps lone surrogates as escapes; markup replaces them
    metavar: str = "PATH"
    people: bool = True  # read by people (emails masked too); False: data for machines
    # Reads its pages by identity, many times: given a list of masked copies even when the
    # run keeps its pages on disk (tagaudit.report.masking.masked_report).
    page_list: bool = False

    @property
    def render(self) -> Callable[..., str]:
        """The format's render function (its module is imported on first use)."""
        return importlib.import_module(f"tagaudit.report.{self.module}").render  # type: ignore[no-any-return]

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    def text(self, report: Report, fail_on: str = "error", view: Report | None = None) -> str:
        """The report in this format, as written to its file: masked for its readers
        (`view`: that masked copy, when the caller made it already), safe for UTF-8."""
        shown = view if view is not None else self.view(report)
        text = self.render(shown, fail_on=fail_on) if self.takes_fail_on else self.render(shown)
        return safe_json_text(text) if self.is_json else safe_xml_text(text)

    def parts(
        self, report: Report, fail_on: str = "error", view: Report | None = None
    ) -> Iterator[str]:
        """`text`, in parts as they are made, for a format whose module renders in parts
        (a `render_parts`, as the JSON's: large, and never needed whole); else in one."""
        module = importlib.import_module(f"tagaudit.report.{self.module}")
        render_parts = getattr(module, "render_parts", None)
        if render_parts is None:
            yield self.text(report, fail_on, view)
            return
        shown = view if view is not None else self.view(report)
        made = render_parts(shown, fail_on=fail_on) if self.takes_fail_on else render_parts(shown)
        safe = safe_json_text if self.is_json else safe_xml_text
        for part in made:
            yield safe(part)

    def view(self, report: Report) -> Report:
        """`report` as this format's readers may see it (tagaudit.report.masking)."""
        return masked_report(report, people=self.people, page_list=self.page_list)


def _registry(*formats: ReportFormat) -> dict[str, ReportFormat]:
    return {f.name: f for f in formats}


# In the order the flags are listed in --help.
FORMATS: dict[str, ReportFormat] = _registry(
    ReportFormat(
        "json",
        "Write the JSON report here.",
        "json_report",
        ".json",
        is_json=True,
        people=False,
    ),
    ReportFormat("junit", "Write JUnit XML here.", "junit", ".junit.xml", takes_fail_on=True),
    ReportFormat(
        "html",
        "Write a self-contained HTML report here.",
        "html",
        ".html",
        takes_fail_on=True,
        page_list=True,
    ),
    ReportFormat("sarif", "Write SARIF 2.1.0 here.", "sarif", ".sarif", is_json=True),
    ReportFormat(
        "markdown",
        "Write a Markdown summary (CI step summary).",
        "markdown",
        ".md",
        takes_fail_on=True,
    ),
)


def report_format(name: str) -> ReportFormat:
    """The format called `name`; KeyError naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"no report format {name!r} (known: {', '.join(FORMATS)})") from None


__all__ = ["FORMATS", "ReportFormat", "report_format"]
