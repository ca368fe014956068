"""What every consent fixture site must produce, whichever engine drives the banners.

Imported by test_e2e_autoconsent.py and test_e2e_builtin.py: each defines a module-scoped
`report` fixture (one run of every fixture page) and collects these tests against it.
The expected findings are strict both ways: every listed finding appears, nothing else does.
"""

from __future__ import annotations

import json

from tagaudit.model import SCENARIOS, Report
from tagaudit.report.consent import html_section, matrix_lines
from tests.consent.scenario_runs import found, path_of, visit
from tests.support.consent_sites import REPO

# (rule id, page path, scenario, provider) of every finding the fixture sites must raise.
EXPECTED = {
    # Tracking hits / identifier cookies before any choice (error).
    ("consent-hit-before-choice", "/cc3/", "none", "meta_pixel"),
    ("consent-hit-before-choice", "/onetrust/", "none", "ga4"),
    ("consent-hit-before-choice", "/tcf/", "none", "google_ads"),
    ("consent-hit-before-choice", "/nobanner/", "none", "ga4"),
    ("consent-hit-before-choice", "/nobanner/", "none", "meta_pixel"),
    ("consent-cookie-before-choice", "/cc3/", "none", None),
    ("consent-cookie-before-choice", "/onetrust/", "none", None),
    ("consent-cookie-before-choice", "/tcf/", "none", None),
    ("consent-cookie-before-choice", "/nobanner/", "none", None),
    # Hits / identifier cookies after "reject all" (error).
    ("consent-hit-after-reject", "/cc3/", "reject", "meta_pixel"),
    ("consent-hit-after-reject", "/onetrust/", "reject", "ga4"),
    ("consent-hit-after-reject", "/tcf/", "reject", "google_ads"),
    ("consent-hit-after-reject", "/didomi/", "reject", "ga4"),
    ("consent-hit-after-reject", "/didomi/", "reject", "meta_pixel"),
    ("consent-hit-after-reject", "/didomi/", "reject", "google_ads"),
    ("consent-cookie-after-reject", "/didomi/", "reject", None),
    # Consent Mode cookieless pings (gcs=G100), their own low-severity kind.
    ("consent-mode-denied-ping", "/klaro/", "none", "ga4"),
    ("consent-mode-denied-ping", "/klaro/", "reject", "ga4"),
    ("consent-mode-denied-ping", "/cc3/", "none", "ga4"),
    ("consent-mode-denied-ping", "/cc3/", "reject", "ga4"),
    ("consent-mode-denied-ping", "/cookiebot/", "none", "ga4"),
    ("consent-mode-denied-ping", "/cookiebot/", "reject", "ga4"),
    ("consent-mode-denied-ping", "/cookiebot/thanks.html", "none", "ga4"),
    ("consent-mode-denied-ping", "/cookiebot/thanks.html", "reject", "ga4"),
    ("consent-mode-denied-ping", "/didomi/", "none", "ga4"),
    ("consent-mode-denied-ping", "/didomi/", "none", "google_ads"),
    # Consent-blocked: fires after accept on the home page but not on /thanks; and the
    # expected Google Ads conversion never fires after accept (reported on every page).
    ("consent-tag-blocked", "/cookiebot/thanks.html", "accept", "meta_pixel"),
    *{
        ("consent-tag-blocked", p, "accept", "google_ads")
        for p in (
            "/klaro/",
            "/cc3/",
            "/onetrust/",
            "/cookiebot/",
            "/cookiebot/thanks.html",
            "/didomi/",
            "/tcf/",
        )
    },
    # Consent Mode: no default before the first Google hit; v2 signals; contradictions.
    ("consent-mode-no-default", "/onetrust/", "none", "ga4"),
    ("consent-mode-no-default", "/tcf/", "none", "google_ads"),
    ("consent-mode-no-default", "/nobanner/", "none", "ga4"),
    ("consent-mode-v2-signals", "/cc3/", "none", "ga4"),
    ("consent-mode-contradicts-choice", "/cc3/", "accept", "ga4"),
    ("consent-mode-contradicts-choice", "/didomi/", "reject", "ga4"),
    ("consent-mode-contradicts-choice", "/didomi/", "reject", "google_ads"),
    # Banner design: no reject on the first layer; reject needs more clicks (warnings).
    ("consent-no-first-layer-reject", "/onetrust/", "none", "onetrust"),
    ("consent-reject-more-clicks", "/onetrust/", "reject", "onetrust"),
    # No banner while trackers fire; choice not kept; read-back disagrees.
    ("consent-banner-missing", "/nobanner/", "none", None),
    ("consent-choice-not-persisted", "/tcf/", "accept", "quantcast"),
    ("consent-choice-not-persisted", "/tcf/", "reject", "quantcast"),
    ("consent-scenario-unverified", "/didomi/", "reject", "didomi"),
}


def _all_found(report: Report) -> set[tuple[str, str, str | None, str | None]]:
    return {
        (rule_id, *where)
        for rule_id in {f.rule_id for f in report.findings}
        for where in found(report, rule_id)
    }


def test_exactly_the_expected_consent_findings(report: Report) -> None:
    actual = _all_found(report)
    missing, extra = EXPECTED - actual, actual - EXPECTED
    assert not missing and not extra, f"missing: {sorted(missing)}\nextra: {sorted(extra)}"


def test_severities_follow_the_issue(report: Report) -> None:
    severity = {f.rule_id: f.severity for f in report.findings}
    assert severity["consent-hit-before-choice"] == "error"
    assert severity["consent-cookie-before-choice"] == "error"
    assert severity["consent-hit-after-reject"] == "error"
    assert severity["consent-mode-denied-ping"] == "info"
    assert severity["consent-no-first-layer-reject"] == "warning"
    assert severity["consent-reject-more-clicks"] == "warning"


def test_identifier_cookies_are_named(report: Report) -> None:
    by_page = {(path_of(report, f.url), f.rule_id): f.evidence for f in report.findings}
    names = {c["name"] for c in by_page[("/didomi/", "consent-cookie-after-reject")]["cookies"]}
    assert {"_ga", "_fbp", "_gcl_au"} <= names
    assert {c["name"] for c in by_page[("/tcf/", "consent-cookie-before-choice")]["cookies"]} == {
        "_gcl_au"
    }


def test_the_banner_is_seen_only_where_there_is_one(report: Report) -> None:
    """No popup on a page without a banner; one on each scenario of a page with one.

    (Which scenarios a page gets by default is the runner's choice, from its plain visit:
    tests/cli/test_audit_consent.py.)"""
    assert visit(report, "/nobanner/", "none").consent.popup is False
    assert {visit(report, "/klaro/", s).consent.popup for s in SCENARIOS} == {True}


def test_phases_tag_requests_hits_and_cookies(report: Report) -> None:
    page = visit(report, "/klaro/", "accept")
    meta = [h for h in page.hits if h.provider == "meta_pixel"]
    assert meta and {h.phase for h in meta} == {"after-action", "after-reload"}
    assert all(page.requests[h.request_index].phase == h.phase for h in page.hits)
    assert {c.name: c.phase for c in page.cookies}["_fbp"] == "after-action"
    assert {h.phase for h in page.hits if h.provider == "ga4"} >= {"before-action"}


def test_accept_and_reject_are_verified_by_read_back(report: Report) -> None:
    for path in ("/klaro/", "/cc3/", "/onetrust/", "/cookiebot/", "/tcf/"):
        for scenario in ("accept", "reject"):
            consent = visit(report, path, scenario).consent
            assert consent.verified is True, (path, scenario, consent.verification)
            assert consent.verification["agrees"], (path, scenario)
    tcf = visit(report, "/tcf/", "reject").consent.readback["after-action"]["tcf"]
    assert tcf["event_status"] == "useractioncomplete" and tcf["decision"] == "reject"
    assert tcf["tc_string"] and tcf["gdpr_applies"] is True
    gpp = visit(report, "/tcf/", "accept").consent.readback["after-action"]["gpp"]
    assert gpp["signalStatus"] == "ready" and gpp["applicableSections"] == [2]


def test_consent_mode_commands_are_hooked_with_timestamps(report: Report) -> None:
    commands = visit(report, "/klaro/", "accept").consent.consent_mode["commands"]
    default = next(c for c in commands if c["command"] == "default")
    assert default["values"]["ad_user_data"] == "denied" and default["ts"] > 0
    assert any(
        c["command"] == "update"
        and c["phase"] == "after-action"
        and c["values"].get("ad_storage") == "granted"
        for c in commands
    )


def test_gcs_gcd_on_hits_classic_and_new_layouts(report: Report) -> None:
    """Decoded Consent Mode on real fixture hits: classic `11p1…5` and newer `13p3…l1`."""
    klaro = visit(report, "/klaro/", "accept")
    granted = [h for h in klaro.hits if h.provider == "ga4" and h.phase == "after-action"]
    gcd = granted[0].consent["gcd"]
    assert granted[0].consent["gcs"]["raw"] == "G111"
    assert gcd["raw"] == "11r1r1r1r5" and gcd["ad_user_data"]["update"] == "granted"
    assert gcd["ad_storage"]["default"] == "denied"
    cc3 = visit(report, "/cc3/", "none")
    first = next(h for h in cc3.hits if h.provider == "ga4")
    assert first.consent["gcd"]["raw"] == "13p3p3l2l5l1"
    assert first.consent["gcd"]["analytics_storage"]["effective"] == "denied"
    assert first.consent["gcd"]["ad_personalization"]["letter"] == "l"


def test_engine_method_and_rule_are_recorded(report: Report) -> None:
    consent = visit(report, "/onetrust/", "reject").consent
    assert consent.cmp == "onetrust"
    assert consent.method in ("autoconsent", "builtin")
    assert consent.rule and consent.clicks >= 2
    assert consent.first_layer["reject"] is False


def test_scenario_matrix_per_page(report: Report) -> None:
    matrices = {path_of(report, m.url): m for m in report.config.consent_matrix}
    klaro = {row.tag: row.cells for row in matrices["/klaro/"].tags}
    assert klaro["meta_pixel 100000000000001"] == {
        "none": "blocked",
        "accept": "fires",
        "reject": "blocked",
    }
    assert klaro["ga4 G-KLARO01"] == {
        "none": "cookieless",
        "accept": "fires",
        "reject": "cookieless",
    }
    cc3 = {row.tag: row.cells for row in matrices["/cc3/"].tags}
    assert set(cc3["meta_pixel 200000000000002"].values()) == {"fires-before-consent"}
    nobanner = {row.tag: row.cells for row in matrices["/nobanner/"].tags}
    assert nobanner["ga4 G-NOBANNER1"]["accept"] == "not-run"
    assert any("before consent" in line for line in matrix_lines(report))


def test_matrix_goes_into_json_and_html(report: Report) -> None:
    matrices = json.loads(json.dumps(report.to_dict()))["config"]["consent_matrix"]
    assert {m["url"] for m in matrices} == {m.url for m in report.config.consent_matrix}
    none, accept = visit(report, "/klaro/", "none"), visit(report, "/klaro/", "accept")
    section = html_section(none, report)
    assert "<table" in section and "meta_pixel 100000000000001" in section
    assert html_section(accept, report) == ""  # one table per page, on its first visit


def test_reports_show_the_consent_matrix(report: Report) -> None:
    """The reporters render the matrix from the Report (report.config.consent_matrix)."""
    from tagaudit.report import html, markdown

    page = html.render(report)
    assert page.count('<section class="consent">') == len(report.config.consent_matrix)
    assert 'class="c-fires-before-consent"' in page
    assert "Consent scenarios" in markdown.render(report)


def test_consent_report_matches_the_json_schema_and_round_trips(report: Report) -> None:
    import jsonschema

    from tagaudit.report import json_report

    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    data = json.loads(json_report.render(report))
    jsonschema.Draft202012Validator(schema).validate(data)
    again = Report.from_dict(data)
    assert [h.phase for h in again.pages[0].hits] == [h.phase for h in report.pages[0].hits]
    assert again.pages[0].consent == report.pages[0].consent
    assert again.config.consent_matrix == report.config.consent_matrix
