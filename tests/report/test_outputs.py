"""Writing report files, exit codes per --fail-on, and the terminal progress helper."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tagaudit.cli.common import ReportOptions, exit_code_for, write_reports
from tagaudit.errors import UsageError
from tagaudit.model import Finding, Report
from tagaudit.report import terminal


def test_write_every_format(sample_report: Report, tmp_path: Path) -> None:
    options = ReportOptions(
        json=tmp_path / "out/r.json",
        junit=tmp_path / "r.xml",
        html=tmp_path / "r.html",
        sarif=tmp_path / "r.sarif",
        markdown=tmp_path / "r.md",
    )
    written = write_reports(sample_report, options)
    assert sorted(p.name for p in written) == ["r.html", "r.json", "r.md", "r.sarif", "r.xml"]
    assert json.loads((tmp_path / "out/r.json").read_text())["schema"] == "1.0"


def test_nothing_requested_writes_nothing(sample_report: Report) -> None:
    assert write_reports(sample_report, ReportOptions()) == []


def _report(*severities: str, suppressed: bool = False) -> Report:
    findings = [
        Finding("r", "pii", s, "m", url=f"https://x/{i}", suppressed="ok" if suppressed else None)
        for i, s in enumerate(severities)
    ]
    return Report(findings=findings)


@pytest.mark.parametrize(
    ("severities", "fail_on", "code"),
    [
        ((), "error", 0),
        (("warning",), "error", 0),
        (("warning",), "warning", 1),
        (("info",), "warning", 0),
        (("info",), "info", 1),
        (("error",), "error", 1),
        (("error",), "never", 0),
    ],
)
def test_exit_codes(severities: tuple[str, ...], fail_on: str, code: int) -> None:
    assert exit_code_for(_report(*severities), fail_on) == code


def test_suppressed_findings_never_fail() -> None:
    assert exit_code_for(_report("error", suppressed=True), "info") == 0


def test_bad_fail_on_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--fail-on must be one of"):
        ReportOptions(fail_on="sometimes")


def test_progress_is_silent_off_a_terminal() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with terminal.progress(3, console=console) as advance:
        for url in ("https://a/", "https://b/", "https://c/"):
            advance(url)
    assert out.getvalue() == ""


def test_progress_draws_on_a_terminal_unless_quiet() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with terminal.progress(2, console=console) as advance:
        advance("https://a/")
        advance("https://b/")
    assert "2/2" in out.getvalue()
    quiet = io.StringIO()
    with terminal.progress(2, console=Console(file=quiet, force_terminal=True), quiet=True) as step:
        step("https://a/")
    assert quiet.getvalue() == ""


def test_terminal_has_no_colour_off_a_terminal(sample_report: Report) -> None:
    out = io.StringIO()
    terminal.render(sample_report, Console(file=out, force_terminal=False))
    assert "\x1b[" not in out.getvalue()
    coloured = io.StringIO()
    terminal.render(sample_report, Console(file=coloured, force_terminal=True))
    assert "\x1b[" in coloured.getvalue()


def test_other_packages_can_add_sections(sample_report: Report) -> None:
    from tagaudit.report import html, markdown
    from tagaudit.report.common import TEXT_SECTIONS, register_text_section

    def lines(report: Report) -> list[str]:
        return [f"{len(report.pages)} pages seen by the plugin"]

    def page_part(page, report: Report) -> str:  # type: ignore[no-untyped-def]
        return f'<p class="plugin">plugin saw {html.esc(page.url)}</p>'

    register_text_section("Plugin", lines)
    html.register_page_section(page_part)
    try:
        out = io.StringIO()
        terminal.render(sample_report, Console(file=out, width=100, force_terminal=False))
        assert "\nPlugin\n5 pages seen by the plugin\n" in out.getvalue()
        assert "### Plugin\n\n```\n5 pages seen by the plugin\n```" in markdown.render(
            sample_report
        )
        assert html.render(sample_report).count('<p class="plugin">') == 5
    finally:
        TEXT_SECTIONS.remove(("Plugin", lines))
        html.PAGE_SECTIONS.remove(page_part)


def test_the_cli_wires_consents_matrix_into_the_reports() -> None:
    import tagaudit.cli.common  # noqa: F401  (registers on import)
    from tagaudit.consent import matrix
    from tagaudit.report import html
    from tagaudit.report.common import TEXT_SECTIONS

    assert matrix.html_section in html.PAGE_SECTIONS
    assert any(section is matrix.matrix_lines for _, section in TEXT_SECTIONS)
