"""`tagaudit audit` with no --consent: pages showing a banner get the three scenarios.

DESIGN.md's default: a plain visit detects the banner (one evaluate of the CMP catalog), then
that page runs none/accept/reject in fresh contexts; a page without a banner keeps its plain
visit. Uses the consent fixture sites (tests/support/consent_sites.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagaudit.cli import main
from tests.support.consent_sites import ConsentSites

pytestmark = pytest.mark.e2e


def test_banner_pages_run_the_scenarios_by_default(chromium_path: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    with ConsentSites() as sites:
        targets = [sites.url("/onetrust/"), sites.url("/nobanner/")]
        code = main(["audit", *targets, "--browser", chromium_path, "--json", str(out), "-q"])
    report = json.loads(out.read_text())
    pages = report["pages"]
    visits = [(Path(p["url"]).name, p["scenario"], "method" in p["consent"]) for p in pages]
    assert visits == [
        ("onetrust", "none", True),
        ("onetrust", "accept", True),
        ("onetrust", "reject", True),
        ("nobanner", "none", False),
    ]
    rules = {(f["rule_id"], f["location"].get("scenario")) for f in report["findings"]}
    assert ("consent-hit-before-choice", "none") in rules
    assert ("consent-hit-after-reject", "reject") in rules
    assert report["config"]["consent_matrix"]
    assert code == 1
