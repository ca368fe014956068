"""Writing report files, exit codes per --fail-on, and the terminal progress helper."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from tagaudit.cli.common import ReportOptions
from tagaudit.errors import UsageError
from tagaudit.model import Finding, Report
from tagaudit.report import path_problem, terminal, write_all


def test_write_every_format(sample_report: Report, tmp_path: Path) -> None:
    paths = {
        "markdown": tmp_path / "r.md",
        "json": tmp_path / "out/r.json",
        "junit": tmp_path / "r.xml",
        "html": tmp_path / "r.html",
        "sarif": str(tmp_path / "r.sarif"),
    }
    written = write_all(sample_report, paths)
    assert [p.name for p in written] == ["r.json", "r.xml", "r.html", "r.sarif", "r.md"]
    assert json.loads((tmp_path / "out/r.json").read_text())["schema"] == "1.0"


def test_nothing_requested_writes_nothing(sample_report: Report) -> None:
    assert write_all(sample_report, {}) == []
    assert write_all(sample_report, {"json": None, "html": None}) == []


def test_an_unknown_format_is_the_callers_mistake(sample_report: Report, tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"no report format 'pdf' \(known: json, junit"):
        write_all(sample_report, {"pdf": tmp_path / "r.pdf"})
    assert not list(tmp_path.iterdir())


def test_fail_on_reaches_the_formats_that_follow_it(sample_report: Report, tmp_path: Path) -> None:
    write_all(sample_report, {"junit": tmp_path / "error.xml"})
    write_all(sample_report, {"junit": tmp_path / "warning.xml"}, fail_on="warning")
    assert (tmp_path / "error.xml").read_text() != (tmp_path / "warning.xml").read_text()


def test_a_bad_path_is_named_with_its_flag_before_the_run(tmp_path: Path) -> None:
    good, folder = tmp_path / "r.json", tmp_path / "reports"
    folder.mkdir()
    assert path_problem({"json": good, "html": None}) is None
    assert path_problem({"markdown": folder, "json": good, "sarif": folder}) == (
        f"--sarif {folder}: {folder} is a directory"  # in the order of the flags
    )


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
    assert _report(*severities).exit_code(fail_on) == code


def test_suppressed_findings_never_fail() -> None:
    assert _report("error", suppressed=True).exit_code("info") == 0


def test_bad_fail_on_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--fail-on must be one of"):
        ReportOptions(fail_on="sometimes")


def test_progress_draws_on_a_terminal_unless_quiet() -> None:
    from tagaudit.runner.audit import Progress

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with terminal.progress(console=console) as show:
        show(Progress(1, 2, "https://a/"))
        show(Progress(2, 3, "https://b/"))  # a crawl found one more page
        show(Progress(3, 3, "https://c/"))
    assert "3/3" in out.getvalue()
    quiet = io.StringIO()
    with terminal.progress(console=Console(file=quiet, force_terminal=True), quiet=True) as show:
        show(Progress(1, 2, "https://a/"))
    assert quiet.getvalue() == ""


def test_terminal_has_no_colour_off_a_terminal(sample_report: Report) -> None:
    out = io.StringIO()
    terminal.render(sample_report, Console(file=out, force_terminal=False))
    assert "\x1b[" not in out.getvalue()
    coloured = io.StringIO()
    terminal.render(sample_report, Console(file=coloured, force_terminal=True))
    assert "\x1b[" in coloured.getvalue()


def _consent_report() -> Report:
    """A page audited in two scenarios: GA4 before any choice, Meta only after accept."""
    from tagaudit.model import ConsentRecord, PageVisit, TagHit
    from tagaudit.rules.consent_matrix import consent_matrices

    url = "https://shop.test/"
    none = PageVisit(url, scenario="none", consent=ConsentRecord(method="builtin", cmp="klaro"))
    none.hits = [TagHit("ga4", account="G-1", event="page_view", phase="before-action")]
    accept = PageVisit(url, scenario="accept", consent=ConsentRecord(method="builtin"))
    accept.hits = [TagHit("meta_pixel", account="42", event="PageView", phase="after-action")]
    accept.consent.screenshots = {"before": "data:image/jpeg;base64,AAAA"}
    report = Report(pages=[none, accept])
    report.config.consent_matrix = consent_matrices(report.pages)
    report.summarize()
    return report


def test_the_consent_matrix_is_rendered_from_the_report() -> None:
    from tagaudit.report import html, markdown

    report = _consent_report()
    out = io.StringIO()
    terminal.render(report, Console(file=out, width=100, force_terminal=False))
    text = out.getvalue()
    assert "Consent scenarios (tag × scenario)" in text
    assert "ga4 G-1" in text and "before consent" in text
    md = markdown.render(report)
    assert "### Consent scenarios (tag × scenario)" in md and "meta_pixel 42" in md
    page = html.render(report)
    assert page.count('<section class="consent">') == 1  # once per URL, not per scenario
    assert 'class="c-fires-before-consent"' in page and 'class="c-fires"' in page
    assert 'src="data:image/jpeg;base64,AAAA"' in page


def test_information_with_nothing_to_fix_shows_no_fix() -> None:
    """utm-channel says which GA4 channel a link lands in: no "How to fix" under it."""
    from tagaudit.model import LinkResult
    from tagaudit.report import html, markdown
    from tagaudit.rules.engine import load_rules

    rule = load_rules().get("utm-channel")
    assert rule is not None and rule.help == ""
    link = LinkResult("https://shop.test/?utm_source=news&utm_medium=email")
    finding = rule.finding("lands in Email", link.url)
    report = Report(links=[link], findings=[finding])
    report.summarize()
    assert "How to fix" not in html.render(report)
    out = io.StringIO()
    terminal.render(report, Console(file=out, width=100), verbose=True)
    assert "lands in Email" in out.getvalue() and "fix:" not in out.getvalue()
    row = next(line for line in markdown.render(report).splitlines() if "lands in Email" in line)
    assert row.endswith("| lands in Email |  |")


def test_a_report_repr_is_one_short_line(sample_report: Report) -> None:
    """asyncio formats the finished run task, result included, whenever asyncio.run restores
    its SIGINT handler: a dataclass repr of a large report cost every run a tenth of a second."""
    big = Report(pages=sample_report.pages * 500, findings=sample_report.findings * 500)
    text = repr(big)
    assert "\n" not in text and len(text) < 120
    assert f"pages={len(big.pages)}" in text and f"findings={len(big.findings)}" in text


def test_at_80_columns_wrapped_lines_keep_their_place_in_the_outline(
    sample_report: Report,
) -> None:
    """A terminal of 80 columns (as a person reads it): a finding or fix that wraps goes on
    under its own text (hanging indent), never at column 0 where it would read as a new
    section, and no line is wider than the terminal."""
    out = io.StringIO()
    terminal.render(sample_report, Console(file=out, width=80, color_system=None), verbose=True)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    start = lines.index("Errors (6)")
    section = lines[start + 1 : lines.index("", start)]
    assert all(line.startswith("  ") for line in section), section
    fixes = [i for i, line in enumerate(section) if line.startswith("      fix: ")]
    wrapped = [section[i + 1] for i in fixes if i + 1 < len(section)]
    assert any(line.startswith("        ") for line in wrapped)  # a fix goes on under itself
