"""The HTML report opened in headless Chromium: it renders, logs no console errors, and loads
nothing but itself (self-contained)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tagaudit.model import Report
from tagaudit.report import html

pytestmark = pytest.mark.e2e

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def test_html_report_renders_in_chromium(
    sample_report: Report, chromium_path: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(html.render(sample_report), encoding="utf-8")
    problems: list[str] = []
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(path.as_uri())
            title = page.title()
            cards = page.locator("article.finding").count()
            matrix_rows = page.locator("table.matrix tr").count()
            page_sections = page.locator("details.page").count()
            text = page.inner_text("main")
            width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert problems == []
    assert requested == [path.as_uri()]
    assert title == "tagaudit report: 6 errors, 1 warning, 0 info (1 suppressed)"
    assert cards == len(sample_report.findings)
    assert matrix_rows == 1 + len(sample_report.pages)
    assert page_sections == len(sample_report.pages)
    assert "How to fix:" in text and "a***@example.com" in text
    assert width <= 1280, "the report should not scroll sideways at a normal window size"
