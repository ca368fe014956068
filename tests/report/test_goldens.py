"""Reporter goldens: one fixed Report rendered into each format, whole output compared.

Every format of tagaudit.report.formats is compared here, as written to its file, with
golden/report<suffix>: a new format fails until its golden is written and reviewed.

Rewrite them after an intended change with TAGAUDIT_UPDATE_GOLDENS=1 and review the diff.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest
from rich.console import Console

from tagaudit.model import Report
from tagaudit.report import junit, terminal
from tagaudit.report.formats import FORMATS, ReportFormat
from tests.report.report_sample import GOLDEN, compare_golden


def _terminal(report: Report, **flags: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=110, color_system=None, force_terminal=False)
    terminal.render(report, console, **flags)
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=lambda fmt: fmt.name)
def test_every_format_matches_its_golden(fmt: ReportFormat, sample_report: Report) -> None:
    name, rendered = f"report{fmt.suffix}", fmt.text(sample_report)
    if fmt.name == "json":
        _compare_json(name, rendered)
    else:
        compare_golden(name, rendered)


def _compare_json(name: str, rendered: str) -> None:
    """Whole JSON compared; model fields added later with a null/empty default are tolerated
    (a backward-compatible schema addition must not break this golden)."""
    golden = (GOLDEN / name).read_text(encoding="utf-8")
    if os.environ.get("TAGAUDIT_UPDATE_GOLDENS") or rendered == golden:
        compare_golden(name, rendered)
        return
    assert _without_new_defaults(json.loads(rendered), json.loads(golden)) == json.loads(golden)


def _without_new_defaults(value: Any, golden: Any) -> Any:
    """`value` minus keys the golden lacks whose value is None / [] / {} (recursively)."""
    if isinstance(value, dict) and isinstance(golden, dict):
        return {
            k: _without_new_defaults(v, golden.get(k))
            for k, v in value.items()
            if k in golden or v not in (None, [], {})
        }
    if isinstance(value, list) and isinstance(golden, list) and len(value) == len(golden):
        return [_without_new_defaults(v, g) for v, g in zip(value, golden, strict=True)]
    return value


def test_junit_fail_on_warning(sample_report: Report) -> None:
    compare_golden(
        "report.fail-on-warning.junit.xml", junit.render(sample_report, fail_on="warning")
    )


def test_terminal(sample_report: Report) -> None:
    compare_golden("terminal.txt", _terminal(sample_report))


def test_terminal_verbose(sample_report: Report) -> None:
    compare_golden("terminal-verbose.txt", _terminal(sample_report, verbose=True))


def test_terminal_quiet(sample_report: Report) -> None:
    assert _terminal(sample_report, quiet=True) == (
        "tagaudit: 6 errors, 1 warning, 0 info (1 suppressed) — failed (--fail-on error)\n"
    )
