"""Running every consent fixture site through the scenario loop once, for the e2e modules.

One event loop, one Chromium and one fixture server per test module; the resulting Report
(with the built-in consent rules evaluated) is shared by that module's tests, which keeps
the whole consent suite within its time budget.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tagaudit.browser.page import PageEngine
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import PageSettings, SessionSettings
from tagaudit.consent.scenarios import run_scenarios
from tagaudit.consent.settings import ConsentSettings
from tagaudit.model import Finding, PageVisit, Report
from tagaudit.rules.consent_matrix import consent_matrices
from tagaudit.rules.engine import evaluate, load_rules
from tests.support.consent_sites import NODE_MODULES, ConsentSites

# Launch args of tests/conftest.py's contract; the resolver rule makes any non-loopback load
# fail fast (tracking hits are answered by tagaudit before DNS, so they still work).
TEST_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",)
PAGES = (
    "/klaro/",
    "/cc3/",
    "/onetrust/",
    "/cookiebot/",
    "/cookiebot/thanks.html",
    "/didomi/",
    "/tcf/",
    "/nobanner/",
)
EXPECTED_TAGS = [{"provider": "google_ads", "account": "AW-444444444"}]
PARALLEL_PAGES = 3
ALL = ["none", "accept", "reject"]


def require_npm_banners() -> None:
    """Fail (never skip) with the fix when the npm helpers are missing."""
    missing = [
        p
        for p in ("@duckduckgo/autoconsent", "klaro", "vanilla-cookieconsent")
        if not (NODE_MODULES / p / "package.json").is_file()
    ]
    assert not missing, (
        f"npm packages missing from {NODE_MODULES}: {', '.join(missing)} — run `make setup` "
        "(or `npm ci` at the repository root); CI installs them through make"
    )


async def _run(chromium: str, engine: str, sites: ConsentSites) -> list[PageVisit]:
    settings = SessionSettings(path=chromium, args=list(TEST_ARGS))
    consent = ConsentSettings(
        engine=engine, screenshots="none", node_modules=NODE_MODULES, reappear_timeout=1.0
    )
    gate = asyncio.Semaphore(PARALLEL_PAGES)
    async with BrowserSession(settings) as session:
        engine = PageEngine(session, PageSettings())

        async def one(path: str) -> list[PageVisit]:
            async with gate:
                # /nobanner/ runs what an audit runs there by default: `none` alone (the
                # runner plays scenarios only where a plain visit saw a banner).
                chosen = ["none"] if path == "/nobanner/" else ALL
                return await run_scenarios(engine, sites.url(path), chosen, consent)

        results = await asyncio.gather(*(one(p) for p in PAGES))
    return [visit for visits in results for visit in visits]


def run_all(chromium: str, engine: str) -> Report:
    """Every fixture page with the default scenarios; findings of the built-in rules set."""
    require_npm_banners()
    with ConsentSites() as sites:
        visits = asyncio.run(_run(chromium, engine, sites))
        report = Report(pages=visits)
        report.config.base_url = sites.url("")
        report.config.consent_matrix = consent_matrices(visits)
    ruleset = load_rules()
    ruleset.get("consent-tag-blocked").args["expected"] = EXPECTED_TAGS
    report.findings = [f for f in evaluate(report, ruleset) if f.category == "consent"]
    return report


def path_of(report: Report, url: str) -> str:
    return url.removeprefix(report.config.base_url or "")


def found(report: Report, rule_id: str) -> set[tuple[str, str | None, str | None]]:
    """(page path, scenario, provider) of every finding of `rule_id`."""
    return {
        (path_of(report, f.url), f.location.get("scenario"), f.location.get("provider"))
        for f in report.findings
        if f.rule_id == rule_id
    }


def pages_with(report: Report, rule_id: str) -> set[str]:
    return {path_of(report, f.url) for f in report.findings if f.rule_id == rule_id}


def visit(report: Report, path: str, scenario: str) -> PageVisit:
    return next(
        p for p in report.pages if path_of(report, p.url) == path and p.scenario == scenario
    )


def describe(findings: list[Finding]) -> str:
    return "\n".join(f"{f.rule_id} {f.url} {f.location} {f.message}" for f in findings)


__all__ = ["Path", "describe", "found", "pages_with", "run_all", "visit"]
