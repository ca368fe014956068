"""The HTML report of real runs (the demo, a consent run, a links run) in headless Chromium, at
1,400 px and on a 390 px phone: screenshots, and DOM checks of what people see — no element
wider than the window, the same colour for the same state everywhere, the verdict at the
top, the consent matrix near it, filters that work without a script, hop diagrams."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tagaudit.runner.sitesrv import SiteServer

pytestmark = pytest.mark.e2e
WIDTHS = (1400, 390)
RED, GREEN, AMBER, BLUE = (
    "rgb(180, 35, 24)",
    "rgb(6, 118, 71)",
    "rgb(181, 71, 8)",
    "rgb(23, 92, 211)",
)
SPRING = "/go/spring?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale&gclid=G1"
SUMMER = "/go/summer?utm_source=newsletter&utm_medium=email&utm_campaign=summer_preview&gclid=G2"
# Every element's box, with every <details> opened first (evidence, hits, screenshots too).
OVERFLOW = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const vw = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1; })
    .map(e => e.tagName.toLowerCase() + '.' + e.className);
  return {vw, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def _open(browser: Any, path: Path, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def _color(page: Page, selector: str) -> str:
    return page.eval_on_selector(selector, "e => getComputedStyle(e).color")


def _shoot_and_measure(browser: Any, path: Path, out: Path, name: str) -> None:
    """At both widths: a full-page screenshot, and no element wider than the window."""
    for width in WIDTHS:
        page = _open(browser, path, width)
        page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
        box = page.evaluate(OVERFLOW)
        page.close()
        assert box["scroll"] <= box["vw"] and box["wide"] == [], (name, width, box)
        assert (out / f"{name}-{width}.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def links_html(demo_site: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("links") / "links.html"
    urls = [demo_site.url(SPRING), demo_site.url(SUMMER), demo_site.url("/old-offer/?utm_source=x")]
    command = [sys.executable, "-m", "tagaudit", "links", *urls, "--http-only", "--html", str(path)]
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    return path


def test_demo_report(browser: Any, demo_audit: dict[str, Any], tmp_path: Path) -> None:
    path = Path(demo_audit["folder"]) / "report.html"
    _shoot_and_measure(browser, path, tmp_path, "demo")
    page = _open(browser, path, 1400)
    assert page.inner_text("header.verdict .word").lower() == "failed"
    assert "--fail-on error" in page.inner_text("header.verdict")
    assert (
        page.eval_on_selector("header.verdict", "e => getComputedStyle(e).borderBottomColor") == RED
    )
    # Every empty cell says why, on hover, in the colour of its state.
    cells = {
        state: page.locator(f"table.matrix td.cell.{state}").first
        for state in ("fired", "loaded", "blocked", "failed", "absent")
    }
    assert "gtag('config', 'G-DEMO12345')" in cells["loaded"].get_attribute("title")
    assert "img-src" in page.locator("table.matrix td.cell.blocked").first.get_attribute("title")
    assert "404" in cells["failed"].inner_text()
    assert _color(page, "table.matrix td.cell.fired") == GREEN
    assert _color(page, "table.matrix td.cell.blocked") == RED
    assert _color(page, "table.matrix td.cell.failed") == RED
    assert _color(page, "table.matrix td.cell.loaded") == AMBER
    assert _color(page, "article.finding.error h3, h3.error") == RED
    page.close()


def test_findings_filter_without_a_script(browser: Any, demo_audit: dict[str, Any]) -> None:
    page = _open(browser, Path(demo_audit["folder"]) / "report.html", 1400)
    assert page.locator("script").count() == 0
    errors = page.locator("article.finding.error")
    total = errors.count()
    assert total >= 8 and errors.first.is_visible()
    page.uncheck("#show-error")
    assert not errors.first.is_visible()
    page.check("#show-error")
    page.select_option("#filter-provider", "tiktok")
    visible = [a for a in page.locator("article.finding").all() if a.is_visible()]
    assert len(visible) == 1 and "tiktok" in visible[0].inner_text()
    page.select_option("#filter-provider", "all")
    webinar = page.locator("#filter-page option", has_text="/landing/webinar/").get_attribute(
        "value"
    )
    page.select_option("#filter-page", webinar)
    shown = [a.inner_text() for a in page.locator("article.finding").all() if a.is_visible()]
    assert len(shown) == 2 and all("/landing/webinar/" in text for text in shown)
    # Anchors: a finding links to its page's section, which exists.
    target = page.locator("article.finding .where a").first.get_attribute("href")
    assert page.locator(target).count() == 1
    page.close()


def test_consent_report(browser: Any, consent_cli_run: dict[str, Any], tmp_path: Path) -> None:
    path = consent_cli_run["folder"] / "report.html"
    _shoot_and_measure(browser, path, tmp_path, "consent")
    page = _open(browser, path, 1400)
    assert page.eval_on_selector("#consent", "e => e.offsetTop") < 700  # not 8,700 px down
    didomi = page.locator("section.consent", has_text="/didomi/")
    row = didomi.locator("tr", has_text="ga4 G-DIDOMI001")
    accept, reject = row.locator("td").nth(1), row.locator("td").nth(2)
    assert accept.inner_text() == "✓ fires" and reject.inner_text() == "✗ fires"
    assert accept.evaluate("e => getComputedStyle(e).color") == GREEN
    assert reject.evaluate("e => getComputedStyle(e).color") == RED  # after reject: a violation
    # A page with only warnings is not green.
    warned = page.locator("details.page.warning").first
    assert warned.evaluate("e => getComputedStyle(e).borderLeftColor") == AMBER
    ok = page.locator("details.page.ok")
    assert all(p.evaluate("e => getComputedStyle(e).borderLeftColor") == GREEN for p in ok.all())
    held = page.locator("table.matrix tr", has_text="[reject]").locator("td.cell.consent").first
    assert held.evaluate("e => getComputedStyle(e).color") == BLUE
    assert "reject all" in held.get_attribute("title")
    page.close()


def test_links_report(browser: Any, links_html: Path, tmp_path: Path) -> None:
    _shoot_and_measure(browser, links_html, tmp_path, "links")
    page = _open(browser, links_html, 1400)
    spring = page.locator("article.link", has_text="/go/spring")
    assert spring.locator(".verdict-word").inner_text().lower() == "params lost"
    hops = spring.locator("ol.hops > li")
    assert hops.count() == 2
    dropped = hops.nth(1).locator(".chip.dropped")
    assert sorted(dropped.all_inner_texts()) == [
        "✗ gclid",
        "✗ utm_campaign",
        "✗ utm_medium",
        "✗ utm_source",
    ]
    assert dropped.first.evaluate("e => getComputedStyle(e).color") == RED
    summer = page.locator("article.link", has_text="/go/summer")
    assert summer.locator(".verdict-word").inner_text().lower() == "ok"
    assert summer.locator(".chip.dropped").count() == 0
    page.close()
