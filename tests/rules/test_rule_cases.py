"""One generic test runs every rule case file (see rule_casefiles.py for the format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rules.rule_casefiles import all_cases, run_case, unmatched

CASES = all_cases()


@pytest.mark.parametrize(("path", "case"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_case(path: Path, case: dict[str, Any]) -> None:
    findings = run_case(path, case)
    missing, extra = unmatched(case.get("findings") or [], findings)
    shown = "\n".join(f"  {f.url} [{f.severity}/{f.confidence}] {f.message}" for f in extra)
    assert not missing, f"expected but not found: {missing}\nfound:\n" + "\n".join(
        f"  {f.url} {f.message}" for f in findings
    )
    assert not extra, f"found but not expected:\n{shown}"
