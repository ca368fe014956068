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


def test_each_hit_says_what_became_of_it_not_sent_for_all(
    chromium_path: str, tmp_path: Path
) -> None:
    """A hit tagaudit answered here never reached the vendor: its delivery cell says so, and
    only a hit really let through says delivered (issue 18's capture, as a person reads it)."""
    from tagaudit.model import PageVisit, Request, TagHit

    page = PageVisit(url="https://shop.example/", status=200)
    page.requests = [
        Request("https://www.google-analytics.com/g/collect?en=a", "POST", answered_locally=True),
        Request("https://www.facebook.com/tr?ev=b", let_through="deliver_hits", status=200),
        Request("https://analytics.tiktok.com/api/v2/pixel", "POST", failure="csp"),
    ]
    page.hits = [
        TagHit("ga4", "G-1", "page_view", request_index=0),
        TagHit("meta_pixel", "1", "PageView", request_index=1),
        TagHit("tiktok", "C1", "Pageview", request_index=2),
    ]
    path = tmp_path / "report.html"
    path.write_text(html.render(Report(pages=[page])), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            tab = browser.new_page()
            tab.goto(path.as_uri())
            cells = tab.eval_on_selector_all(
                "table.hits td.cell", "cells => cells.map(c => [c.textContent, c.title])"
            )
        finally:
            browser.close()
    assert [text for text, _ in cells] == ["answered here", "delivered", "csp"]
    assert "nothing delivered" in cells[0][1] and "deliver_hits" in cells[1][1]
