"""`pytest tagaudit.yaml`: a config collected as tests, one item per page and journey.

Run as a team runs it, pytest in a fresh process, against the demo site: the items and
their failures (the same findings the CLI reports for the same config), JUnit XML, -k,
-x, --lf, pytest-xdist, a config pytest cannot read, and which YAML files are collected.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tagaudit.cli import main
from tagaudit.model.report import fails
from tagaudit.runner.sitesrv import SiteServer
from tests.pytest_plugin.suites import outcome, run_suite

CONFIG = """
base_url: {base}
pages:
  - /
  - /cart/
  - /product/widget/
  - /landing/webinar/     # its CSP blocks Meta and TikTok: errors
  - /old-offer/           # 404
journeys:
  - name: spa-checkout
    steps:
      - name: shipping
        do: [{{goto: /spa-checkout/}}, {{click: Continue to payment}}]
      - name: payment
        do:
          - click: {{role: button, name: Pay now}}
          - wait_for: {{selector: "#order-confirmed"}}
  - name: quote           # the button is called "Send enquiry" now
    steps:
      - name: lead
        do: [{{goto: /lead/}}]
      - name: form
        do: [{{click: {{role: button, name: Request a quote}}}}]
        timeout: 3
"""
ITEMS = [
    "/",
    "/cart/",
    "/product/widget/",
    "/landing/webinar/",
    "/old-offer/",
    "journey:spa-checkout",
    "journey:quote",
]
FAILING = {"/landing/webinar/", "/old-offer/", "journey:quote"}


@pytest.fixture
def config_folder(demo_site: SiteServer, tmp_path: Path) -> Path:
    (tmp_path / "tagaudit.yaml").write_text(CONFIG.format(base=demo_site.base_url.rstrip("/")))
    return tmp_path


def _results(junit: Path) -> dict[str, str]:
    """Each test case of a JUnit file → `passed` or its failure message."""
    cases = ET.parse(junit).getroot().iter("testcase")
    results = {}
    for case in cases:
        failure = case.find("failure")
        results[case.get("name", "")] = "passed" if failure is None else failure.get("message", "")
    return results


@pytest.mark.e2e
def test_a_config_as_tests_fails_where_the_cli_finds_errors(
    config_folder: Path, chromium_path: str
) -> None:
    done = run_suite(
        config_folder,
        {},
        "tagaudit.yaml",
        "-v",
        "-p",
        "no:cacheprovider",
        "--junitxml=junit.xml",
        chromium=chromium_path,
    )
    out = done.stdout
    for name in ITEMS:
        state = "FAILED" if name in FAILING else "PASSED"
        assert f"tagaudit.yaml::{name} {state}" in out, outcome(done)
    assert "3 failed, 4 passed" in out
    # A journey's failure shows its steps as sub-results.
    assert "  step form: FAILED" in out
    assert "error journey-step-failed: journey quote, step form: click:" in out
    results = _results(config_folder / "junit.xml")
    assert sorted(results) == sorted(ITEMS)
    assert results["/old-offer/"].startswith("1 finding(s) at error or worse: page-load-error")

    # The same findings as `tagaudit audit -c tagaudit.yaml`, one line each, in the failures.
    report = config_folder / "report.json"
    main(["audit", "-c", str(config_folder / "tagaudit.yaml"), "--json", str(report), "--quiet"])
    findings = json.loads(report.read_text())["findings"]
    errors = [f for f in findings if fails_at_error(f)]
    assert errors
    for finding in errors:
        assert finding["message"] in out, finding
    shown = re.findall(r"^  error (\S+) ", out, re.M) + re.findall(r"^    error (\S+):", out, re.M)
    assert sorted(shown) == sorted(f["rule_id"] for f in errors)


def fails_at_error(finding: dict) -> bool:
    from tagaudit.model import Finding

    fields = {k: finding.get(k) for k in ("rule_id", "category", "severity", "message")}
    return not finding.get("suppressed") and fails(Finding(**fields), "error")


@pytest.mark.e2e
def test_k_x_and_last_failed_select_what_runs(config_folder: Path, chromium_path: str) -> None:
    chosen = run_suite(
        config_folder, {}, "tagaudit.yaml", "-q", "-k", "journey", chromium=chromium_path
    )
    assert "1 failed, 1 passed, 5 deselected" in chosen.stdout, outcome(chosen)

    first = run_suite(config_folder, {}, "tagaudit.yaml", "-q", chromium=chromium_path)
    assert "3 failed, 4 passed" in first.stdout, outcome(first)
    again = run_suite(config_folder, {}, "tagaudit.yaml", "-q", "--lf", chromium=chromium_path)
    assert "3 failed, 4 deselected" in again.stdout, outcome(again)

    stop = run_suite(config_folder, {}, "tagaudit.yaml", "-q", "-x", chromium=chromium_path)
    assert "stopping after 1 failures" in stop.stdout, outcome(stop)
    assert "1 failed, 3 passed" in stop.stdout, outcome(stop)


@pytest.mark.e2e
def test_xdist_workers_share_one_audit(
    config_folder: Path, chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("xdist")
    scratch = tmp_path_factory.mktemp("tmpdir")
    done = run_suite(
        config_folder,
        {},
        "tagaudit.yaml",
        "-n",
        "2",
        "-q",
        "-p",
        "no:cacheprovider",
        "--junitxml=junit.xml",
        chromium=chromium_path,
        env={"TMPDIR": str(scratch)},
    )
    assert "3 failed, 4 passed" in done.stdout, outcome(done)
    results = _results(config_folder / "junit.xml")
    assert {name for name, r in results.items() if r != "passed"} == FAILING
    # The folder where the workers shared the audit is gone with the run.
    assert not list(scratch.glob("tagaudit-pytest-*"))


def test_a_config_that_cannot_be_read_is_one_collection_error(
    tmp_path: Path, chromium_path: str
) -> None:
    files = {"tagaudit.yaml": "pages:\n  - /\ncrawl:\n  depth: many\n"}
    done = run_suite(
        tmp_path, files, "tagaudit.yaml", "-q", "-p", "no:cacheprovider", chromium=chromium_path
    )
    assert "1 error" in done.stdout, outcome(done)
    assert "ERROR collecting tagaudit.yaml" in done.stdout
    line = next(x for x in done.stdout.splitlines() if x.startswith("tagaudit: "))
    assert "tagaudit.yaml:4" in line and "depth" in line, line
    assert "Traceback" not in done.stdout


def test_yaml_files_are_collected_only_when_named_or_listed(
    tmp_path: Path, chromium_path: str
) -> None:
    files = {
        "tagaudit.yaml": "base_url: http://127.0.0.1:9/\n",
        "other.yaml": "not: a config\n",
        "test_plain.py": "def test_plain():\n    pass\n",
    }
    walked = run_suite(
        tmp_path, files, "--collect-only", "-q", "-p", "no:cacheprovider", chromium=chromium_path
    )
    assert "test_plain.py::test_plain" in walked.stdout, outcome(walked)
    assert "tagaudit.yaml" not in walked.stdout
    files = {"pytest.ini": "[pytest]\ntagaudit_files = tagaudit*.yaml\n"}
    listed = run_suite(
        tmp_path, files, "--collect-only", "-q", "-p", "no:cacheprovider", chromium=chromium_path
    )
    assert "tagaudit.yaml::http://127.0.0.1:9/" in listed.stdout, outcome(listed)
    assert "other.yaml" not in listed.stdout
