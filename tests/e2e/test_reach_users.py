"""Issue 20's four users on their site (fixtures/reach-site), run as they run tagaudit: no
wrong cause, no finding that repeats another, and each question answered on the first screen.

- the analyst asks why conversions are missing: the confirmation alone, then a crawl;
- the CI engineer runs the config (a journey whose checkout link is missing) into JUnit and
  SARIF;
- the QA engineer's part of the same run: a single-page app with GA4 only and a gclid on its
  link, a page whose hits go to the site's own collector, which is down;
- the marketer checks a Google Ads export (Final URL + Final URL suffix) of landings behind
  a real Klaro banner.

Real Chromium, the real Klaro from npm, a real server on 127.0.0.1; each command runs as a
subprocess with an 80-column terminal width, as a person would read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tagaudit.model import Report
from tagaudit.report.matrix import tag_matrix
from tagaudit.runner.sitesrv import SiteServer
from tests.support.reach_site import SITE, campaign_csv, serve_reach_site

pytestmark = pytest.mark.e2e
FIRST_SCREEN = 24  # lines of an 80×24 terminal


@pytest.fixture(scope="module")
def site() -> Iterator[SiteServer]:
    with serve_reach_site() as served:
        yield served


def tagaudit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a person runs it, in an 80-column terminal (its output piped)."""
    env = {**os.environ, "COLUMNS": "80"}
    command = [sys.executable, "-m", "tagaudit", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=420, env=env, cwd=cwd)


def findings(report: dict[str, Any], **where: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if all(f.get(k) == v for k, v in where.items())]


def causes_are_said_once(report: dict[str, Any]) -> None:
    """No finding repeats another: one per page, scenario and root cause."""
    keys = Counter(
        (f["url"], f["location"].get("scenario"), f["evidence"]["cause"])
        for f in report["findings"]
        if f["evidence"].get("cause")
    )
    assert [key for key, n in keys.items() if n > 1] == []


# -- the analyst ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alone(site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("alone") / "report.json"
    url = site.url("/order/thank-you/")
    done = tagaudit("audit", url, "--browser", chromium_path, "--json", str(out))
    return done, json.loads(out.read_text(encoding="utf-8"))


def test_a_confirmation_on_its_own_says_it_has_no_order(alone: Any) -> None:
    done, report = alone
    assert done.returncode == 0, done.stderr  # a warning: nothing is known to be broken
    screen = done.stdout.splitlines()[:FIRST_SCREEN]
    text = "\n".join(screen)
    assert "page-not-reached: this confirmation has no order in this browser" in text
    assert "(the page says 'No order found')" in text
    assert "Reach it with a journey that places an order" in text
    assert "passed" in text and "1 warning" in text
    assert "not installed" not in done.stdout
    [page] = report["pages"]
    assert page["reached"] == {
        "page": "loaded",
        "consent": "not-asked",
        "empty": "no-order",
        "notice": "No order found",
    }


def test_a_crawl_blames_no_tag_on_the_empty_confirmation(
    site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    out = tmp_path / "crawl.json"
    done = tagaudit(
        "audit", site.url("/"), "--depth", "2", "--browser", chromium_path, "--json", str(out)
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    thank_you = site.url("/order/thank-you/")
    assert [f["rule_id"] for f in findings(report, url=thank_you)] == ["page-not-reached"]
    assert not findings(report, rule_id="tag-inferred-missing", url=thank_you)
    causes_are_said_once(report)
    # The crawl saw the site: every other page reached the state its tags need.
    empty = [p["url"] for p in report["pages"] if p["reached"].get("empty")]
    assert empty == [thank_you] and done.returncode == 1  # (the collector: see QA below)


# -- the CI engineer and the QA engineer: one run of the config -----------------------------


@pytest.fixture(scope="module")
def ci(site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("ci")
    paths = {f: folder / f"report.{f}" for f in ("json", "junit", "sarif", "html")}
    flags = [f"--{fmt}={path}" for fmt, path in paths.items()]
    done = tagaudit(
        "audit",
        "-c",
        str(SITE / "tagaudit.yaml"),
        "--base-url",
        site.base_url,
        "--browser",
        chromium_path,
        *flags,
        cwd=SITE,  # SARIF places findings in files relative to the checkout
    )
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    return done, report, paths


def test_the_failed_step_is_the_one_finding_of_its_journey(ci: Any) -> None:
    done, report, _ = ci
    [failed] = findings(report, rule_id="journey-step-failed")
    assert failed["message"].startswith(
        "journey checkout, step checkout: click: a button, link or text 'Checkout' did not "
        "appear (or was not usable) within 10 s; not run: confirmation"
    )
    # The site-wide `expect: tag:` entries were not checked on the failed step's page.
    on_journey = [f for f in report["findings"] if f["location"].get("journey") == "checkout"]
    assert [f["rule_id"] for f in on_journey] == ["journey-step-failed"]
    causes_are_said_once(report)
    assert done.returncode == 1
    assert "journey-step-failed" in "\n".join(done.stdout.splitlines()[:FIRST_SCREEN])


def test_a_missing_button_costs_the_action_timeout_not_the_page_timeout(ci: Any) -> None:
    _, report, _ = ci
    checkout = next(j for j in report["journeys"] if j["name"] == "checkout")
    step = next(s for s in checkout["steps"] if s["name"] == "checkout")
    assert step["status"] == "failed" and step["reached"]["goal"] == "failed"
    assert 10_000 <= step["duration_ms"] < 25_000  # 10 s of waiting, not the 30 s page timeout
    skipped = next(s for s in checkout["steps"] if s["name"] == "confirmation")
    assert skipped["reached"] == {"page": "not-run", "goal": "skipped"}


def test_the_tag_matrix_has_no_row_for_the_failed_step(ci: Any) -> None:
    _, report, _ = ci
    _, rows = tag_matrix(Report.from_dict(report))
    assert ("checkout", "checkout") not in {(p.journey, p.step) for p, _ in rows}
    assert ("checkout", "cart") in {(p.journey, p.step) for p, _ in rows}


def test_junit_lists_what_applied_under_names_that_last(ci: Any) -> None:
    _, _, paths = ci
    root = ET.parse(paths["junit"]).getroot()
    suites = {s.get("name"): s for s in root}
    assert len(suites) == len(list(root)), "suite names repeat"
    assert not [name for name in suites if "?" in name], "per-run query values in names"
    assert set(suites) >= {
        "/",
        "/shop/cart/",
        "journey checkout / checkout",
        "journey checkout / confirmation",
        "journey buy-now / confirmation",
        "journey trips / booking",
    }

    def cases(suite: str) -> dict[str, str]:
        return {
            c.get("name"): (c[0].tag if len(c) else "passed")
            for c in suites[suite].iter("testcase")
        }

    # The failed step fails once; what was meant for it and the step after it is skipped.
    assert cases("journey checkout / checkout")["journey-step-failed"] == "failure"
    assert cases("journey checkout / checkout")["expect tag ga4:G-NORTH0001"] == "skipped"
    assert cases("journey checkout / confirmation") == {
        "expect event ga4:purchase": "skipped",
        "expect event ga4:purchase params": "skipped",
        "journey-step-failed": "skipped",
    }
    skipped = suites["journey checkout / confirmation"].find("testcase/skipped")
    assert skipped.get("message") == "step not run after step checkout failed: not checked"
    # Rules are listed only where they had something to check: no purchase rule on the home
    # page, and every expectation under its YAML.
    home = cases("/")
    assert "ga4-purchase-params" not in home and "tag-collector-down" not in home
    assert {"expect tag ga4:G-NORTH0001", "expect tag google_ads:AW-987654321"} <= set(home)
    assert not [name for name in home if name.startswith("expect-")]
    assert cases("journey buy-now / confirmation")["ga4-purchase-params"] == "passed"
    per_page = {
        name: sorted(c.get("name") for c in s.iter("testcase"))
        for name, s in suites.items()
        if "journey" not in name
    }
    # No page lists rules about links, journeys or consent, which never apply to a plain
    # visit; 24 rules a page before. /stories/ meets the most: its own collector, an SDK.
    foreign = ("link-", "journey-", "consent-", "click-id")
    assert not {n: c for n, c in per_page.items() if any(r.startswith(foreign) for r in c)}
    big = {n: c for n, c in per_page.items() if len(c) > 16}
    assert not big, "\n".join(f"{n}: {c}" for n, c in big.items())


def test_sarif_places_the_failed_step_at_its_line(ci: Any) -> None:
    _, _, paths = ci
    results = json.loads(paths["sarif"].read_text(encoding="utf-8"))["runs"][0]["results"]
    [failed] = [r for r in results if r["ruleId"] == "journey-step-failed"]
    where = failed["locations"][0]["physicalLocation"]
    lines = (SITE / "tagaudit.yaml").read_text(encoding="utf-8").splitlines()
    step = lines.index("      - name: checkout") + 1  # the step, not a `pages:` entry
    assert (where["artifactLocation"]["uri"], where["region"]["startLine"]) == (
        "tagaudit.yaml",
        step,
    )


def test_a_gclid_on_an_app_without_google_ads_is_one_info_line(ci: Any, site: SiteServer) -> None:
    _, report, _ = ci
    assert not findings(report, rule_id="click-id-lost")
    # The config leaves Google Ads out of the app (`not_on`): no inference blames it there.
    assert not findings(report, rule_id="tag-inferred-missing", url=site.url("/app/"))
    [unused] = findings(report, rule_id="click-id-unused")
    assert unused["severity"] == "info"
    assert unused["message"] == (
        "journey trips: gclid is on the start link, but no google_ads or floodlight tag ran on "
        "this journey: nothing stores or sends it, so nothing is lost"
    )


def test_the_down_collector_does_not_pass_and_nothing_was_delivered(
    ci: Any, site: SiteServer
) -> None:
    done, report, _ = ci
    stories = site.url("/stories/")
    on_page = findings(report, url=stories)
    # The one problem on the page; issue 19's info line names the host's wire format.
    [down] = [f for f in on_page if f["severity"] != "info"]
    assert (down["rule_id"], down["severity"]) == ("tag-collector-down", "error")
    assert sorted(f["rule_id"] for f in on_page) == ["collector-family", "tag-collector-down"]
    assert (
        "is down (HTTP 502 to a harmless probe: an OPTIONS request with no event"
        in (down["message"])
    )
    # The site-wide GA4 expectation and the inference met the same cause: one finding.
    assert sorted(a["rule"] for a in down["evidence"]["also"]) == [
        "expect-1",
        "tag-inferred-missing",
    ]
    # The collector was asked, never sent an event.
    asked = [p for p in site.served if "/metrics/g/collect" in p]
    assert asked and all(p.startswith("OPTIONS ") for p in asked), asked
    assert "tag-collector-down" in "\n".join(done.stdout.splitlines()[:FIRST_SCREEN])


# -- the marketer ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marketer(site: SiteServer, chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("links")
    csv = campaign_csv(site, folder)
    out, html = folder / "links.json", folder / "links.html"
    done = tagaudit(
        "links", str(csv), "--browser", chromium_path, "--json", str(out), "--html", str(html)
    )
    return done, json.loads(out.read_text(encoding="utf-8")), html


def test_landings_behind_a_banner_are_judged_after_the_choice(marketer: Any) -> None:
    done, report, _ = marketer
    assert done.returncode == 1, done.stderr  # the old spring link drops the query
    landings = [(k["expected"]["source"], k["landing"]) for k in report["links"]]
    assert not findings(report, rule_id="link-param-not-stored"), landings
    gclid = [k for k in report["links"] if "gclid=" in k["url"] and k["landing"].get("arrived")]
    assert len(gclid) == 4
    for link in gclid:
        assert link["landing"]["consent"] == "granted" and link["landing"]["banner"] == "klaro"
        assert link["landing"]["stored_in_cookies"] == {"gclid": ["_gcl_aw"]}
    # The Final URL suffix column is part of every link.
    assert all("utm_campaign=" in k["url"] for k in report["links"])
    # The old spring link: the redirect that dropped the gclid is the one finding, and the
    # CSV's `Must arrive` column is said in it, not again.
    [old] = [k["url"] for k in report["links"] if "/go/spring-2025" in k["url"]]
    [dropped] = [f for f in findings(report, url=old) if f["severity"] != "info"]
    assert dropped["rule_id"] == "link-stripped-params"
    assert [a["rule"] for a in dropped["evidence"]["also"]] == ["link-must-arrive"]
    [case] = findings(report, rule_id="utm-case")
    assert case["message"] == "utm_source spelt 'Facebook' / 'facebook' in campaign 'spring_sale'"
    causes_are_said_once(report)


def test_the_links_answer_on_the_first_screen(marketer: Any) -> None:
    done, _, _ = marketer
    lines = done.stdout.splitlines()
    start = lines.index("9 link(s) of campaign-links.csv: 1 params lost, 1 warning, 7 ok")
    assert start < 4  # right under the run's one-line header
    table = lines[start + 1 : start + 12]
    assert table[0].split() == ["verdict", "line", "what", "happened"]
    assert (
        table[1] == "  params lost  5     /go/spring-2025 dropped gclid, utm_source/medium/campaign"
    )
    assert table[2].startswith("  warning      6     utm_source spelt 'Facebook' / 'facebook'")
    assert [row.split()[0] for row in table[3:10]] == ["ok"] * 7
    assert table[10] == "9 landing(s) behind a klaro banner: judged after accept (--consent)"
    assert all(len(line) <= 80 for line in lines[: start + 12])


def test_the_html_opens_with_the_links(marketer: Any, chromium_path: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    _, report, html = marketer
    shot = tmp_path / "links.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(html.as_uri())
            page.screenshot(path=str(shot))
            first = page.evaluate("document.querySelector('main section').id")
            table = page.locator("#links-overview").bounding_box()
            rows = page.locator("#links-overview tr").all_inner_texts()
            cards = page.locator("article.rule-card").count()
            info_cards = page.locator("article.finding.info").count()
            height = page.evaluate("document.documentElement.scrollHeight")
        finally:
            browser.close()
    assert first == "links-overview"
    assert table is not None and table["y"] + table["height"] <= 900  # the first screen
    assert len(rows) == 1 + len(report["links"]) and rows[1].lower().startswith("params lost")
    # Information is one card per rule, listing its links (GA4 channels, privacy strips).
    info = Counter(f["rule_id"] for f in report["findings"] if f["severity"] == "info")
    assert cards == sum(1 for n in info.values() if n > 1)
    assert info_cards == len(info)
    assert height < 6000 and shot.stat().st_size > 0


def test_no_consent_choice_says_the_tags_wait(
    site: SiteServer, chromium_path: str, tmp_path: Path
) -> None:
    csv = campaign_csv(site, tmp_path, rows=[2])
    out = tmp_path / "none.json"
    done = tagaudit(
        "links", str(csv), "--consent", "none", "--browser", chromium_path, "--json", str(out)
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert not findings(report, rule_id="link-param-not-stored")
    [waits] = findings(report, rule_id="link-param-waits-for-consent")
    assert waits["message"] == (
        "gclid arrived, but the landing's tags wait for consent (klaro banner), which this "
        "visit did not give (run with --consent accept)"
    )
