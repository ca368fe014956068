"""With --baseline, people see what changed: each finding new or unchanged (a badge in the
HTML, a column in the Markdown, a mark in the terminal), the tags lost or gained per page,
and the findings that are fixed; page data stays inert text in every format."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tagaudit.model import Finding, PageVisit, Report, TagHit
from tagaudit.report import html, markdown, terminal
from tagaudit.runner.baseline import compare, mark

SHOP = "https://shop.test"
RED, GREEN = "rgb(180, 35, 24)", "rgb(6, 118, 71)"


def _finding(rule: str, path: str, message: str) -> Finding:
    return Finding(rule, "pii", "error", message, url=f"{SHOP}{path}", help="Fix it.")


def _compared() -> Report:
    previous = Report(
        pages=[PageVisit(f"{SHOP}/thank-you/", hits=[TagHit("ga4", "hit", "G-1", "purchase")])],
        findings=[
            _finding("same-rule", "/thank-you/", "still here"),
            _finding("gone-rule", "/thank-you/", "was here [/x] | `tick`"),
        ],
    )
    current = Report(
        pages=[PageVisit(f"{SHOP}/thank-you/", hits=[TagHit("ga4", "hit", "G-1", "page_view")])],
        findings=[
            _finding("same-rule", "/thank-you/", "still here"),
            _finding("new-rule", "/thank-you/", "arrived with this change"),
        ],
    )
    current.baseline = compare(previous, current, "previous.json")  # as the core does
    mark(current, previous, "previous.json")
    current.summarize()
    return current


def test_the_comparison_is_one_line_in_every_format() -> None:
    report = _compared()
    assert report.baseline is not None
    line = report.baseline.summary(report.findings)
    assert line.startswith("baseline previous.json: 1 new, 1 unchanged, 1 fixed")
    assert "tags changed on 1 page(s)" in line
    assert line in markdown.render(report)
    assert line in html.render(report).replace("&#x27;", "'")


def test_markdown_has_a_baseline_column_and_the_changes() -> None:
    text = markdown.render(_compared())
    assert "| severity | baseline | page | rule | finding | how to fix |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ❌")]
    assert any("🆕 **new**" in r and "new-rule" in r for r in rows)
    assert any("| unchanged |" in r and "same-rule" in r for r in rows)
    assert "### Since the baseline" in text
    assert "| ga4 G-1: purchase | ga4 G-1: page_view |" in text
    # the fixed finding's message is page data: inert, one cell, no code span or link
    assert r"was here \[/x\] \| \`tick\`" in text


def test_without_a_baseline_nothing_changes() -> None:
    report = Report(findings=[_finding("a", "/", "m")])
    assert "baseline" not in markdown.render(report).lower()
    assert 'id="baseline"' not in html.render(report)


def test_the_terminal_says_what_is_new_and_what_was_fixed() -> None:
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False, soft_wrap=True)
    terminal.render(_compared(), console)
    text = out.getvalue()
    assert "\nSince the baseline\n  baseline previous.json: 1 new, 1 unchanged, 1 fixed" in text
    assert "− https://shop.test/thank-you/: ga4 G-1: purchase" in text
    assert "+ https://shop.test/thank-you/: ga4 G-1: page_view" in text
    assert "✓ fixed gone-rule on https://shop.test/thank-you/: was here [/x] | `tick`" in text
    new = next(line for line in text.splitlines() if "new-rule" in line)
    assert new.rstrip().endswith("(new)")
    same = next(line for line in text.splitlines() if "same-rule:" in line)
    assert "(new)" not in same


@pytest.mark.e2e
@pytest.mark.parametrize("width", [1400, 390])
def test_the_html_shows_badges_changes_and_fixes(browser: Any, tmp_path: Path, width: int) -> None:
    path = tmp_path / "report.html"
    path.write_text(html.render(_compared()), encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.screenshot(path=str(tmp_path / f"baseline-{width}.png"), full_page=True)
    # the section sits above the findings, and the table of contents links to it
    order = page.eval_on_selector_all("main > section", "s => s.map(e => e.id)")
    assert order.index("baseline") < order.index("findings")
    assert page.locator('nav.toc a[href="#baseline"]').count() == 1
    # each card says new or unchanged; new in red
    new_card = page.locator("article.finding", has_text="arrived with this change")
    assert new_card.locator(".tag.base-new").inner_text() == "new"
    color = new_card.locator(".tag.base-new").evaluate("e => getComputedStyle(e).color")
    assert color == RED
    same_card = page.locator("article.finding", has_text="still here")
    assert same_card.locator(".tag.base-unchanged").inner_text() == "unchanged"
    # the lost tag in red, the new one in green; the fixed finding as text
    lost = page.locator("#baseline td.lost")
    assert lost.inner_text() == "ga4 G-1: purchase"
    assert lost.evaluate("e => getComputedStyle(e).color") == RED
    assert page.locator("#baseline td.gained").evaluate("e => getComputedStyle(e).color") == GREEN
    fixed = page.locator("#baseline ul.fixed li").inner_text()
    assert "was here [/x] | `tick`" in fixed and "gone-rule" in fixed
    wide = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wide <= 1
    page.close()
