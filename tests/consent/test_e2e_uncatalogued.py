"""Consent banners no catalog knows, from npm, in five languages: found, played, verified.

Open-source banners that are in neither tagaudit's CMP catalog nor (except tarteaucitron)
autoconsent's rules — Orejime (French), Osano's cookieconsent (German), tarteaucitron
(English), cookies-eu-banner (Spanish) — and a home-made Italian banner that offers only
"accept". A zero-config audit must see each banner on the plain visit, play none / accept /
reject, act on the banner's own controls, and verify the choice from Consent Mode; a banner
it finds but cannot operate is a finding that says so; "no banner" only where there is none.
Both engines are held to it: autoconsent (the zero-config default when installed) and the
built-in catalog.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import tagaudit
from tagaudit.browser.page import PageEngine
from tagaudit.browser.session import BrowserSession
from tagaudit.browser.settings import PageSettings, SessionSettings
from tagaudit.consent.scenarios import run_scenarios
from tagaudit.consent.settings import ConsentSettings
from tagaudit.model import PageVisit, Report
from tests.consent.scenario_runs import TEST_ARGS
from tests.support.consent_sites import NODE_MODULES, ConsentSites

pytestmark = pytest.mark.e2e
BANNERS = ("/orejime/", "/osano-cc/", "/tarteaucitron/", "/cookies-eu/")
PAGES = (*BANNERS, "/accept-only/", "/nobanner/")
PACKAGES = ("orejime", "cookieconsent", "tarteaucitronjs", "cookies-eu-banner")
# The Meta pixel each page gates on "accept".
GATED = {
    "/orejime/": "100000000000011",
    "/tarteaucitron/": "100000000000012",
    "/osano-cc/": "100000000000013",
    "/cookies-eu/": "100000000000014",
}


def _require_packages() -> None:
    missing = [p for p in PACKAGES if not (NODE_MODULES / p / "package.json").is_file()]
    assert not missing, f"npm packages missing: {missing} — run `make setup` (npm ci)"


@pytest.fixture(scope="module")
def zero_config(chromium_path: str) -> tuple[Report, str]:
    """`tagaudit.audit(urls)` with no consent option: scenarios where a banner showed."""
    _require_packages()
    with ConsentSites() as sites:
        report = tagaudit.audit(
            [sites.url(p) for p in PAGES],
            browser=chromium_path,
            browser_args=list(TEST_ARGS),
            concurrency=1,  # one context at a time: banners and read-back on a busy runner
        )
        return report, sites.url("")


async def _builtin(chromium: str, sites: ConsentSites) -> list[PageVisit]:
    consent = ConsentSettings(engine="builtin", screenshots="none", reappear_timeout=1.0)
    session_settings = SessionSettings(path=chromium, args=list(TEST_ARGS))
    async with BrowserSession(session_settings) as session:
        engine = PageEngine(session, PageSettings())
        visits: list[PageVisit] = []
        for path in (*BANNERS, "/accept-only/"):
            visits += await run_scenarios(engine, sites.url(path), ["accept", "reject"], consent)
        return visits


@pytest.fixture(scope="module")
def builtin(chromium_path: str) -> tuple[list[PageVisit], str]:
    _require_packages()
    with ConsentSites() as sites:
        return asyncio.run(_builtin(chromium_path, sites)), sites.url("")


def _visit(pages: list[PageVisit], base: str, path: str, scenario: str) -> PageVisit:
    return next(p for p in pages if p.url == base + path and p.scenario == scenario)


def _gated_sent(page: PageVisit, path: str) -> bool:
    return any(
        h.provider == "meta_pixel" and h.account == GATED[path] and h.kind == "hit"
        for h in page.hits
    )


@pytest.mark.parametrize("path", (*BANNERS, "/accept-only/"))
def test_a_plain_visit_sees_the_banner_and_plays_every_scenario(
    zero_config: tuple[Report, str], path: str
) -> None:
    report, base = zero_config
    scenarios = {p.scenario for p in report.pages if p.url == base + path}
    assert scenarios == {"none", "accept", "reject"}
    for scenario in ("none", "accept", "reject"):
        assert _visit(report.pages, base, path, scenario).consent.popup is True


def test_no_banner_means_no_banner(zero_config: tuple[Report, str]) -> None:
    """The page without a banner gets its plain visit only, and no banner is claimed."""
    report, base = zero_config
    plain = [p for p in report.pages if p.url == base + "/nobanner/"]
    assert [p.scenario for p in plain] == ["none"]
    assert plain[0].consent.banner is None


@pytest.mark.parametrize("path", BANNERS)
def test_accept_and_reject_are_played_and_verified(
    zero_config: tuple[Report, str], path: str
) -> None:
    report, base = zero_config
    accept, reject = (_visit(report.pages, base, path, s) for s in ("accept", "reject"))
    assert accept.consent.action["result"] is True and reject.consent.action["result"] is True
    assert accept.consent.verified is True and reject.consent.verified is True
    assert _gated_sent(accept, path) and not _gated_sent(reject, path)


def test_banners_are_named_by_what_they_are(zero_config: tuple[Report, str]) -> None:
    """Osano's cookieconsent is not Complianz (autoconsent's rule name for it); banners no
    catalog knows are `generic`, acted on by their own buttons."""
    report, base = zero_config
    cmp = {path: _visit(report.pages, base, path, "reject").consent for path in BANNERS}
    assert cmp["/osano-cc/"].cmp == "osano-cookieconsent"
    assert cmp["/tarteaucitron/"].cmp == "tarteaucitron"
    for path in ("/orejime/", "/cookies-eu/"):
        assert cmp[path].cmp == "generic" and cmp[path].action["method"] == "generic"
        assert cmp[path].first_layer["reject"] is True


def test_a_banner_that_cannot_be_operated_says_so(zero_config: tuple[Report, str]) -> None:
    report, base = zero_config
    reject = _visit(report.pages, base, "/accept-only/", "reject").consent
    assert reject.popup is True and reject.action["result"] is False
    assert "no reject control" in reject.action["error"]
    unverified = [
        f
        for f in report.findings
        if f.rule_id == "consent-scenario-unverified" and f.url == base + "/accept-only/"
    ]
    assert [f.location["scenario"] for f in unverified] == ["reject"]
    assert "no reject control" in unverified[0].message
    no_reject = {f.rule_id for f in report.findings if f.url == base + "/accept-only/"}
    assert "consent-no-first-layer-reject" in no_reject
    assert _visit(report.pages, base, "/accept-only/", "accept").consent.verified is True


@pytest.mark.parametrize("path", BANNERS)
def test_the_builtin_engine_plays_them_too(builtin: tuple[list[PageVisit], str], path: str) -> None:
    pages, base = builtin
    accept, reject = (_visit(pages, base, path, s) for s in ("accept", "reject"))
    assert accept.consent.verified is True and reject.consent.verified is True
    assert _gated_sent(accept, path) and not _gated_sent(reject, path)


def test_the_builtin_engine_reports_the_missing_reject(
    builtin: tuple[list[PageVisit], str],
) -> None:
    pages, base = builtin
    reject: Any = _visit(pages, base, "/accept-only/", "reject").consent
    assert reject.action["result"] is False and "no reject control" in reject.action["error"]
