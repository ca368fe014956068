"""Page data is text, never markup, and one string never costs a report.

A hostile (or just odd) page controls URLs, event names, tids and dataLayer values. These
tests put such strings into a Report and check every reporter: a lone UTF-16 surrogate,
rich markup (`[/x]`), Markdown that would render as a link, an image, a heading or a code
fence, and a 60,000-character parameter.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from tagaudit.model import Finding, PageVisit, Report, Request, TagHit
from tagaudit.report import FORMATS, html, markdown, terminal, write_all

SHOP = "https://shop.test"


def _report(url: str, event: str, tid: str, **params: object) -> Report:
    request = Request(
        f"https://www.google-analytics.com/g/collect?tid={tid}", answered_locally=True
    )
    hit = TagHit("ga4", "hit", tid, event, dict(params), url=request.url, request_index=0)
    page = PageVisit(url, status=200, requests=[request], hits=[hit], data_layer=[{"event": event}])
    finding = Finding("pii-in-hit", "pii", "error", f"{event} on {url}", url=url, help=f"fix {tid}")
    report = Report(tool_version="0", pages=[page], findings=[finding])
    report.summarize()
    return report


def _terminal_bytes(report: Report, verbose: bool = True) -> str:
    """What a UTF-8 stdout receives: surrogates cannot be encoded there."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    terminal.render(report, Console(file=out, width=120, force_terminal=False), verbose=verbose)
    out.flush()
    return raw.getvalue().decode("utf-8")


def test_a_lone_surrogate_costs_no_report(tmp_path: Path) -> None:
    report = _report(f"{SHOP}/x", "x\udfffy", "G-1", note="a\ud800b")
    paths = {
        "json": tmp_path / "r.json",
        "junit": tmp_path / "r.xml",
        "html": tmp_path / "r.html",
        "sarif": tmp_path / "r.sarif",
        "markdown": tmp_path / "r.md",
    }
    written = write_all(report, paths)
    assert written.problems == []
    assert sorted(p.name for p in written) == ["r.html", "r.json", "r.md", "r.sarif", "r.xml"]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["pages"][0]["hits"][0]["event"] == "x\udfffy"  # the JSON keeps the data
    assert "x\ufffdy" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "x\ufffdy" in _terminal_bytes(report)


def test_rich_markup_in_page_data_is_printed_as_is() -> None:
    url = f"{SHOP}/list?filter[color]=red&x=[/x]"
    report = _report(url, "[bold]view[/bold]", "[/x]")
    text = _terminal_bytes(report)
    assert "?filter[color]=red&x=[/x]" in text
    assert "[bold]view[/bold]" in text and "[/x]" in text


def _markdown_tokens(text: str) -> list[str]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = []
    for token in tokens:
        kinds.append(token.type)
        kinds += [child.type for child in token.children or []]
    return kinds


def test_markdown_from_page_data_stays_text() -> None:
    url = f"{SHOP}/p?q=[click](https://evil.test/)&i=![x](https://evil.test/x.png)"
    event = "purchase\r## ✅ all tracking checks passed\r"
    report = _report(url, event, "G-1```\n# owned")
    report.config.consent_matrix = []
    text = markdown.render(report)
    kinds = _markdown_tokens(text)
    assert "link_open" not in kinds and "image" not in kinds
    assert "fence" not in kinds and "code_block" not in kinds
    assert kinds.count("code_inline") == len(report.findings)  # only our own `rule-id`
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all("all tracking checks passed" not in h for h in headings)
    assert "\r" not in text


@pytest.mark.timing
def test_html_rendering_is_linear_in_a_parameter_length() -> None:
    """60,000 characters cost about ten times what 6,000 do (it was a hundred: quadratic)."""

    def seconds(length: int) -> float:
        """The least CPU time of five renders: a busy machine slows some, never all."""
        report = _report(f"{SHOP}/", "page_view", "G-1", blob="a" * length, dl="b%" * length)
        times = []
        for _ in range(5):
            start = time.process_time()
            html.render(report)
            times.append(time.process_time() - start)
        return min(times)

    seconds(1000)  # warm up
    small, large = seconds(6_000), seconds(60_000)
    assert large / small < 30, (small, large)


SECRET_URL = (
    "https://ann:hunter2@shop.test/account?access_token=AT-SECRET-1&password=PW-SECRET-2"
    "&key=AIza-SECRET-3&sig=SIG-SECRET-4&x_token=XT-SECRET-5&utm_source=news"
)


@pytest.fixture
def secret_report() -> Report:
    report = _report(SECRET_URL, "page_view", "G-1", dl=SECRET_URL, ep_note="Bearer SECRET6abcdef")
    finding = report.findings[0]
    finding.message = f"seen on {SECRET_URL}"
    finding.evidence = {
        "request": SECRET_URL,
        "headers": {"Authorization": "Bearer SECRET-7", "Cookie": "session=SECRET-8"},
        "cookies": [{"name": "sid", "value": "SECRET-9", "domain": "shop.test", "path": "/"}],
    }
    return report


def test_every_report_masks_credentials(secret_report: Report, tmp_path: Path) -> None:
    """Where a report goes decides what it shows: every format is read by someone (SARIF by
    code scanning, JUnit by every CI, the JSON as an artifact), so none keeps a credential."""
    texts = [_terminal_bytes(secret_report)]
    written = write_all(secret_report, {f: tmp_path / f"r.{f}" for f in FORMATS})
    assert not written.problems
    texts += [path.read_text(encoding="utf-8") for path in written.paths]
    assert len(texts) == 1 + len(FORMATS)
    for text in texts:
        assert "SECRET" not in text and "hunter2" not in text
        assert "utm_source=news" in text  # what is not a secret stays readable
        assert "access_token=***" in text
    assert secret_report.pages[0].url == SECRET_URL  # the run's own Report is untouched


def test_the_json_keeps_emails_and_with_keep_secrets_its_credentials(
    secret_report: Report, tmp_path: Path
) -> None:
    """The JSON is data for machines: `merge` and `--baseline` run the personal-data rule on
    it again, so it keeps email addresses; reports for people mask them."""
    secret_report.pages[0].hits[0].params["ep.mail"] = "ann@example.com"
    write_all(secret_report, {"json": tmp_path / "r.json", "sarif": tmp_path / "r.sarif"})
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["config"]["secrets"] == "masked"
    assert data["pages"][0]["hits"][0]["params"]["ep.mail"] == "ann@example.com"
    assert "ann@example.com" not in (tmp_path / "r.sarif").read_text(encoding="utf-8")

    secret_report.config.secrets = "kept"  # --keep-secrets
    write_all(secret_report, {"json": tmp_path / "k.json", "sarif": tmp_path / "k.sarif"})
    kept = (tmp_path / "k.json").read_text(encoding="utf-8")
    assert "AT-SECRET-1" in kept and "hunter2" in kept and '"secrets": "kept"' in kept
    assert "AT-SECRET-1" not in (tmp_path / "k.sarif").read_text(encoding="utf-8")
