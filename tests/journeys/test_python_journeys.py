"""Journeys written in Python (`script:`): async and sync, steps marked with tagaudit.step(),
and an exception that fails its step with the journey's own line, never tagaudit's traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import tagaudit
from tagaudit.runner.sitesrv import SiteServer

pytestmark = [pytest.mark.e2e, pytest.mark.timing]

ASYNC_JOURNEY = """
import tagaudit

async def journey(page):
    await page.goto("/shop/")
    tagaudit.step(page, "product")
    await page.get_by_role("link", name="Trail Widget").first.click()
    await page.wait_for_url("**/trail-widget/")
    tagaudit.step(page, "cart")
    await page.get_by_role("button", name="Add to cart").click()
    await page.wait_for_url("**/shop/cart/")
"""

# What `playwright codegen --target python` writes, as a journey(page).
SYNC_JOURNEY = """
import tagaudit

def journey(page):
    page.goto("/shop/trail-widget/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/shop/cart/")
    tagaudit.step(page, "checkout")
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url("**/shop/checkout/")
    page.get_by_label("Email").fill("buyer@example.com")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("I accept the terms").check()
    tagaudit.step(page, "confirmation")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/shop/thank-you/")
"""

FAILING_JOURNEY = """
import tagaudit

async def journey(page):
    await page.goto("/shop/")
    tagaudit.step(page, "broken")
    raise ValueError("the coupon field is gone")
"""


def _run(tmp_path: Path, site: SiteServer, chromium: str, script: str) -> tagaudit.Report:
    (tmp_path / "journey.py").write_text(script)
    config = tmp_path / "tagaudit.yaml"
    config.write_text("journeys: [{name: j, script: journey.py}]\n")
    # Relative paths in the journey are joined to the site of the page audited with it.
    return tagaudit.audit([site.url("/privacy/")], config=config, browser=chromium)


@pytest.fixture()
def site(demo_site: SiteServer) -> SiteServer:
    return demo_site


def _steps(report: tagaudit.Report) -> list[tuple[str, str]]:
    return [(s.name, s.status) for s in report.journeys[0].steps]


def test_an_async_journey_is_recorded_step_by_step(
    tmp_path: Path, site: SiteServer, chromium_path: str
) -> None:
    report = _run(tmp_path, site, chromium_path, ASYNC_JOURNEY)
    assert _steps(report) == [("start", "ok"), ("product", "ok"), ("cart", "ok")]
    by_step = {p.step: p for p in report.pages}
    assert any(h.event == "add_to_cart" for h in by_step["cart"].hits)
    assert any(h.event == "view_item" for h in by_step["product"].hits)


def test_a_sync_journey_runs_as_codegen_writes_it(
    tmp_path: Path, site: SiteServer, chromium_path: str
) -> None:
    report = _run(tmp_path, site, chromium_path, SYNC_JOURNEY)
    assert _steps(report) == [("start", "ok"), ("checkout", "ok"), ("confirmation", "ok")]
    confirmation = next(p for p in report.pages if p.step == "confirmation")
    assert {"purchase", "conversion", "Purchase"} <= {h.event for h in confirmation.hits}


def test_a_journey_that_raises_fails_its_step_with_its_own_line(
    tmp_path: Path, site: SiteServer, chromium_path: str
) -> None:
    report = _run(tmp_path, site, chromium_path, FAILING_JOURNEY)
    assert _steps(report) == [("start", "ok"), ("broken", "failed")]
    error = report.journeys[0].steps[-1].error
    assert error == "ValueError: the coupon field is gone (journey.py:7)"
    [finding] = [f for f in report.findings if f.rule_id == "journey-step-failed"]
    assert "Traceback" not in finding.message and "journey.py:7" in finding.message
