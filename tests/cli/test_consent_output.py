"""What a consent run prints and summarises, read from a real `tagaudit audit --consent` run
(tests/conftest.py: consent_cli_run): pages and visits counted apart, the scenario on every
row, a finding met in several scenarios shown once, pass/fail per cell in Markdown."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_header_counts_pages_and_visits_apart(consent_cli_run: dict[str, Any]) -> None:
    head = consent_cli_run["stdout"].splitlines()[0]
    assert "3 page(s), 9 visits (scenarios none, accept, reject)" in head, head


def test_every_matrix_row_names_its_scenario(consent_cli_run: dict[str, Any]) -> None:
    matrix = _section(consent_cli_run["stdout"], "Tag matrix", "3: fired (hits sent)")
    rows = [line for line in matrix.splitlines() if "/didomi/" in line]
    scenarios = [re.search(r"\[(\w+)\]", row).group(1) for row in rows]
    assert scenarios[:3] == ["none", "accept", "reject"]  # (wide matrices come in parts)
    assert len(scenarios) % 3 == 0 and set(scenarios) == {"none", "accept", "reject"}


def test_a_finding_met_in_every_scenario_is_shown_once(consent_cli_run: dict[str, Any]) -> None:
    out = consent_cli_run["stdout"]
    label = [line for line in out.splitlines() if "google-ads-conversion-label" in line]
    assert len(label) == 1, out
    places = [line.strip() for line in out.splitlines() if line.strip().endswith("]")]
    assert any(p.endswith("/didomi/ [none, accept, reject]") for p in places), places


def test_the_terminal_consent_matrix_marks_violations(consent_cli_run: dict[str, Any]) -> None:
    matrix = consent_cli_run["stdout"].split("Consent scenarios (tag × scenario)", 1)[1]
    didomi_ga4 = next(line for line in matrix.splitlines() if "ga4 G-DIDOMI001" in line)
    _none, accept, reject = re.split(r"\s{2,}", didomi_ga4.strip())[1:4]
    assert accept == "✓ fires" and reject == "✗ fires", didomi_ga4


def test_markdown_marks_pass_and_fail_per_cell(consent_cli_run: dict[str, Any]) -> None:
    text = (consent_cli_run["folder"] / "report.md").read_text(encoding="utf-8")
    consent = text.split("### Consent scenarios (tag × scenario)", 1)[1]
    row = next(line for line in consent.splitlines() if line.startswith("| ga4 G-DIDOMI001"))
    assert row.split("|")[2:5] == [" ✅ cookieless ", " ✅ fires ", " ❌ fires "], row
    assert "```" not in text


def test_progress_in_ci_logs_counts_each_scenario(consent_cli_run: dict[str, Any]) -> None:
    """stderr is no terminal here: plain lines, the last one with every scenario done."""
    lines = [line for line in consent_cli_run["stderr"].splitlines() if " done (" in line]
    assert lines and lines[-1].startswith("tagaudit: 9/9 done ("), consent_cli_run["stderr"]
    assert "\x1b[" not in consent_cli_run["stderr"]
